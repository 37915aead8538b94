import { PARSEABLE_APIS } from '../apis';
import { DEFAULT_MAX_REQUEST_BYTES, parseJson, parseRequest } from './parse';

const chat = (text: string): Buffer => Buffer.from(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: text }] }));

describe('parseRequest: body checks before the schema', () => {
  it('enforces the size limit exactly, with 413', () => {
    const body = chat('x'.repeat(100));
    expect(parseRequest('openai.chat_completions', body, { maxBytes: body.length }).ok).toBe(true);
    const result = parseRequest('openai.chat_completions', body, { maxBytes: body.length - 1 });
    expect(result).toEqual({ ok: false, error: { status: 413, code: 'body_too_large', message: `The request body is ${body.length} bytes; the limit is ${body.length - 1} bytes.` } });
    expect(DEFAULT_MAX_REQUEST_BYTES).toBe(32 * 1024 * 1024);
  });

  it.each<[string, Buffer, string]>([
    ['empty body', Buffer.alloc(0), 'The request body is not valid JSON: the body is empty.'],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), 'The request body is not valid JSON: the body is not valid UTF-8.'],
    ['BOM', Buffer.from('\uFEFF{}'), 'The request body is not valid JSON: expected a value at line 1, column 1 (position 0).'],
    ['syntax error', Buffer.from('{\n  "model": "gpt-4o",\n  "messages": [}'), "The request body is not valid JSON: expected a value at line 3, column 16 (position 38)."],
    ['trailing comma', Buffer.from('{"model":"m",}'), 'The request body is not valid JSON: expected a property name in double quotes at line 1, column 14 (position 13).'],
  ])('%s -> invalid_json with position', (_name, body, message) => {
    expect(parseRequest('openai.chat_completions', body)).toEqual({ ok: false, error: { status: 400, code: 'invalid_json', message } });
  });

  it('never echoes the body in a JSON error', () => {
    const result = parseRequest('openai.chat_completions', Buffer.from('{"api_key": "sk-live-SECRET123456789", oops}'));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  it.each([['[]'], ['"text"'], ['42'], ['null']])('a body that is %s is not an object', (text) => {
    expect(parseRequest('anthropic.messages', Buffer.from(text))).toEqual({ ok: false, error: { status: 400, code: 'invalid_request', message: 'The request body must be a JSON object.' } });
  });

  it('rejects hostile nesting before validating', () => {
    const deep = `{"model":"m","messages":[{"role":"user","content":"x"}],"metadata":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(parseRequest('openai.chat_completions', Buffer.from(deep))).toEqual({ ok: false, error: { status: 400, code: 'invalid_request', message: 'The request body nests deeper than 128 levels.' } });
    expect(parseRequest('openai.chat_completions', Buffer.from(deep), { maxDepth: 10_000 }).ok).toBe(true);
  });

  it('handles a large body with big media quickly', () => {
    const image = 'A'.repeat(8 * 1024 * 1024);
    const body = Buffer.from(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: 'what?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${image}` } }] }] }));
    const started = Date.now();
    const result = parseRequest('openai.chat_completions', body);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.request.media[0]?.approxBytes).toBe(6 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('parses every parseable API', () => {
    const bodies: Record<string, unknown> = {
      'openai.chat_completions': { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      'openai.responses': { model: 'm', input: 'x' },
      'openai.embeddings': { model: 'm', input: 'x' },
      'anthropic.messages': { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] },
      'gemini.generate_content': { contents: [{ parts: [{ text: 'x' }] }] },
      'gemini.stream_generate_content': { contents: [{ parts: [{ text: 'x' }] }] },
    };
    for (const api of PARSEABLE_APIS) {
      const result = parseRequest(api, Buffer.from(JSON.stringify(bodies[api])), { pathModel: 'gm', pathStream: api === 'gemini.stream_generate_content' });
      expect(result.ok && result.request.segments.map((s) => s.text)).toEqual(['x']);
    }
  });
});

describe('parseJson', () => {
  it('parses valid JSON', () => {
    expect(parseJson(Buffer.from('{"a":[1,"é"]}'))).toEqual({ ok: true, value: { a: [1, 'é'] } });
    expect(parseJson(Buffer.from('{'))).toEqual({ ok: false, problem: 'unexpected end of input at line 1, column 2 (position 1)' });
  });
});
