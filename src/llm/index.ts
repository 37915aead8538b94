/**
 * LLM API formats: which API a request is for, one canonical view of requests and responses across
 * OpenAI, Anthropic and Gemini, errors in each API's own shape, and SSE. Pure: no I/O, no transport.
 */
export { matchApi, familyOf, hasRequestBody, isParseableApi, isModelName, geminiPath, checkRequestContentType, PARSEABLE_APIS } from './apis';
export type { ApiFamily, ApiId, ParseableApiId, ApiMatch, ApiMatched, ApiRejected, HeaderHints } from './apis';

export type {
  CanonicalRequest,
  TextSegment,
  SegmentRole,
  SegmentChannel,
  TextEncoding,
  MediaRef,
  MediaModality,
  MediaSource,
  ToolRef,
  ResponseFormat,
  UnknownContent,
} from './canonical';

export { parseRequest, parseJson, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_JSON_DEPTH } from './request/parse';
export type { ParseRequestOptions, ParseRequestResult } from './request/parse';
export { rewriteSegments, rewriteRequest, maxOutputTokensPointers, RewriteError } from './request/rewrite';
export type { RequestEdits } from './request/rewrite';

export {
  renderError,
  apiError,
  invalidJson,
  invalidRequest,
  missingModel,
  bodyTooLarge,
  unsupportedMediaType,
  methodNotAllowed,
  unknownPath,
  missingApiKey,
  invalidApiKey,
  modelNotAllowed,
  rateLimited,
  internalError,
  quoteValue,
  isErrorCode,
  openAiType,
  anthropicType,
  googleStatus,
  ERROR_CODES,
  ERROR_CODE_HEADER,
} from './errors';
export type { ApiError, ErrorCode, RenderedError, RenderOptions } from './errors';

export { parseResponse, createStreamDecoder, decodeSseBody, rewriteResponse, rewriteSseEvent } from './response/index';
export type { StreamingApiId, ResponseEdits, StreamTextEdit } from './response/index';
export type { CanonicalResponse, ResponseText, ResponseTextKind, ResponseToolCall, FinishReason, TokenUsage, StreamEvent, StreamDecoder, DecodedSseEvent, ParseResponseResult } from './response/types';

export { SseParser, formatSseEvent, formatSseComment, DEFAULT_MAX_SSE_EVENT_BYTES } from './sse';
export type { SseEvent, SseError, SseParseResult, SseEndResult, SseParserOptions } from './sse';

export type { JsonValue, JsonObject, JsonArray, JsonPointer } from './json';
export { getAt, formatPointer } from './json';
