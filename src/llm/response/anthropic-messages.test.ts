import Anthropic from '@anthropic-ai/sdk';
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { RewriteError } from '../request/rewrite';
import { anthropicFinishReason } from './anthropic-messages';
import { decodeSseBody, parseResponse, rewriteResponse } from './index';
import type { StreamEvent } from './types';

const usage = {
  input_tokens: 25,
  output_tokens: 40,
  cache_creation_input_tokens: 10,
  cache_read_input_tokens: 100,
  cache_creation: null,
  inference_geo: null,
  output_tokens_details: { thinking_tokens: 15 },
  server_tool_use: null,
  service_tier: 'standard' as const,
  speed: null,
};

const message: Message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-5-5-20260101',
  content: [
    { type: 'thinking', thinking: 'Need the weather.', signature: 'sig' },
    { type: 'text', text: 'Let me check.', citations: null },
    { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' }, caller: { type: 'direct' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  stop_details: null,
  container: null,
  diagnostics: null,
  usage,
};

describe('Anthropic: JSON response', () => {
  const parsed = parseResponse('anthropic.messages', Buffer.from(JSON.stringify(message)));
  if (!parsed.ok) throw new Error(parsed.message);
  const response = parsed.response;

  it('reads texts, tool calls, finish and usage (cache counted into input)', () => {
    expect(response).toMatchObject({
      model: 'claude-sonnet-5-5-20260101',
      finishReason: 'tool_calls',
      rawFinishReason: 'tool_use',
      usage: { inputTokens: 135, outputTokens: 40, cachedInputTokens: 100, cacheWriteTokens: 10, reasoningTokens: 15, totalTokens: 175 },
    });
    expect(response.texts).toEqual([
      { index: 0, kind: 'reasoning', text: 'Need the weather.', pointer: ['content', 0, 'thinking'], rewritable: false },
      { index: 1, kind: 'text', text: 'Let me check.', pointer: ['content', 1, 'text'], rewritable: true },
    ]);
    expect(response.toolCalls).toEqual([{ index: 2, id: 'toolu_1', name: 'weather', arguments: '{"city":"Oslo"}', pointer: ['content', 2, 'input'], encoding: 'json' }]);
  });

  it('rewrites text and tool input, never signed thinking', () => {
    const body = JSON.parse(rewriteResponse(response, { texts: new Map([[1, 'Checking.']]), toolCalls: new Map([[0, '{"city":"[CITY]"}']]) }).toString());
    expect(body.content[1].text).toBe('Checking.');
    expect(body.content[2].input).toEqual({ city: '[CITY]' });
    expect(() => rewriteResponse(response, { texts: new Map([[0, 'x']]) })).toThrow(RewriteError);
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
  ])('stop_reason %s -> %s', (raw, reason) => {
    expect(anthropicFinishReason(raw)).toBe(reason);
  });
});

const events: RawMessageStreamEvent[] = [
  { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Need weather.' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: null } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Let me ' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'check.' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather', input: {}, caller: { type: 'direct' } } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"city": ' } },
  { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } },
  { type: 'content_block_stop', index: 2 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null, stop_details: null, container: null }, usage: { output_tokens: 40, input_tokens: null, cache_creation_input_tokens: null, cache_read_input_tokens: null, output_tokens_details: null, server_tool_use: null } },
  { type: 'message_stop' },
] satisfies RawMessageStreamEvent[];

/** As Anthropic frames it: the event name in `event:` (the SDK skips events without one), pings between. */
const streamText = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('event: ping\ndata: {"type":"ping"}\n\n');

describe('Anthropic: stream', () => {
  it('yields canonical events with merged usage', () => {
    const inputSide = { inputTokens: 135, cachedInputTokens: 100, cacheWriteTokens: 10, reasoningTokens: 15 };
    expect(decodeSseBody('anthropic.messages', Buffer.from(streamText))).toEqual<StreamEvent[]>([
      { type: 'usage', usage: { ...inputSide, outputTokens: 1, totalTokens: 136 } },
      { type: 'reasoning_delta', index: 0, text: 'Need weather.', pointer: ['delta', 'thinking'] },
      { type: 'text_delta', index: 1, text: 'Let me ', pointer: ['delta', 'text'] },
      { type: 'text_delta', index: 1, text: 'check.', pointer: ['delta', 'text'] },
      { type: 'tool_call_delta', index: 2, id: 'toolu_1', name: 'weather', argumentsDelta: '', encoding: 'string' },
      { type: 'tool_call_delta', index: 2, argumentsDelta: '{"city": ', pointer: ['delta', 'partial_json'], encoding: 'string' },
      { type: 'tool_call_delta', index: 2, argumentsDelta: '"Oslo"}', pointer: ['delta', 'partial_json'], encoding: 'string' },
      { type: 'finish', index: 0, reason: 'tool_calls', raw: 'tool_use' },
      { type: 'usage', usage: { ...inputSide, outputTokens: 40, totalTokens: 175 } },
      { type: 'done' },
    ]);
  });

  it('reports error events and truncation', () => {
    expect(decodeSseBody('anthropic.messages', Buffer.from('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'))).toEqual([
      { type: 'error', message: 'Overloaded', code: 'overloaded_error' },
    ]);
    const cut = streamText.slice(0, streamText.indexOf('event: message_delta'));
    expect(decodeSseBody('anthropic.messages', Buffer.from(cut)).pop()).toEqual({ type: 'error', message: 'the stream ended before message_stop', code: 'stream_truncated' });
  });

  it('the Anthropic SDK accumulates the same message from the stream', async () => {
    const sdk = new Anthropic({ apiKey: 'k', baseURL: 'http://gateway', maxRetries: 0, fetch: async () => new Response(streamText, { status: 200, headers: { 'content-type': 'text/event-stream' } }) });
    const final = await sdk.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(final.usage.output_tokens).toBe(40);
  });
});
