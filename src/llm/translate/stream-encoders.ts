/**
 * Writers of the client's SSE stream, fed with the canonical stream events the provider's stream
 * decoded into (src/llm/response). Each produces exactly the event sequence the client's SDK gets from
 * the real API:
 * - OpenAI: chat.completion.chunk with the role first, tool_calls deltas with index/id/function, a
 *   finish_reason chunk, the usage chunk only when the client asked (include_usage), `data: [DONE]`;
 * - Anthropic: message_start, content_block_start/delta/stop per block (indexes in order, tool input
 *   as input_json_delta), message_delta with stop_reason and usage, message_stop;
 * - Gemini: GenerateContentResponse chunks; a function call goes out whole (as Gemini sends it), and
 *   the last chunk carries finishReason and usageMetadata.
 */
import type { ApiFamily } from '../apis';
import type { JsonObject, JsonValue } from '../json';
import type { FinishReason, TokenUsage } from '../response/types';
import { apiError, renderError } from '../errors';
import { argumentsObject } from './response';
import { anthropicId, anthropicStop, anthropicUsage, geminiFinish, geminiUsage, openAiFinish, openAiUsage, toolCallId } from './shapes';

export interface StreamFacts {
  /** Client-facing response id. */
  readonly id: string;
  /** The model name the client asked for. */
  readonly model: string;
  readonly created: number;
  /** OpenAI clients: send the usage chunk (stream_options.include_usage). */
  readonly includeUsage: boolean;
}

export interface StreamEnding {
  readonly reason?: FinishReason;
  readonly raw?: string;
  readonly usage?: TokenUsage;
}

/** One client stream. Every method returns SSE text to send (possibly empty). */
export interface StreamEncoder {
  text(text: string): string;
  /** A tool call's slot, with its id and name on the first delta, and a piece of its JSON arguments. */
  toolCall(slot: number, id: string | undefined, name: string | undefined, argumentsDelta: string): string;
  finish(ending: StreamEnding): string;
  error(message: string, status: number): string;
}

export function createStreamEncoder(client: ApiFamily, facts: () => StreamFacts): StreamEncoder {
  switch (client) {
    case 'openai':
      return new OpenAiChunks(facts);
    case 'anthropic':
      return new AnthropicEvents(facts);
    case 'gemini':
      return new GeminiChunks(facts);
  }
}

/**
 * One SSE event. JSON.stringify never emits a raw line break and the event names are constants, so
 * the data is one `data:` line; this is formatSseEvent without its per-line split (a hot path).
 */
