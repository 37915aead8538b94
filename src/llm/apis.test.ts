import { checkRequestContentType, familyOf, geminiPath, hasRequestBody, isModelName, matchApi, type ApiMatch } from './apis';

const anthropicHeaders = new Map([['anthropic-version', '2023-06-01']]);
const googleHeaders = new Map([['x-goog-api-key', 'k']]);

type Row = readonly [string, string, ReadonlyMap<string, string> | undefined, string];
/** Rows read method, path, hints, expected; the title shows method, path, expected. */
function titled(rows: Row[]): Array<[string, string, string, ReadonlyMap<string, string> | undefined]> {
  return rows.map(([method, path, hints, expected]) => [method, path, expected, hints]);
}

function summary(match: ApiMatch): string {
  if (match.kind === 'matched') {
    const extras = [match.model === undefined ? '' : ` model=${match.model}`, match.stream === undefined ? '' : ` stream=${match.stream}`].join('');
    return `${match.api}${extras}`;
  }
  return `${match.kind}:${match.family}:${match.error.status}:${match.error.code}`;
}

describe('matchApi', () => {
  it.each(titled([
    ['POST', '/v1/chat/completions', undefined, 'openai.chat_completions'],
    ['POST', '/v1/chat/completions?foo=bar', undefined, 'openai.chat_completions'],
    ['POST', '/v1/responses', undefined, 'openai.responses'],
    ['POST', '/v1/embeddings', undefined, 'openai.embeddings'],
    ['GET', '/v1/models', undefined, 'openai.models.list'],
    ['GET', '/v1/models/gpt-4o-mini', undefined, 'openai.models.retrieve model=gpt-4o-mini'],
    ['GET', '/v1/models/ft:gpt-4o-mini:acme::abc123', undefined, 'openai.models.retrieve model=ft:gpt-4o-mini:acme::abc123'],
    ['GET', '/v1/models/ft%3Agpt-4o', undefined, 'openai.models.retrieve model=ft:gpt-4o'],
    ['POST', '/v1/messages', anthropicHeaders, 'anthropic.messages'],
    ['POST', '/v1/messages?beta=true', anthropicHeaders, 'anthropic.messages'],
    ['POST', '/v1/messages', undefined, 'anthropic.messages'],
    ['POST', '/v1/messages/count_tokens', anthropicHeaders, 'anthropic.count_tokens'],
    ['GET', '/v1/models', anthropicHeaders, 'anthropic.models.list'],
    ['GET', '/v1/models/claude-sonnet-5-5', anthropicHeaders, 'anthropic.models.retrieve model=claude-sonnet-5-5'],
    ['POST', '/v1beta/models/gemini-2.5-flash:generateContent', undefined, 'gemini.generate_content model=gemini-2.5-flash stream=false'],
    ['POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', undefined, 'gemini.stream_generate_content model=gemini-2.5-flash stream=true'],
    ['POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=abc&alt=sse', undefined, 'gemini.stream_generate_content model=gemini-2.5-flash stream=true'],
    ['POST', '/v1/models/gemini-2.0-flash:generateContent', undefined, 'gemini.generate_content model=gemini-2.0-flash stream=false'],
    ['POST', '/v1beta/models/gemini-2.5-flash:countTokens', undefined, 'gemini.count_tokens model=gemini-2.5-flash stream=false'],
    ['GET', '/v1beta/models', undefined, 'gemini.models.list'],
    ['GET', '/v1beta/models/gemini-2.5-pro', undefined, 'gemini.models.get model=gemini-2.5-pro'],
    ['GET', '/v1/models', googleHeaders, 'gemini.models.list'],
  ]))('%s %s -> %s', (method, path, expected, headers) => {
    expect(summary(matchApi(method, path, headers))).toBe(expected);
  });

  it.each(titled([
    ['GET', '/v1/chat/completions', undefined, 'method_not_allowed:openai:405:method_not_allowed'],
    ['PUT', '/v1/responses', undefined, 'method_not_allowed:openai:405:method_not_allowed'],
    ['GET', '/v1/messages', anthropicHeaders, 'method_not_allowed:anthropic:405:method_not_allowed'],
    ['POST', '/v1/models', undefined, 'method_not_allowed:openai:405:method_not_allowed'],
    ['DELETE', '/v1/models/ft:x', undefined, 'method_not_allowed:openai:405:method_not_allowed'],
    ['GET', '/v1beta/models/gemini-2.5-flash:generateContent', undefined, 'method_not_allowed:gemini:405:method_not_allowed'],
    ['post', '/v1/chat/completions', undefined, 'method_not_allowed:openai:405:method_not_allowed'],
  ]))('%s %s is the wrong method: %s', (method, path, expected, headers) => {
    const match = matchApi(method, path, headers);
    expect(summary(match)).toBe(expected);
    expect(match.kind === 'method_not_allowed' && match.error.headers?.[0]?.[0]).toBe('allow');
  });

  it.each(titled([
    ['POST', '/v1/completions', undefined, 'unknown:openai:404:unknown_path'],
    ['POST', '/v1/chat/completions/', undefined, 'unknown:openai:404:unknown_path'],
    ['POST', '//v1/chat/completions', undefined, 'unknown:openai:404:unknown_path'],
    ['POST', '/v1//chat/completions', undefined, 'unknown:openai:404:unknown_path'],
    ['POST', '/V1/chat/completions', undefined, 'unknown:openai:404:unknown_path'],
    ['POST', 'v1/chat/completions', undefined, 'unknown:openai:404:unknown_path'],
    ['POST', '/', undefined, 'unknown:openai:404:unknown_path'],
    ['POST', '/v2/messages', anthropicHeaders, 'unknown:anthropic:404:unknown_path'],
    ['POST', '/v1beta/models/gemini-2.5-flash:embedContent', undefined, 'unknown:gemini:404:unknown_path'],
    ['POST', '/v1beta/models/gemini-2.5-flash:constructor', undefined, 'unknown:gemini:404:unknown_path'],
    ['POST', '/v1beta/models/gemini-2.5-flash:__proto__', undefined, 'unknown:gemini:404:unknown_path'],
    ['POST', '/v1beta/tunedModels/x:generateContent', undefined, 'unknown:gemini:404:unknown_path'],
    ['POST', '/v1beta/models/a/b:generateContent', undefined, 'unknown:gemini:404:unknown_path'],
    ['POST', '/v1/models/a/b', undefined, 'unknown:openai:404:unknown_path'],
  ]))('%s %s is unknown: %s', (method, path, expected, headers) => {
    expect(summary(matchApi(method, path, headers))).toBe(expected);
  });

  it('rejects Gemini streaming without alt=sse with a clear 400', () => {
    for (const path of ['/v1beta/models/gemini-2.5-flash:streamGenerateContent', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=json']) {
      const match = matchApi('POST', path);
      expect(match.kind).toBe('invalid');
      if (match.kind === 'matched') return;
      expect(match.api).toBe('gemini.stream_generate_content');
      expect(match.family).toBe('gemini');
      expect(match.error).toMatchObject({ status: 400, code: 'unsupported_stream_format', param: 'alt' });
      expect(match.error.message).toContain('alt=sse');
    }
  });

  it.each([
    ['/v1beta/models/gemini%2Fx:generateContent', 'invalid:gemini:400:invalid_request'],
    ['/v1beta/models/gem%ZZini:generateContent', 'invalid:gemini:400:invalid_request'],
    ['/v1beta/models/gemini%20pro:generateContent', 'invalid:gemini:400:invalid_request'],
    ['/v1beta/models/:generateContent', 'invalid:gemini:400:invalid_request'],
    ['/v1beta/models/gemini%2D2.5-flash:generateContent', 'gemini.generate_content model=gemini-2.5-flash stream=false'],
  ])('decodes and checks the Gemini model in %s', (path, expected) => {
    expect(summary(matchApi('POST', path))).toBe(expected);
  });

  it('does not echo long or secret-looking paths in the error', () => {
    const match = matchApi('POST', `/v1/x/sk-${'a'.repeat(40)}/${'b'.repeat(500)}`);
    expect(match.kind).toBe('unknown');
    if (match.kind === 'matched') return;
    expect(match.error.message).not.toContain('sk-aaaa');
    expect(match.error.message.length).toBeLessThan(200);
  });
});

describe('catalogue helpers', () => {
  it('families and bodies', () => {
    expect(familyOf('anthropic.messages')).toBe('anthropic');
    expect(familyOf('gemini.models.get')).toBe('gemini');
    expect(hasRequestBody('openai.chat_completions')).toBe(true);
    expect(hasRequestBody('openai.models.list')).toBe(false);
    expect(hasRequestBody('gemini.models.get')).toBe(false);
  });

  it('builds Gemini paths', () => {
    expect(geminiPath('v1beta', 'gemini-2.5-pro', 'gemini.stream_generate_content', 'alt=sse')).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(geminiPath('v1', 'gemini-2.0-flash', 'gemini.generate_content')).toBe('/v1/models/gemini-2.0-flash:generateContent');
    const built = geminiPath('v1beta', 'gemini-2.5-flash', 'gemini.stream_generate_content', '?alt=sse');
    expect(summary(matchApi('POST', built))).toBe('gemini.stream_generate_content model=gemini-2.5-flash stream=true');
  });

  it.each([
    ['gemini-2.5-flash', true],
    ['gpt-4o-2024-08-06', true],
    ['claude_3.5', true],
    ['', false],
    ['a'.repeat(129), false],
    ['a/b', false],
    ['a b', false],
    ['a:b', false],
  ])('isModelName(%s) = %s', (name, ok) => {
    expect(isModelName(name)).toBe(ok);
  });

  it.each<[string | undefined, boolean]>([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON;charset="UTF-8"', true],
    ['application/json; charset=utf8', true],
    ['application/json; charset=iso-8859-1', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['', false],
    [undefined, false],
  ])('content-type %s acceptable: %s', (contentType, ok) => {
    const error = checkRequestContentType(contentType);
    expect(error === undefined).toBe(ok);
    if (error) expect(error).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });
});
