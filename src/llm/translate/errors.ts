/**
 * Provider error responses (status >= 400) -> the client API's error shape, so its SDK raises its usual
 * error class. The status is kept where the client's API has it (the SDKs choose the class from it;
 * see `clientStatus` for the two that differ); the provider's message is kept
 * (cleaned and capped by renderError) behind a prefix that says it came from the provider, and the
 * stable code says what kind of failure it was.
 */
import type { ApiFamily } from '../apis';
import { apiError, renderError, type ErrorCode } from '../errors';
import { getObject, getString, isJsonObject, type JsonObject } from '../json';
import { parseJson } from '../request/parse';

/** The stable code for a provider failure with this status. */
export function providerErrorCode(status: number): ErrorCode {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 413) return 'body_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'upstream_unavailable';
  if (status === 504) return 'upstream_timeout';
  return 'upstream_error';
}

/**
 * The status the client's API uses for the provider's: Anthropic's 529 (overloaded) is a 503 to the
 * others, and 422 (vLLM and other FastAPI servers on a bad request) a 400 to Anthropic and Gemini
 * clients, whose APIs do not have it.
 */
export function clientStatus(status: number, client: ApiFamily): number {
  if (status === 529 && client !== 'anthropic') return 503;
  if (status === 422 && client !== 'openai') return 400;
  return status;
}

/** The message inside any of the three providers' error envelopes. */
export function providerErrorMessage(body: Buffer): string | undefined {
  const parsed = parseJson(body);
  if (!parsed.ok || !isJsonObject(parsed.value)) return undefined;
  const error: JsonObject | undefined = getObject(parsed.value, 'error');
  return error ? getString(error, 'message') : undefined;
}

export interface TranslatedError {
  readonly body: Buffer;
  readonly code: ErrorCode;
}

export function translateErrorBody(status: number, body: Buffer, client: ApiFamily, options: { readonly requestId?: string } = {}): TranslatedError {
  const code = providerErrorCode(status);
  const message = providerErrorMessage(body);
  const rendered = renderError(
    client,
    apiError(clientStatus(status, client), code, message === undefined ? `The provider answered with HTTP ${status}.` : `The provider rejected the request: ${message}`),
    options.requestId === undefined ? {} : { requestId: options.requestId },
  );
  return { body: rendered.body, code };
}
