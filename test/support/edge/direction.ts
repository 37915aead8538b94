/**
 * One direction (request or response) of the ext_proc filter: Envoy's ProcessorState. It holds headers
 * and body while the processor works, decides which body messages go out per body mode (B1, B2, B3,
 * B6), applies the matching responses and releases data downstream in order. Everything is synchronous:
 * the edge is single-threaded like an Envoy worker, so event order is the only order.
 */
import type { ProtoBodyResponse, ProtoCommonResponse, ProtoHeadersResponse, ProtoHeaderMutation } from '../../../src/extproc/envoy-types';
import { ChunkQueue, applyBodyMutation, bodyMutationKind, contentLengthMismatch } from './body';
import type { BodySendMode, ExtProcSettings, ProcessingMode } from './config-types';
import type { HeaderList } from './headers';
import type { BodyMutationRecord, Phase, RuleId } from './record';

export type Direction = 'request' | 'response';
export type CallbackState = 'idle' | 'headers' | 'buffered_body' | 'streamed_body' | 'buffered_partial_body';

/** Where a direction's output goes: the router (request) or the client (response). */
export interface DirectionSink {
  headers(headers: HeaderList, endStream: boolean): void;
  data(data: Buffer, endStream: boolean): void;
  /** B2: data the filter holds (StopIterationAndBuffer) went over the buffer limit. */
  bufferOverflow(): void;
}

/** What a direction needs from the filter that owns it. */
export interface DirectionContext {
  readonly processingComplete: boolean;
  readonly settings: ExtProcSettings;
  readonly bufferLimitBytes: number;
  /** Opens the stream if needed (S1) and sends a body message; false when processing is over. */
  sendBody(state: DirectionState, data: Buffer, endStream: boolean, callback: CallbackState): boolean;
  /** Applies a header mutation to `state.headers`; returns the error that fails the request (T4, R2, R3). */
  applyHeaderMutation(state: DirectionState, common: ProtoCommonResponse, phase: Phase): string | undefined;
  dropHeaderMutation(mutation: ProtoHeaderMutation, phase: Phase, reason: string): void;
  recordBodyMutation(record: BodyMutationRecord): void;
  clearRouteCache(state: DirectionState, common: ProtoCommonResponse, phase: Phase): void;
  onMessageTimeout(): void;
  event(what: string, rule?: RuleId): void;
}

export type HandleResult = { readonly status: 'ok' } | { readonly status: 'spurious' } | { readonly status: 'error'; readonly message: string; readonly rule: RuleId };

const OK: HandleResult = { status: 'ok' };
const SPURIOUS: HandleResult = { status: 'spurious' };

export class DirectionState {
  sendHeaders = true;
  bodyMode: BodySendMode = 'NONE';
  sendTrailers = false;
  callback: CallbackState = 'idle';
  /** Envoy's headers_: the map a response may still mutate; null once it may not. */
  headers: HeaderList | null = null;
  private headerMap: HeaderList | null = null;
  headersForwarded = false;
  endStreamForwarded = false;
  noBody = false;
  completeBodyAvailable = false;
  /** Body data the filter holds for the filter manager (StopIterationAndBuffer), released on continue. */
  buffered: Buffer | null = null;
  readonly queue = new ChunkQueue();
  bodyReplaced = false;
  partialBodyProcessed = false;
  paused = false;
  attributesSent = false;
  /** A local reply took over this direction's output: nothing more is forwarded. */
  abandoned = false;
  /** Streamed chunks sent so far (B3 records). */
  chunksSent = 0;
  private chunksAnswered = 0;
  private timer: NodeJS.Timeout | null = null;
  private newTimeoutReceived = false;

  constructor(
    readonly direction: Direction,
    private readonly ctx: DirectionContext,
    private readonly sink: DirectionSink,
  ) {}

  get headersPhase(): Phase {
    return this.direction === 'request' ? 'request_headers' : 'response_headers';
  }

  get bodyPhase(): Phase {
    return this.direction === 'request' ? 'request_body' : 'response_body';
  }

  setProcessingMode(mode: ProcessingMode): void {
    const headerMode = this.direction === 'request' ? mode.request_header_mode : mode.response_header_mode;
    const trailerMode = this.direction === 'request' ? mode.request_trailer_mode : mode.response_trailer_mode;
    this.sendHeaders = headerMode !== 'SKIP';
    this.sendTrailers = trailerMode === 'SEND';
    this.bodyMode = this.direction === 'request' ? mode.request_body_mode : mode.response_body_mode;
  }

