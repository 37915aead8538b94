/**
 * The budget bars through whole sidecar processes: two `llmgw serve` processes (built dist/, as
 * deployed) share one real redis-server, each behind its own test edge, with the mock OpenAI provider
 * behind both. Unlike test/budget/replicas.test.ts (two BudgetService objects in one process), this
 * covers the config, the request path, the settlement on the response and the admin API as shipped.
 *
 *  1. 200 concurrent requests against one tenant's day budget, random output lengths up to the
 *     reservation, some without max_tokens and some with n > 1: the settled total never exceeds the
 *     budget and equals the sum of the provider-reported usage exactly.
 *  2. Redis killed (SIGKILL) while requests are between reserve and settle, and more requests sent
 *     while it is down, then restarted: every request follows the configured failure mode (failOpen:
 *     served on local limits), the totals are exact once the queued settlements are replayed, no hold
 *     is left, and the exhausted tenant is refused again from the shared store.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { ConfigInput } from '../../src/config/schema';
import { startEdge, type Edge } from '../support/edge/edge';
import { startMockProviders } from '../support/providers';
import { startTestRedis, type TestRedis } from '../support/redis';
import { PROVIDER_KEYS, testGatewayConfig } from '../support/sidecar';
import { waitForLog } from '../support/child-log';

jest.setTimeout(90_000);

const root = path.resolve(__dirname, '..', '..');
const bin = path.join(root, 'bin/llmgw.js');
const ADMIN_TOKEN = 'admin-token-processes';
const KEYS = { capped: 'sk-test-capped-0001', roomy: 'sk-test-roomy-0001' } as const;
const TOKENS_PER_DAY = 8_000;
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

interface Replica {
  readonly child: ChildProcessWithoutNullStreams;
  readonly edge: Edge;
  readonly adminUrl: string;
}

let redis: TestRedis;
let mocks: Awaited<ReturnType<typeof startMockProviders>>;
const replicas: Replica[] = [];

/** Deterministic pseudo-random numbers (a failing run can be replayed). */
function random(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return min + (state % (max - min + 1));
  };
}


async function startReplica(configPath: string): Promise<Replica> {
  const child = spawn('node', [bin, 'serve', '--config', configPath]);
  // Drain stdout (audit records) so the pipe never fills and blocks the process.
  child.stdout.resume();
  const ready = await waitForLog(child, /"tcpPort":\d+[^\n]*llmgw sidecar ready/);
  // From here on its log lines (one per request) are drained unread, for the same reason.
  child.stderr.resume();
  const tcpPort = /"tcpPort":(\d+)/.exec(ready)?.[1];
  const adminPort = /"adminPort":(\d+)/.exec(ready)?.[1];
  if (!tcpPort || !adminPort) throw new Error(`no ports in: ${ready}`);
  const edge = await startEdge({
    extProc: { address: `127.0.0.1:${tcpPort}` },
    upstreams: { openai: mocks.openai.url, anthropic: mocks.anthropic.url, gemini: mocks.gemini.url },
  });
  return { child, edge, adminUrl: `http://127.0.0.1:${adminPort}` };
}

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist/src/main.js'))) throw new Error('dist/ is missing: run `make build` (make test does it)');
  redis = await startTestRedis({ persistence: 'aof-always' });
  mocks = await startMockProviders({}, { apiKeys: { ...PROVIDER_KEYS } });
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-processes-'));
  writeFileSync(path.join(dir, 'admin.token'), `${ADMIN_TOKEN}\n`);
  const gateway = testGatewayConfig(dir);
  const config: ConfigInput = {
    server: { tcp: { host: '127.0.0.1', port: 0 }, drainTimeoutSeconds: 2 },
    admin: { host: '127.0.0.1', port: 0, token: { file: path.join(dir, 'admin.token') } },
    ...gateway,
    tenants: {
      capped: { apiKeys: [{ id: 'capped-key', sha256: sha256(KEYS.capped) }], budget: { defaultMaxOutputTokens: 60, tenant: { tokensPerDay: TOKENS_PER_DAY } } },
      roomy: { apiKeys: [{ id: 'roomy-key', sha256: sha256(KEYS.roomy) }], budget: { defaultMaxOutputTokens: 60, tenant: { tokensPerDay: 10_000_000 } } },
    },
    // Short holds and a fast probe keep the outage phase short; the behaviour does not depend on them.
    // The outage is a killed redis-server (commands fail at once), so the command timeout is generous: the
    // default 500 ms can fire in a replica whose event loop stalls under 200 concurrent requests on a loaded
    // machine, which then decides on local budgets while the first test counts on the shared one.
    budgets: { redis: { host: redis.host, port: redis.port, commandTimeoutMs: 10_000 }, onRedisFailure: 'failOpen', reservationTtlSeconds: 3, probeIntervalMs: 200 },
    audit: { stdout: false },
  };
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, stringify(config));
  replicas.push(await startReplica(configPath), await startReplica(configPath));
});

afterAll(async () => {
  for (const replica of replicas) {
    await replica.edge.close();
    const exited = new Promise((resolve) => replica.child.once('exit', resolve));
    replica.child.kill('SIGTERM');
    await exited;
  }
  await mocks?.close();
  await redis?.cleanup();
});

interface Outcome {
  readonly status: number;
  /** Provider-reported total tokens (what the client received in `usage`), 0 when refused. */
  readonly tokens: number;
  readonly code?: string;
}

const words = (count: number): string => Array.from({ length: count }, (_, i) => `w${i % 10}`).join(' ');

