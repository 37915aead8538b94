/**
 * The Redis connection options reach a real redis-server: a password (from an environment variable),
 * TLS with a client certificate, Sentinel, and Redis Cluster (a one-node cluster owning every slot, so a
 * command whose keys spanned two slots would fail with CROSSSLOT). Plus a smoke run of the benchmark.
 */
import { benchBudgetCheck } from '../../src/budget/bench';
import { budgetStoreSchema, createBudgetService, type BudgetStoreInput } from '../../src/budget/setup';
import type { BudgetService } from '../../src/budget/service';
import { makeTestPki } from '../support/certs';
import { startTestRedis, startTestSentinel, type TestRedis, type TestSentinel } from '../support/redis';
import { CLAUDE, estimate, GPT, tenant } from './helpers';

const servers: Array<TestRedis | TestSentinel> = [];
const services: BudgetService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.cleanup()));
});

async function exercise(config: BudgetStoreInput): Promise<void> {
  // failClosed turns any failed command into a refusal: the command timeout is generous, since the
  // default 500 ms can fire on a loaded machine when the event loop stalls before the reply is read.
  const budgets = createBudgetService(budgetStoreSchema.parse({ onRedisFailure: 'failClosed', ...config, redis: { commandTimeoutMs: 10_000, ...config.redis } }));
  services.push(budgets);
  expect(await budgets.start(5000)).toBe(true);
  const t = tenant({ tenant: { tokensPerDay: 100_000, tokensPerMinute: 50_000 }, perCaller: { usdPerDay: 1, concurrentRequests: 4 }, models: { 'claude-sonnet': { tokensPerDay: 50_000 } } });
  for (const model of [GPT, CLAUDE]) {
    const decision = await budgets.reserve({ tenant: t, caller: 'key:a', model, estimate: estimate(1000, 500, 2) });
    if (!decision.ok) throw new Error(decision.message);
    expect(decision.reservation.origin).toBe('shared');
    expect(await budgets.renew(decision.reservation)).toBe(true);
    expect((await budgets.settle(decision.reservation, { inputTokens: 900, outputTokens: 700 })).recorded).toBe('shared');
  }
  const usage = await budgets.usage(t, { caller: 'key:a', model: 'claude-sonnet' });
  expect(usage.find((l) => l.limit === 'tokensPerDay' && l.scope.kind === 'tenant')).toMatchObject({ used: 3200, held: 0 });
  expect(usage.find((l) => l.limit === 'tokensPerDay' && l.scope.kind === 'model')).toMatchObject({ used: 1600, held: 0 });
  expect(usage.find((l) => l.limit === 'concurrentRequests')).toMatchObject({ used: 0 });
}

describe('redis connection options', () => {
  it('password from an environment variable', async () => {
    const redis = await startTestRedis({ password: 'budget-test-password' });
    servers.push(redis);
    process.env.LLMGW_TEST_REDIS_PASSWORD = 'budget-test-password';
    await exercise({ redis: { host: redis.host, port: redis.port, password: { env: 'LLMGW_TEST_REDIS_PASSWORD' } } });
  });

  it('TLS with a client certificate', async () => {
    const pki = makeTestPki();
    const redis = await startTestRedis({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, client: { cert: pki.clientCert, key: pki.clientKey } } });
    servers.push(redis);
    await exercise({ redis: { host: 'localhost', port: redis.port, tls: { caFile: pki.caCert, certFile: pki.clientCert, keyFile: pki.clientKey } } });
  });

  it('Redis Cluster: every key of a command in the tenant slot', async () => {
    const redis = await startTestRedis({ cluster: true });
    servers.push(redis);
    await exercise({ redis: { cluster: { nodes: [{ host: redis.host, port: redis.port }] } } });
  });

  it('Sentinel: the master is found through the sentinel', async () => {
    const master = await startTestRedis();
    servers.push(master);
    const sentinel = await startTestSentinel(master);
    servers.push(sentinel);
    await exercise({ redis: { sentinel: { name: sentinel.masterName, sentinels: [{ host: sentinel.host, port: sentinel.port }] } } });
  });

  it('rejects a config with both sentinel and cluster', () => {
    const parsed = budgetStoreSchema.safeParse({ redis: { sentinel: { name: 'm', sentinels: [{ host: 'a', port: 1 }] }, cluster: { nodes: [{ host: 'b', port: 2 }] } } });
    expect(parsed.success).toBe(false);
  });
});

describe('benchBudgetCheck', () => {
  it('measures reserve + settle in memory and on loopback Redis', async () => {
    const redis = await startTestRedis();
    servers.push(redis);
    const report = await benchBudgetCheck({ iterations: 100, warmup: 10, concurrency: 4, redis: { host: redis.host, port: redis.port } });
    expect(report.results.map((r) => r.store)).toEqual(['memory', 'redis']);
    for (const result of report.results) {
      expect(result.p50Us).toBeGreaterThan(0);
      expect(result.p99Us).toBeGreaterThanOrEqual(result.p50Us);
      expect(result.cyclesPerSecond).toBeGreaterThan(0);
    }
    expect(report.estimateUs).toBeGreaterThan(0);
  });
});
