/**
 * parseRequest: size limit, UTF-8, JSON syntax, nesting depth, the API's schema, then the canonical
 * view. Each step fails with a user-facing ApiError in our stable vocabulary.
 */
import type { z } from 'zod';
import { familyOf, type ParseableApiId } from '../apis';
import type { CanonicalRequest } from '../canonical';
import { apiError, bodyTooLarge, invalidJson, invalidRequest, missingModel, type ApiError } from '../errors';
import { isJsonObject, nestingExceeds, type JsonValue } from '../json';
import { locateJsonSyntaxError } from '../json-syntax';
import { messagesSchema } from '../schemas/anthropic-messages';
import { validateBody } from '../schemas/common';
import { generateContentSchema } from '../schemas/gemini-generate';
import { chatCompletionsSchema } from '../schemas/openai-chat';
import { embeddingsSchema } from '../schemas/openai-embeddings';
import { responsesSchema } from '../schemas/openai-responses';
import { extractMessages } from './anthropic-messages';
import { RequestCollector } from './collector';
import { extractGenerateContent } from './gemini-generate';
import { extractChatCompletions } from './openai-chat';
import { extractEmbeddings } from './openai-embeddings';
import { extractResponses } from './openai-responses';
import type { RequestExtractor } from './types';

/** Envoy's shipped request buffer limit. */
export const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
/** Far deeper than any real request (JSON schemas in tools nest maybe 20 levels), far shallower than a stack overflow. */
export const DEFAULT_MAX_JSON_DEPTH = 128;

export interface ParseRequestOptions {
  /** Larger bodies fail with 413 `body_too_large`. Default 32 MiB. */
  readonly maxBytes?: number;
  readonly maxDepth?: number;
  /** Gemini: the model named in the path (from `matchApi`). Required for Gemini. */
  readonly pathModel?: string;
  /** Gemini: true for `:streamGenerateContent`. */
  readonly pathStream?: boolean;
}

export type ParseRequestResult = { readonly ok: true; readonly request: CanonicalRequest } | { readonly ok: false; readonly error: ApiError };

interface ApiParser {
  readonly schema: z.ZodType;
  readonly extract: RequestExtractor;
}

const PARSERS: Readonly<Record<ParseableApiId, ApiParser>> = {
  'openai.chat_completions': { schema: chatCompletionsSchema, extract: extractChatCompletions },
  'openai.responses': { schema: responsesSchema, extract: extractResponses },
  'openai.embeddings': { schema: embeddingsSchema, extract: extractEmbeddings },
  'anthropic.messages': { schema: messagesSchema, extract: extractMessages },
  'gemini.generate_content': { schema: generateContentSchema, extract: extractGenerateContent },
  'gemini.stream_generate_content': { schema: generateContentSchema, extract: extractGenerateContent },
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function parseRequest(api: ParseableApiId, body: Buffer, options: ParseRequestOptions = {}): ParseRequestResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  if (body.length > maxBytes) return fail(bodyTooLarge(body.length, maxBytes));

  const parsed = parseJson(body);
  if (!parsed.ok) return fail(invalidJson(parsed.problem));
  const json = parsed.value;
  if (!isJsonObject(json)) return fail(invalidRequest('The request body must be a JSON object.'));
  if (nestingExceeds(json, options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH)) {
    return fail(invalidRequest(`The request body nests deeper than ${options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH} levels.`));
  }

  const parser = PARSERS[api];
  const invalid = validateBody(parser.schema, json);
  if (invalid) return fail(invalid);

  const collect = new RequestCollector();
  const path = {
    ...(options.pathModel === undefined ? {} : { model: options.pathModel }),
    ...(options.pathStream === undefined ? {} : { stream: options.pathStream }),
  };
  const facts = parser.extract(json, collect, path);
  if (facts.model.length === 0) {
    return fail(familyOf(api) === 'gemini' ? apiError(400, 'missing_model', 'The URL must name a model: /v1beta/models/{model}:generateContent.') : missingModel());
  }

  return {
    ok: true,
    request: {
      api,
      family: familyOf(api),
      ...facts,
      segments: collect.segments,
      media: collect.media,
      tokenInputCount: collect.tokenInputCount,
      unknownContent: collect.unknownContent,
      body: json,
      raw: body,
    },
  };
}

/**
 * Strict UTF-8 (a body that is not would be read differently by us and the provider), no BOM
 * (JSON.parse rejects it, and so do providers), then JSON with a position on failure.
 */
export function parseJson(body: Buffer): { ok: true; value: JsonValue } | { ok: false; problem: string } {
  if (body.length === 0) return { ok: false, problem: 'the body is empty' };
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, problem: 'the body is not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    const where = locateJsonSyntaxError(text);
    if (!where) return { ok: false, problem: 'syntax error' };
    return { ok: false, problem: `${where.problem} at line ${where.line}, column ${where.column} (position ${where.position})` };
  }
}

function fail(error: ApiError): { ok: false; error: ApiError } {
  return { ok: false, error };
}
