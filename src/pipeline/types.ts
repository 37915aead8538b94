/**
 * The contract between the transport (src/extproc, which alone knows Envoy and gRPC) and the gateway's
 * pure decision logic. One Exchange per HTTP request; the session calls its hooks in protocol order and
 * maps each returned Decision back to the matching ext_proc response.
 */
import type { JsonObject } from '../extproc/struct';

/** Lower-case header names to values; pseudo-headers (`:path`, `:status`...) included. */
export type HeaderMap = ReadonlyMap<string, string>;

export interface RequestHeaders {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: HeaderMap;
  /** True when the request has no body (a GET, say). */
  readonly endOfStream: boolean;
}

export interface ResponseHeaders {
  readonly status: number;
  readonly headers: HeaderMap;
  readonly endOfStream: boolean;
}

/** What the proxy told us about the request beyond headers: attributes and forwarded metadata namespaces. */
export interface ExchangeContext {
  /** Request id from `x-request-id` when the proxy set one, otherwise generated. */
  readonly requestId: string;
  /** Attributes the proxy forwarded (`request.*`, `source.address`...), flattened to JSON. */
  readonly attributes: JsonObject;
  /** Metadata namespaces forwarded with the request (for example jwt_authn claims), as JSON. */
  readonly metadata: JsonObject;
}

/** How the proxy should deliver the response body to us. Decided at response-headers time. */
export type ResponseBodyMode = 'none' | 'buffered' | 'streamed';

export interface HeaderEdits {
  /** Headers to set (overwrite). Applied after removals. */
  readonly set?: ReadonlyArray<readonly [string, string]>;
  readonly remove?: readonly string[];
}

export type Decision =
  /** Let the message through unchanged. */
  | { readonly kind: 'continue'; readonly responseBodyMode?: ResponseBodyMode; readonly metadata?: JsonObject }
  /** Change headers and/or the body. `body` replaces the message's body (buffered) or chunk (streamed). */
  | {
      readonly kind: 'mutate';
      readonly headers?: HeaderEdits;
      readonly body?: Buffer;
      /** Re-select route and cluster after a header change (request path only). */
      readonly clearRouteCache?: boolean;
      readonly responseBodyMode?: ResponseBodyMode;
      readonly metadata?: JsonObject;
    }
  /**
   * Answer the client directly; nothing goes (further) upstream. `reject` is an error answer;
   * `respond` a successful one the gateway can give itself (the model list, later a cache hit).
   */
  | {
      readonly kind: 'reject' | 'respond';
      readonly status: number;
      readonly headers?: ReadonlyArray<readonly [string, string]>;
      readonly body: Buffer;
      readonly details: string;
      readonly metadata?: JsonObject;
    };

export type ExchangeEnd = 'completed' | 'rejected' | 'cancelled' | 'failed';

export interface Exchange {
  onRequestHeaders(headers: RequestHeaders): Promise<Decision> | Decision;
  /** The whole request body (BUFFERED mode). */
  onRequestBody(body: Buffer): Promise<Decision> | Decision;
  onResponseHeaders(headers: ResponseHeaders): Promise<Decision> | Decision;
  /**
   * One response body message: the whole body when buffered, one chunk when streamed. A returned
   * `body` replaces exactly this chunk; the proxy never splits or adds chunks.
   */
  onResponseBody(chunk: Buffer, endOfStream: boolean): Promise<Decision> | Decision;
  /** Called exactly once when the stream ends, however it ends. Must not throw. */
  onEnd(outcome: ExchangeEnd): void;
  /** Fields (tenant...) the transport adds to its own log lines about this request, once known. */
  logContext?(): JsonObject;
}

export interface Pipeline {
  newExchange(context: ExchangeContext): Exchange;
}
