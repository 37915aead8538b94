/**
 * Stream translation: the provider's SSE body -> the client's SSE body, chunk by chunk. Chunks arrive
 * split anywhere (Envoy STREAMED mode, one answer per chunk), so bytes go through the incremental SSE
 * parser; each complete provider event is decoded into canonical stream events (the same decoders
 * the usage meter and output guards use) and re-encoded for the client at once. One output per input
 * chunk (possibly empty); state (open blocks, tool slots, usage, finish reason) is carried across.
 */
import type { ApiFamily, ParseableApiId } from '../apis';
import { getObject, getString, isJsonObject, type JsonValue } from '../json';
import { createStreamDecoder, type StreamingApiId } from '../response/index';
import type { FinishReason, StreamDecoder, StreamEvent, TokenUsage } from '../response/types';
import { SseParser } from '../sse';
import { responseId } from './shapes';
import { createStreamEncoder, type StreamEncoder, type StreamFacts } from './stream-encoders';

export interface StreamTranslatorOptions {
  /** The provider's response API (TranslatedRequest.providerApi). */
  readonly from: ParseableApiId;
  readonly to: ApiFamily;
  /** The model name the client asked for. */
  readonly model: string;
  /** OpenAI clients: whether they asked for the usage chunk (CanonicalRequest.includeUsage). */
  readonly includeUsage: boolean;
  /** Seconds since the epoch for OpenAI's `created`. */
  readonly now?: () => number;
}

/** Structurally a pipeline ResponseTransform (src/pipeline/transform.ts): push each chunk, end once. */
export class StreamTranslator {
  readonly name = 'translate';
  private readonly parser = new SseParser();
  private readonly decoder: StreamDecoder;
  private readonly encoder: StreamEncoder;
  private readonly facts: { id: string | undefined; created: number };
  private reason: FinishReason | undefined;
  private rawReason: string | undefined;
  private usage: TokenUsage | undefined;
  /** The client's stream is complete (finished or failed): nothing more is written. */
  private closed = false;

  constructor(private readonly options: StreamTranslatorOptions) {
    if (options.from === 'openai.embeddings' || options.from === 'openai.responses') throw new Error(`cannot translate ${options.from} streams`);
    this.decoder = createStreamDecoder(options.from as StreamingApiId);
    this.facts = { id: undefined, created: Math.floor(options.now ? options.now() : Date.now() / 1000) };
    const facts = (): StreamFacts => ({
      id: (this.facts.id ??= responseId(options.to, undefined)),
      model: options.model,
      created: this.facts.created,
      includeUsage: options.includeUsage,
    });
    this.encoder = createStreamEncoder(options.to, facts);
  }

  push(chunk: Buffer): Buffer {
    if (this.closed) return Buffer.alloc(0);
    const parsed = this.parser.push(chunk);
    let out = '';
    for (const event of parsed.events) {
      if (this.closed) break;
      const decoded = this.decoder.decode(event);
      if (this.facts.id === undefined && decoded.data !== undefined) this.readId(decoded.data);
      out += this.handle(decoded.events);
    }
    if (parsed.error && !this.closed) out += this.fail(`the provider's stream could not be read: ${parsed.error.message}`, 502);
    return Buffer.from(out);
  }

  end(): Buffer {
    if (this.closed) return Buffer.alloc(0);
    const ended = this.parser.end();
    if (ended.error || ended.truncated) return Buffer.from(this.fail('the provider ended the stream in the middle of an event', 502));
    return Buffer.from(this.handle(this.decoder.end()));
  }

  private handle(events: readonly StreamEvent[]): string {
    let out = '';
    for (const event of events) {
      if (this.closed) break;
      switch (event.type) {
        case 'text_delta':
          if (this.isFirstChoice(event.index)) out += this.encoder.text(event.text);
          break;
        case 'tool_call_delta':
          if ((event.choice ?? 0) === 0) out += this.encoder.toolCall(event.index, event.id, event.name, event.argumentsDelta);
          break;
        case 'finish':
          if (this.isFirstChoice(event.index)) {
            this.reason = event.reason;
            this.rawReason = event.raw;
          }
          break;
        case 'usage':
          this.usage = event.usage;
          break;
        case 'done':
          out += this.finish();
          break;
        case 'error':
          // Some OpenAI-compatible servers close the stream after the finish chunk without `[DONE]`:
          // the answer is complete, so it is finished rather than reported as cut.
          if (event.code === 'stream_truncated' && this.reason !== undefined) out += this.finish();
          else out += this.fail(event.message, event.status ?? (event.code === 'stream_truncated' ? 502 : 500));
          break;
        default:
        // Reasoning has no place in another provider's stream; text snapshots are Responses-only.
      }
    }
    return out;
  }

  /** Text and finish events carry the choice (OpenAI, Gemini) or the content block (Anthropic, always one message). */
  private isFirstChoice(index: number): boolean {
    return this.options.from === 'anthropic.messages' || index === 0;
  }

  private finish(): string {
    this.closed = true;
    return this.encoder.finish({ ...(this.reason ? { reason: this.reason } : {}), ...(this.rawReason ? { raw: this.rawReason } : {}), ...(this.usage ? { usage: this.usage } : {}) });
  }

  private fail(message: string, status: number): string {
    this.closed = true;
    return this.encoder.error(message, status);
  }

  private readId(data: JsonValue): void {
    if (!isJsonObject(data)) return;
    const id = getString(data, 'id') ?? getString(getObject(data, 'message') ?? {}, 'id') ?? getString(data, 'responseId');
    if (id !== undefined) this.facts.id = responseId(this.options.to, id);
  }
}

/** A translator for one response stream from `from` (provider API) to `to` (client family). */
export function createStreamTranslator(options: StreamTranslatorOptions): StreamTranslator {
  return new StreamTranslator(options);
}
