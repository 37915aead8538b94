/** OpenAI chat completions: the JSON response and the `chat.completion.chunk` stream. */
import { getArray, getNumber, getObject, getString, own, type JsonObject } from '../json';
import { asObjects } from '../request/collector';
import { count, errorEvent, parseData, truncated, unparseable, usage } from './common';
import type { CanonicalResponse, DecodedSseEvent, FinishReason, ResponseText, ResponseToolCall, StreamDecoder, StreamEvent, TokenUsage } from './types';

export function chatFinishReason(raw: string): FinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}

/** `usage` of chat completions: prompt_tokens includes cached tokens, completion_tokens includes reasoning. */
export function chatUsage(raw: JsonObject | undefined): TokenUsage | undefined {
  if (!raw) return undefined;
  const input = count(raw, 'prompt_tokens');
  const output = count(raw, 'completion_tokens');
  if (input === undefined && output === undefined) return undefined;
  return usage({
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    cachedInputTokens: count(getObject(raw, 'prompt_tokens_details'), 'cached_tokens'),
    reasoningTokens: count(getObject(raw, 'completion_tokens_details'), 'reasoning_tokens'),
    totalTokens: count(raw, 'total_tokens'),
  });
}

export function parseChatResponse(body: JsonObject): Omit<CanonicalResponse, 'api' | 'body' | 'raw'> {
  const texts: ResponseText[] = [];
  const toolCalls: ResponseToolCall[] = [];
  let firstFinish: string | undefined;
  for (const [p, choice] of asObjects(getArray(body, 'choices'))) {
    const index = getNumber(choice, 'index') ?? p;
    const message = getObject(choice, 'message') ?? {};
    const at = ['choices', p, 'message'];
    for (const [key, kind] of [['content', 'text'], ['refusal', 'refusal'], ['reasoning_content', 'reasoning']] as const) {
      const text = getString(message, key);
      if (text !== undefined) texts.push({ index, kind, text, pointer: [...at, key], rewritable: true });
    }
    for (const [k, call] of asObjects(getArray(message, 'tool_calls'))) {
      const id = getString(call, 'id');
      const fn = getObject(call, 'function') ?? getObject(call, 'custom');
      if (!fn) continue;
      const argsKey = getObject(call, 'function') ? 'arguments' : 'input';
      toolCalls.push({
        index: k,
        choice: index,
        ...(id === undefined ? {} : { id }),
        name: getString(fn, 'name') ?? '',
        arguments: getString(fn, argsKey) ?? '',
        pointer: [...at, 'tool_calls', k, getObject(call, 'function') ? 'function' : 'custom', argsKey],
        encoding: 'string',
      });
    }
    const legacy = getObject(message, 'function_call');
    if (legacy) toolCalls.push({ index: 0, choice: index, name: getString(legacy, 'name') ?? '', arguments: getString(legacy, 'arguments') ?? '', pointer: [...at, 'function_call', 'arguments'], encoding: 'string' });
    if (p === 0) firstFinish = getString(choice, 'finish_reason');
  }
  const model = getString(body, 'model');
  const tokenUsage = chatUsage(getObject(body, 'usage'));
  return {
    ...(model === undefined ? {} : { model }),
    texts,
    toolCalls,
    ...(firstFinish === undefined ? {} : { finishReason: chatFinishReason(firstFinish), rawFinishReason: firstFinish }),
    ...(tokenUsage === undefined ? {} : { usage: tokenUsage }),
  };
}

/** Chunks until `data: [DONE]`; usage arrives in a last chunk with no choices when `include_usage` is set. */
export class ChatStreamDecoder implements StreamDecoder {
  private done = false;
  private failed = false;

  decode(event: { readonly data: string }): DecodedSseEvent {
    if (event.data.trim() === '[DONE]') {
      this.done = true;
      return { events: [{ type: 'done' }] };
    }
    const data = parseData(event.data);
    if (data === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) return unparseable();
    const events: StreamEvent[] = [];
    const error = getObject(data, 'error');
    if (error) {
      this.failed = true;
      return { data, events: [errorEvent(error)] };
    }
    for (const [p, choice] of asObjects(getArray(data, 'choices'))) {
      const index = getNumber(choice, 'index') ?? p;
      const delta = getObject(choice, 'delta') ?? {};
      const at = ['choices', p, 'delta'];
      const content = getString(delta, 'content');
      if (content) events.push({ type: 'text_delta', index, text: content, pointer: [...at, 'content'] });
      const refusal = getString(delta, 'refusal');
      if (refusal) events.push({ type: 'text_delta', index, text: refusal, pointer: [...at, 'refusal'], refusal: true });
      const reasoning = getString(delta, 'reasoning_content');
      if (reasoning) events.push({ type: 'reasoning_delta', index, text: reasoning, pointer: [...at, 'reasoning_content'] });
      for (const [k, call] of asObjects(getArray(delta, 'tool_calls'))) {
        const fn = getObject(call, 'function') ?? {};
        events.push(toolDelta(index, getNumber(call, 'index') ?? k, getString(call, 'id'), getString(fn, 'name'), getString(fn, 'arguments'), [...at, 'tool_calls', k, 'function', 'arguments']));
      }
      const legacy = getObject(delta, 'function_call');
      if (legacy) events.push(toolDelta(index, 0, undefined, getString(legacy, 'name'), getString(legacy, 'arguments'), [...at, 'function_call', 'arguments']));
      const finish = own(choice, 'finish_reason');
      if (typeof finish === 'string') events.push({ type: 'finish', index, reason: chatFinishReason(finish), raw: finish });
    }
    const tokenUsage = chatUsage(getObject(data, 'usage'));
    if (tokenUsage) events.push({ type: 'usage', usage: tokenUsage });
    return { data, events };
  }

  end(): StreamEvent[] {
    return this.done || this.failed ? [] : [truncated('[DONE]')];
  }
}

function toolDelta(choice: number, index: number, id: string | undefined, name: string | undefined, args: string | undefined, pointer: readonly (string | number)[]): StreamEvent {
  return {
    type: 'tool_call_delta',
    index,
    choice,
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
    argumentsDelta: args ?? '',
    ...(args === undefined ? {} : { pointer }),
    encoding: 'string',
  };
}
