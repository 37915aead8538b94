import {
  DEFAULT_EMBEDDING_DIMENSIONS,
  defaultReplyText,
  estimateTokens,
  mockEmbedding,
  startMockProvider,
  type Json,
  type JsonObject,
  type MockProviderHandle,
} from '../support/providers';
import { at, bodyJson, parseSse, bodyText, rawRequest, sseJson } from './helpers';

let mock: MockProviderHandle;
beforeAll(async () => {
  mock = await startMockProvider({ flavor: 'openai' });
});
afterAll(() => mock.close());

const USER = 'What is the capital of France? Please answer briefly and politely.';
const chatBody = (extra: JsonObject = {}): JsonObject => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: USER },
  ],
  ...extra,
});
const PROMPT_TOKENS = estimateTokens(`You are terse.\n${USER}`);
const REPLY = defaultReplyText('openai', USER);

describe('chat completions (JSON)', () => {
  it('returns a chat.completion with the echoed reply and text-derived usage', async () => {
    const res = await rawRequest(mock.url, '/v1/chat/completions', { body: chatBody() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
    const json = bodyJson(res);
    expect(json).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini' });
    expect(at(json, 'id')).toEqual(expect.stringMatching(/^chatcmpl-/));
    expect(typeof at(json, 'created')).toBe('number');
    expect(at(json, 'choices')).toEqual([
      { index: 0, message: { role: 'assistant', content: REPLY, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(REPLY).toBe('mock-openai reply to: What is the capital of France? Please an');
    expect(at(json, 'usage')).toEqual({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: estimateTokens(REPLY),
      total_tokens: PROMPT_TOKENS + estimateTokens(REPLY),
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  it('honours max_completion_tokens with finish_reason length', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/chat/completions', { body: chatBody({ max_completion_tokens: 3 }) }));
    expect(at(json, 'choices', 0, 'finish_reason')).toBe('length');
    expect(at(json, 'choices', 0, 'message', 'content')).toBe(REPLY.slice(0, 12));
    expect(at(json, 'usage', 'completion_tokens')).toBe(3);
  });

  it('applies x-mock-usage (cached within prompt, reasoning within completion) and x-mock-reply', async () => {
    const res = await rawRequest(mock.url, '/v1/chat/completions', {
      body: chatBody(),
      headers: { 'x-mock-usage': 'cached=4;reasoning=10', 'x-mock-reply': 'exactly this' },
    });
    const json = bodyJson(res);
    expect(at(json, 'choices', 0, 'message', 'content')).toBe('exactly this');
    expect(at(json, 'usage')).toMatchObject({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: 3 + 10,
      total_tokens: PROMPT_TOKENS + 13,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 10 },
    });
  });

  it('x-mock-reply-b64 carries arbitrary UTF-8', async () => {
    const text = 'Grüße, 東京 ✓';
    const res = await rawRequest(mock.url, '/v1/chat/completions', { body: chatBody(), headers: { 'x-mock-reply-b64': Buffer.from(text).toString('base64') } });
    expect(at(bodyJson(res), 'choices', 0, 'message', 'content')).toBe(text);
  });

  it('calls a tool when tools are offered and the user asks for one', async () => {
    const tools = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } } } },
    ];
    const json = bodyJson(
      await rawRequest(mock.url, '/v1/chat/completions', { body: { model: 'gpt-4o', tools, messages: [{ role: 'user', content: 'Use get_weather for Paris' }] } }),
    );
    const choice = at(json, 'choices', 0);
    expect(choice).toMatchObject({ finish_reason: 'tool_calls', message: { role: 'assistant', content: null } });
    const call = at(choice, 'message', 'tool_calls', 0);
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(at(call, 'id')).toEqual(expect.stringMatching(/^call_/));
    expect(JSON.parse(String(at(call, 'function', 'arguments')))).toEqual({ city: 'Use get_weather for Paris', days: 1 });
  });

  it('does not call a tool when the user does not ask, or tool_choice is none', async () => {
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];
    const bodies: JsonObject[] = [
      { model: 'm', tools, messages: [{ role: 'user', content: 'hello' }] },
      { model: 'm', tools, tool_choice: 'none', messages: [{ role: 'user', content: 'use the lookup tool' }] },
    ];
    for (const body of bodies) {
      const json = bodyJson(await rawRequest(mock.url, '/v1/chat/completions', { body }));
      expect(at(json, 'choices', 0, 'finish_reason')).toBe('stop');
    }
  });
});

describe('chat completions (SSE)', () => {
  it('streams role delta, content deltas, finish chunk, usage chunk, [DONE]', async () => {
    const res = await rawRequest(mock.url, '/v1/chat/completions', { body: chatBody({ stream: true, stream_options: { include_usage: true } }) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const raw = parseSse(bodyText(res));
    expect(raw.every((e) => e.event === undefined)).toBe(true);
    expect(raw[raw.length - 1].data).toBe('[DONE]');
    const chunks = sseJson(res).map((e) => e.json);
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    for (const c of chunks.slice(0, -1)) expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4o-mini', usage: null });
    expect(at(chunks[0], 'choices', 0, 'delta')).toEqual({ role: 'assistant', content: '', refusal: null });
    const finishAt = chunks.findIndex((c) => (c.choices as JsonObject[])[0]?.finish_reason != null);
    expect(at(chunks[finishAt], 'choices', 0)).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    const text = chunks.slice(1, finishAt).map((c) => String(at(c, 'choices', 0, 'delta', 'content'))).join('');
    expect(text).toBe(REPLY);
    expect(finishAt - 1).toBeGreaterThan(3);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(at(last, 'usage')).toMatchObject({ prompt_tokens: PROMPT_TOKENS, completion_tokens: estimateTokens(REPLY), total_tokens: PROMPT_TOKENS + estimateTokens(REPLY) });
  });

  it('has no usage field and no usage chunk without stream_options.include_usage', async () => {
    const chunks = sseJson(await rawRequest(mock.url, '/v1/chat/completions', { body: chatBody({ stream: true }) })).map((e) => e.json);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(at(chunks[chunks.length - 1], 'choices', 0, 'finish_reason')).toBe('stop');
  });

  it('streams a tool call: id and name first, then argument fragments', async () => {
    const tools = [{ type: 'function', function: { name: 'search', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    const res = await rawRequest(mock.url, '/v1/chat/completions', {
      body: { model: 'gpt-4o', stream: true, tools, messages: [{ role: 'user', content: 'please search the docs' }] },
    });
    const chunks = sseJson(res).map((e) => e.json);
    const first = at(chunks[0], 'choices', 0, 'delta');
    expect(first).toMatchObject({ role: 'assistant', content: null, tool_calls: [{ index: 0, type: 'function', function: { name: 'search', arguments: '' } }] });
    const args = chunks
      .slice(1, -1)
      .map((c) => String(at(c, 'choices', 0, 'delta', 'tool_calls', 0, 'function', 'arguments')))
      .join('');
    expect(JSON.parse(args)).toEqual({ q: 'please search the docs' });
    expect(at(chunks[chunks.length - 1], 'choices', 0, 'finish_reason')).toBe('tool_calls');
  });
});

describe('responses API', () => {
  const body = (extra: JsonObject = {}): JsonObject => ({ model: 'gpt-4.1', instructions: 'Be brief.', input: USER, ...extra });
  const inputTokens = estimateTokens(`Be brief.\n${USER}`);

  it('returns a response object with an output_text message and usage', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/responses', { body: body() }));
    expect(json).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-4.1', error: null, incomplete_details: null, instructions: 'Be brief.' });
    expect(at(json, 'id')).toEqual(expect.stringMatching(/^resp_/));
    expect(at(json, 'output')).toEqual([
      { id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: REPLY, annotations: [], logprobs: [] }] },
    ]);
    expect(at(json, 'usage')).toEqual({
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: estimateTokens(REPLY),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + estimateTokens(REPLY),
    });
  });

  it('reads message-item input and reports max_output_tokens as incomplete', async () => {
    const json = bodyJson(
      await rawRequest(mock.url, '/v1/responses', {
        body: { model: 'gpt-4.1', max_output_tokens: 2, input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello there' }] }] },
      }),
    );
    expect(json).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(at(json, 'output', 0, 'content', 0, 'text')).toBe('mock-ope');
  });

  it('streams named events with sequence numbers that accumulate to the final response', async () => {
    const res = await rawRequest(mock.url, '/v1/responses', { body: body({ stream: true }) });
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = sseJson(res);
    const types = events.map((e) => e.json.type);
    expect(events.every((e) => e.event === e.json.type)).toBe(true);
    expect(events.map((e) => e.json.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = types.filter((t) => t === 'response.output_text.delta').length;
    expect(deltas).toBeGreaterThan(3);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(deltas).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    // Accumulate the way the SDK's ResponseStream does: snapshot, push items and parts, append deltas.
    const snapshot = at(events[0].json, 'response') as JsonObject;
    expect(snapshot).toMatchObject({ status: 'in_progress', output: [], usage: null });
    const output = snapshot.output as JsonObject[];
    for (const { json: e } of events.slice(1)) {
      if (e.type === 'response.output_item.added') output.push(e.item as JsonObject);
      if (e.type === 'response.content_part.added') (output[e.output_index as number].content as Json[]).push(e.part);
      if (e.type === 'response.output_text.delta') {
        const part = (output[e.output_index as number].content as JsonObject[])[e.content_index as number];
        part.text = String(part.text) + String(e.delta);
        expect(e).toMatchObject({ item_id: output[0].id, content_index: 0, logprobs: [] });
      }
    }
    expect(at(output, 0, 'content', 0, 'text')).toBe(REPLY);
    const done = events[events.length - 1].json;
    expect(at(done, 'response', 'output', 0, 'content', 0, 'text')).toBe(REPLY);
    expect(at(done, 'response', 'usage', 'output_tokens')).toBe(estimateTokens(REPLY));
    expect(at(done, 'response', 'status')).toBe('completed');
  });

  it('returns and streams a function_call item', async () => {
    const tools = [{ type: 'function', name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string', enum: ['UTC', 'CET'] } } } }];
    const reqBody = { model: 'gpt-4.1', tools, input: 'call get_time please' };
    const json = bodyJson(await rawRequest(mock.url, '/v1/responses', { body: reqBody }));
    expect(at(json, 'output', 0)).toMatchObject({ type: 'function_call', name: 'get_time', arguments: '{"tz":"UTC"}', status: 'completed' });
    expect(at(json, 'output', 0, 'call_id')).toEqual(expect.stringMatching(/^call_/));

    const events = sseJson(await rawRequest(mock.url, '/v1/responses', { body: { ...reqBody, stream: true } })).map((e) => e.json);
    const args = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => String(e.delta)).join('');
    expect(args).toBe('{"tz":"UTC"}');
    expect(events.map((e) => e.type)).toContain('response.function_call_arguments.done');
    expect(events[events.length - 1].type).toBe('response.completed');
  });
});

describe('embeddings', () => {
  it('returns deterministic float vectors with usage', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/embeddings', { body: { model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'], encoding_format: 'float' } }));
    expect(json).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 2 + 3, total_tokens: 5 } });
    expect(at(json, 'data')).toEqual([
      { object: 'embedding', index: 0, embedding: mockEmbedding('alpha', DEFAULT_EMBEDDING_DIMENSIONS) },
      { object: 'embedding', index: 1, embedding: mockEmbedding('beta gamma', DEFAULT_EMBEDDING_DIMENSIONS) },
    ]);
    const v = at(json, 'data', 0, 'embedding') as number[];
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });

  it('returns little-endian float32 base64 (the openai SDK default) that decodes to the same vector', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/embeddings', { body: { model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'base64', dimensions: 5 } }));
    const b64 = String(at(json, 'data', 0, 'embedding'));
    const buf = Buffer.from(b64, 'base64');
    // Decode as the SDK does: a Float32Array over the bytes.
    const decoded = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
    expect(decoded).toEqual(mockEmbedding('alpha', 5));
  });

  it('rejects a missing input in the OpenAI error shape', async () => {
    const res = await rawRequest(mock.url, '/v1/embeddings', { body: { model: 'text-embedding-3-small' } });
    expect(res.status).toBe(400);
    expect(bodyJson(res)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: 'input', code: null } });
  });
});

