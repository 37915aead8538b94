import { parseFaultSpec, startMockProviders, type Flavor, type Json, type JsonObject, type MockProviders } from '../support/providers';
import { at, bodyJson, bodyText, parseSse, rawBody, rawRequest, type RawResponse } from './helpers';

let mocks: MockProviders;
beforeAll(async () => {
  mocks = await startMockProviders();
});
afterAll(() => mocks.close());
afterEach(() => {
  for (const m of [mocks.openai, mocks.anthropic, mocks.gemini]) m.clearFaults();
});

/** One streaming request per flavour, so each fault can be checked against all three wire formats. */
const STREAM: Record<Flavor, { path: string; body: JsonObject; headers: Record<string, string> }> = {
  openai: { path: '/v1/chat/completions', body: { model: 'm', stream: true, messages: [{ role: 'user', content: 'count to ten slowly please' }] }, headers: {} },
  anthropic: {
    path: '/v1/messages',
    body: { model: 'm', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'count to ten slowly please' }] },
    headers: { 'anthropic-version': '2023-06-01' },
  },
  gemini: { path: '/v1beta/models/g:streamGenerateContent?alt=sse', body: { contents: [{ parts: [{ text: 'count to ten slowly please' }] }] }, headers: {} },
};
const FLAVORS: Flavor[] = ['openai', 'anthropic', 'gemini'];

function call(flavor: Flavor, headers: Record<string, string> = {}, opts: { abortWhenIdleMs?: number; path?: string } = {}): Promise<RawResponse> {
  const s = STREAM[flavor];
  return rawRequest(mocks[flavor].url, opts.path ?? s.path, { body: s.body, headers: { ...s.headers, ...headers }, abortWhenIdleMs: opts.abortWhenIdleMs });
}

/** Polls `check` until it holds; throws after `timeoutMs` (generous: a loaded machine is slow, not broken). */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('status faults', () => {
  const shapes: Record<Flavor, (status: number) => Record<string, unknown>> = {
    openai: (s) => ({ error: { message: `mock fault: HTTP ${s}`, type: s === 429 ? 'requests' : 'server_error', param: null, code: s === 429 ? 'rate_limit_exceeded' : null } }),
    anthropic: (s) => ({ type: 'error', error: { type: s === 429 ? 'rate_limit_error' : 'api_error', message: `mock fault: HTTP ${s}` }, request_id: expect.any(String) }),
    gemini: (s) => ({ error: { code: s, message: `mock fault: HTTP ${s}`, status: s === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } }),
  };

  it.each(FLAVORS)('%s: status=500 answers in the provider error shape', async (flavor) => {
    const res = await call(flavor, { 'x-mock-fault': 'status=500' });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(bodyJson(res)).toEqual(shapes[flavor](500));
  });

  it.each(FLAVORS)('%s: status=429;retry-after=7 adds retry hints', async (flavor) => {
    const res = await call(flavor, { 'x-mock-fault': 'status=429;retry-after=7;retry-after-ms=7000' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['retry-after-ms']).toBe('7000');
    const json = bodyJson(res);
    if (flavor === 'gemini') {
      expect(at(json, 'error', 'details')).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }]);
      expect(at(json, 'error', 'status')).toBe('RESOURCE_EXHAUSTED');
    } else expect(json).toEqual(shapes[flavor](429));
  });

  it('anthropic 529 is overloaded_error; message= sets the text', async () => {
    const json = bodyJson(await call('anthropic', { 'x-mock-fault': 'status=529;message=Overloaded' }));
    expect(at(json, 'error')).toEqual({ type: 'overloaded_error', message: 'Overloaded' });
  });
});

