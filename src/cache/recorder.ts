/**
 * The last stage of the response chain when the answer may be cached: it passes every byte through
 * unchanged and reassembles, from exactly what the client receives (after translation, guards and
 * restoration), the completion to keep. Buffered JSON is parsed whole; a stream is decoded event by
 * event and only counts when it ended cleanly (terminator seen, no error event, no framing error).
 * Anything the replay could not reproduce (tool calls, several choices, a refusal, a stop other than
 * the natural one, an oversized answer) makes the recording unusable instead of approximate.
 */
import { createStreamDecoder, parseResponse, SseParser, type StreamDecoder, type StreamEvent, type StreamingApiId, type TokenUsage } from '../llm';
import type { ResponseTransform } from '../pipeline/transform';
import type { CachedCompletion, CacheableApi } from './entry';

export type Recording = { readonly ok: true; readonly completion: CachedCompletion } | { readonly ok: false; readonly reason: string };

export class CompletionRecorder implements ResponseTransform {
  readonly name = 'cache_record';
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private readonly sse?: { parser: SseParser; decoder: StreamDecoder };
  private text = '';
  private finish: string | undefined;
  private usage: TokenUsage | undefined;
  private done = false;
  private failure: string | undefined;
  private ended = false;

  constructor(
    private readonly api: CacheableApi,
    private readonly mode: 'buffered' | 'streamed',
    private readonly fallbackModel: string,
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {
    if (mode === 'streamed') this.sse = { parser: new SseParser(), decoder: createStreamDecoder(api as StreamingApiId) };
  }

  push(chunk: Buffer): Buffer {
    if (this.failure) return chunk;
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.fail('too_large');
      return chunk;
    }
    if (this.sse) {
      const parsed = this.sse.parser.push(chunk);
      for (const event of parsed.events) this.read(this.sse.decoder.decode(event).events, event.data);
      if (parsed.error) this.fail('stream_error');
    } else {
      this.chunks.push(chunk);
    }
    return chunk;
  }

  end(): Buffer {
    this.ended = true;
    if (this.failure) return Buffer.alloc(0);
    if (this.sse) {
      const end = this.sse.parser.end();
      if (end.truncated || end.error) this.fail('partial_stream');
      // The decoder reports a stream that ended before its terminator as an error event: a partial stream.
      const tail = this.sse.decoder.end();
      if (tail.some((event) => event.type === 'error')) this.fail('partial_stream');
      else this.read(tail, '');
    } else {
      this.readBuffered(Buffer.concat(this.chunks));
    }
    return Buffer.alloc(0);
  }

  /** The completion to store, or why there is none. Only meaningful once `end()` ran. */
  result(): Recording {
    if (!this.ended) return { ok: false, reason: 'partial_stream' };
    if (this.failure) return { ok: false, reason: this.failure };
    if (this.sse && !this.done) return { ok: false, reason: 'partial_stream' };
    if (this.finish === undefined) return { ok: false, reason: 'no_finish' };
    if (!NATURAL_STOPS.has(this.finish)) return { ok: false, reason: 'finish' };
    if (this.text.length === 0) return { ok: false, reason: 'empty' };
    return {
      ok: true,
      completion: { v: 1, api: this.api, model: this.model ?? this.fallbackModel, text: this.text, finish: this.finish, ...(this.usage ? { usage: this.usage } : {}), storedAt: this.now() },
    };
  }

  private model: string | undefined;

  private fail(reason: string): void {
    this.failure ??= reason;
    this.chunks.length = 0;
  }

  private readBuffered(body: Buffer): void {
    const parsed = parseResponse(this.api, body);
    if (!parsed.ok) return this.fail('unreadable');
    const response = parsed.response;
    if (response.toolCalls.length > 0) return this.fail('tool_calls');
    if (response.texts.some((text) => text.kind === 'refusal')) return this.fail('refusal');
    const texts = response.texts.filter((text) => text.kind === 'text');
    if (this.api !== 'anthropic.messages' && texts.some((text) => text.index !== 0)) return this.fail('choices');
    this.text = texts.map((text) => text.text).join('');
    this.finish = response.rawFinishReason;
    this.usage = response.usage;
    this.model = response.model;
    this.done = true;
  }

  private read(events: readonly StreamEvent[], data: string): void {
    if (this.model === undefined && data.startsWith('{')) this.model = modelOf(data);
    for (const event of events) {
      switch (event.type) {
        case 'text_delta':
          if (event.refusal) return this.fail('refusal');
          if (this.api !== 'anthropic.messages' && event.index !== 0) return this.fail('choices');
          this.text += event.text;
          break;
        case 'tool_call_delta':
          return this.fail('tool_calls');
        case 'finish':
          if (this.api !== 'anthropic.messages' && event.index !== 0) return this.fail('choices');
          this.finish = event.raw;
          break;
        case 'usage':
          this.usage = event.usage;
          break;
        case 'error':
          return this.fail('stream_error');
        case 'done':
          this.done = true;
          break;
        default:
          break;
      }
    }
  }
}

/** Answers that ended because the model was done; truncated, filtered or tool-calling ones are not kept. */
const NATURAL_STOPS = new Set(['stop', 'end_turn', 'stop_sequence', 'STOP']);

function modelOf(data: string): string | undefined {
  try {
    const value = JSON.parse(data) as { model?: unknown; modelVersion?: unknown; message?: { model?: unknown } };
    const model = value.model ?? value.modelVersion ?? value.message?.model;
    return typeof model === 'string' ? model : undefined;
  } catch {
    return undefined;
  }
}
