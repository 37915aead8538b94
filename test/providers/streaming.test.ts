/** Write boundaries (x-mock-chunking) and gzip, observed the way a proxy sees them: raw `data` events. */
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { defaultReplyText, startMockProvider, type JsonObject, type MockProviderHandle } from '../support/providers';
import { acceptsGzip } from '../support/providers/wire';
import { at, bodyJson, bodyText, parseSse, rawBody, rawRequest, sseJson, type RawResponse } from './helpers';

let openai: MockProviderHandle;
let gemini: MockProviderHandle;
beforeAll(async () => {
  openai = await startMockProvider({ flavor: 'openai' });
  gemini = await startMockProvider({ flavor: 'gemini' });
});
afterAll(async () => {
  await openai.close();
  await gemini.close();
});

const USER = 'Tell me a story about a robot who learns to paint.';
const streamBody: JsonObject = { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: USER }] };
/** The same request answered as JSON (without stream_options, which the real API refuses without stream). */
const jsonBody: JsonObject = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: USER }] };
const chatStream = (headers: Record<string, string> = {}): Promise<RawResponse> => rawRequest(openai.url, '/v1/chat/completions', { body: streamBody, headers });

/** Byte offsets where SSE events end (after each blank line), for LF or CRLF streams. */
function eventBoundaries(body: Buffer): number[] {
  const text = body.toString('latin1');
  const out: number[] = [];
  const re = /(\r\n\r\n|\n\n)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m.index + m[0].length);
  return out;
}

function chunkEnds(res: RawResponse): number[] {
  let offset = 0;
  return res.chunks.map((c) => (offset += c.length));
}

function replyText(res: RawResponse): string {
  return sseJson(res)
    .filter((e) => Array.isArray(e.json.choices) && e.json.choices.length > 0)
    .map((e) => {
      const delta = at(e.json, 'choices', 0, 'delta') as JsonObject;
      return typeof delta.content === 'string' ? delta.content : '';
    })
    .join('');
}

describe('chunking', () => {
  it('bytes: every body byte arrives as its own read', async () => {
    const res = await chatStream({ 'x-mock-chunking': 'bytes' });
    const body = rawBody(res);
    expect(body.length).toBeGreaterThan(1000);
    expect(res.chunks.every((c) => c.length === 1)).toBe(true);
    expect(res.chunks.length).toBe(body.length);
    expect(replyText(res)).toBe(defaultReplyText('openai', USER));
  });

  it('default (split): many reads, none of which ends on an event boundary', async () => {
    const res = await chatStream();
    const boundaries = new Set(eventBoundaries(rawBody(res)));
    const events = parseSse(bodyText(res));
    expect(res.chunks.length).toBeGreaterThanOrEqual(events.length);
    const ends = chunkEnds(res);
    expect(ends.slice(0, -1).filter((end) => boundaries.has(end))).toEqual([]);
    expect(replyText(res)).toBe(defaultReplyText('openai', USER));
  });

  it('event: one read per event', async () => {
    const res = await chatStream({ 'x-mock-chunking': 'event' });
    expect(chunkEnds(res)).toEqual(eventBoundaries(rawBody(res)));
    for (const c of res.chunks) expect(parseSse(c.toString('utf8'))).toHaveLength(1);
  });

  it('random: small pieces, the same cuts for the same request', async () => {
    const sizes = async (): Promise<number[]> => (await rawRequest(openai.url, '/v1/embeddings', {
      body: { model: 'e', input: 'same', encoding_format: 'float' },
      headers: { 'x-mock-chunking': 'random' },
    })).chunks.map((c) => c.length);
    const a = await sizes();
    expect(a.length).toBeGreaterThan(3);
    expect(Math.max(...a)).toBeLessThanOrEqual(32);
    expect(await sizes()).toEqual(a);
  });

  it('none: the whole stream in one write', async () => {
    const res = await chatStream({ 'x-mock-chunking': 'none' });
    expect(res.chunks).toHaveLength(1);
  });

  it('JSON is one write with content-length by default, chunked when chunking is asked for', async () => {
    const plain = await rawRequest(openai.url, '/v1/chat/completions', { body: jsonBody });
    expect(plain.headers['content-length']).toBe(String(rawBody(plain).length));
    expect(plain.headers['transfer-encoding']).toBeUndefined();
    const split = await rawRequest(openai.url, '/v1/chat/completions', { body: jsonBody, headers: { 'x-mock-chunking': 'bytes' } });
    expect(split.headers['content-length']).toBeUndefined();
    expect(split.headers['transfer-encoding']).toBe('chunked');
    expect(split.chunks.length).toBe(rawBody(split).length);
    expect(at(bodyJson(split), 'object')).toBe('chat.completion');
  });

  it('bytes splits multi-byte UTF-8 characters and Gemini CRLF line ends', async () => {
    const text = 'Grüße aus 東京 🎨';
    const res = await rawRequest(gemini.url, '/v1beta/models/g:streamGenerateContent?alt=sse', {
      body: { contents: [{ parts: [{ text: 'x' }] }] },
      headers: { 'x-mock-chunking': 'bytes', 'x-mock-reply-b64': Buffer.from(text).toString('base64') },
    });
    expect(res.chunks.some((c) => c.toString('utf8') === '\uFFFD')).toBe(true);
    expect(res.chunks.map((c) => c.toString('latin1')).join('')).toContain('}\r\n\r\ndata: ');
    const chunks = parseSse(bodyText(res)).map((e) => JSON.parse(e.data) as JsonObject);
    expect(chunks.map((c) => String(at(c, 'candidates', 0, 'content', 'parts', 0, 'text'))).join('')).toBe(text);
  });
});