describe('timing and connection faults', () => {
  it('slow-first-byte delays the response head', async () => {
    const res = await call('openai', { 'x-mock-fault': 'slow-first-byte=300' });
    expect(res.status).toBe(200);
    expect(res.headMs).toBeGreaterThanOrEqual(290);
  });

  it('slow-first-byte combines with a status', async () => {
    const res = await call('gemini', { 'x-mock-fault': 'slow-first-byte=150;status=503' });
    expect(res.status).toBe(503);
    expect(res.headMs).toBeGreaterThanOrEqual(140);
  });

  it.each(FLAVORS)('%s: disconnect-after-bytes cuts the stream after exactly N bytes', async (flavor) => {
    const res = await call(flavor, { 'x-mock-fault': 'disconnect-after-bytes=100' });
    expect(res.status).toBe(200);
    expect(res.error).toBeDefined();
    expect(rawBody(res).length).toBe(100);
  });

  it('disconnect-after-bytes counts bytes before gzip', async () => {
    const res = await call('openai', { 'x-mock-fault': 'disconnect-after-bytes=150', 'accept-encoding': 'gzip' });
    expect(res.error).toBeDefined();
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(Buffer.byteLength(bodyText(res))).toBe(150);
  });

  it('disconnect-mid-stream cuts inside the stream', async () => {
    const full = rawBody(await call('anthropic', { 'x-mock-chunking': 'none' })).length;
    const res = await call('anthropic', { 'x-mock-fault': 'disconnect-mid-stream' });
    expect(res.error).toBeDefined();
    const got = rawBody(res).length;
    expect(Math.abs(got - full / 2)).toBeLessThan(full / 10);
  });

  it('disconnect on a JSON reply leaves a short body against its content-length', async () => {
    const res = await rawRequest(mocks.openai.url, '/v1/embeddings', { body: { model: 'e', input: 'x', encoding_format: 'float' }, headers: { 'x-mock-fault': 'disconnect-after-bytes=20' } });
    expect(res.error).toBeDefined();
    expect(rawBody(res).length).toBe(20);
  });

  it('stall-after-bytes sends N bytes then nothing until the client gives up', async () => {
    const res = await call('openai', { 'x-mock-fault': 'stall-after-bytes=60' }, { abortWhenIdleMs: 300 });
    expect(res.error?.message).toBe('client gave up');
    expect(rawBody(res).length).toBe(60);
  });

  it('close() cuts a stalled stream instead of waiting for the client', async () => {
    const local = await startMockProviders();
    let received = 0;
    const pending = rawRequest(local.openai.url, STREAM.openai.path, { body: STREAM.openai.body, headers: { 'x-mock-fault': 'stall-after-bytes=10;slow-first-byte=0' }, onData: (chunk) => (received += chunk.length) });
    // The stream has stalled (its 10 bytes are here) before close(), however long that took.
    await until(() => received >= 10, 'the bytes before the stall');
    const started = Date.now();
    await local.close();
    expect(Date.now() - started).toBeLessThan(1000);
    const res = await pending;
    expect(res.error).toBeDefined();
    expect(rawBody(res).length).toBe(10);
  });

  it('close() cancels a pending slow-first-byte timer', async () => {
    const local = await startMockProviders();
    const pending = rawRequest(local.gemini.url, STREAM.gemini.path, { body: STREAM.gemini.body, headers: { 'x-mock-fault': 'slow-first-byte=60000' } });
    // The mock records a request before it starts the slow-first-byte timer: close() then has one to cancel.
    await until(() => local.gemini.requests().length === 1, 'the request at the mock');
    await local.close();
    expect((await pending).error).toBeDefined();
  });

  it('drop closes the connection without a response, after recording the request', async () => {
    mocks.anthropic.clearRequests();
    const res = await call('anthropic', { 'x-mock-fault': 'drop' });
    expect(res.status).toBe(0);
    expect(res.error).toBeDefined();
    expect(mocks.anthropic.requests()).toHaveLength(1);
  });

  it('write-delay spaces the writes out', async () => {
    const started = Date.now();
    const res = await call('openai', { 'x-mock-fault': 'write-delay=15', 'x-mock-chunking': 'event' });
    expect(res.chunks.length).toBeGreaterThan(5);
    // Node timers may fire up to ~1 ms early, hence 14 per gap.
    expect(Date.now() - started).toBeGreaterThanOrEqual(14 * (res.chunks.length - 1));
  });
});

describe('in-band stream errors (sse-error-after)', () => {
  it('openai chat: a data event with an error object, no [DONE]', async () => {
    const events = parseSse(bodyText(await call('openai', { 'x-mock-fault': 'sse-error-after=2;message=boom' })));
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[2].data)).toEqual({ error: { message: 'boom', type: 'server_error', param: null, code: null } });
  });

  it('openai responses: an error event numbered in sequence', async () => {
    const res = await rawRequest(mocks.openai.url, '/v1/responses', { body: { model: 'm', input: 'hi', stream: true }, headers: { 'x-mock-fault': 'sse-error-after=3' } });
    const events = parseSse(bodyText(res));
    expect(events[3].event).toBe('error');
    expect(JSON.parse(events[3].data)).toMatchObject({ type: 'error', code: 'server_error', sequence_number: 3 });
  });

  it('anthropic: an error event (overloaded_error)', async () => {
    const events = parseSse(bodyText(await call('anthropic', { 'x-mock-fault': 'sse-error-after=4' })));
    expect(events.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'error']);
    expect(JSON.parse(events[4].data)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'mock fault: stream error' } });
  });

  it('gemini: a data event with a google.rpc.Status error', async () => {
    const events = parseSse(bodyText(await call('gemini', { 'x-mock-fault': 'sse-error-after=1' })));
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1].data)).toEqual({ error: { code: 500, message: 'mock fault: stream error', status: 'INTERNAL' } });
  });
});

