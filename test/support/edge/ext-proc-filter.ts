/**
 * The ext_proc HTTP filter for one request (Envoy's ext_proc Filter): opens the stream lazily (S1),
 * builds the messages (H1-H3), routes each response to the direction waiting for it (S3), applies
 * mode_override (R6), dynamic metadata (R7), timer extensions (R8), immediate responses (R5) and turns
 * stream errors, timeouts and bad responses into local replies or fail-open (T1-T4).
 */
import type * as grpc from '@grpc/grpc-js';
import type {
  ProcessingResponseKind,
  ProtoCommonResponse,
  ProtoHeaderMutation,
  ProtoImmediateResponse,
  ProtoProcessingRequest,
  ProtoProcessingResponse,
} from '../../../src/extproc/envoy-types';
import type { JsonObject } from '../../../src/extproc/struct';
import type { AttributeContext } from './attributes';
import type { EdgeConfig, ExtProcSettings } from './config-types';
import { type CallbackState, type DirectionContext, type DirectionSink, DirectionState, type HandleResult } from './direction';
import type { HeaderList } from './headers';
import { immediateResponseToLocalReply } from './immediate-response';
import type { LocalReplyRequest } from './local-reply';
import { MessageBuilder, requestKind } from './messages';
import { effectiveModeOverride, sameOverride } from './mode-override';
import { applyHeaderMutation, droppedMutationEvents } from './mutation-rules';
import type { ProcessorStream, StreamHandlers } from './processor-stream';
import type { BodyMutationRecord, Decider, EdgeRecord, Phase, ReceivedMessage, RuleId } from './record';
import { asWireStruct, fromWireValue } from './wire-struct';

/** What the filter needs from the exchange (Envoy's filter callbacks). */
export interface FilterHost {
  readonly config: EdgeConfig;
  readonly record: EdgeRecord;
  readonly bufferLimitBytes: number;
  readonly requestSink: DirectionSink;
  readonly responseSink: DirectionSink;
  elapsedMs(): number;
  attributeContext(): AttributeContext;
  /** The request's dynamic metadata (what jwt_authn and others set, plus R7 receipts). */
  dynamicMetadata(): Readonly<Record<string, JsonObject>>;
  setDynamicMetadata(namespace: string, value: JsonObject): void;
  openStream(handlers: StreamHandlers): ProcessorStream;
  /** S6: the deferred close after the request ended has happened. */
  deferredCloseDone(): void;
  sendLocalReply(reply: LocalReplyRequest): void;
  /** R4: forget the cached route; returns why it had no effect, if so. */
  clearRouteCache(): string | undefined;
}

const RESPONSE_KINDS: readonly ProcessingResponseKind[] = [
  'request_headers',
  'response_headers',
  'request_body',
  'response_body',
  'request_trailers',
  'response_trailers',
  'immediate_response',
];

export class ExtProcFilter implements DirectionContext {
  readonly decoding: DirectionState;
  readonly encoding: DirectionState;
  processingComplete = false;
  private stream: ProcessorStream | null = null;
  private deferredClose: NodeJS.Timeout | null = null;
  private readonly messages: MessageBuilder;

  constructor(private readonly host: FilterHost) {
    this.messages = new MessageBuilder({
      settings: host.config.extProc,
      attributeContext: () => host.attributeContext(),
      dynamicMetadata: () => host.dynamicMetadata(),
      attributesSent: (direction, values, missing) => {
        host.record.attributes[direction] = values;
        host.record.attributes.missing.push(...missing);
      },
    });
    this.decoding = new DirectionState('request', this, host.requestSink);
    this.encoding = new DirectionState('response', this, host.responseSink);
    this.decoding.setProcessingMode(this.settings.processing_mode);
    this.encoding.setProcessingMode(this.settings.processing_mode);
  }

  get settings(): ExtProcSettings {
    return this.host.config.extProc;
  }

