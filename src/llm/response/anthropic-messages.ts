/** Anthropic Messages: the `message` response and the message_start ... message_stop stream. */
import { getArray, getNumber, getObject, getString, own, type JsonObject } from '../json';
import { asObjects } from '../request/collector';
import { count, errorEvent, type StreamErrorEvent, parseData, truncated, unparseable, usage } from './common';
import type { CanonicalResponse, DecodedSseEvent, FinishReason, ResponseText, ResponseToolCall, StreamDecoder, StreamEvent, TokenUsage } from './types';

export function anthropicFinishReason(raw: string): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

interface AnthropicCounts {
  input?: number | undefined;
  cacheRead?: number | undefined;
  cacheWrite?: number | undefined;
  output?: number | undefined;
  thinking?: number | undefined;
}

function readCounts(raw: JsonObject | undefined, into: AnthropicCounts): AnthropicCounts {
  if (!raw) return into;
  return {
    input: count(raw, 'input_tokens') ?? into.input,
    cacheRead: count(raw, 'cache_read_input_tokens') ?? into.cacheRead,
    cacheWrite: count(raw, 'cache_creation_input_tokens') ?? into.cacheWrite,
    output: count(raw, 'output_tokens') ?? into.output,
    thinking: count(getObject(raw, 'output_tokens_details'), 'thinking_tokens') ?? into.thinking,
  };
}

/** Anthropic's input_tokens excludes cache reads and writes; they are added so inputTokens is every prompt token. */
function toUsage(counts: AnthropicCounts): TokenUsage | undefined {
  if (counts.input === undefined && counts.output === undefined) return undefined;
  const inputTokens = (counts.input ?? 0) + (counts.cacheRead ?? 0) + (counts.cacheWrite ?? 0);
  const outputTokens = counts.output ?? 0;
  return usage({
    inputTokens,
    outputTokens,
    cachedInputTokens: counts.cacheRead,
    cacheWriteTokens: counts.cacheWrite,
    reasoningTokens: counts.thinking,
    totalTokens: inputTokens + outputTokens,
  });
}

export function anthropicUsage(raw: JsonObject | undefined): TokenUsage | undefined {
  return toUsage(readCounts(raw, {}));
}

export function parseMessagesResponse(body: JsonObject): Omit<CanonicalResponse, 'api' | 'body' | 'raw'> {
  const texts: ResponseText[] = [];
  const toolCalls: ResponseToolCall[] = [];
  for (const [i, block] of asObjects(getArray(body, 'content'))) {
    switch (getString(block, 'type')) {
      case 'text':
        texts.push({ index: i, kind: 'text', text: getString(block, 'text') ?? '', pointer: ['content', i, 'text'], rewritable: true });
        break;
      case 'thinking':
        // The client sends signed thinking back on the next turn; Anthropic rejects it if changed.
        texts.push({ index: i, kind: 'reasoning', text: getString(block, 'thinking') ?? '', pointer: ['content', i, 'thinking'], rewritable: false });
        break;
      case 'tool_use': {
        const id = getString(block, 'id');
        toolCalls.push({ index: i, ...(id === undefined ? {} : { id }), name: getString(block, 'name') ?? '', arguments: JSON.stringify(own(block, 'input') ?? {}), pointer: ['content', i, 'input'], encoding: 'json' });
        break;
      }
      default:
    }
  }
  const stop = getString(body, 'stop_reason');
  const model = getString(body, 'model');
  const tokenUsage = anthropicUsage(getObject(body, 'usage'));
  return {
    ...(model === undefined ? {} : { model }),
    texts,
    toolCalls,
    ...(stop === undefined ? {} : { finishReason: anthropicFinishReason(stop), rawFinishReason: stop }),
    ...(tokenUsage === undefined ? {} : { usage: tokenUsage }),
  };
}

/**
 * Usage arrives in parts: message_start carries the input side, each message_delta a cumulative
 * output count (and, recently, input counts again). The decoder merges them and emits a snapshot.
 */
export class MessagesStreamDecoder implements StreamDecoder {
  private counts: AnthropicCounts = {};
  private done = false;
  private failed = false;

  decode(event: { readonly event?: string; readonly data: string }): DecodedSseEvent {
    const data = parseData(event.data);
    if (data === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) return unparseable();
    const type = getString(data, 'type') ?? event.event ?? '';
    const index = getNumber(data, 'index') ?? 0;
    const events: StreamEvent[] = [];
    switch (type) {
      case 'message_start':
        this.pushUsage(getObject(getObject(data, 'message') ?? {}, 'usage'), events);
        break;
      case 'content_block_start': {
        const block = getObject(data, 'content_block') ?? {};
        const blockType = getString(block, 'type');
        if (blockType === 'tool_use') {
          const id = getString(block, 'id');
          const name = getString(block, 'name');
          events.push({ type: 'tool_call_delta', index, ...(id === undefined ? {} : { id }), ...(name === undefined ? {} : { name }), argumentsDelta: '', encoding: 'string' });
        } else if (blockType === 'text') {
          const text = getString(block, 'text');
          if (text) events.push({ type: 'text_delta', index, text, pointer: ['content_block', 'text'] });
        }
        break;
      }
      case 'content_block_delta': {
        const delta = getObject(data, 'delta') ?? {};
        switch (getString(delta, 'type')) {
          case 'text_delta': {
            const text = getString(delta, 'text');
            if (text) events.push({ type: 'text_delta', index, text, pointer: ['delta', 'text'] });
            break;
          }
          case 'input_json_delta':
            events.push({ type: 'tool_call_delta', index, argumentsDelta: getString(delta, 'partial_json') ?? '', pointer: ['delta', 'partial_json'], encoding: 'string' });
            break;
          case 'thinking_delta': {
            const text = getString(delta, 'thinking');
            if (text) events.push({ type: 'reasoning_delta', index, text, pointer: ['delta', 'thinking'] });
            break;
          }
          default:
          // signature_delta, citations_delta: no text.
        }
        break;
      }
      case 'message_delta': {
        const stop = getString(getObject(data, 'delta') ?? {}, 'stop_reason');
        if (stop !== undefined) events.push({ type: 'finish', index: 0, reason: anthropicFinishReason(stop), raw: stop });
        this.pushUsage(getObject(data, 'usage'), events);
        break;
      }
      case 'message_stop':
        this.done = true;
        events.push({ type: 'done' });
        break;
      case 'error':
        this.failed = true;
        events.push(anthropicError(data));
        break;
      default:
      // ping, content_block_stop
    }
    return { data, events };
  }

  end(): StreamEvent[] {
    return this.done || this.failed ? [] : [truncated('message_stop')];
  }

  private pushUsage(raw: JsonObject | undefined, events: StreamEvent[]): void {
    if (!raw) return;
    this.counts = readCounts(raw, this.counts);
    const tokenUsage = toUsage(this.counts);
    if (tokenUsage) events.push({ type: 'usage', usage: tokenUsage });
  }
}

/** `{"type":"error","error":{"type":"overloaded_error","message":"..."}}`. */
function anthropicError(data: JsonObject): StreamErrorEvent {
  const error = getObject(data, 'error') ?? {};
  const base = errorEvent(error);
  const type = getString(error, 'type');
  return type === undefined ? base : { ...base, code: type };
}
