import type { ApiFamily, ParseableApiId } from '../apis';
import { clientStatus, createResponseTranslator, translateErrorBody, translateResponseBody } from './index';
import { jsonEssence, PROVIDER_JSON, TRANSLATION_PAIRS as PAIRS } from './fixtures';

const JSON_API: Record<ApiFamily, ParseableApiId> = { openai: 'openai.chat_completions', anthropic: 'anthropic.messages', gemini: 'gemini.generate_content' };

function translate(from: ApiFamily, to: ApiFamily, body: object): Record<string, unknown> {
  const out = translateResponseBody(Buffer.from(JSON.stringify(body)), { from: JSON_API[from], to, model: 'client-model', now: () => 1700000000 });
  if (!out) throw new Error('not translated');
  return JSON.parse(out.toString('utf8')) as Record<string, unknown>;
}

describe.each(PAIRS)('JSON response %s -> %s', (from, to) => {
  it('keeps text, tool call, finish reason and usage, and names the model the client asked for', () => {
    const out = translate(from, to, PROVIDER_JSON[from]);
    const essence = jsonEssence(to, JSON.stringify(out));
    expect(essence).toEqual({
      text: 'Héllo 東京 🎨',
      toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }],
      finish: 'tool_calls',
      usage: jsonEssence(from, JSON.stringify(PROVIDER_JSON[from])).usage,
      errors: [],
    });
    expect(essence.usage).toEqual({ inputTokens: 10, outputTokens: 5, cachedInputTokens: 4 });
    expect(out[to === 'gemini' ? 'modelVersion' : 'model']).toBe('client-model');
  });
});

describe('JSON response shapes', () => {
  it('OpenAI: chat.completion with tool_calls, content null without text, usage details', () => {
    const out = translate('gemini', 'openai', { ...PROVIDER_JSON.gemini, candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP', index: 0 }] });
    expect(out).toMatchObject({ id: 'chatcmpl-resp1', object: 'chat.completion', created: 1700000000, choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'tool_calls' }] });
    expect(out.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } });
    const call = (out.choices as Array<{ message: { tool_calls: Array<{ id: string; function: { arguments: string } }> } }>)[0]?.message.tool_calls[0];
    expect(call?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(call?.function.arguments).toBe('{}');
  });

  it('Anthropic: message with blocks, uncached input tokens apart from cache reads', () => {
    const out = translate('openai', 'anthropic', PROVIDER_JSON.openai);
    expect(out).toEqual({
      id: 'msg_chatcmpl-abc',
      type: 'message',
      role: 'assistant',
      model: 'client-model',
      content: [{ type: 'text', text: 'Héllo 東京 🎨' }, { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 6, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 5 },
    });
  });

  it('Gemini: thoughts counted apart from candidates', () => {
    const out = translate('openai', 'gemini', PROVIDER_JSON.openai);
    expect(out.usageMetadata).toEqual({ promptTokenCount: 10, candidatesTokenCount: 3, thoughtsTokenCount: 2, cachedContentTokenCount: 4, totalTokenCount: 15 });
    expect(out.responseId).toBe('chatcmpl-abc');
  });

  it.each<[ApiFamily, object, ApiFamily, Record<string, unknown>]>([
    ['openai', { choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: 'length' }] }, 'anthropic', { stop_reason: 'max_tokens' }],
    ['openai', { choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: 'content_filter' }] }, 'gemini', { candidates: [{ finishReason: 'SAFETY' }] }],
    ['anthropic', { content: [{ type: 'text', text: 'x' }], stop_reason: 'stop_sequence', usage: { input_tokens: 1, output_tokens: 1 } }, 'openai', { choices: [{ finish_reason: 'stop' }] }],
    ['anthropic', { content: [{ type: 'text', text: 'x' }], stop_reason: 'max_tokens', usage: { input_tokens: 1, output_tokens: 1 } }, 'gemini', { candidates: [{ finishReason: 'MAX_TOKENS' }] }],
    ['gemini', { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'MAX_TOKENS' }] }, 'openai', { choices: [{ finish_reason: 'length' }] }],
    ['gemini', { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'SAFETY' }] }, 'anthropic', { stop_reason: 'refusal' }],
    ['gemini', { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] }, 'anthropic', { stop_reason: 'end_turn' }],
  ])('finish reason %s %j -> %s', (from, body, to, expected) => {
    expect(translate(from, to, body)).toMatchObject(expected);
  });

  it('an unreadable 2xx body becomes a 502-style error in the client shape', () => {
    const t = createResponseTranslator({ from: 'anthropic.messages', to: 'openai', mode: 'buffered', status: 200, model: 'm', includeUsage: false });
    expect(t.push(Buffer.from('<html>oops</html>')).length).toBe(0);
    expect(JSON.parse(t.end().toString('utf8'))).toMatchObject({ error: { code: 'upstream_error' } });
  });
});

describe('provider errors in the client API', () => {
  const ERRORS: Record<ApiFamily, object> = {
    openai: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
    anthropic: { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limit reached' }, request_id: 'req_1' },
    gemini: { error: { code: 429, message: 'Rate limit reached', status: 'RESOURCE_EXHAUSTED' } },
  };
  it.each(PAIRS)('%s 429 -> %s shape, message kept', (from, to) => {
    const out = JSON.parse(translateErrorBody(429, Buffer.from(JSON.stringify(ERRORS[from])), to, { requestId: 'r1' }).body.toString('utf8')) as Record<string, unknown>;
    const expected: Record<ApiFamily, object> = {
      openai: { error: { type: 'rate_limit_error', code: 'rate_limited', param: null } },
      anthropic: { type: 'error', error: { type: 'rate_limit_error', details: { error_code: 'rate_limited' } }, request_id: 'r1' },
      gemini: { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } },
    };
    expect(out).toMatchObject(expected[to]);
    expect(JSON.stringify(out)).toContain('The provider rejected the request: Rate limit reached');
  });

  it.each([
    [400, 'invalid_request'],
    [401, 'upstream_error'],
    [404, 'upstream_error'],
    [413, 'body_too_large'],
    [500, 'upstream_error'],
    [503, 'upstream_unavailable'],
    [529, 'upstream_unavailable'],
    [504, 'upstream_timeout'],
  ])('status %i -> code %s; a body that is not JSON still becomes one', (status, code) => {
    const out = translateErrorBody(status, Buffer.from('upstream connect error'), 'openai');
    expect(out.code).toBe(code);
    expect(JSON.parse(out.body.toString('utf8'))).toMatchObject({ error: { code, message: `The provider answered with HTTP ${status}.` } });
  });

  it.each([
    [529, 'openai', 503],
    [529, 'gemini', 503],
    [529, 'anthropic', 529],
    [422, 'anthropic', 400],
    [422, 'gemini', 400],
    [422, 'openai', 422],
  ] as const)('status %i becomes %s %i', (status, client, expected) => {
    expect(clientStatus(status, client)).toBe(expected);
    if (client === 'gemini') expect(JSON.parse(translateErrorBody(status, Buffer.from('{}'), client).body.toString('utf8'))).toMatchObject({ error: { code: expected } });
  });

  it('never echoes a secret the provider put in its message', () => {
    const body = { error: { message: 'Incorrect API key provided: sk-proj-abcdefghijklmnop1234', type: 'invalid_request_error' } };
    expect(translateErrorBody(401, Buffer.from(JSON.stringify(body)), 'anthropic').body.toString('utf8')).not.toContain('abcdefghijklmnop');
  });
});
