/**
 * From a canonical request to cache keys: whether it may be cached at all, its exact key (scope, API,
 * served model and every body field that can change the answer) and, for the semantic cache, the last
 * user turn plus a digest of everything else (which must match exactly).
 */
import { createHash } from 'node:crypto';
import type { CanonicalRequest, TextSegment } from '../llm';
import { applyJsonEdits, type JsonEdit, type JsonObject, type JsonValue } from '../llm/json';
import type { TenantCachePolicy } from './config';
import { isCacheableApi, type CacheableApi } from './entry';

/** Body fields that do not change what the model answers (transport, bookkeeping, who is asking). */
const IGNORED_FIELDS = new Set(['model', 'stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention']);
/** Longer final turns are looked up exactly, never semantically. */
const MAX_QUESTION_CHARS = 2000;
/** Fields whose output the cache cannot replay. */
const UNREPLAYABLE_FIELDS = ['logprobs', 'top_logprobs', 'audio', 'modalities', 'prediction'];

export interface Caller {
  readonly tenant: string;
  readonly keyId?: string;
  readonly user?: string;
}

export interface CacheKeys {
  readonly api: CacheableApi;
  /** Identifies the scope inside the tenant: `tenant`, `user:<sub>` or `key:<id>` (hashed with the rest, never stored alone). */
  readonly scope: string;
  readonly exact: string;
  /** Present when the request can use the semantic cache (a final user turn of plain text). */
  readonly semantic?: { readonly question: string; readonly context: string };
}

export type KeyResult = { readonly ok: true; readonly keys: CacheKeys } | { readonly ok: false; readonly reason: string };

export function cacheKeys(request: CanonicalRequest, servedModel: string, caller: Caller, policy: TenantCachePolicy): KeyResult {
  if (!isCacheableApi(request.api)) return { ok: false, reason: 'api' };
  const api = request.api;
  if (request.temperature === undefined ? policy.unsetTemperature === 'skip' : request.temperature > policy.maxTemperature) return { ok: false, reason: 'temperature' };
  if ((request.n ?? 1) > 1) return { ok: false, reason: 'n' };
  if (request.tools.length > 0 && !policy.tools) return { ok: false, reason: 'tools' };
  if (UNREPLAYABLE_FIELDS.some((field) => request.body[field] !== undefined && request.body[field] !== false && request.body[field] !== null)) {
    return { ok: false, reason: 'unreplayable' };
  }
  const generation = request.body.generationConfig;
  if (typeof generation === 'object' && generation !== null && !Array.isArray(generation) && (generation.responseLogprobs === true || generation.candidateCount !== undefined && generation.candidateCount !== 1)) {
    return { ok: false, reason: 'unreplayable' };
  }
  const scope = scopeOf(policy.scope, caller);
  if (scope === undefined) return { ok: false, reason: 'scope' };
  const params = withoutIgnored(request.body);
  // Gemini streams through another endpoint with the same body: one answer serves both.
  const keyApi = api === 'gemini.stream_generate_content' ? 'gemini.generate_content' : api;
  const exact = digest({ v: 1, scope, api: keyApi, model: servedModel, body: params });
  return { ok: true, keys: { api, scope, exact, ...semanticParts(request, servedModel, scope) } };
}

/** `tenant`, or the user / key the scope names; undefined when the scope needs an identity the caller lacks. */
function scopeOf(scope: TenantCachePolicy['scope'], caller: Caller): string | undefined {
  switch (scope) {
    case 'tenant':
      return 'tenant';
    case 'user':
      return caller.user ? `user:${caller.user}` : undefined;
    case 'key':
      return caller.keyId ? `key:${caller.keyId}` : caller.user ? `user:${caller.user}` : undefined;
  }
}

/**
 * The question is the text of the final turn when that turn is the user's own plain text; the context
 * digest covers the body with that text blanked out (system prompt, earlier turns, parameters), so two
 * questions only compare when everything around them is identical.
 */
function semanticParts(request: CanonicalRequest, servedModel: string, scope: string): { semantic?: { question: string; context: string } } {
  if (request.media.length > 0 || request.unknownContent.length > 0) return {};
  const turns = request.segments.filter((segment) => segment.turn !== undefined).map((segment) => segment.turn as number);
  if (turns.length === 0) return {};
  const last = Math.max(...turns);
  const final = request.segments.filter((segment) => segment.turn === last);
  if (final.some((segment: TextSegment) => segment.role !== 'user' || segment.channel !== 'user' || segment.encoding !== 'string')) return {};
  const question = final.map((segment) => segment.text).join('\n').trim();
  // Questions get paraphrased; long prompts (a pasted document) only repeat exactly: exact cache only.
  if (question.length === 0 || question.length > MAX_QUESTION_CHARS) return {};
  const edits: JsonEdit[] = final.filter((segment) => segment.pointer.length > 0).map((segment) => ({ pointer: segment.pointer.slice(0), value: '' }));
  let blanked: JsonObject;
  try {
    blanked = applyJsonEdits(request.body, edits);
  } catch {
    return {};
  }
  const keyApi = request.api === 'gemini.stream_generate_content' ? 'gemini.generate_content' : request.api;
  return { semantic: { question, context: digest({ v: 1, scope, api: keyApi, model: servedModel, body: withoutIgnored(blanked) }) } };
}

function withoutIgnored(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) if (!IGNORED_FIELDS.has(key)) out[key] = value;
  return out;
}

/** SHA-256 of canonical JSON (object keys sorted), so key order in the client's body does not matter. */
export function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value as JsonValue)).digest('base64url');
}

function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
}
