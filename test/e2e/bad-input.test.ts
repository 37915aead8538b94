/**
 * Bad input through the whole path: each refusal comes back in the API's own error shape (OpenAI,
 * Anthropic, Gemini), with the right status and a stable code that the official SDKs surface, nothing
 * reaches a provider, and an audit record says why.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  gateway.mocks.openai.clearRequests();
  gateway.mocks.anthropic.clearRequests();
  gateway.mocks.gemini.clearRequests();
});
afterEach(async () => {
  await gateway.edge.settled();
  // Nothing refused may reach a provider.
  expect([...gateway.mocks.openai.requests(), ...gateway.mocks.anthropic.requests(), ...gateway.mocks.gemini.requests()]).toEqual([]);
});

interface Reply {
  status: number;
  code: string | null;
  json: unknown;
}

async function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const response = await fetch(`${gateway.edge.url}${path}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep the text: the assertion will show it
  }
  return { status: response.status, code: response.headers.get('x-llmgw-error-code'), json };
}

const openaiHeaders = { authorization: `Bearer ${TEST_KEYS.acme}`, 'content-type': 'application/json' };
const anthropicHeaders = { 'x-api-key': TEST_KEYS.acme, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
const geminiHeaders = { 'x-goog-api-key': TEST_KEYS.acme, 'content-type': 'application/json' };
const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

const openAiError = (type: string, code: string) => ({ error: expect.objectContaining({ type, code, message: expect.any(String) }) as unknown });

describe('OpenAI paths: {error:{message,type,code}}', () => {
  it.each<[string, string, { method?: string; headers?: Record<string, string>; body?: string }, number, string, string]>([
    ['no API key', '/v1/chat/completions', { headers: { 'content-type': 'application/json' }, body: chat }, 401, 'authentication_error', 'missing_api_key'],
    ['a wrong API key', '/v1/chat/completions', { headers: { ...openaiHeaders, authorization: 'Bearer sk-wrong' }, body: chat }, 401, 'authentication_error', 'invalid_api_key'],
    ['invalid JSON', '/v1/chat/completions', { headers: openaiHeaders, body: '{"model":' }, 400, 'invalid_request_error', 'invalid_json'],
    ['a schema violation', '/v1/chat/completions', { headers: openaiHeaders, body: JSON.stringify({ model: 'gpt-4o-mini', messages: 'hi' }) }, 400, 'invalid_request_error', 'invalid_request'],
    ['no model', '/v1/chat/completions', { headers: openaiHeaders, body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) }, 400, 'invalid_request_error', 'missing_model'],
    ['a model the tenant may not use', '/v1/chat/completions', { headers: { ...openaiHeaders, authorization: `Bearer ${TEST_KEYS.globex}` }, body: JSON.stringify({ model: 'claude-haiku', messages: [{ role: 'user', content: 'hi' }] }) }, 403, 'permission_error', 'model_not_allowed'],
    ['an unknown model', '/v1/chat/completions', { headers: openaiHeaders, body: JSON.stringify({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }) }, 404, 'not_found_error', 'model_not_found'],
    ['an unknown path', '/v1/nothing-here', { headers: openaiHeaders, body: chat }, 404, 'not_found_error', 'unknown_path'],
    ['the wrong method', '/v1/chat/completions', { method: 'GET', headers: openaiHeaders }, 405, 'invalid_request_error', 'method_not_allowed'],
    ['a body over the tenant limit', '/v1/chat/completions', { headers: { ...openaiHeaders, authorization: `Bearer ${TEST_KEYS.globex}` }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(8000) }] }) }, 413, 'invalid_request_error', 'body_too_large'],
    ['a non-JSON content type', '/v1/chat/completions', { headers: { ...openaiHeaders, 'content-type': 'text/plain' }, body: chat }, 415, 'invalid_request_error', 'unsupported_media_type'],
  ])('%s', async (_name, path, init, status, type, code) => {
    const reply = await send(path, init);
    expect(reply).toEqual({ status, code, json: openAiError(type, code) });
  });

  it('the openai SDK surfaces the status class and the stable code', async () => {
    const client = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
    const error: unknown = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    const denied: unknown = await new OpenAI({ apiKey: TEST_KEYS.globex, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 }).chat.completions
      .create({ model: 'claude-haiku', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('writes an audit record for a refused request, with the reason and no key', async () => {
    await send('/v1/chat/completions', { headers: { ...openaiHeaders, authorization: 'Bearer sk-wrong' }, body: chat });
    const record = await auditOfLastRequest(gateway);
    expect(record).toMatchObject({ outcome: 'rejected', status: 401, errorCode: 'invalid_api_key', tenant: null, keyId: null });
    expect(JSON.stringify(record)).not.toContain('sk-wrong');
  });
});

describe('Anthropic paths: {type:"error",error:{type,message}}', () => {
  it.each<[string, Record<string, string>, string, number, string, string]>([
    ['a wrong API key', { ...anthropicHeaders, 'x-api-key': 'sk-wrong' }, JSON.stringify({ model: 'claude-haiku', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 401, 'authentication_error', 'invalid_api_key'],
    ['no max_tokens', anthropicHeaders, JSON.stringify({ model: 'claude-haiku', messages: [{ role: 'user', content: 'hi' }] }), 400, 'invalid_request_error', 'invalid_request'],
    ['invalid JSON', anthropicHeaders, '{', 400, 'invalid_request_error', 'invalid_json'],
    ['a model the tenant may not use', { ...anthropicHeaders, 'x-api-key': TEST_KEYS.globex }, JSON.stringify({ model: 'claude-haiku', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 403, 'permission_error', 'model_not_allowed'],
  ])('%s', async (_name, headers, body, status, type, code) => {
    const reply = await send('/v1/messages', { headers, body });
    expect(reply.status).toBe(status);
    expect(reply.code).toBe(code);
    expect(reply.json).toMatchObject({ type: 'error', error: { type, message: expect.any(String) as unknown as string } });
  });

  it('the Anthropic SDK surfaces the status class', async () => {
    const client = new Anthropic({ apiKey: 'sk-wrong', baseURL: gateway.edge.url, maxRetries: 0 });
    const error: unknown = await client.messages.create({ model: 'claude-haiku', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});

describe('Gemini paths: {error:{code,message,status}}', () => {
  it.each<[string, string, Record<string, string>, string, number, string, string]>([
    ['a wrong API key', '/v1beta/models/gemini-flash:generateContent', { ...geminiHeaders, 'x-goog-api-key': 'wrong' }, '{"contents":[{"parts":[{"text":"hi"}]}]}', 401, 'UNAUTHENTICATED', 'invalid_api_key'],
    ['a schema violation', '/v1beta/models/gemini-flash:generateContent', geminiHeaders, '{"contents":"hi"}', 400, 'INVALID_ARGUMENT', 'invalid_request'],
    ['an unknown model', '/v1beta/models/gemini-9:generateContent', geminiHeaders, '{"contents":[{"parts":[{"text":"hi"}]}]}', 404, 'NOT_FOUND', 'model_not_found'],
    ['a stream without alt=sse', '/v1beta/models/gemini-flash:streamGenerateContent', geminiHeaders, '{"contents":[{"parts":[{"text":"hi"}]}]}', 400, 'INVALID_ARGUMENT', 'unsupported_stream_format'],
  ])('%s', async (_name, path, headers, body, status, googleStatus, code) => {
    const reply = await send(path, { headers, body });
    expect(reply.status).toBe(status);
    expect(reply.code).toBe(code);
    expect(reply.json).toMatchObject({ error: { code: status, status: googleStatus, message: expect.any(String) as unknown as string } });
  });

  it('the genai SDK reports the error status', async () => {
    const client = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: gateway.edge.url } });
    const error: unknown = await client.models.generateContent({ model: 'gemini-flash', contents: 'hi' }).catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(401);
  });
});
