import type { EmbeddingCreateParams } from 'openai/resources/embeddings';
import { parseRequest } from './parse';
import { rewriteSegments } from './rewrite';

function parse(body: EmbeddingCreateParams | Record<string, unknown>) {
  return parseRequest('openai.embeddings', Buffer.from(JSON.stringify(body)));
}

describe('OpenAI embeddings', () => {
  it.each<[string, EmbeddingCreateParams, Array<[string, string]>, number]>([
    ['one string', { model: 'text-embedding-3-small', input: 'hello' }, [['hello', 'input']], 0],
    ['strings', { model: 'text-embedding-3-small', input: ['a', 'b'] }, [['a', 'input.0'], ['b', 'input.1']], 0],
    ['one token array', { model: 'text-embedding-3-small', input: [15339, 1917] }, [], 2],
    ['token arrays', { model: 'text-embedding-3-small', input: [[1, 2, 3], [4]] }, [], 4],
  ])('%s', (_name, body, segments, tokens) => {
    const result = parse(body);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.request.segments.map((s) => [s.text, s.pointer.join('.')])).toEqual(segments);
    expect(result.request.segments.every((s) => s.role === 'user' && s.channel === 'user')).toBe(true);
    expect(result.request.tokenInputCount).toBe(tokens);
    expect(result.request).toMatchObject({ api: 'openai.embeddings', model: 'text-embedding-3-small', stream: false, tools: [] });
  });

  it('rewrites one of several strings', () => {
    const result = parse({ model: 'm', input: ['call 555-0100', 'b'], dimensions: 256, encoding_format: 'base64' });
    if (!result.ok) throw new Error('parse failed');
    expect(JSON.parse(rewriteSegments(result.request, new Map([[0, 'call [PHONE]']])).toString())).toEqual({ model: 'm', input: ['call [PHONE]', 'b'], dimensions: 256, encoding_format: 'base64' });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['no model', { input: 'x' }, { code: 'missing_model' }],
    ['no input', { model: 'm' }, { code: 'invalid_request', param: 'input' }],
    ['empty list', { model: 'm', input: [] }, { code: 'invalid_request', param: 'input' }],
    ['mixed list', { model: 'm', input: ['a', 1] }, { code: 'invalid_request' }],
    ['fractional token', { model: 'm', input: [1.5] }, { code: 'invalid_request' }],
    ['object input', { model: 'm', input: { text: 'x' } }, { code: 'invalid_request', param: 'input' }],
    ['dimensions zero', { model: 'm', input: 'x', dimensions: 0 }, { code: 'invalid_request', param: 'dimensions' }],
  ])('rejects %s', (_name, body, expected) => {
    const result = parse(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ status: 400, ...expected });
  });
});
