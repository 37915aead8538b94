/**
 * Two sidecar replicas (two budget services, each with its own Redis connection) share one real
 * redis-server: 200 concurrent requests against one tenant's day budget (tokens and money), with the
 * "provider" reporting random usage up to the reservation, some requests without max tokens and some
 * with n > 1. The settled totals never exceed the budget and equal the sum of the reported usage
 * exactly. The in-memory store (one replica) passes the same run.
 */
import { toNanoUsd } from '../../src/budget/limits';
import { costUsd } from '../../src/budget/pricing';
import { BudgetService } from '../../src/budget/service';
import type { LimitStatus } from '../../src/budget/service-types';
import { startTestRedis, type TestRedis } from '../support/redis';
import { estimate, GPT, redisService, tenant, TestClock } from './helpers';

const TOKENS_PER_DAY = 150_000;
const USD_PER_DAY = 1;
const REQUESTS = 200;

/** Deterministic pseudo-random numbers (a failing run can be replayed). */
function random(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0;
  return (min, max) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return min + (state % (max - min + 1));
  };
}

let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.cleanup();
});

function find(limits: readonly LimitStatus[], limit: LimitStatus['limit']): LimitStatus {
  const found = limits.find((l) => l.limit === limit);
  if (!found) throw new Error(`no ${limit}`);
  return found;
}

describe.each([
  ['two replicas sharing redis', 2],
  ['one replica in memory', 0],
])('%s', (_name, replicas) => {
  it('200 concurrent requests: never over budget, totals equal the reported usage exactly', async () => {
    const clock = new TestClock();
    const services: BudgetService[] = [];
    if (replicas === 0) services.push(new BudgetService({ clock: clock.now }));
    else {
      if (!redis) throw new Error('redis not started');
      for (let i = 0; i < replicas; i++) services.push(await redisService(redis, { clock: clock.now }));
    }
    const primary = services[0];
    if (!primary) throw new Error('no service');
    const t = tenant({ defaultMaxOutputTokens: 1024, maxOutputTokens: 4096, tenant: { tokensPerDay: TOKENS_PER_DAY, usdPerDay: USD_PER_DAY } }, 'replicas');
    const rand = random(0x5eed + replicas);

    let settledTokens = 0;
    let settledNanos = 0;
    let admitted = 0;
    let denied = 0;
    let overBudgetSeen = false;
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

    const one = async (i: number): Promise<void> => {
      const budgets = services[i % services.length] ?? primary;
      const prompt = rand(200, 3000);
      const shape = i % 3;
      const maxTokens = shape === 0 ? undefined : rand(100, 2000); // a third without max tokens
      const n = i % 5 === 0 ? rand(2, 3) : 1; // some with n > 1
      await sleep(rand(0, 20));
      const decision = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(prompt, maxTokens, n) });
      if (!decision.ok) {
        expect(decision.status).toBe(429);
        denied += 1;
        return;
      }
      admitted += 1;
      const r = decision.reservation;
      await sleep(rand(0, 30));
      const inputTokens = rand(Math.floor(r.promptTokens / 2), r.promptTokens);
      const usage = { inputTokens, outputTokens: rand(0, r.outputTokens), cachedInputTokens: rand(0, inputTokens) };
      const outcome = await budgets.settle(r, usage);
      expect(outcome.recorded).toBe(replicas === 0 ? 'local' : 'shared');
      settledTokens += usage.inputTokens + usage.outputTokens;
      settledNanos += toNanoUsd(costUsd(GPT.pricing, usage));
      if (i % 10 === 0) {
        const now = await budgets.usage(t);
        if (find(now, 'tokensPerDay').used > TOKENS_PER_DAY || find(now, 'usdPerDay').used > USD_PER_DAY) overBudgetSeen = true;
      }
    };
    await Promise.all(Array.from({ length: REQUESTS }, (_, i) => one(i)));

    if (process.env.BUDGET_DEBUG) console.log({ admitted, denied, settledTokens, settledNanos });
    const final = await primary.usage(t);
    const tokens = find(final, 'tokensPerDay');
    const money = find(final, 'usdPerDay');
    expect(overBudgetSeen).toBe(false);
    expect(admitted + denied).toBe(REQUESTS);
    // The budget was contended: some requests were refused, many got through.
    expect(denied).toBeGreaterThan(0);
    expect(admitted).toBeGreaterThan(40);
    expect(tokens.held).toBe(0);
    expect(money.held).toBe(0);
    expect(tokens.used).toBe(settledTokens);
    expect(Math.round(money.used * 1e9)).toBe(settledNanos);
    expect(tokens.used).toBeLessThanOrEqual(TOKENS_PER_DAY);
    expect(money.used).toBeLessThanOrEqual(USD_PER_DAY);
    // Every replica reads the same totals.
    for (const s of services) expect(find(await s.usage(t), 'tokensPerDay').used).toBe(settledTokens);
    await Promise.all(services.map((s) => s.close()));
  });
});