  get bufferLimitBytes(): number {
    return this.host.bufferLimitBytes;
  }

  private get record(): EdgeRecord {
    return this.host.record;
  }

  event(what: string, rule?: RuleId): void {
    this.record.events.push({ atMs: this.host.elapsedMs(), rule, what });
  }

  // ---- filter chain callbacks -----------------------------------------------------------------

  decodeHeaders(headers: HeaderList, endStream: boolean): void {
    this.onHeadersCallback(this.decoding, headers, endStream);
  }

  encodeHeaders(headers: HeaderList, endStream: boolean): void {
    this.onHeadersCallback(this.encoding, headers, endStream);
  }

  decodeData(data: Buffer, endStream: boolean): void {
    this.onDataCallback(this.decoding, data, endStream);
  }

  encodeData(data: Buffer, endStream: boolean): void {
    this.onDataCallback(this.encoding, data, endStream);
  }

  private onHeadersCallback(state: DirectionState, headers: HeaderList, endStream: boolean): void {
    if (state.sendHeaders && this.settings.observability_mode) {
      // S6: send and move on; nothing waits for the processor.
      if (this.ensureStream()) this.send({ ...this.messages.headers(state, headers, endStream), observability_mode: true });
      state.passHeaders(headers, endStream);
      return;
    }
    if (endStream) state.completeBodyAvailable = true;
    let stopped = false;
    if (state.sendHeaders && !this.processingComplete && this.ensureStream()) {
      const request = this.messages.headers(state, headers, endStream);
      state.holdHeaders(headers, endStream);
      state.startCall('headers');
      this.send(request);
      stopped = true;
    }
    // B5: decided with the body mode in force now, after the headers message went out (as Envoy does).
    if (!this.processingComplete && state.shouldRemoveContentLength() && headers.remove('content-length') > 0) {
      this.event(`content-length removed from ${state.direction} headers (body mode ${state.bodyMode})`, 'B5');
    }
    if (!stopped) state.passHeaders(headers, endStream);
  }

  private onDataCallback(state: DirectionState, data: Buffer, endStream: boolean): void {
    if (state.abandoned) return;
    if (this.settings.observability_mode) {
      // S6: only STREAMED bodies are sent, as copies; the data goes on at once.
      if (state.bodyMode === 'STREAMED' && !this.processingComplete && this.ensureStream()) {
        this.send({ ...this.messages.body(state, data, endStream), observability_mode: true });
      }
      state.passData(data, endStream);
      return;
    }
    state.onData(data, endStream);
  }

  /** End of the HTTP exchange (Envoy's onDestroy): stop timers and close the stream (S5, S6). */
  onDestroy(): void {
    this.markComplete('request finished');
    this.decoding.stopTimer();
    this.encoding.stopTimer();
    if (this.settings.observability_mode && this.stream) {
      this.deferredClose = setTimeout(() => {
        this.deferredClose = null;
        this.closeStream('edge-deferred');
        this.host.deferredCloseDone();
      }, this.settings.deferred_close_timeout_ms);
      return;
    }
    this.closeStream('edge');
  }

  get hasDeferredClose(): boolean {
    return this.deferredClose !== null;
  }

  /** Edge shutdown: nothing may stay open. */
  forceClose(): void {
    if (this.deferredClose) clearTimeout(this.deferredClose);
    this.deferredClose = null;
    this.decoding.stopTimer();
    this.encoding.stopTimer();
    this.markComplete('edge closed');
    this.closeStream('edge');
  }

  // ---- messages to the processor --------------------------------------------------------------

  private ensureStream(): boolean {
    if (this.processingComplete) return false;
    if (!this.stream) {
      const handlers: StreamHandlers = {
        onMessage: (response) => this.onReceiveMessage(response),
        onRemoteClose: (status) => this.onRemoteClose(status),
      };
      this.stream = this.host.openStream(handlers);
      this.record.processor.streamsOpened++;
      this.event('gRPC stream opened for the first message', 'S1');
    }
    return true;
  }

