/** OpenAI Responses API: the `response` object and its typed stream events. */
import { getArray, getNumber, getObject, getString, type JsonObject, type JsonPointer } from '../json';
import { asObjects } from '../request/collector';
import { count, errorEvent, parseData, truncated, unparseable, usage } from './common';
import type { CanonicalResponse, DecodedSseEvent, FinishReason, ResponseText, ResponseToolCall, StreamDecoder, StreamEvent, TokenUsage } from './types';

/** input_tokens includes cached and cache-write tokens; output_tokens includes reasoning. */
export function responsesUsage(raw: JsonObject | undefined): TokenUsage | undefined {
  if (!raw) return undefined;
  const input = count(raw, 'input_tokens');
  const output = count(raw, 'output_tokens');
  if (input === undefined && output === undefined) return undefined;
  const inputDetails = getObject(raw, 'input_tokens_details');
  return usage({
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    cachedInputTokens: count(inputDetails, 'cached_tokens'),
    cacheWriteTokens: count(inputDetails, 'cache_write_tokens'),
    reasoningTokens: count(getObject(raw, 'output_tokens_details'), 'reasoning_tokens'),
    totalTokens: count(raw, 'total_tokens'),
  });
}

/** From `status` and `incomplete_details`; a completed response that called tools stopped for them. */
export function responsesFinish(response: JsonObject): { reason: FinishReason; raw: string } | undefined {
  const status = getString(response, 'status');
  if (status === undefined) return undefined;
  if (status === 'completed') {
    const calledTool = asObjects(getArray(response, 'output')).some(([, item]) => TOOL_CALL_TYPES.has(getString(item, 'type') ?? ''));
    return { reason: calledTool ? 'tool_calls' : 'stop', raw: status };
  }
  if (status === 'incomplete') {
    const why = getString(getObject(response, 'incomplete_details') ?? {}, 'reason') ?? status;
    return { reason: why === 'max_output_tokens' ? 'length' : why === 'content_filter' ? 'content_filter' : 'other', raw: why };
  }
  return { reason: 'other', raw: status };
}

const TOOL_CALL_TYPES = new Set(['function_call', 'custom_tool_call']);

interface OutputContents {
  texts: ResponseText[];
  toolCalls: ResponseToolCall[];
}

/** Texts and tool calls of `output[]`, with pointers relative to `base` (the response object's location). */
function readOutput(response: JsonObject, base: JsonPointer): OutputContents {
  const texts: ResponseText[] = [];
  const toolCalls: ResponseToolCall[] = [];
  for (const [i, item] of asObjects(getArray(response, 'output'))) readItem(item, i, [...base, 'output', i], texts, toolCalls);
  return { texts, toolCalls };
}

function readItem(item: JsonObject, index: number, at: JsonPointer, texts: ResponseText[], toolCalls: ResponseToolCall[]): void {
  switch (getString(item, 'type')) {
    case 'message':
      for (const [j, part] of asObjects(getArray(item, 'content'))) {
        const type = getString(part, 'type');
        const key = type === 'refusal' ? 'refusal' : 'text';
        const text = getString(part, key);
        if (text !== undefined) texts.push({ index, kind: type === 'refusal' ? 'refusal' : 'text', text, pointer: [...at, 'content', j, key], rewritable: true });
      }
      return;
    case 'reasoning':
      for (const key of ['summary', 'content']) {
        for (const [j, part] of asObjects(getArray(item, key))) {
          const text = getString(part, 'text');
          if (text !== undefined) texts.push({ index, kind: 'reasoning', text, pointer: [...at, key, j, 'text'], rewritable: true });
        }
      }
      return;
    case 'function_call':
    case 'custom_tool_call': {
      const key = getString(item, 'type') === 'function_call' ? 'arguments' : 'input';
      const id = getString(item, 'call_id');
      toolCalls.push({ index, ...(id === undefined ? {} : { id }), name: getString(item, 'name') ?? '', arguments: getString(item, key) ?? '', pointer: [...at, key], encoding: 'string' });
      return;
    }
    default:
  }
}

export function parseResponsesResponse(body: JsonObject): Omit<CanonicalResponse, 'api' | 'body' | 'raw'> {
  const { texts, toolCalls } = readOutput(body, []);
  const finish = responsesFinish(body);
  const model = getString(body, 'model');
  const tokenUsage = responsesUsage(getObject(body, 'usage'));
  return {
    ...(model === undefined ? {} : { model }),
    texts,
    toolCalls,
    ...(finish === undefined ? {} : { finishReason: finish.reason, rawFinishReason: finish.raw }),
    ...(tokenUsage === undefined ? {} : { usage: tokenUsage }),
  };
}

