import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { formatSseEvent, SseParser } from '../sse';
import { createStreamDecoder, decodeSseBody, parseResponse, rewriteResponse, rewriteSseEvent } from './index';
import { chatFinishReason } from './openai-chat';
import type { StreamEvent } from './types';

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-2024-08-06',
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      logprobs: null,
      message: {
        role: 'assistant',
        content: 'Checking the weather.',
        refusal: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
    },
    { index: 1, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: null, refusal: 'I cannot help.' } },
  ],
  usage: {
    prompt_tokens: 120,
    completion_tokens: 30,
    total_tokens: 150,
    prompt_tokens_details: { cached_tokens: 100 },
    completion_tokens_details: { reasoning_tokens: 10 },
  },
};

describe('OpenAI chat: JSON response', () => {
  const parsed = parseResponse('openai.chat_completions', Buffer.from(JSON.stringify(completion)));
  if (!parsed.ok) throw new Error(parsed.message);
  const response = parsed.response;

  it('reads texts, tool calls, finish and usage', () => {
    expect(response).toMatchObject({
      api: 'openai.chat_completions',
      model: 'gpt-4o-2024-08-06',
      finishReason: 'tool_calls',
      rawFinishReason: 'tool_calls',
      usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 100, reasoningTokens: 10, totalTokens: 150 },
    });
    expect(response.texts).toEqual([
      { index: 0, kind: 'text', text: 'Checking the weather.', pointer: ['choices', 0, 'message', 'content'], rewritable: true },
      { index: 1, kind: 'refusal', text: 'I cannot help.', pointer: ['choices', 1, 'message', 'refusal'], rewritable: true },
    ]);
    expect(response.toolCalls).toEqual([
      { index: 0, choice: 0, id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}', pointer: ['choices', 0, 'message', 'tool_calls', 0, 'function', 'arguments'], encoding: 'string' },
      { index: 1, choice: 0, id: 'call_b', name: 'get_time', arguments: '{}', pointer: ['choices', 0, 'message', 'tool_calls', 1, 'function', 'arguments'], encoding: 'string' },
    ]);
  });

  it('rewrites texts and arguments', () => {
    const body = JSON.parse(rewriteResponse(response, { texts: new Map([[0, 'Checking [X].']]), toolCalls: new Map([[0, '{"city":"[CITY]"}']]) }).toString());
    expect(body.choices[0].message.content).toBe('Checking [X].');
    expect(body.choices[0].message.tool_calls[0].function.arguments).toBe('{"city":"[CITY]"}');
    expect(rewriteResponse(response, {})).toBe(response.raw);
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['something_new', 'other'],
  ])('finish_reason %s -> %s', (raw, reason) => {
    expect(chatFinishReason(raw)).toBe(reason);
  });
});

function chunk(delta: ChatCompletionChunk.Choice.Delta, finish: ChatCompletionChunk.Choice['finish_reason'] = null, index = 0): ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index, delta, finish_reason: finish, logprobs: null }] };
}

const chunks: ChatCompletionChunk[] = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Hel' }),
  chunk({ content: 'lo 🙂' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
  chunk({}, 'tool_calls'),
  { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } },
];
const streamText = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';

describe('OpenAI chat: stream', () => {
  it('yields canonical events', () => {
    expect(decodeSseBody('openai.chat_completions', Buffer.from(streamText))).toEqual<StreamEvent[]>([
      { type: 'text_delta', index: 0, text: 'Hel', pointer: ['choices', 0, 'delta', 'content'] },
      { type: 'text_delta', index: 0, text: 'lo 🙂', pointer: ['choices', 0, 'delta', 'content'] },
      { type: 'tool_call_delta', index: 0, choice: 0, id: 'call_1', name: 'lookup', argumentsDelta: '', pointer: ['choices', 0, 'delta', 'tool_calls', 0, 'function', 'arguments'], encoding: 'string' },
      { type: 'tool_call_delta', index: 0, choice: 0, argumentsDelta: '{"q":', pointer: ['choices', 0, 'delta', 'tool_calls', 0, 'function', 'arguments'], encoding: 'string' },
      { type: 'tool_call_delta', index: 0, choice: 0, argumentsDelta: '"x"}', pointer: ['choices', 0, 'delta', 'tool_calls', 0, 'function', 'arguments'], encoding: 'string' },
      { type: 'finish', index: 0, reason: 'tool_calls', raw: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 } },
      { type: 'done' },
    ]);
  });

  it('keeps choices apart when n > 1, and reads refusals', () => {
    const text = [chunk({ content: 'a' }, null, 0), chunk({ refusal: 'no' }, null, 1), chunk({}, 'stop', 1)].map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
    expect(decodeSseBody('openai.chat_completions', Buffer.from(text))).toEqual([
      { type: 'text_delta', index: 0, text: 'a', pointer: ['choices', 0, 'delta', 'content'] },
      { type: 'text_delta', index: 1, text: 'no', pointer: ['choices', 0, 'delta', 'refusal'], refusal: true },
      { type: 'finish', index: 1, reason: 'stop', raw: 'stop' },
      { type: 'done' },
    ]);
  });

  it('reports an error chunk, a stream cut before [DONE], and junk', () => {
    expect(decodeSseBody('openai.chat_completions', Buffer.from('data: {"error":{"message":"overloaded","type":"server_error","code":"server_overloaded"}}\n\n'))).toEqual([
      { type: 'error', message: 'overloaded', code: 'server_overloaded' },
    ]);
    expect(decodeSseBody('openai.chat_completions', Buffer.from(`data: ${JSON.stringify(chunk({ content: 'a' }))}\n\n`)).pop()).toEqual({ type: 'error', message: 'the stream ended before [DONE]', code: 'stream_truncated' });
    expect(decodeSseBody('openai.chat_completions', Buffer.from('data: {not json\n\ndata: [DONE]\n\n'))).toEqual([{ type: 'error', message: 'a stream event is not valid JSON', code: 'invalid_stream_event' }, { type: 'done' }]);
  });

  it('rewritten events are read by the OpenAI SDK as if the provider sent them', async () => {
    // A guard redacts "lo" in the second text delta; every event is re-encoded.
    const parser = new SseParser();
    const decoder = createStreamDecoder('openai.chat_completions');
    let out = '';
    for (const event of parser.push(Buffer.from(streamText)).events) {
      const decoded = decoder.decode(event);
      const edits = decoded.events.flatMap((e) => (e.type === 'text_delta' && e.text.startsWith('lo') ? [{ pointer: e.pointer, text: e.text.replace('lo', '[X]') }] : []));
      const data = decoded.data;
      out += data !== undefined && typeof data === 'object' && data !== null && !Array.isArray(data) ? rewriteSseEvent(event, data, edits) : formatSseEvent(event);
    }
    const sdk = new OpenAI({ apiKey: 'k', baseURL: 'http://gateway/v1', maxRetries: 0, fetch: async () => new Response(out, { status: 200, headers: { 'content-type': 'text/event-stream' } }) });
    const stream = await sdk.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    let args = '';
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? '';
      args += part.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
    }
    expect(text).toBe('Hel[X] 🙂');
    expect(args).toBe('{"q":"x"}');
  });
});
