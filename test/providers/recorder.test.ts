import { startMockProvider, type MockProviderHandle, type RecordedRequest } from '../support/providers';
import { bodyJson, bodyText, rawRequest } from './helpers';

let mock: MockProviderHandle;
beforeAll(async () => {
  mock = await startMockProvider({ flavor: 'openai' });
});
afterAll(() => mock.close());
beforeEach(() => mock.clearRequests());

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('recorder', () => {
  it('records method, path, query, headers (host included), raw body, parsed JSON and time', async () => {
    const before = Date.now();
    const body = JSON.stringify(chat);
    await rawRequest(mock.url, '/v1/chat/completions?a=1&a=2&b=x', {
      body,
      headers: { 'content-type': 'application/json', Authorization: 'Bearer sk-1', 'X-Custom': 'v' },
    });
    const [r] = mock.requests();
    expect(r).toMatchObject({
      flavor: 'openai',
      method: 'POST',
      url: '/v1/chat/completions?a=1&a=2&b=x',
      path: '/v1/chat/completions',
      query: { a: ['1', '2'], b: 'x' },
      body,
      json: chat,
    });
    expect(r.headers).toMatchObject({ host: `127.0.0.1:${mock.port}`, authorization: 'Bearer sk-1', 'x-custom': 'v', 'content-length': String(body.length) });
    expect(r.rawHeaders).toEqual(expect.arrayContaining(['Authorization', 'Bearer sk-1', 'X-Custom']));
    expect(Date.parse(r.time)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(r.time)).toBeLessThanOrEqual(Date.now());
  });

  it('keeps non-JSON and malformed bodies raw, without json', async () => {
    await rawRequest(mock.url, '/v1/chat/completions', { body: 'plain words', headers: { 'content-type': 'text/plain' } });
    await rawRequest(mock.url, '/v1/chat/completions', { body: '{"broken":', headers: { 'content-type': 'application/json' } });
    await rawRequest(mock.url, '/v1/models');
    const [plain, broken, get] = mock.requests();
    expect(plain.body).toBe('plain words');
    expect(plain).not.toHaveProperty('json');
    expect(broken.body).toBe('{"broken":');
    expect(broken).not.toHaveProperty('json');
    expect(get).toMatchObject({ method: 'GET', body: '', query: {} });
  });

  it('records faulted requests too', async () => {
    await rawRequest(mock.url, '/v1/chat/completions', { body: chat, headers: { 'x-mock-fault': 'status=500' } });
    expect(mock.requests()).toHaveLength(1);
    expect(mock.requests()[0].headers['x-mock-fault']).toBe('status=500');
  });

  it('returns copies, so a test cannot mutate the log by accident', async () => {
    await rawRequest(mock.url, '/v1/models');
    mock.requests().pop();
    expect(mock.requests()).toHaveLength(1);
  });
});

describe('recorder HTTP API', () => {
  it('GET /_mock/requests serves the log as JSON; /_mock paths are not recorded', async () => {
    await rawRequest(mock.url, '/v1/chat/completions', { body: chat });
    await rawRequest(mock.url, '/_mock/health');
    const res = await rawRequest(mock.url, '/_mock/requests');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const served = JSON.parse(bodyText(res)) as RecordedRequest[];
    expect(served).toEqual(JSON.parse(JSON.stringify(mock.requests())));
    expect(served.map((r) => r.path)).toEqual(['/v1/chat/completions']);
  });

  it('DELETE /_mock/requests clears the log', async () => {
    await rawRequest(mock.url, '/v1/models');
    const del = await rawRequest(mock.url, '/_mock/requests', { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(mock.requests()).toEqual([]);
    expect(JSON.parse(bodyText(await rawRequest(mock.url, '/_mock/requests')))).toEqual([]);
  });

  it('health and unknown control routes', async () => {
    expect(bodyJson(await rawRequest(mock.url, '/_mock/health'))).toEqual({ ok: true, flavor: 'openai' });
    const unknown = await rawRequest(mock.url, '/_mock/nope');
    expect(unknown.status).toBe(404);
    expect(mock.requests()).toEqual([]);
  });
});
