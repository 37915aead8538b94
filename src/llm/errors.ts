/**
 * User-facing errors, rendered in the error JSON of the API the client called, so its official SDK
 * raises its usual error class (BadRequestError, AuthenticationError...) with a readable message.
 *
 * Every error carries a stable snake_case `code`, recoverable by clients of every family:
 * - all families: the `x-llmgw-error-code` response header;
 * - OpenAI: `error.code` (the SDK exposes it as `err.code`);
 * - Anthropic: `error.details.error_code`, the field the Anthropic SDK reads into `err.errorCode`
 *   (Anthropic's envelope has no `code`; `details.error_code` is where Anthropic itself puts one, and
 *   none of ours collides with the codes the SDK maps to special classes);
 * - Gemini: a `google.rpc.ErrorInfo` entry in `error.details` with `reason` (UPPER_SNAKE, as Google
 *   APIs spell reasons), `domain: "llm-gateway"` and `metadata.code` (our exact code). The
 *   @google/genai SDK puts the whole JSON body into `ApiError.message`.
 *
 * Messages never echo secrets or large input: anything derived from the request goes through
 * `quoteValue()`, and `renderError` caps and cleans every message again.
 */
import type { ApiFamily } from './apis';

export const ERROR_CODES = [
  'invalid_json',
  'invalid_request',
  'missing_model',
  'body_too_large',
  'unsupported_media_type',
  'method_not_allowed',
  'unknown_path',
  'unsupported_stream_format',
  'missing_api_key',
  'invalid_api_key',
  'permission_denied',
  'model_not_allowed',
  'model_not_found',
  'no_model_fits',
  'policy_violation',
  'content_blocked',
  'prompt_injection_detected',
  'pii_detected',
  'output_blocked',
  'detector_unavailable',
  'policy_denied',
  'policy_unavailable',
  'budget_exceeded',
  'budget_unavailable',
  'rate_limited',
  'upstream_error',
  'upstream_unavailable',
  'upstream_timeout',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
  /** The request field at fault, as `messages[0].content` (OpenAI's `param`). */
  readonly param?: string;
  /** Extra response headers the error needs (`allow` for 405, `retry-after` for 429). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
}

export interface RenderedError {
  readonly status: number;
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
}

export const ERROR_CODE_HEADER = 'x-llmgw-error-code';
export const MAX_ERROR_MESSAGE_LENGTH = 512;

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}

export function apiError(
  status: number,
  code: ErrorCode,
  message: string,
  extra: { readonly param?: string; readonly headers?: ReadonlyArray<readonly [string, string]> } = {},
): ApiError {
  return {
    status,
    code,
    message: cleanMessage(message),
    ...(extra.param === undefined ? {} : { param: cleanMessage(extra.param, 200) }),
    ...(extra.headers === undefined ? {} : { headers: extra.headers }),
  };
}

// ---- Constructors for the errors this folder and the pipeline raise most. ----

export function invalidJson(detail: string): ApiError {
  return apiError(400, 'invalid_json', `The request body is not valid JSON: ${detail}.`);
}

export function invalidRequest(message: string, param?: string): ApiError {
  return apiError(400, 'invalid_request', message, param === undefined ? {} : { param });
}

export function missingModel(): ApiError {
  return apiError(400, 'missing_model', 'The request must name a model in `model`.', { param: 'model' });
}

export function bodyTooLarge(size: number, limit: number): ApiError {
  return apiError(413, 'body_too_large', `The request body is ${size} bytes; the limit is ${limit} bytes.`);
}

export function unsupportedMediaType(contentType: string | undefined): ApiError {
  const got = contentType === undefined || contentType.length === 0 ? 'no content-type' : `content-type ${quoteValue(contentType, 60)}`;
  return apiError(415, 'unsupported_media_type', `Expected content-type application/json (UTF-8); got ${got}.`);
}

export function methodNotAllowed(method: string, allowed: readonly string[]): ApiError {
  return apiError(405, 'method_not_allowed', `Method ${quoteValue(method, 20)} is not allowed on this path; use ${allowed.join(' or ')}.`, {
    headers: [['allow', allowed.join(', ')]],
  });
}

export function unknownPath(path: string): ApiError {
  return apiError(404, 'unknown_path', `No API at ${quoteValue(path, 100)}.`);
}

export function missingApiKey(): ApiError {
  return apiError(401, 'missing_api_key', 'No API key was provided.');
}

export function invalidApiKey(): ApiError {
  // Never says which part was wrong or echoes the key.
  return apiError(401, 'invalid_api_key', 'The API key is not valid.');
}

export function modelNotAllowed(model: string): ApiError {
  return apiError(403, 'model_not_allowed', `Model ${quoteValue(model, 100)} is not allowed for this tenant.`, { param: 'model' });
}

export function rateLimited(message: string, retryAfterSeconds?: number): ApiError {
  return apiError(429, 'rate_limited', message, retryAfterSeconds === undefined ? {} : { headers: [['retry-after', String(Math.max(0, Math.ceil(retryAfterSeconds)))]] });
}

export function internalError(): ApiError {
  // Internal details are logged with the request id by the caller, never rendered.
  return apiError(500, 'internal_error', 'The gateway failed to process the request.');
}

// ---- Rendering ----

export interface RenderOptions {
  /** Echoed in Anthropic's `request_id` field, which its SDK surfaces. */
  readonly requestId?: string;
}