async function ask(edge: Edge, key: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Outcome> {
  const response = await fetch(`${edge.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise the ticket.' }], ...body }),
  });
  const json = (await response.json()) as { usage?: { total_tokens: number }; error?: { code?: string } };
  return { status: response.status, tokens: response.status === 200 ? (json.usage?.total_tokens ?? Number.NaN) : 0, ...(json.error?.code ? { code: json.error.code } : {}) };
}

async function dayUsage(replica: Replica, tenant: string): Promise<{ used: number; held: number; store: string }> {
  const response = await fetch(`${replica.adminUrl}/admin/v1/tenants/${tenant}/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await response.json()) as { store: string; limits: { limit: string; used: number; held: number }[] };
  const day = body.limits.find((limit) => limit.limit === 'tokensPerDay');
  if (!day) throw new Error(`no tokensPerDay in ${JSON.stringify(body)}`);
  return { used: day.used, held: day.held, store: body.store };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function randomRequest(rand: (min: number, max: number) => number): { body: Record<string, unknown>; headers: Record<string, string> } {
  const body: Record<string, unknown> = {};
  // A third without max_tokens (the tenant default of 60 is reserved), the rest with 5..120.
  if (rand(0, 2) > 0) body.max_tokens = rand(5, 120);
  if (rand(0, 4) === 0) body.n = 2;
  // The provider's answer is up to 150 words, cut at max_tokens: usage varies up to the reservation.
  return { body, headers: { 'x-mock-reply': words(rand(1, 150)) } };
}

it('two processes, one Redis, 200 concurrent requests: never over budget, settled total = reported usage', async () => {
  const rand = random(0x5eed);
  const outcomes = await Promise.all(
    Array.from({ length: 200 }, (_, i) => {
      const { body, headers } = randomRequest(rand);
      return ask((replicas[i % 2] as Replica).edge, KEYS.capped, body, headers);
    }),
  );
  const served = outcomes.filter((o) => o.status === 200);
  const refused = outcomes.filter((o) => o.status === 429);
  expect(served.length + refused.length).toBe(200);
  expect(refused.every((o) => o.code === 'budget_exceeded')).toBe(true);
  // The budget is small enough that it runs out: the refusals are real decisions, not an idle limit.
  expect(refused.length).toBeGreaterThan(0);
  expect(served.length).toBeGreaterThan(0);
  const reported = served.reduce((sum, o) => sum + o.tokens, 0);

  // Settlement happens when each stream ends, just after the client has its answer.
  const [first, second] = replicas as [Replica, Replica];
  const settled = await until(() => dayUsage(first, 'capped'), (u) => u.held === 0 && u.used === reported, 'settled usage');
  expect(settled.used).toBe(reported);
  expect(settled.used).toBeLessThanOrEqual(TOKENS_PER_DAY);
  // The other process reads the same shared totals.
  expect(await dayUsage(second, 'capped')).toEqual(settled);
});

it('Redis killed between reserve and settle and during traffic: failOpen serves, totals exact after restart, nothing held, limits enforced again', async () => {
  const rand = random(0xdead);
  const [first, second] = replicas as [Replica, Replica];
  const before = await dayUsage(first, 'roomy');
  expect(before.store).toBe('shared');

  // 60 requests reserve in Redis now and get their answer (and settle) after the kill.
  const inFlight = Array.from({ length: 60 }, (_, i) => {
    const { body, headers } = randomRequest(rand);
    return ask((replicas[i % 2] as Replica).edge, KEYS.roomy, body, { ...headers, 'x-mock-fault': 'slow-first-byte=700' });
  });
  await new Promise((resolve) => setTimeout(resolve, 250));
  await redis.kill();
  // 40 more while Redis is down: decided on each process's local limits.
  const duringOutage = await Promise.all(
    Array.from({ length: 40 }, (_, i) => {
      const { body, headers } = randomRequest(rand);
      return ask((replicas[i % 2] as Replica).edge, KEYS.roomy, body, headers);
    }),
  );
  const early = await Promise.all(inFlight);
  const all = [...early, ...duringOutage];
  // failOpen: every request was served, none failed because the store was down.
  expect(all.map((o) => o.status).filter((status) => status !== 200)).toEqual([]);
  expect((await dayUsage(first, 'roomy')).store).toBe('local');

  await redis.restart();
  const reported = all.reduce((sum, o) => sum + o.tokens, 0);
  // Both processes find Redis again and replay what they could not write; holds made before the kill
  // expire by their TTL (3 s here), so nothing stays reserved.
  const recovered = await until(
    () => dayUsage(first, 'roomy'),
    (u) => u.store === 'shared' && u.held === 0 && u.used === before.used + reported,
    'replayed settlements and expired holds',
  );
  expect(recovered.used).toBe(before.used + reported);
  await until(() => dayUsage(second, 'roomy'), (u) => u.store === 'shared' && u.used === recovered.used && u.held === 0, 'second replica recovered');

  // The capped tenant spent most of its day budget before the outage. A request that fits a fresh
  // local limit but not what is left in the shared store is refused: the shared totals decide again.
  const capped = await dayUsage(second, 'capped');
  expect(capped.store).toBe('shared');
  const again = await ask(second.edge, KEYS.capped, { max_tokens: TOKENS_PER_DAY - capped.used + 1 }, { 'x-mock-reply': words(5) });
  expect(again).toMatchObject({ status: 429, code: 'budget_exceeded' });
});