  private send(request: ProtoProcessingRequest): void {
    this.record.processor.sent.push({ atMs: this.host.elapsedMs(), kind: requestKind(request), message: request });
    this.stream?.send(request);
  }

  /** DirectionContext: a body message that needs an answer (restarts the direction's timer, T1). */
  sendBody(state: DirectionState, data: Buffer, endStream: boolean, callback: CallbackState): boolean {
    if (!this.ensureStream()) return false;
    const request = this.messages.body(state, data, endStream);
    state.startCall(callback);
    if (callback === 'streamed_body') state.chunksSent++;
    this.send(request);
    return true;
  }

  // ---- messages from the processor ------------------------------------------------------------

  private onReceiveMessage(response: ProtoProcessingResponse): void {
    const kind = response.response ?? RESPONSE_KINDS.find((k) => response[k] !== undefined) ?? 'none';
    const entry: ReceivedMessage = { atMs: this.host.elapsedMs(), kind, message: response, handling: 'handled' };
    this.record.processor.received.push(entry);
    if (this.settings.observability_mode) {
      Object.assign(entry, { handling: 'ignored', note: 'S6: observability mode ignores responses' });
      return;
    }
    if (this.processingComplete) {
      Object.assign(entry, { handling: 'ignored', note: `processing already complete (${this.record.processor.completeReason})` });
      return;
    }
    if (response.override_message_timeout) {
      this.onNewTimeout(response.override_message_timeout);
      Object.assign(entry, { handling: 'ignored', note: 'R8: a timeout extension; every other field is ignored' });
      return;
    }
    this.applyModeOverride(response, kind);

    let result: HandleResult;
    let lastBody = false;
    switch (kind) {
      case 'request_headers':
        this.receiveMetadata(response, 'request_headers');
        result = this.decoding.handleHeadersResponse(response.request_headers ?? {});
        break;
      case 'response_headers':
        this.receiveMetadata(response, 'response_headers');
        result = this.encoding.handleHeadersResponse(response.response_headers ?? {});
        break;
      case 'request_body':
        lastBody = this.decoding.bodyMode === 'STREAMED' && this.decoding.queue.frontEndStream;
        this.receiveMetadata(response, 'request_body');
        result = this.decoding.handleBodyResponse(response.request_body ?? {});
        break;
      case 'response_body':
        lastBody = this.encoding.bodyMode === 'STREAMED' && this.encoding.queue.frontEndStream;
        this.receiveMetadata(response, 'response_body');
        result = this.encoding.handleBodyResponse(response.response_body ?? {});
        break;
      case 'immediate_response':
        if (this.settings.disable_immediate_response) {
          result = { status: 'spurious' };
          break;
        }
        this.receiveMetadata(response, 'immediate_response');
        this.markComplete('immediate_response');
        this.finishCalls();
        this.closeStream('edge');
        this.sendImmediateResponse(response.immediate_response ?? {}, 'R5', 'immediate_response from the processor');
        result = { status: 'ok' };
        break;
      default:
        // Trailers are never requested by the edge (HTTP/1.1 peers send none), so any other kind is spurious.
        result = { status: 'spurious' };
    }

    if (result.status === 'spurious') {
      Object.assign(entry, { handling: 'spurious', note: `S3: ${kind} does not answer what the edge waits for` });
      this.event(`spurious ${kind} response`, 'S3');
      if (this.settings.failure_mode_allow) {
        this.markComplete('S3: spurious response, failure_mode_allow: processor ignored from now on');
        this.closeStream('edge');
        this.clearAsyncState();
      } else {
        this.handleErrorResponse('S3', `S3: spurious ${kind} response (unhandled message)`);
      }
    } else if (result.status === 'error') {
      Object.assign(entry, { handling: 'error', note: result.message });
      this.handleErrorResponse(result.rule, result.message);
    }
    this.closeIfLastResponse(kind, lastBody);
  }

