import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfigText } from '../config/load';
import { compileConfig } from '../config/runtime';
import { SecretStore } from '../config/secrets';
import { parseRequest, type ParseableApiId } from '../llm';
import { BasicRouter, type RouteTarget } from '../route/router';
import { translateForProvider, translateResponse } from './translation';

const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-translation-'));
writeFileSync(path.join(dir, 'k'), 'sk-key');
const secrets = new SecretStore(60_000);
afterAll(() => secrets.close());
const config = compileConfig(
  parseConfigText(
    `server: { tcp: { port: 1 } }
providers:
  oai: { api: openai, cluster: openai, auth: bearer, keys: [{ file: k }] }
  ant: { api: anthropic, cluster: anthropic, auth: x-api-key, keys: [{ file: k }] }
  local: { api: openai, cluster: vllm, auth: none, pathPrefix: /vllm, maxTokensField: max_tokens }
  gem: { api: gemini, cluster: gemini, auth: x-goog-api-key, keys: [{ file: k }], pathPrefix: /google }
models:
  gpt: { provider: oai, pricing: { input: 1, output: 2 } }
  claude: { provider: ant, upstreamModel: claude-x, maxOutputTokens: 777, pricing: { input: 1, output: 2 } }
  llama: { provider: local, upstreamModel: "llama3.1:8b", pricing: { input: 0, output: 0 } }
  flash: { provider: gem, upstreamModel: gemini-2.0-flash, pricing: { input: 1, output: 2 } }
tenants:
  t: {}
`,
    path.join(dir, 'c.yaml'),
  ),
  secrets,
);
const router = new BasicRouter(config, secrets);
const tenant = config.tenants.get('t')!;

function setup(api: ParseableApiId, model: string, body: object, clientPath: string) {
  const parsed = parseRequest(api, Buffer.from(JSON.stringify(body)), api.startsWith('gemini') ? { pathModel: model, pathStream: api.endsWith('stream_generate_content') } : {});
  if (!parsed.ok) throw new Error(parsed.error.message);
  const routed = router.route({ family: parsed.request.family, model, tenant, path: clientPath }, new Map());
  if (!routed.ok) throw new Error(routed.failure.code);
  return { request: parsed.request, target: routed.target as RouteTarget };
}

describe('translateForProvider', () => {
  it('leaves a request for a provider of the same API alone', () => {
    const { request, target } = setup('openai.chat_completions', 'gpt', { model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }, '/v1/chat/completions');
    expect(translateForProvider(request, target)).toEqual({ ok: true, translation: undefined });
  });

  it('rewrites body, path (with the provider prefix) and content type, with the catalogue cap as max_tokens', () => {
    const { request, target } = setup('gemini.stream_generate_content', 'claude', { contents: [{ parts: [{ text: 'hi' }] }] }, '/v1beta/models/claude:streamGenerateContent?alt=sse');
    const outcome = translateForProvider(request, target);
    if (!outcome.ok || !outcome.translation) throw new Error('expected a translation');
    expect(outcome.translation.setHeaders).toEqual([
      [':path', '/v1/messages'],
      ['content-type', 'application/json'],
      // The provider config sets none, and a Gemini client never sends one.
      ['anthropic-version', '2023-06-01'],
    ]);
    expect(outcome.translation.providerApi).toBe('anthropic.messages');
    expect(JSON.parse(outcome.translation.body.toString('utf8'))).toEqual({ model: 'claude-x', max_tokens: 777, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  });

  it.each([
    ['llama', '/vllm/v1/chat/completions'],
    ['flash', '/google/v1beta/models/gemini-2.0-flash:generateContent'],
  ])('%s is reached at %s', (model, upstreamPath) => {
    const { request, target } = setup('anthropic.messages', model, { model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, '/v1/messages');
    const outcome = translateForProvider(request, target);
    expect(outcome.ok && outcome.translation?.setHeaders[0]).toEqual([':path', upstreamPath]);
  });

  it("writes the cap into the field the provider reads (maxTokensField: max_tokens for a self-hosted server)", () => {
    const { request, target } = setup('anthropic.messages', 'llama', { model: 'llama', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, '/v1/messages');
    const outcome = translateForProvider(request, target);
    if (!outcome.ok || !outcome.translation) throw new Error('expected a translation');
    expect(JSON.parse(outcome.translation.body.toString('utf8'))).toMatchObject({ model: 'llama3.1:8b', max_tokens: 10 });
    expect(JSON.parse(outcome.translation.body.toString('utf8'))).not.toHaveProperty('max_completion_tokens');
  });

  it('refuses what the provider cannot express as a 400 naming the field', () => {
    const { request, target } = setup('openai.chat_completions', 'claude', { model: 'claude', n: 2, messages: [{ role: 'user', content: 'hi' }] }, '/v1/chat/completions');
    expect(translateForProvider(request, target)).toMatchObject({ ok: false, error: { status: 400, code: 'invalid_request', param: 'n' } });
  });
});

describe('translateResponse', () => {
  const { request, target } = setup('openai.chat_completions', 'claude', { model: 'claude', messages: [{ role: 'user', content: 'hi' }] }, '/v1/chat/completions');
  const outcome = translateForProvider(request, target);
  if (!outcome.ok || !outcome.translation) throw new Error('expected a translation');
  const translation = outcome.translation;

  it.each([
    [200, 'streamed', 'streamed', [['content-type', 'text/event-stream']]],
    [200, 'buffered', 'buffered', [['content-type', 'application/json']]],
    [429, 'buffered', 'buffered', [['content-type', 'application/json'], ['x-llmgw-error-code', 'rate_limited']]],
    // An error is read whole whatever its content type, so it reaches the client in its own shape.
    [502, 'none', 'buffered', [['content-type', 'application/json'], ['x-llmgw-error-code', 'upstream_error']]],
    // Anthropic's overload status does not exist in OpenAI's API.
    [529, 'buffered', 'buffered', [['content-type', 'application/json'], ['x-llmgw-error-code', 'upstream_unavailable'], [':status', '503']]],
  ] as const)('status %i, body mode %s -> %s', (status, mode, expectedMode, headers) => {
    const translated = translateResponse(request, translation, status, mode, 'req-1');
    expect(translated?.mode).toBe(expectedMode);
    expect(translated?.setHeaders).toEqual(headers);
    expect(translated?.transform.name).toBe('translate');
  });

  it('passes a 2xx body it cannot read (neither JSON nor SSE) as it is', () => {
    expect(translateResponse(request, translation, 200, 'none', 'req-1')).toBeUndefined();
  });
});
