/**
 * One ext_proc stream = one HTTP request (S1). The session answers every ProcessingRequest with the
 * response of the matching kind (S3), strictly in arrival order, by calling the pipeline's Exchange and
 * mapping its plain Decision back to Envoy's messages. No other module sees Envoy types.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  ProcessingRequestKind,
  ProtoCommonResponse,
  ProtoHttpHeaders,
  ProtoProcessingRequest,
  ProtoProcessingResponse,
  BodySendMode,
} from './envoy-types';
import { decodeHeaderMap, encodeHeaderEdits, headerOption } from './headers';
import { fromProtoStruct, toProtoStruct, type JsonObject } from './struct';
import type { Decision, Exchange, ExchangeEnd, Pipeline, ResponseBodyMode } from '../pipeline/types';
import type { SidecarMetrics } from '../telemetry/metrics';

/** Attributes arrive under this key on the first message of each direction (H3). */
const ATTRIBUTES_KEY = 'envoy.filters.http.ext_proc';

/** The sidecar writes dynamic metadata under this namespace; Envoy keeps it only if listed in receiving_namespaces (R7). */
export const METADATA_NAMESPACE = 'llmgw';

const BODY_MODE: Record<ResponseBodyMode, BodySendMode> = { none: 'NONE', buffered: 'BUFFERED', streamed: 'STREAMED' };

/** What the session needs from the gRPC call: write a response, end the stream, or fail it. */
export interface SessionTransport {
  send(response: ProtoProcessingResponse): void;
  /** Fails the stream with INTERNAL: Envoy then applies its failure mode (T3). */
  fail(message: string): void;
}

interface SessionDeps {
  readonly pipeline: Pipeline;
  readonly logger: Logger;
  readonly metrics: SidecarMetrics;
}

