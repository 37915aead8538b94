/**
 * The OpenAI-compatible mock: routing, auth, embeddings and models. Chat completions and Responses live in
 * their own files.
 */
import { seededRandom, hashSeed } from './chunking';
import { asArray, asNumber, asString } from './json';
import { chatCompletions } from './openai-chat';
import { isReply, openaiError, openaiHeaders, requireBody, requireModel } from './openai-common';
import { responses } from './openai-responses';
import { estimateTokens } from './text';
import type { FlavorHandler, Json, ProviderReply, ProviderRequest } from './types';

export const OPENAI_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large'];

/** Default vector size when the request sets no `dimensions` (real models use 1536+; small keeps logs readable). */
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

/**
 * The deterministic embedding of a text: pseudo-random components seeded by the text, normalized to unit
 * length and rounded to float32, so the `float` and `base64` encodings decode to exactly the same numbers.
 */
export function mockEmbedding(text: string, dimensions: number): number[] {
  const rand = seededRandom(hashSeed(text));
  const raw = Array.from({ length: dimensions }, () => rand() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** Little-endian float32 bytes in base64: what the API returns for `encoding_format: "base64"`. */
export function embeddingToBase64(vector: readonly number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

/** Normalizes `input` (string, string[], token array, array of token arrays) to texts and token counts. */
function embeddingInputs(input: Json | undefined): Array<{ text: string; tokens: number }> | undefined {
  if (typeof input === 'string') return [{ text: input, tokens: estimateTokens(input) }];
  const items = asArray(input);
  if (items.length === 0) return undefined;
  if (items.every((i) => typeof i === 'number')) return [{ text: items.join(','), tokens: items.length }];
  const out: Array<{ text: string; tokens: number }> = [];
  for (const item of items) {
    if (typeof item === 'string') out.push({ text: item, tokens: estimateTokens(item) });
    else if (Array.isArray(item)) out.push({ text: item.join(','), tokens: item.length });
    else return undefined;
  }
  return out;
}

function embeddings(req: ProviderRequest): ProviderReply {
  const body = requireBody(req);
  if (isReply(body)) return body;
  const model = requireModel(body);
  if (isReply(model)) return model;
  const inputs = embeddingInputs(body.input);
  if (!inputs || inputs.some((i) => i.text.length === 0)) return openaiError(400, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", undefined, 'input');
  const dimensions = asNumber(body.dimensions) ?? DEFAULT_EMBEDDING_DIMENSIONS;
  // The openai SDK asks for base64 unless the caller chose a format, and decodes it back to floats.
  const base64 = asString(body.encoding_format) === 'base64';
  const data = inputs.map((input, index) => {
    const vector = mockEmbedding(input.text, dimensions);
    return { object: 'embedding', index, embedding: base64 ? embeddingToBase64(vector) : vector };
  });
  const promptTokens = inputs.reduce((s, i) => s + i.tokens, 0);
  return {
    kind: 'json',
    status: 200,
    headers: openaiHeaders(),
    body: { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } },
  };
}

function modelObject(id: string): Json {
  return { id, object: 'model', created: 1715367049, owned_by: 'system' };
}

export const openaiHandler: FlavorHandler = {
  flavor: 'openai',
  sseLineEnding: '\n',
  handle(req) {
    const route = `${req.method} ${req.path}`;
    if (route === 'POST /v1/chat/completions') return chatCompletions(req);
    if (route === 'POST /v1/responses') return responses(req);
    if (route === 'POST /v1/embeddings') return embeddings(req);
    if (route === 'GET /v1/models') return { kind: 'json', status: 200, headers: openaiHeaders(), body: { object: 'list', data: OPENAI_MODELS.map(modelObject) } };
    const model = /^\/v1\/models\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && model) return { kind: 'json', status: 200, headers: openaiHeaders(), body: modelObject(decodeURIComponent(model[1])) };
    return openaiError(404, `Invalid URL (${req.method} ${req.path})`);
  },
  error: (status, message, retryAfterSeconds) => openaiError(status, message, retryAfterSeconds),
  checkAuth: (req, apiKey) =>
    req.headers.authorization === `Bearer ${apiKey}`
      ? undefined
      : openaiError(401, 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.'),
};