export function renderError(family: ApiFamily, error: ApiError, options: RenderOptions = {}): RenderedError {
  const message = cleanMessage(error.message);
  let body: unknown;
  switch (family) {
    case 'openai':
      body = { error: { message, type: openAiType(error.status), param: error.param ?? null, code: error.code } };
      break;
    case 'anthropic':
      body = {
        type: 'error',
        error: { type: anthropicType(error.status), message, details: { error_code: error.code, ...(error.param === undefined ? {} : { param: error.param }) } },
        request_id: options.requestId ?? null,
      };
      break;
    case 'gemini':
      body = {
        error: {
          code: error.status,
          message,
          status: googleStatus(error.status),
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: error.code.toUpperCase(),
              domain: 'llm-gateway',
              metadata: { code: error.code, ...(error.param === undefined ? {} : { param: error.param }) },
            },
          ],
        },
      };
      break;
  }
  const headers: Array<[string, string]> = [
    ['content-type', 'application/json'],
    [ERROR_CODE_HEADER, error.code],
  ];
  for (const [name, value] of error.headers ?? []) headers.push([name.toLowerCase(), value]);
  return { status: error.status, headers, body: Buffer.from(JSON.stringify(body)) };
}

/** OpenAI `error.type` by HTTP status. */
export function openAiType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** Anthropic `error.type` by HTTP status, as in Anthropic's error documentation. */
export function anthropicType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** google.rpc.Code name by HTTP status (the mapping in google/rpc/code.proto). */
export function googleStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : status === 412 ? 'FAILED_PRECONDITION' : 'INVALID_ARGUMENT';
  }
}

// ---- Keeping request data out of messages ----

/**
 * Quotes a request-derived value for a message: secret-looking tokens are replaced, control
 * characters dropped, and the result truncated to `maxLength` characters.
 */
export function quoteValue(value: string, maxLength = 64): string {
  const cleaned = redactSecrets(stripControl(value));
  const short = cleaned.length > maxLength ? `${cleaned.slice(0, maxLength)}…` : cleaned;
  return `'${short}'`;
}

function cleanMessage(message: string, maxLength = MAX_ERROR_MESSAGE_LENGTH): string {
  const cleaned = redactSecrets(stripControl(message));
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength)}…` : cleaned;
}

function stripControl(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029 ? ' ' : ch;
  }
  return out;
}

/*
 * Each pattern is a literal prefix followed by a single character class with a bounded or simple
 * quantifier: no nested or overlapping quantifiers, so matching stays linear.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, // OpenAI/Anthropic-style keys (sk-..., sk-ant-...)
  /\bAIza[A-Za-z0-9_-]{20,}/g, // Google API keys
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /[A-Za-z0-9+/=_-]{40,}/g, // long opaque tokens or base64
];

/**
 * JWTs (three base64url parts joined by dots): found as one run of token characters, then checked by
 * shape. A single regex for the three parts backtracks polynomially on runs of `eyJ` fragments.
 */
const DOTTED_TOKEN = /[A-Za-z0-9._-]{23,}/g;

function isJwt(token: string): boolean {
  if (!token.startsWith('eyJ')) return false;
  const parts = token.split('.');
  return parts.length >= 3 && (parts[0]?.length ?? 0) >= 13 && (parts[1]?.length ?? 0) >= 10;
}

function redactSecrets(text: string): string {
  let out = text.replace(DOTTED_TOKEN, (token) => (isJwt(token) ? '[redacted]' : token));
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '[redacted]');
  return out;
}