describe('gzip', () => {
  it('compresses SSE when accept-encoding allows it, flushing so each write decodes on arrival', async () => {
    const res = await chatStream({ 'accept-encoding': 'gzip, deflate, br' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('accept-encoding');
    const raw = rawBody(res);
    expect(raw[0]).toBe(0x1f);
    expect(raw[1]).toBe(0x8b);
    expect(res.chunks.length).toBeGreaterThan(5);
    expect(replyText(res)).toBe(defaultReplyText('openai', USER));
    // A prefix of the reads already decodes to a prefix of the stream (sync flush per write).
    const full = bodyText(res);
    const half = gunzipSync(Buffer.concat(res.chunks.slice(0, Math.floor(res.chunks.length / 2))), { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8');
    expect(half.length).toBeGreaterThan(0);
    expect(half.length).toBeLessThan(full.length);
    expect(full.startsWith(half)).toBe(true);
  });

  it('compresses SSE byte by byte too', async () => {
    const res = await chatStream({ 'accept-encoding': 'gzip', 'x-mock-chunking': 'bytes' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.chunks.length).toBeGreaterThan(1000);
    expect(replyText(res)).toBe(defaultReplyText('openai', USER));
  });

  it('compresses JSON with a content-length of the compressed size', async () => {
    const res = await rawRequest(openai.url, '/v1/chat/completions', { body: jsonBody, headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-length']).toBe(String(rawBody(res).length));
    expect(at(bodyJson(res), 'choices', 0, 'message', 'content')).toBe(defaultReplyText('openai', USER));
  });

  it.each([
    ['no accept-encoding', undefined],
    ['identity', 'identity'],
    ['gzip refused', 'gzip;q=0, identity'],
    ['only br', 'br'],
  ])('sends identity with %s', async (_name, header) => {
    const res = await chatStream(header === undefined ? {} : { 'accept-encoding': header });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(rawBody(res).toString('utf8')).toMatch(/^data: \{/);
  });

  it('parses accept-encoding q-values and wildcards', () => {
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('deflate, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('GZIP')).toBe(true);
    expect(acceptsGzip('*;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('x-gzip')).toBe(true);
    expect(acceptsGzip('')).toBe(false);
  });
});
