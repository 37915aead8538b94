import type { JsonObject } from '../json';
import { decodeSseBody, parseResponse } from './index';
import { responsesFinish } from './openai-responses';
import type { StreamEvent } from './types';

const message = { type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hi there', annotations: [] }] };
const call = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'lookup', arguments: '{"q":1}', status: 'completed' };
const usage = { input_tokens: 50, input_tokens_details: { cached_tokens: 20, cache_write_tokens: 5 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 62 };
const response = {
  id: 'resp_1',
  object: 'response',
  created_at: 1,
  status: 'completed',
  model: 'gpt-4.1-2025-04-14',
  output: [
    { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Thought.' }] },
    message,
    { type: 'message', id: 'msg_2', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: 'Not that.' }] },
    call,
    { type: 'custom_tool_call', id: 'ct_1', call_id: 'call_2', name: 'shell', input: 'ls' },
  ],
  usage,
  error: null,
  incomplete_details: null,
};

describe('OpenAI Responses: JSON response', () => {
  it('reads texts, tool calls, finish and usage', () => {
    const parsed = parseResponse('openai.responses', Buffer.from(JSON.stringify(response)));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.response).toMatchObject({
      model: 'gpt-4.1-2025-04-14',
      finishReason: 'tool_calls',
      rawFinishReason: 'completed',
      usage: { inputTokens: 50, outputTokens: 12, cachedInputTokens: 20, cacheWriteTokens: 5, reasoningTokens: 4, totalTokens: 62 },
    });
    expect(parsed.response.texts.map((t) => [t.index, t.kind, t.text, t.pointer.join('.')])).toEqual([
      [0, 'reasoning', 'Thought.', 'output.0.summary.0.text'],
      [1, 'text', 'Hi there', 'output.1.content.0.text'],
      [2, 'refusal', 'Not that.', 'output.2.content.0.refusal'],
    ]);
    expect(parsed.response.toolCalls.map((c) => [c.index, c.id, c.name, c.arguments, c.pointer.join('.')])).toEqual([
      [3, 'call_1', 'lookup', '{"q":1}', 'output.3.arguments'],
      [4, 'call_2', 'shell', 'ls', 'output.4.input'],
    ]);
  });

  it.each<[JsonObject, string, string]>([
    [{ status: 'completed', output: [message] }, 'stop', 'completed'],
    [{ status: 'completed', output: [message, call] }, 'tool_calls', 'completed'],
    [{ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }, 'length', 'max_output_tokens'],
    [{ status: 'incomplete', incomplete_details: { reason: 'content_filter' } }, 'content_filter', 'content_filter'],
    [{ status: 'failed' }, 'other', 'failed'],
    [{ status: 'cancelled' }, 'other', 'cancelled'],
  ])('finish of %j is %s', (body, reason, raw) => {
    expect(responsesFinish(body)).toEqual({ reason, raw });
  });
});

