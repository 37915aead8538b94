import { defaultReplyText, estimateTokens, startMockProvider, type JsonObject, type MockProviderHandle } from '../support/providers';
import { at, bodyJson, bodyText, parseSse, rawRequest, sseJson } from './helpers';

let mock: MockProviderHandle;
beforeAll(async () => {
  mock = await startMockProvider({ flavor: 'anthropic' });
});
afterAll(() => mock.close());

const V = { 'anthropic-version': '2023-06-01' };
const USER = 'Summarize the plot of Hamlet in one sentence.';
const body = (extra: JsonObject = {}): JsonObject => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  system: [{ type: 'text', text: 'You are a critic.' }],
  messages: [{ role: 'user', content: [{ type: 'text', text: USER }] }],
  ...extra,
});
const PROMPT = estimateTokens(`You are a critic.\n${USER}`);
const REPLY = defaultReplyText('anthropic', USER);

describe('messages (JSON)', () => {
  it('returns a message with a text block, stop_reason and usage', async () => {
    const res = await rawRequest(mock.url, '/v1/messages', { body: body(), headers: V });
    expect(res.status).toBe(200);
    expect(res.headers['request-id']).toMatch(/^req_/);
    expect(bodyJson(res)).toEqual({
      id: expect.stringMatching(/^msg_01/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: REPLY }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: PROMPT, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: estimateTokens(REPLY), service_tier: 'standard' },
    });
  });

  it('splits the prompt into uncached input, cache reads and cache writes', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/messages', { body: body(), headers: { ...V, 'x-mock-usage': 'cached=5;cache-creation=3' } }));
    expect(at(json, 'usage')).toMatchObject({ input_tokens: PROMPT - 8, cache_read_input_tokens: 5, cache_creation_input_tokens: 3 });
  });

  it('stops at max_tokens', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/messages', { body: body({ max_tokens: 2 }), headers: V }));
    expect(json).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: REPLY.slice(0, 8) }], usage: { output_tokens: 2 } });
  });

  it('returns a tool_use block when asked to use an offered tool', async () => {
    const tools = [{ name: 'get_stock_price', description: 'price', input_schema: { type: 'object', properties: { ticker: { type: 'string' } }, required: ['ticker'] } }];
    const json = bodyJson(
      await rawRequest(mock.url, '/v1/messages', { body: body({ tools, messages: [{ role: 'user', content: 'Use a tool to get ACME' }] }), headers: V }),
    );
    expect(json).toMatchObject({ stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'get_stock_price', input: { ticker: 'Use a tool to get ACME' } }] });
    expect(at(json, 'content', 0, 'id')).toEqual(expect.stringMatching(/^toolu_01/));
  });

  it('counts tokens', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1/messages/count_tokens', { body: { model: 'claude-x', messages: [{ role: 'user', content: 'abcdefgh' }] }, headers: V }));
    expect(json).toEqual({ input_tokens: 2 });
  });
});

describe('messages (SSE)', () => {
  it('streams the named event sequence that accumulates to the message', async () => {
    const res = await rawRequest(mock.url, '/v1/messages', { body: body({ stream: true }), headers: { ...V, 'x-mock-usage': 'cached=2' } });
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = sseJson(res);
    expect(events.every((e) => e.event === e.json.type)).toBe(true);
    const types = events.map((e) => e.json.type);
    const deltas = types.filter((t) => t === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(3);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const start = at(events[0].json, 'message');
    expect(start).toMatchObject({ type: 'message', role: 'assistant', content: [], stop_reason: null, stop_sequence: null });
    expect(at(start, 'usage')).toEqual({ input_tokens: PROMPT - 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 2, output_tokens: 1, service_tier: 'standard' });
    expect(events[1].json).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const text = events
      .filter((e) => e.json.type === 'content_block_delta')
      .map((e) => {
        expect(e.json).toMatchObject({ index: 0, delta: { type: 'text_delta' } });
        return String(at(e.json, 'delta', 'text'));
      })
      .join('');
    expect(text).toBe(REPLY);
    expect(events[events.length - 2].json).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: estimateTokens(REPLY) },
    });
    // Every event is `event:` then `data:` then a blank line, LF line ends.
    expect(bodyText(res)).toMatch(/^event: message_start\ndata: \{.*\}\n\nevent: content_block_start\n/);
    expect(parseSse(bodyText(res)).length).toBe(events.length);
  });

  it('streams a tool_use block as input_json_delta fragments', async () => {
    const tools = [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'number' } } } }];
    const events = sseJson(
      await rawRequest(mock.url, '/v1/messages', { body: body({ stream: true, tools, messages: [{ role: 'user', content: 'lookup cats' }] }), headers: V }),
    ).map((e) => e.json);
    expect(events[1]).toMatchObject({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', name: 'lookup', input: {} } });
    const fragments = events.filter((e) => e.type === 'content_block_delta').map((e) => at(e, 'delta') as JsonObject);
    expect(fragments[0]).toEqual({ type: 'input_json_delta', partial_json: '' });
    expect(JSON.parse(fragments.map((f) => String(f.partial_json)).join(''))).toEqual({ q: 'lookup cats', n: 1 });
    expect(at(events[events.length - 2], 'delta', 'stop_reason')).toBe('tool_use');
  });
});

describe('errors', () => {
  it('requires anthropic-version, model, max_tokens and messages like the real API', async () => {
    const cases: Array<[Record<string, string>, JsonObject, string]> = [
      [{}, body(), 'anthropic-version: header is required'],
      [V, { max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, 'model: Field required'],
      [V, { model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Field required'],
      [V, { model: 'm', max_tokens: 10 }, 'messages: Field required'],
    ];
    for (const [headers, b, message] of cases) {
      const res = await rawRequest(mock.url, '/v1/messages', { body: b, headers });
      expect(res.status).toBe(400);
      expect(bodyJson(res)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message }, request_id: expect.stringMatching(/^req_/) });
    }
  });

  it('answers unknown paths with not_found_error', async () => {
    const res = await rawRequest(mock.url, '/v1/complete', { body: {}, headers: V });
    expect(res.status).toBe(404);
    expect(at(bodyJson(res), 'error', 'type')).toBe('not_found_error');
  });

  it('checks x-api-key when started with apiKey', async () => {
    const authed = await startMockProvider({ flavor: 'anthropic', apiKey: 'sk-ant-test' });
    try {
      const bad = await rawRequest(authed.url, '/v1/messages', { body: body(), headers: { ...V, 'x-api-key': 'wrong' } });
      expect(bad.status).toBe(401);
      expect(at(bodyJson(bad), 'error', 'type')).toBe('authentication_error');
      const good = await rawRequest(authed.url, '/v1/messages', { body: body(), headers: { ...V, 'x-api-key': 'sk-ant-test' } });
      expect(good.status).toBe(200);
    } finally {
      await authed.close();
    }
  });
});
