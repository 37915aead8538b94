import { defaultReplyText, estimateTokens, startMockProvider, type JsonObject, type MockProviderHandle } from '../support/providers';
import { at, bodyJson, bodyText, parseSse, rawRequest } from './helpers';

let mock: MockProviderHandle;
beforeAll(async () => {
  mock = await startMockProvider({ flavor: 'gemini' });
});
afterAll(() => mock.close());

const USER = 'Explain photosynthesis to a five year old child, please.';
const body = (extra: JsonObject = {}): JsonObject => ({
  systemInstruction: { parts: [{ text: 'Be kind.' }] },
  contents: [
    { role: 'user', parts: [{ text: 'hi' }] },
    { role: 'model', parts: [{ text: 'hello!' }] },
    { role: 'user', parts: [{ text: USER }] },
  ],
  ...extra,
});
const PROMPT = estimateTokens(`Be kind.\nhi\nhello!\n${USER}`);
const REPLY = defaultReplyText('gemini', USER);
const GEN = '/v1beta/models/gemini-2.5-flash:generateContent';
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent';

describe('generateContent', () => {
  it('returns candidates, usageMetadata, modelVersion and responseId (pretty-printed)', async () => {
    const res = await rawRequest(mock.url, GEN, { body: body() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(bodyText(res)).toContain('\n  "candidates": [');
    expect(bodyJson(res)).toEqual({
      candidates: [{ content: { parts: [{ text: REPLY }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: PROMPT,
        candidatesTokenCount: estimateTokens(REPLY),
        totalTokenCount: PROMPT + estimateTokens(REPLY),
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: PROMPT }],
      },
      modelVersion: 'gemini-2.5-flash',
      responseId: expect.any(String),
    });
  });

  it('reports thoughts (inside total, outside candidates) and cached tokens when forced', async () => {
    const json = bodyJson(await rawRequest(mock.url, GEN, { body: body(), headers: { 'x-mock-usage': 'reasoning=20;cached=3' } }));
    expect(at(json, 'usageMetadata')).toMatchObject({
      candidatesTokenCount: estimateTokens(REPLY),
      thoughtsTokenCount: 20,
      cachedContentTokenCount: 3,
      totalTokenCount: PROMPT + estimateTokens(REPLY) + 20,
    });
  });

  it('honours maxOutputTokens with MAX_TOKENS', async () => {
    const json = bodyJson(await rawRequest(mock.url, GEN, { body: body({ generationConfig: { maxOutputTokens: 1 } }) }));
    expect(at(json, 'candidates', 0)).toMatchObject({ finishReason: 'MAX_TOKENS', content: { parts: [{ text: 'mock' }] } });
  });

  it('returns a functionCall part for an offered function the user names', async () => {
    const tools = [{ functionDeclarations: [{ name: 'set_light', parameters: { type: 'OBJECT', properties: { on: { type: 'BOOLEAN' }, room: { type: 'STRING' } } } }] }];
    const json = bodyJson(await rawRequest(mock.url, GEN, { body: { tools, contents: [{ role: 'user', parts: [{ text: 'set_light in kitchen' }] }] } }));
    expect(at(json, 'candidates', 0, 'content', 'parts')).toEqual([{ functionCall: { name: 'set_light', args: { on: true, room: 'set_light in kitchen' } } }]);
  });

  it('counts tokens', async () => {
    const json = bodyJson(await rawRequest(mock.url, '/v1beta/models/gemini-2.5-flash:countTokens', { body: { contents: [{ parts: [{ text: '12345678' }] }] } }));
    expect(json).toMatchObject({ totalTokens: 2 });
  });
});

describe('streamGenerateContent', () => {
  it('with alt=sse streams CRLF-separated data events, cumulative usage, finishReason on the last', async () => {
    const res = await rawRequest(mock.url, `${STREAM}?alt=sse`, { body: body() });
    expect(res.headers['content-type']).toBe('text/event-stream');
    const text = bodyText(res);
    expect(text).toMatch(/^data: \{.*\}\r\n\r\ndata: /);
    expect(text.endsWith('}\r\n\r\n')).toBe(true);
    const chunks = parseSse(text).map((e) => {
      expect(e.event).toBeUndefined();
      return JSON.parse(e.data) as JsonObject;
    });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.map((c) => String(at(c, 'candidates', 0, 'content', 'parts', 0, 'text'))).join('')).toBe(REPLY);
    const last = chunks[chunks.length - 1];
    expect(at(last, 'candidates', 0, 'finishReason')).toBe('STOP');
    expect(at(last, 'usageMetadata')).toMatchObject({ promptTokenCount: PROMPT, candidatesTokenCount: estimateTokens(REPLY), totalTokenCount: PROMPT + estimateTokens(REPLY) });
    // usageMetadata is cumulative on every chunk (summing them would over-count).
    let sent = '';
    for (const c of chunks.slice(0, -1)) {
      sent += String(at(c, 'candidates', 0, 'content', 'parts', 0, 'text'));
      expect(at(c, 'candidates', 0)).not.toHaveProperty('finishReason');
      expect(at(c, 'candidates', 0, 'index')).toBe(0);
      expect(at(c, 'usageMetadata')).toEqual({
        promptTokenCount: PROMPT,
        candidatesTokenCount: estimateTokens(sent),
        totalTokenCount: PROMPT + estimateTokens(sent),
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: PROMPT }],
      });
      expect(c).toMatchObject({ modelVersion: 'gemini-2.5-flash', responseId: last.responseId });
    }
  });

  it('without alt=sse returns a JSON array of the same chunks', async () => {
    const res = await rawRequest(mock.url, STREAM, { body: body() });
    const arr = JSON.parse(bodyText(res)) as JsonObject[];
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.map((c) => String(at(c, 'candidates', 0, 'content', 'parts', 0, 'text'))).join('')).toBe(REPLY);
  });
});

describe('errors and auth', () => {
  it('answers in the google.rpc.Status shape', async () => {
    const missing = await rawRequest(mock.url, GEN, { body: {} });
    expect(missing.status).toBe(400);
    expect(bodyJson(missing)).toEqual({ error: { code: 400, message: expect.stringContaining('contents'), status: 'INVALID_ARGUMENT' } });
    const unknown = await rawRequest(mock.url, '/v1beta/models/x:embedStuff', { body: body() });
    expect(unknown.status).toBe(404);
    expect(at(bodyJson(unknown), 'error', 'status')).toBe('NOT_FOUND');
  });

  it('accepts the key as x-goog-api-key or ?key= when started with apiKey', async () => {
    const authed = await startMockProvider({ flavor: 'gemini', apiKey: 'AIza-test' });
    try {
      const bad = await rawRequest(authed.url, GEN, { body: body() });
      expect(bad.status).toBe(400);
      expect(at(bodyJson(bad), 'error', 'details', 0, 'reason')).toBe('API_KEY_INVALID');
      expect((await rawRequest(authed.url, GEN, { body: body(), headers: { 'x-goog-api-key': 'AIza-test' } })).status).toBe(200);
      expect((await rawRequest(authed.url, `${GEN}?key=AIza-test`, { body: body() })).status).toBe(200);
    } finally {
      await authed.close();
    }
  });
});
