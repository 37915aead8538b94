/**
 * Bar: the mock primary provider fails N times -> later requests go to the fallback; after recovery (a
 * half-open probe succeeds) they come back. Official openai SDK -> test edge -> sidecar -> mock OpenAI.
 * The breaker is visible on the admin API and in /metrics while it is open.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { TEST_KEYS, testGatewayConfig } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

const ADMIN_TOKEN = 'admin-token-for-failover-tests';
const FAILURES = 3;
/**
 * How long the breaker stays open. Everything the test checks while it is open (a request served by the
 * fallback, its audit record, the admin view, the metric) must fit in it on a loaded machine too.
 */
const OPEN_SECONDS = 5;
let gateway: Gateway;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-failover-'));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, ADMIN_TOKEN);
  const base = testGatewayConfig(dir);
  gateway = await startGateway({
    admin: { host: '127.0.0.1', port: 0, token: { file: tokenFile } },
    providers: Object.fromEntries(
      Object.entries(base.providers ?? {}).map(([name, provider]) => [name, { ...provider, keys: provider.keys?.map((key) => ('file' in key ? { file: path.join(dir, key.file) } : key)) }]),
    ),
    models: {
      ...base.models,
      'gpt-4o': { provider: 'openai', pricing: { input: 2.5, output: 10 }, fallbacks: ['gpt-4o-mini'] },
    },
    tenants: base.tenants,
    routing: { breaker: { consecutiveFailures: FAILURES, openSeconds: OPEN_SECONDS } },
  });
});
afterAll(async () => {
  await gateway?.close();
});

const openai = (): OpenAI => new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
const ask = () => openai().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there' }] });
const servedModels = (): unknown[] => gateway.mocks.openai.requests().map((request) => (request.json as { model?: unknown } | undefined)?.model);
const admin = async (): Promise<{ breakers: Array<{ provider: string; model: string; phase: string }> }> => {
  const response = await fetch(`${gateway.sidecar.adminUrl}/admin/v1/breakers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { breakers: Array<{ provider: string; model: string; phase: string }> };
};
const breakerMetric = async (): Promise<string | undefined> => {
  const text = await (await fetch(`${gateway.sidecar.adminUrl}/metrics`)).text();
  return text.split('\n').find((line) => line.startsWith('llmgw_route_breaker_state{') && line.includes('model="gpt-4o"'));
};

describe('breaker failover to the fallback chain and back', () => {
  it('opens after N failures, serves the fallback, and returns after a successful probe', async () => {
    gateway.mocks.openai.queueFaults(...Array.from({ length: FAILURES }, () => ({ fault: 'status=503', path: '/v1/chat/completions' })));
    for (let i = 0; i < FAILURES; i += 1) {
      await expect(ask()).rejects.toMatchObject({ status: 503 });
    }
    expect(servedModels()).toEqual(Array.from({ length: FAILURES }, () => 'gpt-4o'));
    gateway.mocks.openai.clearRequests();

    // Open: the same request is served by the fallback, and says so in metadata and audit.
    const fallback = await ask();
    expect(fallback.choices[0]?.message.content).toBe('mock-openai reply to: Hello there');
    expect(servedModels()).toEqual(['gpt-4o-mini']);
    expect(gateway.edge.lastRecord()?.dynamicMetadata.kept.llmgw).toMatchObject({ model: 'gpt-4o-mini', route_selected_by: 'explicit' });
    expect(await auditOfLastRequest(gateway)).toMatchObject({
      modelRequested: 'gpt-4o',
      modelServed: 'gpt-4o-mini',
      status: 200,
      route: { selectedBy: 'explicit', selected: 'gpt-4o', model: 'gpt-4o-mini', skipped: ['gpt-4o: breaker open'] },
    });
    expect((await admin()).breakers).toContainEqual(expect.objectContaining({ provider: 'openai', model: 'gpt-4o', phase: 'open' }));
    expect(await breakerMetric()).toMatch(/ 2$/);

    // After openSeconds the next request is the half-open probe; it succeeds and the primary is back.
    const halfOpenBy = Date.now() + (OPEN_SECONDS + 10) * 1000;
    while (!(await admin()).breakers.some((b) => b.model === 'gpt-4o' && b.phase === 'half_open')) {
      if (Date.now() > halfOpenBy) throw new Error('the breaker did not turn half-open');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    gateway.mocks.openai.clearRequests();
    await ask();
    expect(await auditOfLastRequest(gateway)).toMatchObject({ modelServed: 'gpt-4o', route: { reason: 'explicit model gpt-4o; half-open probe' } });
    await ask();
    expect(servedModels()).toEqual(['gpt-4o', 'gpt-4o']);
    expect((await admin()).breakers).toContainEqual(expect.objectContaining({ provider: 'openai', model: 'gpt-4o', phase: 'closed' }));
    expect(await breakerMetric()).toMatch(/ 0$/);
  });

  it('the admin view needs the token', async () => {
    const response = await fetch(`${gateway.sidecar.adminUrl}/admin/v1/breakers`);
    expect(response.status).toBe(401);
  });
});
