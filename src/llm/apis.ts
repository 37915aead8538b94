/**
 * The API catalogue: which LLM API a request is for, from its method and path (plus, only where a
 * path is shared by two families, a header hint).
 *
 * Gemini streaming: `:streamGenerateContent` without `?alt=sse` answers with one JSON array that only
 * ends with the stream. We reject it (400, `unsupported_stream_format`) instead of supporting it:
 * the official @google/genai SDK always adds `alt=sse` (it sets the parameter in `requestStream`
 * whatever the caller passed), and the output guards work on SSE events; holding back a JSON array
 * until it closes would defeat streaming anyway.
 */
import { apiError, methodNotAllowed, unknownPath, unsupportedMediaType, type ApiError } from './errors';

export type ApiFamily = 'openai' | 'anthropic' | 'gemini';

export type ApiId =
  | 'openai.chat_completions'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'openai.models.list'
  | 'openai.models.retrieve'
  | 'anthropic.messages'
  | 'anthropic.count_tokens'
  | 'anthropic.models.list'
  | 'anthropic.models.retrieve'
  | 'gemini.generate_content'
  | 'gemini.stream_generate_content'
  | 'gemini.count_tokens'
  | 'gemini.models.list'
  | 'gemini.models.get';

/** The APIs whose request bodies `parseRequest` understands. */
export type ParseableApiId =
  | 'openai.chat_completions'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'anthropic.messages'
  | 'gemini.generate_content'
  | 'gemini.stream_generate_content';

export const PARSEABLE_APIS: readonly ParseableApiId[] = [
  'openai.chat_completions',
  'openai.responses',
  'openai.embeddings',
  'anthropic.messages',
  'gemini.generate_content',
  'gemini.stream_generate_content',
];

export function isParseableApi(api: ApiId): api is ParseableApiId {
  return (PARSEABLE_APIS as readonly string[]).includes(api);
}

export function familyOf(api: ApiId): ApiFamily {
  return api.slice(0, api.indexOf('.')) as ApiFamily;
}

/** True for the APIs clients call with a JSON body (POST). */
export function hasRequestBody(api: ApiId): boolean {
  return !api.includes('.models.');
}

export interface ApiMatched {
  readonly kind: 'matched';
  readonly api: ApiId;
  readonly family: ApiFamily;
  readonly method: 'GET' | 'POST';
  /** Gemini: the model named in the path. Models retrieve: the model id. */
  readonly model?: string;
  /** Gemini: streaming is chosen by the path (`:streamGenerateContent`), not the body. */
  readonly stream?: boolean;
}

export interface ApiRejected {
  /**
   * `method_not_allowed`: a known path with the wrong method (405, with an `allow` header).
   * `invalid`: a known endpoint used in a form we do not support (400).
   * `unknown`: no API here (404).
   */
  readonly kind: 'method_not_allowed' | 'invalid' | 'unknown';
  /** Best guess of the family, so the error is rendered in the shape the client's SDK reads. */
  readonly family: ApiFamily;
  readonly api?: ApiId;
  readonly error: ApiError;
}

export type ApiMatch = ApiMatched | ApiRejected;

/** Lower-case header names to values, as the pipeline's HeaderMap. Only hints are read. */
export type HeaderHints = ReadonlyMap<string, string>;

const GEMINI_VERSIONS = ['v1beta', 'v1'];
/** A Map, not an object literal: the action comes from the client and must not find `constructor`. */
const GEMINI_ACTIONS: ReadonlyMap<string, ApiId> = new Map<string, ApiId>([
  ['generateContent', 'gemini.generate_content'],
  ['streamGenerateContent', 'gemini.stream_generate_content'],
  ['countTokens', 'gemini.count_tokens'],
]);
const MODEL_NAME_MAX = 128;

export function matchApi(method: string, pathWithQuery: string, headers?: HeaderHints): ApiMatch {
  const queryStart = pathWithQuery.indexOf('?');
  const path = queryStart < 0 ? pathWithQuery : pathWithQuery.slice(0, queryStart);
  const query = new URLSearchParams(queryStart < 0 ? '' : pathWithQuery.slice(queryStart + 1));
  const segments = path.split('/');
  // A path must start with '/', and '//' or a trailing '/' is not one of ours.
  if (segments[0] !== '' || segments.slice(1).some((s) => s.length === 0)) return unknown(path, headers);
  const parts = segments.slice(1);

  if (parts[0] === 'v1beta' || (parts[0] === 'v1' && isGeminiHint(parts, headers))) return matchGemini(method, path, parts, query);
  if (parts[0] !== 'v1') return unknown(path, headers);

  const rest = parts.slice(1).join('/');
  switch (rest) {
    case 'chat/completions':
      return post(method, 'openai.chat_completions');
    case 'responses':
      return post(method, 'openai.responses');
    case 'embeddings':
      return post(method, 'openai.embeddings');
    case 'messages':
      return post(method, 'anthropic.messages');
    case 'messages/count_tokens':
      return post(method, 'anthropic.count_tokens');
    case 'models':
      return get(method, isAnthropic(headers) ? 'anthropic.models.list' : 'openai.models.list');
  }
  if (parts.length === 3 && parts[1] === 'models') {
    const id = decodeSegment(parts[2] as string);
    if (id === undefined) return invalid(isAnthropic(headers) ? 'anthropic' : 'openai', 'The model id in the path is not valid.');
    const api: ApiId = isAnthropic(headers) ? 'anthropic.models.retrieve' : 'openai.models.retrieve';
    const matched = get(method, api);
    return matched.kind === 'matched' ? { ...matched, model: id } : matched;
  }
  return unknown(path, headers);
}