  /** R6: honoured only with allow_mode_override, and only while a headers message waits for its answer. */
  private applyModeOverride(response: ProtoProcessingResponse, kind: ProcessingResponseKind | 'none'): void {
    const requested = response.mode_override;
    if (!requested) return;
    const phase: Phase | 'none' = kind === 'request_trailers' || kind === 'response_trailers' || kind === 'none' ? 'none' : kind === 'immediate_response' ? 'immediate_response' : kind;
    const ignore = (reason: string): void => {
      this.record.modeOverrides.push({ phase, requested, outcome: 'ignored', reason });
      this.event(`mode_override ignored: ${reason}`, 'R6');
    };
    if (!this.settings.allow_mode_override) return ignore('R6: allow_mode_override is false');
    if (this.decoding.callback !== 'headers' && this.encoding.callback !== 'headers') {
      return ignore('R6: only honoured while a headers message awaits its response');
    }
    const effective = effectiveModeOverride(requested, this.settings.processing_mode);
    if (typeof effective === 'string') return ignore(effective);
    if (this.settings.allowed_override_modes.length > 0 && !this.settings.allowed_override_modes.some((m) => sameOverride(m, effective))) {
      return ignore('R6: not in allowed_override_modes');
    }
    this.decoding.setProcessingMode(effective);
    this.encoding.setProcessingMode(effective);
    this.record.modeOverrides.push({ phase, requested, outcome: 'accepted', effective, reason: 'R6: body modes taken literally, DEFAULT header modes keep the configured ones' });
    this.event(`mode_override accepted: request body ${effective.request_body_mode}, response body ${effective.response_body_mode}`, 'R6');
  }

  /** R7: keep only the namespaces listed in receiving_namespaces. */
  private receiveMetadata(response: ProtoProcessingResponse, phase: Phase): void {
    const fields = asWireStruct(response.dynamic_metadata)?.fields;
    if (!fields) return;
    const receiving = this.settings.receiving_namespaces;
    for (const [namespace, value] of Object.entries(fields)) {
      const json = fromWireValue(value);
      const kept = receiving.includes(namespace);
      this.record.dynamicMetadata.received.push({
        phase,
        namespace,
        value: json,
        kept,
        reason: kept ? 'R7: listed in receiving_namespaces' : receiving.length === 0 ? 'R7: no receiving_namespaces configured' : 'R7: not in receiving_namespaces',
      });
      if (kept) this.host.setDynamicMetadata(namespace, json !== null && typeof json === 'object' && !Array.isArray(json) ? json : {});
    }
  }

  /** R8: extend the running timer, within 1 ms..max_message_timeout, once per call. */
  private onNewTimeout(duration: NonNullable<ProtoProcessingResponse['override_message_timeout']>): void {
    const ms = Number(duration.seconds ?? 0) * 1000 + Math.round((duration.nanos ?? 0) / 1e6);
    const max = this.settings.max_message_timeout_ms;
    const ignore = (reason: string): void => {
      this.record.timeoutOverrides.push({ requestedMs: ms, outcome: 'ignored', reason });
      this.event(`override_message_timeout ${ms} ms ignored: ${reason}`, 'R8');
    };
    if (ms < 1 || ms > max) return ignore(max === 0 ? 'R8: max_message_timeout is not set' : `R8: outside 1 ms..${max} ms`);
    const restarted = this.decoding.restartTimer(ms) || this.encoding.restartTimer(ms);
    if (!restarted) return ignore('R8: no timer running, or already extended for this message');
    this.record.timeoutOverrides.push({ requestedMs: ms, outcome: 'applied', reason: 'R8: timer restarted' });
    this.event(`message timer restarted with ${ms} ms`, 'R8');
  }

