/**
 * Bar: the primary provider answers 503 to a request; that same request is served by the fallback
 * provider *in another format*, and the client sees one clean response. openai SDK -> test edge (retries
 * over envoy-local.yaml's openai_failover priorities: OpenAI, Anthropic, Gemini; the sidecar as upstream
 * ext_proc filter per attempt) -> sidecar (translates the attempt to Anthropic and the answer back) ->
 * mock providers, which check requests against the real APIs' required fields.
 */
import OpenAI from 'openai';
import { PROVIDER_KEYS, TEST_KEYS, testGatewayConfig } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

let gateway: Gateway;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-attempts-x-'));
  const base = testGatewayConfig(dir);
  const absolute = (provider: NonNullable<typeof base.providers>[string]) => ({ ...provider, keys: provider.keys?.map((key) => ('file' in key ? { file: path.join(dir, key.file) } : key)) });
  gateway = await startGateway(
    {
      providers: {
        openai: { ...absolute(base.providers!.openai!), failoverCluster: 'openai_failover' },
        anthropic: absolute(base.providers!.anthropic!),
        gemini: absolute(base.providers!.gemini!),
      },
      models: { ...base.models, 'gpt-4o': { provider: 'openai', pricing: { input: 2.5, output: 10 }, fallbacks: ['claude-haiku'] } },
      tenants: base.tenants,
    },
    {},
  );
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.mocks.openai.clearRequests();
  gateway.mocks.anthropic.clearRequests();
});

const openai = (): OpenAI => new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });

describe('per-request fallback to a provider in another API', () => {
  it('OpenAI answers 503: Anthropic serves the same request, the openai SDK gets one clean chat completion', async () => {
    gateway.mocks.openai.queueFaults({ fault: 'status=503', path: '/v1/chat/completions' });
    const completion = await openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('mock-anthropic reply to: Hello there');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    const [attempt] = gateway.mocks.anthropic.requests();
    expect(attempt?.path).toBe('/v1/messages');
    expect(attempt?.headers['x-api-key']).toBe(PROVIDER_KEYS.anthropic);
    expect(attempt?.headers.authorization).toBeUndefined();
    expect((attempt?.json as { model?: string; messages?: unknown[] }).model).toBe('claude-3-5-haiku-20241022');
    expect(gateway.edge.lastRecord()?.attempts?.map((a) => [a.priority, a.status])).toEqual([
      [0, 503],
      [1, 200],
    ]);
    expect(await auditOfLastRequest(gateway)).toMatchObject({
      modelRequested: 'gpt-4o',
      modelServed: 'claude-3-5-haiku-20241022',
      provider: 'anthropic',
      status: 200,
      tokens: { source: 'provider' },
      route: { selected: 'gpt-4o', model: 'claude-haiku', skipped: ['gpt-4o: attempt failed'] },
    });
  });

  it('streamed: finalChatCompletion() accepts the translated Anthropic stream', async () => {
    gateway.mocks.openai.queueFaults({ fault: 'status=503', path: '/v1/chat/completions' });
    const final = await openai().chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there' }] }).finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('mock-anthropic reply to: Hello there');
    expect(gateway.mocks.anthropic.requests()).toHaveLength(1);
    expect(await auditOfLastRequest(gateway)).toMatchObject({ provider: 'anthropic', stream: true, status: 200, tokens: { source: 'provider' } });
  });
});
