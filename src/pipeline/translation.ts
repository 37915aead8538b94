/**
 * The exchange's glue to src/llm/translate: when the routed provider speaks another API than the
 * client, the request body and path are rewritten for the provider, and the response (JSON, error or
 * stream) is translated back. Kept apart so exchange.ts only calls it in a few lines.
 */
import type { RouteTarget } from '../route/router';
import { invalidRequest, type ApiError, type CanonicalRequest, type ParseableApiId } from '../llm';
import { clientStatus, createResponseTranslator, providerErrorCode, translateRequest, TranslationError, type ResponseTranslator } from '../llm/translate';

export interface RequestTranslation {
  /** The provider's response API: what the meter reads and the response translator translates from. */
  readonly providerApi: ParseableApiId;
  readonly body: Buffer;
  /** Headers to set upstream: the provider's path (with its prefix) and the body's content type. */
  readonly setHeaders: ReadonlyArray<readonly [string, string]>;
}

/**
 * Anthropic refuses requests without `anthropic-version`. Its own SDK always sends one; an OpenAI or
 * Gemini client never does, so a translated request gets this one unless the provider config sets it.
 */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export type TranslationOutcome = { readonly ok: true; readonly translation: RequestTranslation | undefined } | { readonly ok: false; readonly error: ApiError };

/** Undefined translation when the provider speaks the client's API; an error (400) when it cannot express the request. */
export function translateForProvider(request: CanonicalRequest, target: RouteTarget): TranslationOutcome {
  if (target.provider.api === request.family) return { ok: true, translation: undefined };
  try {
    const translated = translateRequest(request, target.provider.api, {
      model: target.model.upstreamModel,
      maxTokensField: target.provider.maxTokensField,
      ...(target.model.maxOutputTokens === undefined ? {} : { defaultMaxOutputTokens: target.model.maxOutputTokens }),
    });
    return {
      ok: true,
      translation: {
        providerApi: translated.providerApi,
        body: translated.body,
        setHeaders: [
          [':path', `${target.provider.pathPrefix}${translated.path}`],
          ['content-type', 'application/json'],
          ...(target.provider.api === 'anthropic' && !target.setHeaders.some(([name]) => name === 'anthropic-version') ? [['anthropic-version', DEFAULT_ANTHROPIC_VERSION] as const] : []),
        ],
      },
    };
  } catch (error) {
    if (error instanceof TranslationError) return { ok: false, error: invalidRequest(error.message, error.param) };
    throw error;
  }
}

export interface ResponseTranslation {
  /** The body mode to ask for: a translated error is read whole whatever its content type. */
  readonly mode: 'buffered' | 'streamed';
  readonly transform: ResponseTranslator;
  readonly setHeaders: ReadonlyArray<readonly [string, string]>;
}

/** The response side: first transform of the chain, and the headers that must match the translated body. */
export function translateResponse(
  request: CanonicalRequest,
  translation: RequestTranslation,
  status: number,
  mode: 'buffered' | 'streamed' | 'none',
  requestId: string,
): ResponseTranslation | undefined {
  const bodyMode = status >= 400 ? 'buffered' : mode;
  if (bodyMode === 'none') return undefined;
  const transform = createResponseTranslator({
    from: translation.providerApi,
    to: request.family,
    mode: bodyMode,
    status,
    model: request.model,
    includeUsage: request.includeUsage === true,
    requestId,
  });
  const setHeaders: Array<readonly [string, string]> = [['content-type', bodyMode === 'streamed' ? 'text/event-stream' : 'application/json']];
  if (status >= 400) setHeaders.push(['x-llmgw-error-code', providerErrorCode(status)]);
  const mapped = clientStatus(status, request.family);
  if (mapped !== status) setHeaders.push([':status', String(mapped)]);
  return { mode: bodyMode, transform, setHeaders };
}