  private onRemoteClose(status: grpc.StatusObject): void {
    this.record.processor.remoteStatus = { code: status.code, details: status.details };
    if (status.code === 0) this.onGrpcClose();
    else this.onGrpcError(status.code, status.details);
  }

  /** T2: the server closed with OK: everything from now on passes unmodified. */
  private onGrpcClose(): void {
    if (this.processingComplete) return;
    this.record.processor.closedBy ??= 'server-ok';
    this.markComplete('T2: the server closed the stream with OK');
    this.event('stream closed by the server with OK: the rest passes unprocessed', 'T2');
    this.closeStream('server-ok');
    this.clearAsyncState();
  }

  /** T3: stream failure: local reply (status_on_error) or, with failure_mode_allow, fail open. */
  private onGrpcError(code: number, details: string): void {
    if (this.processingComplete) return;
    this.record.processor.closedBy ??= 'server-error';
    if (this.settings.failure_mode_allow) {
      this.markComplete(`T3: stream failed (gRPC ${code}), failure_mode_allow: continuing unprocessed`);
      this.event(`stream failed with gRPC status ${code}; failure_mode_allow continues unprocessed`, 'T3');
      this.closeStream('server-error');
      this.clearAsyncState();
      return;
    }
    this.markComplete(`T3: stream failed (gRPC ${code})`);
    this.finishCalls();
    this.closeStream('server-error');
    this.sendImmediateResponse({ status: { code: this.settings.status_on_error }, details: `ext_proc_error_gRPC_error_${code}{${details}}` }, 'T3', `T3: gRPC stream failed with status ${code} (${details})`);
  }

  /** T1: no answer within message_timeout. */
  onMessageTimeout(): void {
    this.event(`no response within message_timeout (${this.settings.message_timeout_ms} ms)`, 'T1');
    if (this.settings.failure_mode_allow) {
      this.markComplete('T1: message timeout, failure_mode_allow: processor ignored from now on');
      this.closeStream('edge');
      this.clearAsyncState();
      return;
    }
    this.markComplete('T1: message timeout');
    this.closeStream('edge');
    this.finishCalls();
    this.sendImmediateResponse({ status: { code: 504 }, details: 'ext_proc_error_per-message_timeout_exceeded' }, 'T1', 'T1: no response within message_timeout');
  }

  /** T4 and friends: a response that cannot be applied fails the request (whatever failure_mode_allow says). */
  private handleErrorResponse(rule: RuleId, message: string): void {
    this.markComplete(message);
    this.finishCalls();
    this.closeStream('edge');
    this.sendImmediateResponse({ status: { code: this.settings.status_on_error }, details: message }, rule, message);
  }

  private sendImmediateResponse(response: ProtoImmediateResponse, decidedBy: Decider, reason: string): void {
    const limits = this.host.config.hcm;
    const reply = immediateResponseToLocalReply(response, decidedBy, reason, {
      rules: this.settings.mutation_rules,
      maxHeadersCount: limits.maxHeadersCount,
      maxHeadersKb: limits.maxRequestHeadersKb,
      onMutations: (events, error) => {
        this.record.mutations.push(...events.map((e) => ({ ...e, phase: 'immediate_response' as const })));
        // Envoy only logs a failed immediate-response mutation; the reply still goes out.
        if (error) this.event(`immediate_response header mutation failed: ${error}`);
      },
    });
    this.host.sendLocalReply(reply);
  }

  /** Envoy closes the stream once no further message can be needed (stream close optimization). */
  private closeIfLastResponse(kind: ProcessingResponseKind | 'none', lastBody: boolean): void {
    if (!this.stream) return;
    const requestDone = this.decoding.noBody || (this.decoding.bodyMode === 'NONE' && !this.decoding.sendTrailers);
    const responseDone = this.encoding.noBody || (this.encoding.bodyMode === 'NONE' && !this.encoding.sendTrailers);
    const last =
      (kind === 'request_headers' && requestDone && this.encoding.hasNoExternalProcess()) ||
      (kind === 'request_body' && lastBody && this.encoding.hasNoExternalProcess()) ||
      (kind === 'response_headers' && responseDone) ||
      (kind === 'response_body' && lastBody);
    if (!last) return;
    this.markComplete(`last response (${kind}) received`);
    this.closeStream('edge');
  }

