/**
 * Redis taken away under the budget service: killed (SIGKILL) between reserve and settle, and during
 * traffic, then restarted on the same port and data directory (append-only file, fsync always).
 * Fail-open keeps deciding on local limits and replays what it could not write; fail-closed answers
 * 503; in both, budgets are enforced again after recovery and no reservation stays stuck.
 */
import { BudgetService } from '../../src/budget/service';
import type { BudgetEvents, LimitStatus, Reservation } from '../../src/budget/service-types';
import { startTestRedis, type TestRedis } from '../support/redis';
import { estimate, GPT, redisService, tenant, TestClock, waitFor } from './helpers';

const servers: TestRedis[] = [];
const services: BudgetService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close().catch(() => undefined)));
  await Promise.all(servers.splice(0).map((s) => s.cleanup()));
});

async function server(): Promise<TestRedis> {
  const s = await startTestRedis({ persistence: 'aof-always' });
  servers.push(s);
  return s;
}

function find(limits: readonly LimitStatus[], limit: LimitStatus['limit']): LimitStatus {
  const found = limits.find((l) => l.limit === limit);
  if (!found) throw new Error(`no ${limit}`);
  return found;
}

interface Recorded {
  down: number;
  up: Array<{ replayed: number }>;
  outcomes: string[];
}

function recorder(): { events: BudgetEvents; seen: Recorded } {
  const seen: Recorded = { down: 0, up: [], outcomes: [] };
  return {
    seen,
    events: {
      storeDown: () => {
        seen.down += 1;
      },
      storeUp: (info) => {
        seen.up.push({ replayed: info.replayed });
      },
      reserveOutcome: (outcome, allowed) => {
        seen.outcomes.push(`${outcome}:${allowed}`);
      },
    },
  };
}

