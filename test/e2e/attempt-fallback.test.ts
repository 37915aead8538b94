/**
 * Bar: the primary provider answers 503 to a request; that same request is served by the fallback
 * provider and the client (official openai SDK) sees one clean response. Path: SDK -> test edge (router
 * retries over the failover cluster's priorities, the sidecar as upstream ext_proc filter per attempt,
 * UPSTREAM-RULES.md) -> sidecar -> mock providers. The failover cluster is envoy-local.yaml's, with its
 * priority-1 endpoint pointed at a second OpenAI-compatible provider (cross-format fallback needs the
 * translate module behind the AttemptTranslator hook).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { defaultEnvoyConfigPath } from '../support/edge/envoy-config';
import { startEdge, type Edge } from '../support/edge/edge';
import { startMockProvider, startMockProviders } from '../support/providers';
import type { MockProviderHandle } from '../support/providers';
import { PROVIDER_KEYS, TEST_KEYS, startTestSidecar, testGatewayConfig, type TestSidecar } from '../support/sidecar';

const BACKUP_KEY = 'sk-provider-backup';
let mocks: Awaited<ReturnType<typeof startMockProviders>>;
let backup: MockProviderHandle;
let sidecar: TestSidecar;
let edge: Edge;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-attempts-'));
  writeFileSync(path.join(dir, 'backup.key'), BACKUP_KEY);
  // envoy-local.yaml's failover cluster, priority 1 being a second OpenAI-compatible provider.
  const envoyConfigPath = path.join(dir, 'envoy.yaml');
  const envoy = readFileSync(defaultEnvoyConfigPath(), 'utf8').replace('llmgw: { provider: anthropic }', 'llmgw: { provider: openai-backup }');
  writeFileSync(envoyConfigPath, envoy);
  mocks = await startMockProviders({}, { apiKeys: { ...PROVIDER_KEYS } });
  backup = await startMockProvider({ flavor: 'openai', apiKey: BACKUP_KEY });
  const base = testGatewayConfig(dir);
  const absolute = (provider: NonNullable<typeof base.providers>[string]) => ({ ...provider, keys: provider.keys?.map((key) => ('file' in key ? { file: path.join(dir, key.file) } : key)) });
  sidecar = await startTestSidecar({
    providers: {
      openai: { ...absolute(base.providers!.openai!), failoverCluster: 'openai_failover' },
      'openai-backup': { api: 'openai', cluster: 'openai', auth: 'bearer', keys: [{ file: path.join(dir, 'backup.key') }] },
      anthropic: absolute(base.providers!.anthropic!),
      gemini: absolute(base.providers!.gemini!),
    },
    models: {
      ...base.models,
      'gpt-4o': { provider: 'openai', pricing: { input: 2.5, output: 10 }, fallbacks: ['backup-mini'] },
      'backup-mini': { provider: 'openai-backup', upstreamModel: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 } },
      // Its only other-provider fallback is on Gemini (priority 2), so the priority-1 attempt cannot be served.
      'gpt-gemini-fallback': { provider: 'openai', upstreamModel: 'gpt-4o', pricing: { input: 2.5, output: 10 }, fallbacks: ['gemini-flash'] },
    },
    tenants: base.tenants,
  });
  edge = await startEdge({
    envoyConfigPath,
    extProc: { address: sidecar.grpcAddress },
    upstreams: {
      openai: mocks.openai.url,
      anthropic: mocks.anthropic.url,
      gemini: mocks.gemini.url,
      'openai_failover@0': mocks.openai.url,
      'openai_failover@1': backup.url,
      'openai_failover@2': mocks.gemini.url,
    },
  });
});
afterAll(async () => {
  await edge?.close();
  await sidecar?.app.close();
  await mocks?.close();
  await backup?.close();
});
beforeEach(() => {
  mocks.openai.clearRequests();
  mocks.gemini.clearRequests();
  backup.clearRequests();
  edge.clearRecords();
});

const openai = (): OpenAI => new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${edge.url}/v1`, maxRetries: 0 });
/** The last request's audit record, once the sidecar has written it (it sees the stream end after the client). */
async function audit(): Promise<Record<string, unknown> | undefined> {
  await edge.settled();
  const id = edge.lastRecord()?.requestId;
  const found = await sidecar.audit.waitFor((record) => record.requestId === id);
  return found as unknown as Record<string, unknown> | undefined;
}

describe('per-request fallback across providers', () => {
  it('the primary answers 503: the same request is served by the fallback provider, one clean response', async () => {
    mocks.openai.queueFaults({ fault: 'status=503', path: '/v1/chat/completions' });
    const completion = await openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.choices[0]?.message.content).toBe('mock-openai reply to: Hello there');
    const [primary] = mocks.openai.requests();
    const [fallback] = backup.requests();
    expect(mocks.openai.requests()).toHaveLength(1);
    expect(primary?.headers.authorization).toBe(`Bearer ${PROVIDER_KEYS.openai}`);
    expect((primary?.json as { model?: string }).model).toBe('gpt-4o');
    // The attempt on the backup carries the backup's key and model, and no trace of the routing token.
    expect(fallback?.headers.authorization).toBe(`Bearer ${BACKUP_KEY}`);
    expect((fallback?.json as { model?: string }).model).toBe('gpt-4o-mini');
    expect(fallback?.headers['x-llmgw-attempt']).toBeUndefined();
    expect(JSON.stringify(fallback?.headers)).not.toContain(TEST_KEYS.acme);
    expect(edge.lastRecord()?.attempts?.map((attempt) => [attempt.priority, attempt.status, attempt.retried === true])).toEqual([
      [0, 503, true],
      [1, 200, false],
    ]);
    expect(await audit()).toMatchObject({
      modelRequested: 'gpt-4o',
      modelServed: 'gpt-4o-mini',
      provider: 'openai-backup',
      status: 200,
      route: { selected: 'gpt-4o', model: 'backup-mini', skipped: ['gpt-4o: attempt failed'] },
    });
  });

  it('streams from the fallback too (finalChatCompletion)', async () => {
    mocks.openai.queueFaults({ fault: 'status=503', path: '/v1/chat/completions' });
    const stream = openai().chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there' }] });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('mock-openai reply to: Hello there');
    expect(backup.requests()).toHaveLength(1);
    expect(await audit()).toMatchObject({ provider: 'openai-backup', stream: true, status: 200 });
  });

  it('no retry when the primary answers: a success stays on the primary', async () => {
    await openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(mocks.openai.requests()).toHaveLength(1);
    expect(backup.requests()).toHaveLength(0);
    expect(edge.lastRecord()?.attempts?.map((attempt) => attempt.priority)).toEqual([0]);
  });

  it('a non-retriable error (400) is not retried on another provider', async () => {
    mocks.openai.queueFaults({ fault: 'status=400', path: '/v1/chat/completions' });
    await expect(openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there' }] })).rejects.toMatchObject({ status: 400 });
    expect(backup.requests()).toHaveLength(0);
  });

  it('an attempt the sidecar cannot adapt is answered 503, and that local reply is final (U3)', async () => {
    mocks.openai.queueFaults({ fault: 'status=503', path: '/v1/chat/completions' });
    await expect(openai().chat.completions.create({ model: 'gpt-gemini-fallback', messages: [{ role: 'user', content: 'Hello there' }] })).rejects.toMatchObject({ status: 503 });
    expect(backup.requests()).toHaveLength(0);
    expect(mocks.gemini.requests()).toHaveLength(0);
    expect(edge.lastRecord()?.attempts?.map((attempt) => attempt.priority)).toEqual([0, 1]);
  });
});