describe('bad directives', () => {
  it.each([
    ['x-mock-fault', 'bogus=1', 'unknown key'],
    ['x-mock-fault', 'status=200', 'status must be'],
    ['x-mock-fault', 'disconnect-after-bytes=1;stall-after-bytes=2', 'choose one'],
    ['x-mock-chunking', 'weird', 'unknown mode'],
    ['x-mock-usage', 'cached=x', 'non-negative integer'],
  ])('%s: %s is rejected with 400 in the provider shape', async (header, value, message) => {
    const res = await call('openai', { [header]: value });
    expect(res.status).toBe(400);
    expect(String(at(bodyJson(res), 'error', 'message'))).toContain(message);
  });

  it('parseFaultSpec reads combined specs', () => {
    expect(parseFaultSpec('status=429; retry-after=7 ;message=slow down')).toEqual({ status: 429, retryAfterSeconds: 7, message: 'slow down' });
    expect(parseFaultSpec('')).toEqual({});
    expect(parseFaultSpec('none')).toEqual({});
  });
});

describe('scripted fault queue', () => {
  const post = (url: string, body: Json): Promise<RawResponse> =>
    rawRequest(url, '/_mock/faults', { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('POST /_mock/faults queues entries consumed once each, in order, honouring path filters', async () => {
    const url = mocks.openai.url;
    const queued = await post(url, ['status=503', { path: '/v1/embeddings', fault: 'status=429;retry-after=1' }]);
    expect(queued.status).toBe(201);
    expect(bodyJson(queued)).toEqual({ queued: 2, pending: 2 });
    expect(JSON.parse(bodyText(await rawRequest(url, '/_mock/faults')))).toEqual([{ fault: 'status=503' }, { path: '/v1/embeddings', fault: 'status=429;retry-after=1' }]);
    expect((await call('openai')).status).toBe(503);
    expect((await call('openai')).status).toBe(200);
    const emb = { model: 'e', input: 'x' };
    expect((await rawRequest(url, '/v1/embeddings', { body: emb })).status).toBe(429);
    expect((await rawRequest(url, '/v1/embeddings', { body: emb })).status).toBe(200);
    expect(JSON.parse(bodyText(await rawRequest(url, '/_mock/faults')))).toEqual([]);
  });

  it('accepts {faults:[...]} and a single entry, and DELETE clears', async () => {
    const url = mocks.gemini.url;
    expect(bodyJson(await post(url, { faults: ['status=500', 'status=500'] }))).toMatchObject({ queued: 2 });
    expect(bodyJson(await post(url, { fault: 'status=500' }))).toMatchObject({ queued: 1, pending: 3 });
    expect(bodyJson(await post(url, JSON.stringify('status=500')))).toMatchObject({ pending: 4 });
    // A plain-text body (curl -d) is a single spec.
    expect(bodyJson(await rawRequest(url, '/_mock/faults', { body: 'status=500', headers: { 'content-type': 'text/plain' } }))).toMatchObject({ pending: 5 });
    expect((await rawRequest(url, '/_mock/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await call('gemini')).status).toBe(200);
  });

  it('queued entries can also set reply, usage and chunking (for SDK clients that cannot set headers)', async () => {
    await post(mocks.anthropic.url, { reply: 'queued reply', usage: 'cached=1', chunking: 'bytes' });
    const res = await call('anthropic');
    expect(res.chunks.every((c) => c.length === 1)).toBe(true);
    const events = parseSse(bodyText(res)).map((e) => JSON.parse(e.data) as JsonObject);
    expect(at(events[0], 'message', 'usage', 'cache_read_input_tokens')).toBe(1);
    const text = events.filter((e) => e.type === 'content_block_delta').map((e) => String(at(e, 'delta', 'text'))).join('');
    expect(text).toBe('queued reply');
  });

  it('a request header wins over the queued entry for the same field', async () => {
    mocks.openai.queueFaults('status=500');
    expect((await call('openai', { 'x-mock-fault': 'none' })).status).toBe(200);
    // The entry was consumed by that request.
    expect((await call('openai')).status).toBe(200);
  });

  it('rejects malformed entries with 400 and queues nothing', async () => {
    const url = mocks.openai.url;
    for (const body of [['status=500', 'nope'], [{ fault: 5 }], [{ colour: 'red' }], [42], { chunking: 'sideways' }] as Json[]) {
      const res = await post(url, body);
      expect(res.status).toBe(400);
      expect(typeof at(bodyJson(res), 'error')).toBe('string');
    }
    const bad = await rawRequest(url, '/_mock/faults', { method: 'POST', body: '{oops', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bodyText(await rawRequest(url, '/_mock/faults')))).toEqual([]);
  });

  it('handle.queueFaults validates up front', () => {
    expect(() => mocks.openai.queueFaults('status=99')).toThrow(/400\.\.599/);
    expect(() => mocks.openai.queueFaults({ chunking: 'nope' })).toThrow(/unknown mode/);
  });
});
