/**
 * Reads what the provider sent back, without changing it: the usage it reports (JSON `usage`, SSE usage
 * events) and its error, whether the body arrives whole (BUFFERED) or chunk by chunk (STREAMED, SSE
 * events split anywhere). Output guards and budget settlement build on the same readings.
 */
import { createStreamDecoder, parseResponse, SseParser, type ParseableApiId, type StreamDecoder, type TokenUsage } from '../llm';
import type { StreamingApiId } from '../llm';

export interface MeterReading {
  readonly usage?: TokenUsage;
  /** The provider reported an error (error status, or an error event inside a stream). */
  readonly upstreamError?: string;
  readonly finishReason?: string;
  /** Text characters streamed so far: the basis of an estimate when the provider reports no usage. */
  readonly streamedChars: number;
}

export class ResponseMeter {
  private usage: TokenUsage | undefined;
  private upstreamError: string | undefined;
  private finishReason: string | undefined;
  private streamedChars = 0;
  private readonly buffered: Buffer[] = [];
  private sse: { parser: SseParser; decoder: StreamDecoder } | undefined;

  constructor(
    private readonly api: ParseableApiId,
    private readonly mode: 'buffered' | 'streamed',
    private readonly status: number,
  ) {
    if (mode === 'streamed' && api !== 'openai.embeddings') {
      this.sse = { parser: new SseParser(), decoder: createStreamDecoder(api as StreamingApiId) };
    }
    if (status >= 400) this.upstreamError = `status ${status}`;
  }

  /** Feeds one body message: a whole buffered body, or one streamed chunk. */
  feed(chunk: Buffer, endOfStream: boolean): void {
    if (this.mode === 'buffered') {
      this.buffered.push(chunk);
      if (endOfStream) this.readBuffered(Buffer.concat(this.buffered));
      return;
    }
    if (!this.sse) return;
    const parsed = this.sse.parser.push(chunk);
    for (const event of parsed.events) this.readEvents(this.sse.decoder.decode(event).events);
    if (parsed.error) this.upstreamError ??= `unreadable stream: ${parsed.error.message}`;
    if (endOfStream) {
      const end = this.sse.parser.end();
      if (end.truncated) this.upstreamError ??= 'stream ended inside an event';
      this.readEvents(this.sse.decoder.end());
    }
  }

  reading(): MeterReading {
    return { usage: this.usage, upstreamError: this.upstreamError, finishReason: this.finishReason, streamedChars: this.streamedChars };
  }

  private readBuffered(body: Buffer): void {
    if (this.status >= 400 || body.length === 0) return;
    const parsed = parseResponse(this.api, body);
    if (!parsed.ok) {
      this.upstreamError = 'unreadable response body';
      return;
    }
    this.usage = parsed.response.usage;
    this.finishReason = parsed.response.finishReason;
  }

  private readEvents(events: ReturnType<StreamDecoder['end']>): void {
    for (const event of events) {
      switch (event.type) {
        case 'text_delta':
        case 'reasoning_delta':
          this.streamedChars += event.text.length;
          break;
        case 'tool_call_delta':
          this.streamedChars += event.argumentsDelta.length;
          break;
        case 'usage':
          // Usage events are cumulative snapshots: the last one wins.
          this.usage = event.usage;
          break;
        case 'finish':
          this.finishReason = event.reason;
          break;
        case 'error':
          this.upstreamError = event.code ?? 'stream error';
          break;
        default:
          break;
      }
    }
  }
}
