/**
 * Translation between the OpenAI chat completions, Anthropic messages and Gemini generateContent APIs,
 * for a model whose provider speaks another API than the client. Pure: no transport, no config.
 *
 * The whole interface:
 * - `translateRequest(request, providerFamily, { model, defaultMaxOutputTokens, body? })` ->
 *   `{ body, path, providerApi }`: the provider's body and path (prefix it with the provider's
 *   pathPrefix), and which API its response will be in. Throws `TranslationError` (render it as a 400
 *   in the client's API, `param` names the field) for what the provider's API cannot express.
 * - `createResponseTranslator({ from: providerApi, to: clientFamily, mode, status, model, includeUsage })`
 *   -> a ResponseTransform (push/end) for the response body: JSON responses, provider errors
 *   (status >= 400) and SSE streams, chunk by chunk.
 * - `isTranslatable(api)`: whether a client API can be translated at all.
 * Lower-level pieces (readRequest/writeRequest, translateResponseBody, translateErrorBody,
 * StreamTranslator) are exported for tests and benchmarks.
 */
export { translateRequest, readRequest, writeRequest, isTranslatable, providerPath, providerApiId, DEFAULT_ANTHROPIC_MAX_TOKENS } from './request';
export type { TranslatableApi, TranslateRequestOptions, TranslatedRequest } from './request';
export { createResponseTranslator } from './transform';
export type { ResponseTranslator, ResponseTranslatorOptions } from './transform';
export { translateResponseBody } from './response';
export type { TranslateResponseOptions } from './response';
export { translateErrorBody, providerErrorCode, providerErrorMessage, clientStatus } from './errors';
export { StreamTranslator, createStreamTranslator } from './stream';
export type { StreamTranslatorOptions } from './stream';
export { TranslationError } from './ir';
export type { IrRequest, IrMessage, IrPart, IrTool, IrToolChoice, IrResponseFormat } from './ir';