function sse(events: Array<Record<string, unknown>>): Buffer {
  return Buffer.from(events.map((e, i) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join(''));
}

const stream = [
  { type: 'response.created', response: { ...response, status: 'in_progress', output: [], usage: null } },
  { type: 'response.in_progress', response: { ...response, status: 'in_progress', output: [], usage: null } },
  { type: 'response.output_item.added', output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
  { type: 'response.content_part.added', output_index: 0, content_index: 0, item_id: 'msg_1', part: { type: 'output_text', text: '', annotations: [] } },
  { type: 'response.output_text.delta', output_index: 0, content_index: 0, item_id: 'msg_1', delta: 'Hi', logprobs: [] },
  { type: 'response.output_text.delta', output_index: 0, content_index: 0, item_id: 'msg_1', delta: ' there', logprobs: [] },
  { type: 'response.output_text.done', output_index: 0, content_index: 0, item_id: 'msg_1', text: 'Hi there', logprobs: [] },
  { type: 'response.content_part.done', output_index: 0, content_index: 0, item_id: 'msg_1', part: { type: 'output_text', text: 'Hi there', annotations: [] } },
  { type: 'response.output_item.done', output_index: 0, item: message },
  { type: 'response.output_item.added', output_index: 1, item: { ...call, arguments: '', status: 'in_progress' } },
  { type: 'response.function_call_arguments.delta', output_index: 1, item_id: 'fc_1', delta: '{"q":' },
  { type: 'response.function_call_arguments.delta', output_index: 1, item_id: 'fc_1', delta: '1}' },
  { type: 'response.function_call_arguments.done', output_index: 1, item_id: 'fc_1', arguments: '{"q":1}' },
  { type: 'response.output_item.done', output_index: 1, item: call },
  { type: 'response.completed', response: { ...response, output: [message, call] } },
];

describe('OpenAI Responses: stream', () => {
  it('yields deltas, snapshots of repeated text, finish, usage and done', () => {
    expect(decodeSseBody('openai.responses', sse(stream))).toEqual<StreamEvent[]>([
      { type: 'text_delta', index: 0, text: 'Hi', pointer: ['delta'] },
      { type: 'text_delta', index: 0, text: ' there', pointer: ['delta'] },
      { type: 'text_snapshot', index: 0, kind: 'text', text: 'Hi there', pointer: ['text'] },
      { type: 'text_snapshot', index: 0, kind: 'text', text: 'Hi there', pointer: ['part', 'text'] },
      { type: 'text_snapshot', index: 0, kind: 'text', text: 'Hi there', pointer: ['item', 'content', 0, 'text'] },
      { type: 'tool_call_delta', index: 1, id: 'call_1', name: 'lookup', argumentsDelta: '', pointer: ['item', 'arguments'], encoding: 'string' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{"q":', pointer: ['delta'], encoding: 'string' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '1}', pointer: ['delta'], encoding: 'string' },
      { type: 'text_snapshot', index: 1, kind: 'tool_arguments', text: '{"q":1}', pointer: ['arguments'] },
      { type: 'text_snapshot', index: 1, kind: 'tool_arguments', text: '{"q":1}', pointer: ['item', 'arguments'] },
      { type: 'text_snapshot', index: 0, kind: 'text', text: 'Hi there', pointer: ['response', 'output', 0, 'content', 0, 'text'] },
      { type: 'text_snapshot', index: 1, kind: 'tool_arguments', text: '{"q":1}', pointer: ['response', 'output', 1, 'arguments'] },
      { type: 'finish', index: 0, reason: 'tool_calls', raw: 'completed' },
      { type: 'usage', usage: { inputTokens: 50, outputTokens: 12, cachedInputTokens: 20, cacheWriteTokens: 5, reasoningTokens: 4, totalTokens: 62 } },
      { type: 'done' },
    ]);
  });

  it('reports incomplete and failed responses and error events', () => {
    expect(decodeSseBody('openai.responses', sse([{ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [], usage } }])).filter((e) => e.type === 'finish')).toEqual([
      { type: 'finish', index: 0, reason: 'length', raw: 'max_output_tokens' },
    ]);
    expect(decodeSseBody('openai.responses', sse([{ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'boom' }, output: [] } }]))).toEqual([
      { type: 'error', message: 'boom', code: 'server_error' },
      { type: 'finish', index: 0, reason: 'other', raw: 'failed' },
      { type: 'done' },
    ]);
    expect(decodeSseBody('openai.responses', sse([{ type: 'error', code: 'rate_limit_exceeded', message: 'slow down', param: null }]))).toEqual([{ type: 'error', message: 'slow down', code: 'rate_limit_exceeded' }]);
    expect(decodeSseBody('openai.responses', sse(stream.slice(0, 6))).pop()).toMatchObject({ type: 'error', code: 'stream_truncated' });
  });

  it('reads reasoning and refusal deltas', () => {
    expect(decodeSseBody('openai.responses', sse([
      { type: 'response.reasoning_summary_text.delta', output_index: 0, delta: 'hmm' },
      { type: 'response.refusal.delta', output_index: 1, delta: 'no' },
      { type: 'response.completed', response: { status: 'completed', output: [] } },
    ]))).toEqual([
      { type: 'reasoning_delta', index: 0, text: 'hmm', pointer: ['delta'] },
      { type: 'text_delta', index: 1, text: 'no', pointer: ['delta'], refusal: true },
      { type: 'finish', index: 0, reason: 'stop', raw: 'completed' },
      { type: 'done' },
    ]);
  });
});