  /** B5: modes in which Envoy drops Content-Length because the body may change size. */
  shouldRemoveContentLength(): boolean {
    return this.bodyMode === 'STREAMED' || this.bodyMode === 'BUFFERED_PARTIAL' || (this.bodyMode === 'BUFFERED' && !this.sendHeaders);
  }

  hasNoExternalProcess(): boolean {
    return !this.sendHeaders && !this.sendTrailers && this.bodyMode === 'NONE';
  }

  // ---- timer (T1, R8) -------------------------------------------------------------------------

  startCall(callback: CallbackState): void {
    this.callback = callback;
    this.armTimer(this.ctx.settings.message_timeout_ms);
    this.newTimeoutReceived = false;
  }

  finishCall(next: CallbackState = 'idle'): void {
    this.stopTimer();
    this.callback = next;
    this.newTimeoutReceived = false;
  }

  stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** R8: only the first extension per call, and only while a timer runs. */
  restartTimer(ms: number): boolean {
    if (!this.timer || this.newTimeoutReceived) return false;
    this.armTimer(ms);
    this.newTimeoutReceived = true;
    return true;
  }

  private armTimer(ms: number): void {
    this.stopTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ctx.onMessageTimeout();
    }, ms);
  }

  // ---- input from the filter chain ------------------------------------------------------------

  /** Headers the filter will send to the processor; they are held until the processor answers. */
  holdHeaders(headers: HeaderList, endStream: boolean): void {
    this.headerMap = headers;
    this.headers = headers;
    this.noBody = endStream;
    this.paused = true;
  }

  /** Headers the filter does not process: they go on at once. */
  passHeaders(headers: HeaderList, endStream: boolean): void {
    this.headerMap = headers;
    this.noBody = endStream;
    this.forwardHeaders(endStream);
  }

  onData(data: Buffer, endStream: boolean): void {
    if (endStream) this.completeBodyAvailable = true;
    if (this.bodyReplaced) {
      // B6: after CONTINUE_AND_REPLACE the original body is drained; only end of stream goes on.
      this.passData(Buffer.alloc(0), endStream);
      return;
    }
    if (this.ctx.processingComplete) {
      this.passData(data, endStream);
      return;
    }
    if (this.callback === 'headers') {
      // The processor may still change the body mode: hold everything until the headers answer.
      this.paused = true;
      this.buffered = Buffer.concat([this.buffered ?? Buffer.alloc(0), data]);
      if (this.bodyMode === 'BUFFERED') this.checkBufferLimit();
      return;
    }
    switch (this.bodyMode) {
      case 'BUFFERED':
        return this.onBufferedData(data, endStream);
      case 'STREAMED':
        return this.onStreamedData(data, endStream);
      case 'BUFFERED_PARTIAL':
        return this.onPartialData(data, endStream);
      case 'NONE':
        return this.passData(data, endStream);
    }
  }

  /** B1: the whole body in one message once the end arrives; until then Envoy buffers it (B2). */
  private onBufferedData(data: Buffer, endStream: boolean): void {
    this.paused = true;
    this.buffered = Buffer.concat([this.buffered ?? Buffer.alloc(0), data]);
    if (!endStream) {
      this.checkBufferLimit();
      return;
    }
    if (!this.ctx.sendBody(this, this.buffered, true, 'buffered_body')) this.continueIfNecessary();
  }

  /** B3: one message per chunk as it arrives; the chunk goes on only after its own response. */
  private onStreamedData(data: Buffer, endStream: boolean): void {
    if (!this.ctx.sendBody(this, data, endStream, 'streamed_body')) {
      this.passData(data, endStream);
      return;
    }
    this.queue.push(data, endStream);
    if (endStream) this.paused = true;
  }

  private onPartialData(data: Buffer, endStream: boolean): void {
    if (this.partialBodyProcessed) {
      this.headers = null;
      this.passData(data, endStream);
      return;
    }
    this.queue.push(data, endStream);
    this.paused = true;
    if (this.callback === 'buffered_partial_body') return;
    if (endStream || this.queue.bytes > this.ctx.bufferLimitBytes) this.sendPartial();
  }

  private sendPartial(): void {
    const all = this.queue.drainAll();
    if (!all) return;
    this.queue.push(all.data, all.endStream);
    if (!this.ctx.sendBody(this, all.data, all.endStream, 'buffered_partial_body')) this.clearAsyncState();
  }

  private checkBufferLimit(): void {
    if (this.buffered && this.buffered.length > this.ctx.bufferLimitBytes) {
      this.ctx.event(`buffered ${this.direction} body ${this.buffered.length} bytes over the limit ${this.ctx.bufferLimitBytes}`, 'B2');
      this.sink.bufferOverflow();
    }
  }

  // ---- responses from the processor -----------------------------------------------------------

  handleHeadersResponse(response: ProtoHeadersResponse): HandleResult {
    if (this.callback !== 'headers') return SPURIOUS;
    const common = response.response ?? {};
    if (common.header_mutation) {
      const error = this.ctx.applyHeaderMutation(this, common, this.headersPhase);
      if (error) return { status: 'error', message: error, rule: ruleOf(error) };
    }
    this.ctx.clearRouteCache(this, common, this.headersPhase);
    this.finishCall();

    if (common.status === 'CONTINUE_AND_REPLACE') {
      // B6: the body becomes body_mutation (or stays, unprocessed); no more body messages this way.
      if (common.body_mutation) {
        this.headerMap?.remove('content-length');
        this.bodyReplaced = true;
        const before = this.buffered?.length ?? 0;
        this.buffered = applyBodyMutation(common.body_mutation, this.buffered ?? Buffer.alloc(0));
        this.ctx.recordBodyMutation({
          phase: this.headersPhase,
          kind: bodyMutationKind(common.body_mutation),
          before,
          after: this.buffered.length,
          via: 'continue_and_replace',
        });
        this.ctx.event('CONTINUE_AND_REPLACE: body replaced, content-length removed', 'B6');
      }
      this.queue.clear();
      this.bodyMode = 'NONE';
      this.sendTrailers = false;
    } else if (!this.noBody) {
      if (this.completeBodyAvailable && this.bodyMode !== 'NONE') {
        // The whole body arrived while the headers were with the processor: Envoy sends it as one
        // buffered message whatever the body mode (so even STREAMED gets a single chunk here).
        if (this.buffered && this.ctx.sendBody(this, this.buffered, true, 'buffered_body')) return OK;
      } else if (this.bodyMode === 'BUFFERED') {
        // B1: keep the headers until the body is complete so a body response can still change them.
        return OK;
      } else if (this.bodyMode === 'STREAMED') {
        this.sendHeldDataAsChunk();
        this.continueIfNecessary();
        return OK;
      } else if (this.bodyMode === 'BUFFERED_PARTIAL') {
        if (this.buffered && this.buffered.length > 0) {
          this.queue.push(this.buffered, false);
          this.buffered = null;
        }
        if (this.queue.bytes > this.ctx.bufferLimitBytes) this.sendPartial();
        return OK;
      }
    }
    this.headers = null;
    this.continueIfNecessary();
    return OK;
  }

  /** Data held during the headers call goes out as one streamed chunk (sendBufferedDataInStreamedMode). */
  private sendHeldDataAsChunk(): void {
    if (!this.buffered || this.buffered.length === 0) return;
    const chunk = this.buffered;
    this.buffered = null;
    if (this.ctx.sendBody(this, chunk, false, 'streamed_body')) this.queue.push(chunk, false);
    else this.buffered = chunk;
  }

  handleBodyResponse(response: ProtoBodyResponse): HandleResult {
    const common = response.response ?? {};
    let shouldContinue: boolean;
    switch (this.callback) {
      case 'buffered_body': {
        if (common.header_mutation) {
          if (this.headers) {
            const error = this.ctx.applyHeaderMutation(this, common, this.bodyPhase);
            if (error) return { status: 'error', message: error, rule: ruleOf(error) };
          } else {
            this.ctx.dropHeaderMutation(common.header_mutation, this.bodyPhase, 'headers already sent on');
          }
        }
        if (common.body_mutation) {
          const mismatch = contentLengthMismatch(this.headers, common.body_mutation);
          if (mismatch) return { status: 'error', message: mismatch, rule: 'B5' };
          const before = this.buffered?.length ?? 0;
          this.buffered = applyBodyMutation(common.body_mutation, this.buffered ?? Buffer.alloc(0));
          this.ctx.recordBodyMutation({ phase: this.bodyPhase, kind: bodyMutationKind(common.body_mutation), before, after: this.buffered.length, via: 'body_response' });
        }
        this.finishCall();
        shouldContinue = true;
        break;
      }
      case 'streamed_body': {
        if (common.header_mutation) {
          this.ctx.dropHeaderMutation(common.header_mutation, this.bodyPhase, 'B4: header mutation in a STREAMED body response is dropped');
        }
        const chunk = this.queue.pop();
        if (!chunk) return SPURIOUS;
        const index = this.chunksAnswered++;
        let data = chunk.data;
        if (common.body_mutation) {
          data = applyBodyMutation(common.body_mutation, chunk.data);
          this.ctx.recordBodyMutation({ phase: this.bodyPhase, chunk: index, kind: bodyMutationKind(common.body_mutation), before: chunk.data.length, after: data.length, via: 'body_response' });
        }
        shouldContinue = chunk.endStream;
        if (data.length > 0) this.inject(data, chunk.endStream);
        this.finishCall(this.queue.empty ? 'idle' : 'streamed_body');
        break;
      }
      case 'buffered_partial_body': {
        const chunk = this.queue.pop();
        if (!chunk) return SPURIOUS;
        if (common.header_mutation) {
          if (this.headers) {
            const error = this.ctx.applyHeaderMutation(this, common, this.bodyPhase);
            if (error) return { status: 'error', message: error, rule: ruleOf(error) };
          } else {
            this.ctx.dropHeaderMutation(common.header_mutation, this.bodyPhase, 'headers already sent on');
          }
        }
        const data = applyBodyMutation(common.body_mutation, chunk.data);
        if (common.body_mutation) {
          this.ctx.recordBodyMutation({ phase: this.bodyPhase, kind: bodyMutationKind(common.body_mutation), before: chunk.data.length, after: data.length, via: 'body_response' });
        }
        if (data.length > 0) this.inject(data, chunk.endStream);
        this.finishCall();
        const leftover = this.queue.drainAll();
        if (leftover && leftover.data.length > 0) this.inject(leftover.data, leftover.endStream);
        this.partialBodyProcessed = true;
        shouldContinue = true;
        break;
      }
      default:
        return SPURIOUS;
    }
    this.ctx.clearRouteCache(this, common, this.bodyPhase);
    this.headers = null;
    if (shouldContinue) this.continueIfNecessary();
    return OK;
  }

  /** Processing stopped (T2, fail-open T1/T3, S3): release whatever is held, unmodified. */
  clearAsyncState(): void {
    this.finishCall();
    const leftover = this.queue.drainAll();
    if (leftover && leftover.data.length > 0) this.inject(leftover.data, leftover.endStream);
    this.continueIfNecessary();
  }

  // ---- output ---------------------------------------------------------------------------------

  continueIfNecessary(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.headersForwarded) this.forwardHeaders(this.noBody && this.buffered === null);
    if (this.buffered !== null) {
      const data = this.buffered;
      this.buffered = null;
      this.forwardData(data, this.completeBodyAvailable);
    } else if (this.completeBodyAvailable && !this.noBody) {
      this.forwardData(Buffer.alloc(0), true);
    }
  }

  /** The filter returned Continue: held headers and data go on first. */
  passData(data: Buffer, endStream: boolean): void {
    this.paused = false;
    if (!this.headersForwarded) this.forwardHeaders(false);
    if (this.buffered !== null) {
      const held = this.buffered;
      this.buffered = null;
      this.forwardData(held, false);
    }
    this.forwardData(data, endStream);
  }

  private inject(data: Buffer, endStream: boolean): void {
    if (!this.headersForwarded) this.forwardHeaders(false);
    this.forwardData(data, endStream);
  }

  private forwardHeaders(endStream: boolean): void {
    if (this.headersForwarded || !this.headerMap) return;
    this.headersForwarded = true;
    if (endStream) this.endStreamForwarded = true;
    if (!this.abandoned) this.sink.headers(this.headerMap, endStream);
  }

  private forwardData(data: Buffer, endStream: boolean): void {
    if (this.endStreamForwarded) return;
    if (data.length === 0 && !endStream) return;
    if (endStream) this.endStreamForwarded = true;
    if (!this.abandoned) this.sink.data(data, endStream);
  }
}

function ruleOf(message: string): RuleId {
  const match = /^(R2|R3|B5|T4):/.exec(message);
  return (match?.[1] as RuleId | undefined) ?? 'T4';
}