  // ---- DirectionContext -----------------------------------------------------------------------

  applyHeaderMutation(state: DirectionState, common: ProtoCommonResponse, phase: Phase): string | undefined {
    if (!common.header_mutation) return undefined;
    if (!state.headers) {
      this.dropHeaderMutation(common.header_mutation, phase, 'headers already sent on');
      return undefined;
    }
    const result = applyHeaderMutation(common.header_mutation, state.headers, {
      rules: this.settings.mutation_rules,
      replacingMessage: common.status === 'CONTINUE_AND_REPLACE',
      skipContentLength: state.shouldRemoveContentLength(),
      maxHeadersCount: this.host.config.hcm.maxHeadersCount,
      maxHeadersKb: this.host.config.hcm.maxRequestHeadersKb,
    });
    this.record.mutations.push(...result.events.map((e) => ({ ...e, phase })));
    return result.ok ? undefined : result.error;
  }

  dropHeaderMutation(mutation: ProtoHeaderMutation, phase: Phase, reason: string): void {
    const dropped = droppedMutationEvents(mutation, reason);
    this.record.mutations.push(...dropped.map((e) => ({ ...e, phase })));
    if (dropped.length > 0) this.event(`${dropped.length} header mutation(s) dropped: ${reason}`, reason.startsWith('B4') ? 'B4' : undefined);
  }

  recordBodyMutation(record: BodyMutationRecord): void {
    this.record.bodyMutations.push(record);
  }

  /** R4: request path only, and only with a header_mutation in the same response. */
  clearRouteCache(state: DirectionState, common: ProtoCommonResponse, phase: Phase): void {
    const requested = common.clear_route_cache === true;
    const ignore = (reason: string): void => {
      this.record.route.cache.push({ phase, outcome: 'ignored', reason });
      this.event(`clear_route_cache ignored: ${reason}`, 'R4');
    };
    if (state.direction === 'response') {
      if (requested) ignore('R4: only on the request path');
      return;
    }
    if (!common.header_mutation) {
      if (requested) ignore('R4: no header_mutation in the same response');
      return;
    }
    const action = this.settings.route_cache_action;
    if (action === 'RETAIN' || (action === 'DEFAULT' && !requested)) {
      if (requested) ignore('R4: route_cache_action RETAIN');
      return;
    }
    const noEffect = this.host.clearRouteCache();
    if (noEffect) return ignore(noEffect);
    this.record.route.cache.push({ phase, outcome: 'cleared', reason: action === 'CLEAR' ? 'R4: route_cache_action CLEAR' : 'R4: clear_route_cache with a header_mutation' });
    this.event('route cache cleared: the router will select the route again', 'R4');
  }

  // ---- helpers --------------------------------------------------------------------------------

  private markComplete(reason: string): void {
    if (!this.processingComplete) this.record.processor.completeReason = reason;
    this.processingComplete = true;
  }

  private finishCalls(): void {
    this.decoding.finishCall();
    this.encoding.finishCall();
  }

  private clearAsyncState(): void {
    this.decoding.clearAsyncState();
    this.encoding.clearAsyncState();
  }

  private closeStream(how: 'edge' | 'edge-deferred' | 'server-ok' | 'server-error'): void {
    if (!this.stream) return;
    this.stream.close();
    this.stream = null;
    this.record.processor.closedBy ??= how;
    if (how === 'edge' || how === 'edge-deferred') this.event('gRPC stream closed: half-close then reset (the server sees CANCELLED)', 'S5');
  }
}
