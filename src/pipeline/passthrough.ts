import type { Decision, Exchange, ExchangeContext, Pipeline, ResponseHeaders } from './types';

const CONTINUE: Decision = { kind: 'continue' };

/**
 * Forwards everything unchanged. It still picks the response body mode as the real pipeline will
 * (streamed for SSE, buffered for JSON, none otherwise) and asks upstream for identity encoding,
 * so it exercises the full four-phase protocol.
 */
export class PassthroughPipeline implements Pipeline {
  newExchange(_context: ExchangeContext): Exchange {
    return {
      onRequestHeaders: () => ({ kind: 'mutate', headers: { set: [['accept-encoding', 'identity']] } }),
      onRequestBody: () => CONTINUE,
      onResponseHeaders: (headers: ResponseHeaders) => ({ kind: 'continue', responseBodyMode: responseBodyModeFor(headers) }),
      onResponseBody: () => CONTINUE,
      onEnd: () => undefined,
    };
  }
}

/** SSE is inspected chunk by chunk; JSON is inspected whole; anything else is not read at all. */
export function responseBodyModeFor(headers: ResponseHeaders): 'none' | 'buffered' | 'streamed' {
  if (headers.endOfStream) return 'none';
  const contentType = (headers.headers.get('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('text/event-stream')) return 'streamed';
  if (contentType.startsWith('application/json') || contentType.includes('+json')) return 'buffered';
  return 'none';
}