const sse = (data: JsonValue, event?: string): string => `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;

/** The body of an error response in the client's shape, as a stream's in-band error event carries it. */
function errorPayload(client: ApiFamily, message: string, status: number): JsonValue {
  const code = status === 429 ? 'rate_limited' : status === 503 || status === 529 ? 'upstream_unavailable' : 'upstream_error';
  return JSON.parse(renderError(client, apiError(status, code, message)).body.toString('utf8')) as JsonValue;
}

class OpenAiChunks implements StreamEncoder {
  private started = false;
  private readonly slots = new Map<number, number>();

  constructor(private readonly facts: () => StreamFacts) {}

  text(text: string): string {
    return this.start() + this.chunk({ content: text });
  }

  toolCall(slot: number, id: string | undefined, name: string | undefined, argumentsDelta: string): string {
    let out = this.start();
    const known = this.slots.get(slot);
    if (known === undefined) {
      const index = this.slots.size;
      this.slots.set(slot, index);
      out += this.chunk({ tool_calls: [{ index, id: id ?? toolCallId('openai'), type: 'function', function: { name: name ?? '', arguments: argumentsDelta } }] });
    } else if (argumentsDelta.length > 0) {
      out += this.chunk({ tool_calls: [{ index: known, function: { arguments: argumentsDelta } }] });
    }
    return out;
  }

  finish(ending: StreamEnding): string {
    let out = this.start() + this.chunk({}, openAiFinish(ending.reason));
    if (this.facts().includeUsage) out += sse({ ...this.base(), choices: [], usage: ending.usage ? openAiUsage(ending.usage) : null });
    return `${out}data: [DONE]\n\n`;
  }

  error(message: string, status: number): string {
    return sse(errorPayload('openai', message, status));
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.chunk({ role: 'assistant', content: '' });
  }

  private base(): JsonObject {
    const facts = this.facts();
    return { id: facts.id, object: 'chat.completion.chunk', created: facts.created, model: facts.model };
  }

  private chunk(delta: JsonObject, finish: string | null = null): string {
    // With include_usage every chunk carries `usage: null` until the usage chunk, as OpenAI sends it.
    return sse({ ...this.base(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(this.facts().includeUsage ? { usage: null } : {}) });
  }
}

class AnthropicEvents implements StreamEncoder {
  private started = false;
  private open: { readonly kind: 'text' } | { readonly kind: 'tool'; readonly slot: number } | undefined;
  private nextIndex = 0;
  private readonly toolIndex = new Map<number, number>();

  constructor(private readonly facts: () => StreamFacts) {}

  text(text: string): string {
    let out = this.start();
    if (this.open?.kind !== 'text') {
      out += this.close();
      out += sse({ type: 'content_block_start', index: this.nextIndex, content_block: { type: 'text', text: '' } }, 'content_block_start');
      this.open = { kind: 'text' };
      this.nextIndex += 1;
    }
    return out + sse({ type: 'content_block_delta', index: this.nextIndex - 1, delta: { type: 'text_delta', text } }, 'content_block_delta');
  }

  toolCall(slot: number, id: string | undefined, name: string | undefined, argumentsDelta: string): string {
    let out = this.start();
    let index = this.toolIndex.get(slot);
    if (index === undefined) {
      out += this.close();
      index = this.nextIndex;
      this.nextIndex += 1;
      this.toolIndex.set(slot, index);
      this.open = { kind: 'tool', slot };
      out += sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: anthropicId(id ?? toolCallId('anthropic')), name: name ?? '', input: {} } }, 'content_block_start');
    }
    if (argumentsDelta.length > 0) out += sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: argumentsDelta } }, 'content_block_delta');
    return out;
  }

  finish(ending: StreamEnding): string {
    const usage = anthropicUsage(ending.usage ?? { inputTokens: 0, outputTokens: 0 });
    return (
      this.start() +
      this.close() +
      sse({ type: 'message_delta', delta: { stop_reason: anthropicStop(ending.reason, ending.raw), stop_sequence: null }, usage }, 'message_delta') +
      sse({ type: 'message_stop' }, 'message_stop')
    );
  }

  error(message: string, status: number): string {
    return sse(errorPayload('anthropic', message, status), 'error');
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const facts = this.facts();
    const message = {
      id: facts.id,
      type: 'message',
      role: 'assistant',
      model: facts.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The totals arrive with message_delta (the SDK takes input_tokens from there too).
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return sse({ type: 'message_start', message }, 'message_start');
  }

  private close(): string {
    if (!this.open) return '';
    const index = this.open.kind === 'text' ? this.nextIndex - 1 : (this.toolIndex.get(this.open.slot) ?? 0);
    this.open = undefined;
    return sse({ type: 'content_block_stop', index }, 'content_block_stop');
  }
}

class GeminiChunks implements StreamEncoder {
  /** Function calls are sent whole: arguments are collected until the call is complete. */
  private readonly calls = new Map<number, { name: string; args: string }>();

  constructor(private readonly facts: () => StreamFacts) {}

  text(text: string): string {
    return this.flushCalls() + this.chunk([{ text }]);
  }

  toolCall(slot: number, _id: string | undefined, name: string | undefined, argumentsDelta: string): string {
    const call = this.calls.get(slot);
    if (call) {
      call.args += argumentsDelta;
      return '';
    }
    // A new call means the previous ones are complete.
    const out = this.flushCalls();
    // No id, as Gemini sends it: its clients answer a call by name.
    this.calls.set(slot, { name: name ?? '', args: argumentsDelta });
    return out;
  }

  finish(ending: StreamEnding): string {
    const parts = this.takeCalls();
    return this.chunk(parts.length > 0 ? parts : [{ text: '' }], geminiFinish(ending.reason), ending.usage);
  }

  error(message: string, status: number): string {
    return sse(errorPayload('gemini', message, status));
  }

  private flushCalls(): string {
    const parts = this.takeCalls();
    return parts.length > 0 ? this.chunk(parts) : '';
  }

  private takeCalls(): JsonValue[] {
    const parts = [...this.calls.values()].map((c) => ({ functionCall: { name: c.name, args: argumentsObject(c.args) } }));
    this.calls.clear();
    return parts;
  }

  private chunk(parts: JsonValue[], finishReason?: string, usage?: TokenUsage): string {
    const facts = this.facts();
    return sse({
      candidates: [{ content: { role: 'model', parts }, ...(finishReason === undefined ? {} : { finishReason }), index: 0 }],
      ...(usage ? { usageMetadata: geminiUsage(usage) } : {}),
      modelVersion: facts.model,
      responseId: facts.id,
    });
  }
}