describe('budget store outages (real redis-server)', () => {
  it('Redis killed between reserve and settle: settlements queue, replay after restart, totals exact, nothing stuck', async () => {
    const redis = await server();
    const clock = new TestClock();
    const { events, seen } = recorder();
    const budgets = await redisService(redis, { clock: clock.now, probeIntervalMs: 50, events });
    services.push(budgets);
    const t = tenant({ tenant: { tokensPerDay: 1_000_000, concurrentRequests: 100 } });

    const reservations: Reservation[] = [];
    for (let i = 0; i < 20; i++) {
      const d = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000 + i, 500) });
      if (!d.ok) throw new Error(d.message);
      expect(d.reservation.origin).toBe('shared');
      reservations.push(d.reservation);
    }
    await redis.kill();

    let expected = 0;
    for (const [i, r] of reservations.entries()) {
      const usage = { inputTokens: r.promptTokens, outputTokens: 100 + i };
      expected += usage.inputTokens + usage.outputTokens;
      expect((await budgets.settle(r, usage)).recorded).toBe('queued');
    }
    // Requests keep flowing while Redis is down (fail-open), and their day usage is queued too.
    for (let i = 0; i < 5; i++) {
      const d = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(300, 200) });
      if (!d.ok) throw new Error(d.message);
      expect(d.reservation.origin).toBe('local');
      expect((await budgets.settle(d.reservation, { inputTokens: 300, outputTokens: 50 })).recorded).toBe('local');
      expected += 350;
    }
    expect(budgets.sharedHealthy).toBe(false);
    expect(budgets.pendingSettles).toBe(25);

    await redis.restart();
    await waitFor(() => budgets.sharedHealthy && budgets.pendingSettles === 0);
    expect(seen.down).toBe(1);
    expect(seen.up).toEqual([{ replayed: 25 }]);

    const after = await budgets.usage(t);
    expect(find(after, 'tokensPerDay')).toMatchObject({ used: expected, held: 0 });
    expect(find(after, 'concurrentRequests').used).toBe(0);
    // Budgets are enforced in Redis again.
    const next = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(100, 100) });
    expect(next.ok && next.reservation.origin).toBe('shared');
  });

  it('killed and restarted during traffic: no errors, totals exact, nothing stuck after the hold TTL', async () => {
    const redis = await server();
    const clock = new TestClock();
    const budgets = await redisService(redis, { clock: clock.now, probeIntervalMs: 50, reservationTtlMs: 60_000 });
    services.push(budgets);
    const t = tenant({ tenant: { tokensPerDay: 10_000_000, concurrentRequests: 1000 } });
    let settled = 0;
    const origins = new Set<string>();
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

    const traffic = Array.from({ length: 120 }, async (_, i) => {
      await sleep(i * 5); // ~600 ms of arrivals
      const d = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(500 + i, 300) });
      if (!d.ok) throw new Error(`unexpected denial: ${d.message}`);
      origins.add(d.reservation.origin);
      await sleep(20 + (i % 7) * 10);
      const usage = { inputTokens: 400 + i, outputTokens: i % 50 };
      await budgets.settle(d.reservation, usage);
      settled += usage.inputTokens + usage.outputTokens;
    });
    const chaos = (async () => {
      await sleep(150);
      await redis.kill();
      await sleep(250);
      await redis.restart();
    })();
    await Promise.all([...traffic, chaos]);
    await waitFor(() => budgets.sharedHealthy && budgets.pendingSettles === 0);
    expect(origins).toEqual(new Set(['shared', 'local']));

    let after = await budgets.usage(t);
    expect(find(after, 'tokensPerDay').used).toBe(settled);
    // A reserve cut off by the kill may have left a hold in Redis; it is gone after the TTL at most.
    clock.advance(60_001);
    after = await budgets.usage(t);
    expect(find(after, 'tokensPerDay')).toMatchObject({ used: settled, held: 0 });
    expect(find(after, 'concurrentRequests').used).toBe(0);
  });

  it('fail-open enforces local limits (x localShare) while Redis is down', async () => {
    const redis = await server();
    const clock = new TestClock();
    const { events, seen } = recorder();
    const budgets = await redisService(redis, { clock: clock.now, probeIntervalMs: 50, localShare: 0.5, events });
    services.push(budgets);
    const t = tenant({ tenant: { tokensPerDay: 10_000 } });
    await redis.kill();
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1500, 500) }));
    expect(decisions.map((d) => d.ok)).toEqual([true, true, false]);
    const third = decisions[2];
    if (!third || third.ok) throw new Error('expected a denial');
    expect(third.status).toBe(429);
    expect(third.code).toBe('budget_exceeded');
    expect(seen.outcomes).toEqual(['local_fallback:true', 'local_fallback:true', 'local_fallback:false']);

    for (const d of decisions) if (d.ok) await budgets.settle(d.reservation, { inputTokens: 1500, outputTokens: 500 });
    await redis.restart();
    await waitFor(() => budgets.sharedHealthy && budgets.pendingSettles === 0);
    // What was spent during the outage now counts in the shared budget.
    expect(find(await budgets.usage(t), 'tokensPerDay')).toMatchObject({ used: 4000, held: 0 });
  });

  it('fail-closed answers 503 while Redis is down and enforces budgets again after it returns', async () => {
    const redis = await server();
    const clock = new TestClock();
    const budgets = await redisService(redis, { clock: clock.now, probeIntervalMs: 50, onSharedFailure: 'failClosed' });
    services.push(budgets);
    const t = tenant({ tenant: { tokensPerDay: 5000 } });
    const before = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 1000) });
    if (!before.ok) throw new Error(before.message);

    await redis.kill();
    const during = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(10, 10) });
    expect(during.ok).toBe(false);
    if (during.ok) return;
    expect(during.status).toBe(503);
    expect(during.code).toBe('budget_unavailable');
    expect(during.headers).toContainEqual(['retry-after', '1']);
    // Settling the earlier request while down is queued, not lost.
    expect((await budgets.settle(before.reservation, { inputTokens: 1000, outputTokens: 1000 })).recorded).toBe('queued');

    await redis.restart();
    await waitFor(() => budgets.sharedHealthy && budgets.pendingSettles === 0);
    expect(find(await budgets.usage(t), 'tokensPerDay')).toMatchObject({ used: 2000, held: 0 });
    const ok = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 1000) });
    expect(ok.ok && ok.reservation.origin).toBe('shared');
    const over = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 1000) });
    expect(over.ok).toBe(false);
    if (over.ok) return;
    expect(over.status).toBe(429);
  });

  it("a crashed sidecar's holds expire after the TTL, also across a Redis restart", async () => {
    const redis = await server();
    const clock = new TestClock();
    const crashed = await redisService(redis, { clock: clock.now, reservationTtlMs: 30_000 });
    const t = tenant({ tenant: { tokensPerDay: 10_000, concurrentRequests: 5 } });
    for (let i = 0; i < 5; i++) {
      const d = await crashed.reserve({ tenant: t, model: GPT, estimate: estimate(500, 500) });
      expect(d.ok).toBe(true);
    }
    await crashed.close(); // gone without settling
    await redis.kill();
    await redis.restart();

    const survivor = await redisService(redis, { clock: clock.now });
    services.push(survivor);
    expect(find(await survivor.usage(t), 'tokensPerDay').held).toBe(5000);
    expect((await survivor.reserve({ tenant: t, model: GPT, estimate: estimate(10, 10) })).ok).toBe(false); // 5 in flight
    clock.advance(30_001);
    const after = await survivor.usage(t);
    expect(find(after, 'tokensPerDay')).toMatchObject({ used: 0, held: 0 });
    expect(find(after, 'concurrentRequests').used).toBe(0);
    expect((await survivor.reserve({ tenant: t, model: GPT, estimate: estimate(10, 10) })).ok).toBe(true);
  });
});