/** Typed events (`type` in the data, mirrored in the SSE `event` field); the stream ends with response.completed / incomplete / failed. */
export class ResponsesStreamDecoder implements StreamDecoder {
  private done = false;
  private failed = false;

  decode(event: { readonly data: string }): DecodedSseEvent {
    const data = parseData(event.data);
    if (data === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) return unparseable();
    const type = getString(data, 'type') ?? '';
    const index = getNumber(data, 'output_index') ?? 0;
    const delta = getString(data, 'delta');
    const events: StreamEvent[] = [];
    switch (type) {
      case 'response.output_text.delta':
        if (delta) events.push({ type: 'text_delta', index, text: delta, pointer: ['delta'] });
        break;
      case 'response.refusal.delta':
        if (delta) events.push({ type: 'text_delta', index, text: delta, pointer: ['delta'], refusal: true });
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        if (delta) events.push({ type: 'reasoning_delta', index, text: delta, pointer: ['delta'] });
        break;
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        if (delta !== undefined) events.push({ type: 'tool_call_delta', index, argumentsDelta: delta, pointer: ['delta'], encoding: 'string' });
        break;
      case 'response.output_item.added': {
        const item = getObject(data, 'item') ?? {};
        const itemType = getString(item, 'type') ?? '';
        if (TOOL_CALL_TYPES.has(itemType)) {
          const key = itemType === 'function_call' ? 'arguments' : 'input';
          const id = getString(item, 'call_id');
          const name = getString(item, 'name');
          const args = getString(item, key) ?? '';
          events.push({ type: 'tool_call_delta', index, ...(id === undefined ? {} : { id }), ...(name === undefined ? {} : { name }), argumentsDelta: args, pointer: ['item', key], encoding: 'string' });
        }
        break;
      }
      case 'response.output_text.done':
        snapshot(events, index, 'text', getString(data, 'text'), ['text']);
        break;
      case 'response.refusal.done':
        snapshot(events, index, 'refusal', getString(data, 'refusal'), ['refusal']);
        break;
      case 'response.reasoning_summary_text.done':
      case 'response.reasoning_text.done':
        snapshot(events, index, 'reasoning', getString(data, 'text'), ['text']);
        break;
      case 'response.function_call_arguments.done':
        snapshot(events, index, 'tool_arguments', getString(data, 'arguments'), ['arguments']);
        break;
      case 'response.custom_tool_call_input.done':
        snapshot(events, index, 'tool_arguments', getString(data, 'input'), ['input']);
        break;
      case 'response.content_part.added':
      case 'response.content_part.done':
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done': {
        const part = getObject(data, 'part') ?? {};
        const key = getString(part, 'type') === 'refusal' ? 'refusal' : 'text';
        const kind = type.includes('reasoning') ? 'reasoning' : key === 'refusal' ? 'refusal' : 'text';
        snapshot(events, index, kind, getString(part, key), ['part', key]);
        break;
      }
      case 'response.output_item.done': {
        const contents: OutputContents = { texts: [], toolCalls: [] };
        readItem(getObject(data, 'item') ?? {}, index, ['item'], contents.texts, contents.toolCalls);
        pushSnapshots(events, contents);
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed': {
        const response = getObject(data, 'response') ?? {};
        pushSnapshots(events, readOutput(response, ['response']));
        if (type === 'response.failed') {
          const error = getObject(response, 'error');
          events.push(error ? errorEvent(error) : { type: 'error', message: 'the response failed' });
        }
        const finish = responsesFinish(response);
        if (finish) events.push({ type: 'finish', index: 0, reason: finish.reason, raw: finish.raw });
        const tokenUsage = responsesUsage(getObject(response, 'usage'));
        if (tokenUsage) events.push({ type: 'usage', usage: tokenUsage });
        events.push({ type: 'done' });
        this.done = true;
        break;
      }
      case 'error':
        this.failed = true;
        events.push(errorEvent(data));
        break;
      default:
    }
    return { data, events };
  }

  end(): StreamEvent[] {
    return this.done || this.failed ? [] : [truncated('response.completed')];
  }
}

function snapshot(events: StreamEvent[], index: number, kind: 'text' | 'refusal' | 'reasoning' | 'tool_arguments', text: string | undefined, pointer: JsonPointer): void {
  if (text !== undefined && text.length > 0) events.push({ type: 'text_snapshot', index, kind, text, pointer });
}

function pushSnapshots(events: StreamEvent[], contents: OutputContents): void {
  for (const text of contents.texts) snapshot(events, text.index, text.kind, text.text, text.pointer);
  for (const call of contents.toolCalls) snapshot(events, call.index, 'tool_arguments', call.arguments, call.pointer);
}