export class ExtProcSession {
  private exchange: Exchange | undefined;
  private requestId = '';
  private log: Logger;
  private queue: Promise<void> = Promise.resolve();
  /** Set once the response has reached its end of stream, or the request was answered locally. */
  private outcome: ExchangeEnd | undefined;
  private responseBodyStreamed = false;
  private responseHeadersSeen = false;
  private ended = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly transport: SessionTransport,
  ) {
    this.log = deps.logger;
  }

  /** Queues a message; messages are handled one at a time so responses keep Envoy's order (B3). */
  receive(message: ProtoProcessingRequest): void {
    this.queue = this.queue.then(() => this.handle(message));
  }

  /** Resolves once every message received so far has been answered. */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  /**
   * The stream is over. A half-close after the last response is the normal end; Envoy then resets the
   * stream, which surfaces as CANCELLED (S5) and is not an error.
   */
  close(how: 'half-closed' | 'cancelled' | 'errored'): void {
    if (this.ended) return;
    this.ended = true;
    // Decide after the queued messages are handled: the last one may be the response's end of stream.
    void this.queue.then(() => this.finish(this.outcome ?? (how === 'errored' ? 'failed' : 'cancelled')));
  }

  private finish(outcome: ExchangeEnd): void {
    this.deps.metrics.streamsEnded.inc({ outcome });
    try {
      this.exchange?.onEnd(outcome);
    } catch (error) {
      this.deps.metrics.internalErrors.inc({ stage: 'end' });
      this.log.error({ err: error, ...this.exchange?.logContext?.() }, 'exchange end hook failed');
    }
    this.log.debug({ outcome, ...this.exchange?.logContext?.() }, 'ext_proc stream ended');
  }

  private async handle(message: ProtoProcessingRequest): Promise<void> {
    const kind = message.request ?? inferKind(message);
    if (!kind) {
      this.failStream('ProcessingRequest without a request member');
      return;
    }
    const started = process.hrtime.bigint();
    this.deps.metrics.messages.inc({ kind });
    try {
      const response = await this.respond(kind, message);
      this.transport.send(response);
    } catch (error) {
      this.deps.metrics.internalErrors.inc({ stage: kind });
      this.log.error({ err: error, kind, ...this.exchange?.logContext?.() }, 'pipeline failed on ext_proc message');
      this.answerInternalError();
    } finally {
      this.deps.metrics.messageSeconds.observe({ kind }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async respond(kind: ProcessingRequestKind, message: ProtoProcessingRequest): Promise<ProtoProcessingResponse> {
    switch (kind) {
      case 'request_headers':
        return this.onRequestHeaders(message);
      case 'request_body': {
        const decision = await this.requireExchange().onRequestBody(message.request_body?.body ?? Buffer.alloc(0));
        return this.toResponse('request_body', decision, { bufferedBody: true });
      }
      case 'response_headers':
        return this.onResponseHeaders(message.response_headers);
      case 'response_body': {
        const body = message.response_body;
        const endOfStream = body?.end_of_stream === true;
        const decision = await this.requireExchange().onResponseBody(body?.body ?? Buffer.alloc(0), endOfStream);
        if (endOfStream && this.outcome === undefined) this.outcome = 'completed';
        return this.toResponse('response_body', decision, { bufferedBody: !this.responseBodyStreamed });
      }
      case 'request_trailers':
      case 'response_trailers':
        // The shipped config skips trailers; if a deployment sends them, answer so Envoy is not left waiting.
        return { response: kind, [kind]: {} };
    }
  }

  private async onRequestHeaders(message: ProtoProcessingRequest): Promise<ProtoProcessingResponse> {
    const headers = decodeHeaderMap(message.request_headers?.headers);
    const attributes = attributesOf(message);
    const requestIdAttribute = attributes['request.id'];
    this.requestId =
      (typeof requestIdAttribute === 'string' && requestIdAttribute) || headers.get('x-request-id') || randomUUID();
    this.log = this.deps.logger.child({ requestId: this.requestId });
    const metadata: JsonObject = {};
    for (const [namespace, struct] of Object.entries(message.metadata_context?.filter_metadata ?? {})) {
      metadata[namespace] = fromProtoStruct(struct);
    }
    this.exchange = this.deps.pipeline.newExchange({ requestId: this.requestId, attributes, metadata });
    const decision = await this.exchange.onRequestHeaders({
      method: headers.get(':method') ?? '',
      path: headers.get(':path') ?? '',
      authority: headers.get(':authority') ?? headers.get('host') ?? '',
      scheme: headers.get(':scheme') ?? '',
      headers,
      endOfStream: message.request_headers?.end_of_stream === true,
    });
    return this.toResponse('request_headers', decision, { bufferedBody: false });
  }

  private async onResponseHeaders(message: ProtoHttpHeaders | undefined): Promise<ProtoProcessingResponse> {
    const headers = decodeHeaderMap(message?.headers);
    const status = Number.parseInt(headers.get(':status') ?? '0', 10);
    this.responseHeadersSeen = true;
    const endOfStream = message?.end_of_stream === true;
    const decision = await this.requireExchange().onResponseHeaders({ status, headers, endOfStream });
    if (endOfStream && this.outcome === undefined) this.outcome = 'completed';
    return this.toResponse('response_headers', decision, { bufferedBody: false });
  }

  private toResponse(
    kind: 'request_headers' | 'request_body' | 'response_headers' | 'response_body',
    decision: Decision,
    options: { bufferedBody: boolean },
  ): ProtoProcessingResponse {
    if (decision.kind !== 'continue' && decision.kind !== 'mutate') {
      this.outcome = decision.kind === 'reject' ? 'rejected' : 'completed';
      return {
        response: 'immediate_response',
        immediate_response: {
          status: { code: decision.status },
          headers: encodeHeaderEdits({ set: decision.headers ?? [] }),
          body: decision.body,
          details: decision.details,
        },
        ...this.metadataField(decision.metadata),
      };
    }
    const common: ProtoCommonResponse = {};
    if (decision.kind === 'mutate') {
      // B5: a buffered body that changes length must carry a matching content-length, or Envoy fails
      // the request with 500. Streamed chunks have no content-length (Envoy removed it).
      const lengthHeader: [string, string][] =
        decision.body !== undefined && options.bufferedBody ? [['content-length', String(decision.body.length)]] : [];
      common.header_mutation = encodeHeaderEdits(decision.headers, lengthHeader);
      if (decision.body !== undefined) {
        common.body_mutation = decision.body.length === 0 && !options.bufferedBody ? { clear_body: true } : { body: decision.body };
      }
      // R4: clear_route_cache only works beside a header mutation and only on the request path.
      if (decision.clearRouteCache && common.header_mutation && kind.startsWith('request')) common.clear_route_cache = true;
    }
    const response: ProtoProcessingResponse = { response: kind, [kind]: { response: common }, ...this.metadataField(decision.metadata) };
    // R6: mode_override is only honoured on a headers response; it is how SSE becomes STREAMED.
    if (kind === 'response_headers' && decision.responseBodyMode) {
      this.responseBodyStreamed = decision.responseBodyMode === 'streamed';
      if (this.responseBodyStreamed) {
        // Envoy decides on Content-Length with the mode in force when the headers arrived (NONE), so an
        // upstream length survives the switch to STREAMED; a chunk the pipeline resizes would then make
        // the downstream length wrong. Remove it here, where header mutations still apply (B4, B5).
        const mutation = common.header_mutation ?? {};
        mutation.remove_headers = [...(mutation.remove_headers ?? []), 'content-length'];
        common.header_mutation = mutation;
      }
      response.mode_override = {
        request_header_mode: 'SEND',
        response_header_mode: 'SEND',
        request_body_mode: 'NONE',
        response_body_mode: BODY_MODE[decision.responseBodyMode],
        request_trailer_mode: 'SKIP',
        response_trailer_mode: 'SKIP',
      };
      if (decision.responseBodyMode === 'none' && this.outcome === undefined) this.outcome = 'completed';
    }
    return response;
  }

  private metadataField(metadata: JsonObject | undefined): Pick<ProtoProcessingResponse, 'dynamic_metadata'> {
    if (!metadata || Object.keys(metadata).length === 0) return {};
    return { dynamic_metadata: toProtoStruct({ [METADATA_NAMESPACE]: metadata }) };
  }

  /**
   * Fail closed without leaking internals: before the response has started, a generic 500 in the OpenAI
   * error shape (the API-specific shape is the pipeline's job, and the pipeline is what failed); after,
   * only failing the stream is left, which makes Envoy reset the client's stream (T3).
   */
  private answerInternalError(): void {
    this.outcome = 'failed';
    if (this.responseHeadersSeen) {
      this.failStream('internal error');
      return;
    }
    const body = Buffer.from(
      JSON.stringify({ error: { message: `Internal gateway error (request ${this.requestId}).`, type: 'api_error', code: 'internal_error' } }),
    );
    this.transport.send({
      response: 'immediate_response',
      immediate_response: {
        status: { code: 500 },
        headers: { set_headers: [headerOption('content-type', 'application/json')] },
        body,
        details: 'llmgw_internal_error',
      },
    });
  }

  private failStream(reason: string): void {
    this.outcome = this.outcome ?? 'failed';
    this.transport.fail(reason);
  }

  private requireExchange(): Exchange {
    if (!this.exchange) throw new Error('body or response message before request headers');
    return this.exchange;
  }
}

function inferKind(message: ProtoProcessingRequest): ProcessingRequestKind | undefined {
  const kinds: ProcessingRequestKind[] = [
    'request_headers',
    'request_body',
    'response_headers',
    'response_body',
    'request_trailers',
    'response_trailers',
  ];
  return kinds.find((kind) => message[kind] !== undefined);
}

function attributesOf(message: ProtoProcessingRequest): JsonObject {
  const struct = message.attributes?.[ATTRIBUTES_KEY];
  return struct ? fromProtoStruct(struct) : {};
}