describe('models and errors', () => {
  it('lists models', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/models'));
    expect(json.object).toBe('list');
    expect(at(json, 'data', 0)).toMatchObject({ object: 'model', owned_by: 'system' });
    expect(bodyJson(await rawRequest(mock.url, '/v1/models/gpt-4o'))).toMatchObject({ id: 'gpt-4o', object: 'model' });
  });

  it('answers bad requests in the OpenAI error shape', async () => {
    const cases: Array<[string, string | JsonObject, number, string | null]> = [
      ['/v1/chat/completions', '{not json', 400, null],
      ['/v1/chat/completions', { messages: [] }, 400, 'model'],
      ['/v1/chat/completions', { model: 'm' }, 400, 'messages'],
      ['/v1/responses', { model: 'm' }, 400, 'input'],
      ['/v1/nope', {}, 404, null],
    ];
    for (const [path, body, status, param] of cases) {
      const res = await rawRequest(mock.url, path, { body, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(status);
      expect(bodyJson(res)).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param, code: null } });
    }
  });

  it('checks the bearer key when started with apiKey', async () => {
    const authed = await startMockProvider({ flavor: 'openai', apiKey: 'sk-test' });
    try {
      const bad = await rawRequest(authed.url, '/v1/chat/completions', { body: chatBody(), headers: { authorization: 'Bearer nope' } });
      expect(bad.status).toBe(401);
      expect(bodyJson(bad)).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
      const good = await rawRequest(authed.url, '/v1/chat/completions', { body: chatBody(), headers: { authorization: 'Bearer sk-test' } });
      expect(good.status).toBe(200);
    } finally {
      await authed.close();
    }
  });
});
