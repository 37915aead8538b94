/**
 * (Test and benchmark data, not used by the gateway itself.)
 * Provider responses as the real APIs send them (text with multi-byte characters, one tool call,
 * usage with cached and reasoning tokens), for the response and stream translation tests, and a
 * reader that reduces any client-API response to what must survive translation.
 */
import type { ApiFamily, ParseableApiId } from '../apis';
import { decodeSseBody, parseResponse } from '../response/index';
import type { FinishReason, TokenUsage } from '../response/types';

/** Every ordered pair of different API families: each translation direction once. */
export const TRANSLATION_PAIRS: Array<[ApiFamily, ApiFamily]> = [
  ['openai', 'anthropic'],
  ['openai', 'gemini'],
  ['anthropic', 'openai'],
  ['anthropic', 'gemini'],
  ['gemini', 'openai'],
  ['gemini', 'anthropic'],
];

const sse = (data: object, event?: string, eol = '\n'): string => `${event === undefined ? '' : `event: ${event}${eol}`}data: ${JSON.stringify(data)}${eol}${eol}`;

const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-abc',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  usage: null,
});

export const PROVIDER_STREAMS: Record<ApiFamily, string> = {
  openai: [
    sse(chunk({ role: 'assistant', content: '' })),
    sse(chunk({ content: 'Héllo ' })),
    sse(chunk({ content: '東京 🎨' })),
    sse(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] })),
    sse(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] })),
    sse(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })),
    sse(chunk({}, 'tool_calls')),
    sse({
      id: 'chatcmpl-abc',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } },
    }),
    'data: [DONE]\n\n',
  ].join(''),
  anthropic: [
    sse({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 6, cache_read_input_tokens: 4, cache_creation_input_tokens: 0, output_tokens: 1 } } }, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    sse({ type: 'ping' }, 'ping'),
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Héllo ' } }, 'content_block_delta'),
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '東京 🎨' } }, 'content_block_delta'),
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } }, 'content_block_start'),
    sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }, 'content_block_delta'),
    sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } }, 'content_block_delta'),
    sse({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } }, 'content_block_delta'),
    sse({ type: 'content_block_stop', index: 1 }, 'content_block_stop'),
    sse({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 5 } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  ].join(''),
  // Gemini separates events with CRLF and repeats cumulative usage on every chunk.
  gemini: [
    sse({ candidates: [{ content: { role: 'model', parts: [{ text: 'Héllo ' }] }, index: 0 }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 }, modelVersion: 'gemini-2.0-flash', responseId: 'resp1' }, undefined, '\r\n'),
    sse({ candidates: [{ content: { role: 'model', parts: [{ text: '東京 🎨' }] }, index: 0 }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 }, modelVersion: 'gemini-2.0-flash', responseId: 'resp1' }, undefined, '\r\n'),
    sse(
      {
        candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3, thoughtsTokenCount: 2, cachedContentTokenCount: 4, totalTokenCount: 15 },
        modelVersion: 'gemini-2.0-flash',
        responseId: 'resp1',
      },
      undefined,
      '\r\n',
    ),
  ].join(''),
};

export const PROVIDER_JSON: Record<ApiFamily, object> = {
  openai: {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Héllo 東京 🎨', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, finish_reason: 'tool_calls' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } },
  },
  anthropic: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude',
    content: [{ type: 'text', text: 'Héllo 東京 🎨' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 6, cache_read_input_tokens: 4, cache_creation_input_tokens: 0, output_tokens: 5 },
  },
  gemini: {
    candidates: [{ content: { role: 'model', parts: [{ text: 'Héllo 東京 🎨' }, { functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3, thoughtsTokenCount: 2, cachedContentTokenCount: 4, totalTokenCount: 15 },
    modelVersion: 'gemini-2.0-flash',
    responseId: 'resp1',
  },
};

export const API_OF: Record<ApiFamily, ParseableApiId> = { openai: 'openai.chat_completions', anthropic: 'anthropic.messages', gemini: 'gemini.stream_generate_content' };

/** What must survive translation, read back with the client API's own parser or stream decoder. */
export interface Essence {
  readonly text: string;
  readonly toolCalls: ReadonlyArray<{ readonly name: string; readonly args: unknown }>;
  readonly finish: FinishReason | undefined;
  readonly usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens'> | undefined;
  readonly errors: readonly string[];
}

export function streamEssence(family: ApiFamily, body: Buffer | string): Essence {
  const events = decodeSseBody(API_OF[family] as Exclude<ParseableApiId, 'openai.embeddings'>, Buffer.from(body));
  let text = '';
  const calls = new Map<number, { name: string; args: string }>();
  let finish: FinishReason | undefined;
  let usage: TokenUsage | undefined;
  const errors: string[] = [];
  for (const event of events) {
    if (event.type === 'text_delta') text += event.text;
    if (event.type === 'tool_call_delta') {
      const call = calls.get(event.index) ?? { name: '', args: '' };
      call.name ||= event.name ?? '';
      call.args += event.argumentsDelta;
      calls.set(event.index, call);
    }
    if (event.type === 'finish') finish = event.reason;
    if (event.type === 'usage') usage = event.usage;
    if (event.type === 'error') errors.push(event.code ?? event.message);
  }
  return {
    text,
    toolCalls: [...calls.values()].map((c) => ({ name: c.name, args: JSON.parse(c.args || '{}') as unknown })),
    finish,
    usage: usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens ?? 0 },
    errors,
  };
}

export function jsonEssence(family: ApiFamily, body: Buffer | string): Essence {
  const parsed = parseResponse(family === 'gemini' ? 'gemini.generate_content' : API_OF[family], Buffer.from(body));
  if (!parsed.ok) throw new Error(parsed.message);
  const { response } = parsed;
  return {
    text: response.texts.filter((t) => t.kind === 'text').map((t) => t.text).join(''),
    toolCalls: response.toolCalls.map((c) => ({ name: c.name, args: JSON.parse(c.arguments || '{}') as unknown })),
    finish: response.finishReason,
    usage: response.usage && { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens, cachedInputTokens: response.usage.cachedInputTokens ?? 0 },
    errors: [],
  };
}
