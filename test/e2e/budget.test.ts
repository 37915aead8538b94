/**
 * Budgets through the whole path: the client sees OpenAI-style x-ratelimit headers, and once the
 * tenant's day budget is spent the SDK gets a 429 in the API's own shape; usage is settled with what
 * the provider reported.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

const ADMIN_TOKEN = 'admin-token-for-tests';
let gateway: Gateway;
/** Budget alert webhook calls the sidecar made. */
const webhookCalls: Record<string, unknown>[] = [];
/** Woken on every webhook call (the sidecar sends them from a queue, after the request that crossed). */
const webhookListeners = new Set<() => void>();
const webhook = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    webhookCalls.push(JSON.parse(body) as Record<string, unknown>);
    for (const listener of [...webhookListeners]) listener();
    res.writeHead(204).end();
  });
});

/** Resolves once `count` webhook calls have arrived; rejects after `timeoutMs` (generous, for loaded machines). */
function webhookCallsReach(count: number, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      webhookListeners.delete(check);
      reject(new Error(`${webhookCalls.length} webhook calls after ${timeoutMs} ms, expected ${count}`));
    }, timeoutMs);
    const check = (): void => {
      if (webhookCalls.length < count) return;
      clearTimeout(timer);
      webhookListeners.delete(check);
      resolve();
    };
    webhookListeners.add(check);
    check();
  });
}
beforeAll(async () => {
  const tokenFile = path.join(mkdtempSync(path.join(tmpdir(), 'llmgw-admin-')), 'token');
  writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`);
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
  gateway = await startGateway({
    admin: { host: '127.0.0.1', port: 0, token: { file: tokenFile } },
    budgetAlerts: { thresholds: [0.8, 1], webhook: { url: webhookUrl } },
  });
});
afterAll(async () => {
  await gateway.close();
  webhook.close();
});

it('counts down the day budget in x-ratelimit headers, then refuses with 429', async () => {
  const client = new OpenAI({ apiKey: TEST_KEYS.frugal, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
  const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }).withResponse();

  const first = await ask();
  expect(first.response.headers.get('x-ratelimit-limit-tokens')).toBe('200');
  const afterFirst = Number(first.response.headers.get('x-ratelimit-remaining-tokens'));
  expect(afterFirst).toBeLessThan(200);
  const audit = await auditOfLastRequest(gateway);
  expect(audit?.tokens).toMatchObject({ input: first.data.usage?.prompt_tokens, output: first.data.usage?.completion_tokens, source: 'provider' });

  let refused: unknown;
  // Settled at the provider's usage (about 10 tokens each), so about 20 requests fit in 200 tokens.
  for (let i = 0; i < 60 && !refused; i += 1) refused = await ask().then(() => undefined, (error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
  expect(error.code).toBe('budget_exceeded');
  expect(error.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(error.headers.get('x-ratelimit-remaining-tokens')).toBeDefined();
});

describe('admin API: a tenant\'s usage', () => {
  const usageUrl = (tenant: string) => `${gateway.sidecar.adminUrl}/admin/v1/tenants/${tenant}/usage`;

  it('refuses callers without the admin token', async () => {
    expect((await fetch(usageUrl('frugal'))).status).toBe(401);
    expect((await fetch(usageUrl('frugal'), { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('reports used and remaining tokens per window after traffic', async () => {
    const response = await fetch(usageUrl('frugal'), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { tenant: string; limits: { limit: string; max: number; used: number; remaining: number }[] };
    expect(body.tenant).toBe('frugal');
    const day = body.limits.find((limit) => limit.limit === 'tokensPerDay');
    expect(day).toMatchObject({ max: 200 });
    expect(day?.used).toBeGreaterThan(0);
    expect((day?.used ?? 0) + (day?.remaining ?? 0)).toBeLessThanOrEqual(200);
  });

  it('answers 404 for an unknown tenant', async () => {
    expect((await fetch(usageUrl('nobody'), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);
  });
});

describe('budget alerts', () => {
  it('raised a metric and called the webhook when the day budget crossed 80% and 100%', async () => {
    // The first test spent the frugal tenant's day budget.
    await webhookCallsReach(2);
    expect(webhookCalls.map((call) => call.threshold).sort()).toEqual([0.8, 1]);
    expect(webhookCalls[0]).toMatchObject({ kind: 'llmgw.budget_alert', tenant: 'frugal', limit: 'tokensPerDay', max: 200 });
    const metrics = await (await fetch(`${gateway.sidecar.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/llmgw_budget_alerts_total\{tenant="frugal",limit="tokensPerDay",threshold="0.8",service="llmgw"\} 1/);
  });
});