function matchGemini(method: string, path: string, parts: readonly string[], query: URLSearchParams): ApiMatch {
  if (!GEMINI_VERSIONS.includes(parts[0] as string) || parts[1] !== 'models') return unknown(path, undefined, 'gemini');
  if (parts.length === 2) return get(method, 'gemini.models.list');
  if (parts.length !== 3) return unknown(path, undefined, 'gemini');
  const last = parts[2] as string;
  const colon = last.lastIndexOf(':');
  if (colon < 0) {
    const id = decodeSegment(last);
    if (id === undefined) return invalid('gemini', 'The model name in the path is not valid.');
    const matched = get(method, 'gemini.models.get');
    return matched.kind === 'matched' ? { ...matched, model: id } : matched;
  }
  const api = GEMINI_ACTIONS.get(last.slice(colon + 1));
  if (api === undefined) return unknown(path, undefined, 'gemini');
  const model = decodeSegment(last.slice(0, colon));
  if (model === undefined || !isModelName(model)) return invalid('gemini', 'The model name in the path is not valid.', api);
  const matched = post(method, api);
  if (matched.kind !== 'matched') return matched;
  if (api === 'gemini.stream_generate_content' && query.get('alt') !== 'sse') {
    return {
      kind: 'invalid',
      family: 'gemini',
      api,
      error: apiError(400, 'unsupported_stream_format', 'streamGenerateContent is supported only as server-sent events: add ?alt=sse to the URL (the official SDKs do).', { param: 'alt' }),
    };
  }
  return { ...matched, model, stream: api === 'gemini.stream_generate_content' };
}

/** Path to call Gemini for `model` (after routing picked another model), keeping the query string. */
export function geminiPath(version: 'v1beta' | 'v1', model: string, api: 'gemini.generate_content' | 'gemini.stream_generate_content' | 'gemini.count_tokens', query = ''): string {
  const action = api === 'gemini.generate_content' ? 'generateContent' : api === 'gemini.stream_generate_content' ? 'streamGenerateContent' : 'countTokens';
  const suffix = query.length === 0 ? '' : query.startsWith('?') ? query : `?${query}`;
  return `/${version}/models/${encodeURIComponent(model)}:${action}${suffix}`;
}

/**
 * The content-type check for API requests with a body: JSON, and UTF-8 when a charset is named.
 * Returns the 415 error, or undefined when the type is acceptable.
 */
export function checkRequestContentType(contentType: string | undefined): ApiError | undefined {
  if (contentType === undefined) return unsupportedMediaType(undefined);
  const [essence, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  if (essence !== 'application/json') return unsupportedMediaType(contentType);
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const name = param.slice(0, eq).trim();
    const value = param.slice(eq + 1).trim().replace(/^"|"$/g, '');
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') return unsupportedMediaType(contentType);
  }
  return undefined;
}

/** Conservative model-name alphabet (letters, digits, `-`, `.`, `_`): what provider model ids use, nothing that changes a URL's meaning. */
export function isModelName(model: string): boolean {
  if (model.length === 0 || model.length > MODEL_NAME_MAX) return false;
  for (let i = 0; i < model.length; i++) {
    const c = model.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

function post(method: string, api: ApiId): ApiMatch {
  const family = familyOf(api);
  if (method !== 'POST') return { kind: 'method_not_allowed', family, api, error: methodNotAllowed(method, ['POST']) };
  return { kind: 'matched', api, family, method: 'POST' };
}

function get(method: string, api: ApiId): ApiMatch {
  const family = familyOf(api);
  if (method !== 'GET') return { kind: 'method_not_allowed', family, api, error: methodNotAllowed(method, ['GET']) };
  return { kind: 'matched', api, family, method: 'GET' };
}

function unknown(path: string, headers: HeaderHints | undefined, family?: ApiFamily): ApiRejected {
  return { kind: 'unknown', family: family ?? guessFamily(path, headers), error: unknownPath(path) };
}

function invalid(family: ApiFamily, message: string, api?: ApiId): ApiRejected {
  return { kind: 'invalid', family, ...(api === undefined ? {} : { api }), error: apiError(400, 'invalid_request', message) };
}

function guessFamily(path: string, headers: HeaderHints | undefined): ApiFamily {
  if (path.startsWith('/v1beta/') || headers?.has('x-goog-api-key')) return 'gemini';
  if (isAnthropic(headers)) return 'anthropic';
  return 'openai';
}

/** The Anthropic SDK always sends `anthropic-version`; OpenAI's never does. */
function isAnthropic(headers: HeaderHints | undefined): boolean {
  return headers?.has('anthropic-version') === true;
}

/** `/v1/models/{m}:generateContent` is Gemini's v1 API; plain `/v1/models[/{id}]` is Gemini only with Google's key header. */
function isGeminiHint(parts: readonly string[], headers: HeaderHints | undefined): boolean {
  if (parts[1] !== 'models') return false;
  if (parts.length === 3 && (parts[2] as string).includes(':')) {
    const action = (parts[2] as string).slice((parts[2] as string).lastIndexOf(':') + 1);
    if (GEMINI_ACTIONS.has(action)) return true;
  }
  return headers?.has('x-goog-api-key') === true;
}

function decodeSegment(segment: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  if (decoded.length === 0 || decoded.includes('/') || decoded.includes('\u0000')) return undefined;
  return decoded;
}
