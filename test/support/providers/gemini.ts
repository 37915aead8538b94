/**
 * The Gemini-compatible mock (Generative Language API, v1beta and v1):
 * `POST /{v}/models/{model}:generateContent`, `:streamGenerateContent` (with `?alt=sse` an SSE stream of
 * GenerateContentResponse objects separated by CRLF like the real service, without it a JSON array) and
 * `:countTokens`. JSON bodies are pretty-printed, as Google's front end does. Streamed chunks each carry
 * cumulative usageMetadata, so a consumer must take the last one, not sum them.
 */
import { asArray, asNumber, asObject, asString, contentText } from './json';
import { defaultReplyText, estimateTokens, limitText, newId, pickToolCall, splitDeltas, type ToolSpec } from './text';
import type { FlavorHandler, Json, JsonObject, JsonReply, ProviderReply, ProviderRequest, SseEvent, UsageOverrides } from './types';
import { validateGenerateRequest } from './validate-gemini';

function statusName(code: number): string {
  const names: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ABORTED',
    429: 'RESOURCE_EXHAUSTED',
    499: 'CANCELLED',
    500: 'INTERNAL',
    501: 'NOT_IMPLEMENTED',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
  };
  return names[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

/** `{"error":{code,message,status[,details]}}`, the google.rpc.Status envelope; a retry hint becomes RetryInfo. */
export function geminiError(code: number, message: string, retryAfterSeconds?: number, details?: Json[]): JsonReply {
  const all: Json[] = [...(details ?? [])];
  if (retryAfterSeconds !== undefined) all.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` });
  return {
    kind: 'json',
    status: code,
    pretty: true,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }) },
    body: { error: { code, message, status: statusName(code), ...(all.length > 0 ? { details: all } : {}) } },
  };
}

function streamError(_sequence: number, message: string): SseEvent {
  return { data: JSON.stringify({ error: { code: 500, message, status: 'INTERNAL' } }) };
}

/** Gemini counts thoughts outside candidatesTokenCount but inside totalTokenCount; cached tokens are part of the prompt. */
export function geminiUsage(promptTokens: number, candidateTokens: number, o: UsageOverrides): JsonObject {
  const usage: JsonObject = {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidateTokens,
    totalTokenCount: promptTokens + candidateTokens + o.reasoning,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  };
  if (o.cached > 0) usage.cachedContentTokenCount = Math.min(o.cached, promptTokens);
  if (o.reasoning > 0) usage.thoughtsTokenCount = o.reasoning;
  return usage;
}

interface Parsed {
  readonly body: JsonObject;
  readonly promptTokens: number;
  readonly lastUserText: string;
  readonly tools: ToolSpec[];
  /** The last turn hands back function responses: the model answers in text then (no call loop). */
  readonly answeringResult: boolean;
}

function parse(req: ProviderRequest): Parsed | JsonReply {
  const body = asObject(req.json);
  if (!body) return geminiError(400, 'Invalid JSON payload received. Unexpected token.');
  const contents = asArray(body.contents).map(asObject).filter((c): c is JsonObject => c !== undefined);
  if (contents.length === 0) return geminiError(400, '* GenerateContentRequest.contents: contents is not specified\n');
  const invalid = validateGenerateRequest(body);
  if (invalid) return geminiError(400, `* GenerateContentRequest.${invalid.message}\n`);
  // A content without a role is the user's, as in single-turn requests.
  const lastUser = [...contents].reverse().find((c) => c.role === undefined || c.role === 'user');
  const system = asObject(body.systemInstruction ?? body.system_instruction);
  const promptText = [contentText(system?.parts), ...contents.map((c) => contentText(c.parts))].filter((t) => t.length > 0).join('\n');
  const mode = asString(asObject(asObject(body.toolConfig)?.functionCallingConfig)?.mode);
  const tools: ToolSpec[] = [];
  if (mode !== 'NONE') {
    for (const tool of asArray(body.tools)) {
      for (const decl of asArray(asObject(tool)?.functionDeclarations)) {
        const d = asObject(decl);
        const name = asString(d?.name);
        if (name !== undefined) tools.push({ name, parameters: asObject(d?.parameters) ?? asObject(d?.parametersJsonSchema) });
      }
    }
  }
  const lastParts = asArray(contents[contents.length - 1]?.parts);
  const answeringResult = lastParts.some((part) => asObject(part)?.functionResponse !== undefined || asObject(part)?.function_response !== undefined);
  return { body, promptTokens: estimateTokens(promptText), lastUserText: contentText(lastUser?.parts), tools, answeringResult };
}

function generate(req: ProviderRequest, model: string, stream: 'sse' | 'array' | 'none'): ProviderReply {
  const p = parse(req);
  if ('kind' in p) return p;
  const responseId = newId('', 22);
  const call = req.replyText === undefined && !p.answeringResult ? pickToolCall(p.tools, p.lastUserText) : undefined;
  const base = { modelVersion: model, responseId };
  const candidate = (parts: Json[], finishReason?: string, index?: number): JsonObject => ({
    content: { parts, role: 'model' },
    ...(finishReason === undefined ? {} : { finishReason }),
    ...(index === undefined ? {} : { index }),
  });

  let parts: Json[];
  let finishReason: string;
  let tokens: number;
  let pieces: Json[][];
  if (call) {
    parts = [{ functionCall: { name: call.name, args: call.args } }];
    finishReason = 'STOP';
    tokens = estimateTokens(call.name + JSON.stringify(call.args));
    pieces = [parts];
  } else {
    const maxTokens = asNumber(asObject(p.body.generationConfig)?.maxOutputTokens);
    const out = limitText(req.replyText ?? defaultReplyText('gemini', p.lastUserText), maxTokens);
    parts = [{ text: out.text }];
    finishReason = out.truncated ? 'MAX_TOKENS' : 'STOP';
    tokens = out.tokens;
    pieces = splitDeltas(out.text).map((text) => [{ text }]);
    if (pieces.length === 0) pieces = [[{ text: '' }]];
  }
  const usage = geminiUsage(p.promptTokens, tokens, req.usage);
  if (stream === 'none') {
    return { kind: 'json', status: 200, pretty: true, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: { candidates: [candidate(parts, finishReason, 0)], usageMetadata: usage, ...base } };
  }

  // Like the real service every chunk carries usageMetadata, cumulative so far: the last one is the call's total.
  let sent = '';
  const chunks: JsonObject[] = pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    sent += piece.map((part) => asString(asObject(part)?.text) ?? '').join('');
    const usageSoFar = last ? usage : geminiUsage(p.promptTokens, estimateTokens(sent), req.usage);
    return { candidates: [candidate(piece, last ? finishReason : undefined, 0)], usageMetadata: usageSoFar, ...base };
  });
  if (stream === 'array') return { kind: 'json', status: 200, pretty: true, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: chunks };
  return { kind: 'sse', status: 200, headers: { 'content-type': 'text/event-stream' }, events: chunks.map((c) => ({ data: JSON.stringify(c) })), errorEvent: streamError };
}

function countTokens(req: ProviderRequest): ProviderReply {
  // countTokens takes `contents` directly or wrapped in `generateContentRequest`.
  const wrapped = asObject(asObject(req.json)?.generateContentRequest);
  const p = parse(wrapped ? { ...req, json: wrapped } : req);
  if ('kind' in p) return p;
  return { kind: 'json', status: 200, pretty: true, body: { totalTokens: p.promptTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: p.promptTokens }] } };
}

const ROUTE = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

export const geminiHandler: FlavorHandler = {
  flavor: 'gemini',
  sseLineEnding: '\r\n',
  handle(req) {
    const m = ROUTE.exec(req.path);
    if (req.method !== 'POST' || !m) return geminiError(404, `Method not found: ${req.method} ${req.path}`);
    const model = decodeURIComponent(m[2]);
    if (m[3] === 'countTokens') return countTokens(req);
    if (m[3] === 'generateContent') return generate(req, model, 'none');
    return generate(req, model, req.query.get('alt') === 'sse' ? 'sse' : 'array');
  },
  error: (status, message, retryAfterSeconds) => geminiError(status, message, retryAfterSeconds),
  checkAuth: (req, apiKey) =>
    req.headers['x-goog-api-key'] === apiKey || req.query.get('key') === apiKey
      ? undefined
      : geminiError(400, 'API key not valid. Please pass a valid API key.', undefined, [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        ]),
};
