/**
 * The budget semantics, run against both stores: a real redis-server (started here, on its own
 * port) and the in-memory store. Every case runs on both, so the two stay the same.
 */
import { streamedOutputTokens } from '../../src/budget/estimate';
import { costUsd } from '../../src/budget/pricing';
import { toNanoUsd } from '../../src/budget/limits';
import { BudgetService, type BudgetServiceOptions } from '../../src/budget/service';
import type { LimitStatus, ReserveDecision, Reservation } from '../../src/budget/service-types';
import { startTestRedis, type TestRedis } from '../support/redis';
import { CLAUDE, estimate, GPT, redisService, tenant, TestClock } from './helpers';

type Make = (options?: Omit<BudgetServiceOptions, 'shared'>) => Promise<BudgetService>;

let redis: TestRedis | undefined;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.cleanup();
});

const stores: Array<[string, Make]> = [
  ['memory', async (options = {}) => new BudgetService(options)],
  [
    'redis',
    async (options = {}) => {
      if (!redis) throw new Error('redis not started');
      return redisService(redis, options);
    },
  ],
];

function reserved(decision: ReserveDecision): Reservation {
  if (!decision.ok) throw new Error(`expected a reservation, got ${decision.status} ${decision.message}`);
  return decision.reservation;
}

function find(limits: readonly LimitStatus[], limit: LimitStatus['limit'], kind: LimitStatus['scope']['kind'] = 'tenant'): LimitStatus {
  const found = limits.find((l) => l.limit === limit && l.scope.kind === kind);
  if (!found) throw new Error(`no ${kind} ${limit} in ${JSON.stringify(limits)}`);
  return found;
}

describe.each(stores)('budget contract: %s store', (storeName, make) => {
  const services: BudgetService[] = [];
  let clock: TestClock;
  const service = async (options: Omit<BudgetServiceOptions, 'shared'> = {}): Promise<BudgetService> => {
    const s = await make({ clock: clock.now, ...options });
    services.push(s);
    return s;
  };
  beforeEach(() => {
    clock = new TestClock();
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
  });

  it('reserves, then settles to exactly the reported usage', async () => {
    const budgets = await service();
    const t = tenant({ defaultMaxOutputTokens: 500, tenant: { tokensPerDay: 100_000, usdPerDay: 10, tokensPerMinute: 50_000 } });
    const decision = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000) });
    const reservation = reserved(decision);
    expect(reservation.origin).toBe(storeName === 'redis' ? 'shared' : 'local');
    expect(reservation.outputTokens).toBe(500);
    expect(reservation.tokens).toBe(1500);
    expect(find(decision.limits, 'tokensPerDay').remaining).toBe(98_500);
    expect(find(decision.limits, 'tokensPerDay').held).toBe(1500);

    const usage = { inputTokens: 900, outputTokens: 321, cachedInputTokens: 400 };
    const outcome = await budgets.settle(reservation, usage);
    expect(outcome.tokens).toBe(1221);
    expect(outcome.nanoUsd).toBe(toNanoUsd(costUsd(GPT.pricing, usage)));
    expect(outcome.recorded).toBe(storeName === 'redis' ? 'shared' : 'local');

    const after = await budgets.usage(t);
    expect(find(after, 'tokensPerDay')).toMatchObject({ used: 1221, held: 0, remaining: 100_000 - 1221 });
    expect(find(after, 'usdPerDay').used).toBeCloseTo(outcome.costUsd, 9);
    // The per-minute bucket got the unused part of the reservation back.
    expect(find(after, 'tokensPerMinute').remaining).toBeGreaterThanOrEqual(50_000 - 1221);
  });

  it('is all or nothing across scopes', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { tokensPerDay: 1_000_000 }, perCaller: { tokensPerDay: 1000 } });
    const denied = await budgets.reserve({ tenant: t, caller: 'key:ci', model: GPT, estimate: estimate(800, 400) });
    expect(denied.ok).toBe(false);
    if (denied.ok) return;
    expect(denied.status).toBe(429);
    expect(denied.code).toBe('budget_exceeded');
    expect(find(denied.limits, 'tokensPerDay', 'caller').status).toBe('too_large');
    // Nothing was held on the tenant for the refused request.
    expect(find(await budgets.usage(t), 'tokensPerDay')).toMatchObject({ used: 0, held: 0 });
    // Another caller, without the per-caller limit exhausted, still gets through.
    reserved(await budgets.reserve({ tenant: t, caller: 'key:other', model: GPT, estimate: estimate(300, 400) }));
  });

  it('tokens per minute: a token bucket that refunds on settle and refills over time', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { tokensPerMinute: 1200 } });
    const first = reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(400, 300) }));
    const second = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(400, 300) });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.code).toBe('rate_limited');
    // 500 left, 700 needed: 200 tokens at 20/s = 10 s.
    expect(second.retryAfterSeconds).toBe(10);
    expect(second.headers).toEqual(
      expect.arrayContaining([
        ['x-ratelimit-limit-tokens', '1200'],
        ['x-ratelimit-remaining-tokens', '500'],
        ['retry-after', '10'],
      ]),
    );
    await budgets.settle(first, { inputTokens: 400, outputTokens: 100 }); // 200 back
    reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(400, 300) }));
    const drained = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(400, 300) });
    expect(drained.ok).toBe(false);
    clock.advance(35_000); // +700 tokens
    reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(400, 300) }));
  });

  it('refuses a request larger than a limit can ever admit, without Retry-After', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { tokensPerMinute: 1000 } });
    const decision = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(900, 200) });
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision.code).toBe('budget_exceeded');
    expect(decision.retryAfterSeconds).toBeUndefined();
    expect(decision.message).toMatch(/too large/);
  });

  it('money per day: priced on the served model, reset at UTC midnight', async () => {
    const budgets = await service();
    // 1000 in + 1000 out on CLAUDE = $0.003 + $0.015 = $0.018 reserved.
    const t = tenant({ tenant: { usdPerDay: 0.03 } });
    const first = reserved(await budgets.reserve({ tenant: t, model: CLAUDE, estimate: estimate(1000, 1000) }));
    expect(first.nanoUsd).toBe(18_000_000);
    const second = await budgets.reserve({ tenant: t, model: CLAUDE, estimate: estimate(1000, 1000) });
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.code).toBe('budget_exceeded');
    // Denied by a live hold, not the settled spend: retry soon.
    expect(second.retryAfterSeconds).toBe(1);
    await budgets.settle(first, { inputTokens: 1000, outputTokens: 800 }); // $0.015 spent
    const third = await budgets.reserve({ tenant: t, model: CLAUDE, estimate: estimate(1000, 1000) });
    expect(third.ok).toBe(false);
    if (third.ok) return;
    // Now the settled spend itself leaves no room: retry after midnight (12 h from the test clock's noon).
    expect(third.retryAfterSeconds).toBe(12 * 3600);
    clock.advance(12 * 3600 * 1000 + 1);
    reserved(await budgets.reserve({ tenant: t, model: CLAUDE, estimate: estimate(1000, 1000) }));
  });

  it('money per month uses the calendar month', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { usdPerMonth: 0.02 } });
    const r = reserved(await budgets.reserve({ tenant: t, model: CLAUDE, estimate: estimate(1000, 1000) }));
    await budgets.settle(r, { inputTokens: 1000, outputTokens: 1000 });
    const status = find(await budgets.usage(t), 'usdPerMonth');
    expect(status.used).toBeCloseTo(0.018, 9);
    const now = new Date(clock.now());
    const untilMonthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - clock.now();
    expect(Math.abs(status.resetMs - untilMonthEnd)).toBeLessThan(1000);
  });

  it('concurrent requests', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { concurrentRequests: 2 } });
    const a = reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(10, 10) }));
    reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(10, 10) }));
    const third = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(10, 10) });
    expect(third.ok).toBe(false);
    if (third.ok) return;
    expect(third.code).toBe('rate_limited');
    await budgets.release(a);
    reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(10, 10) }));
  });

  it('holds expire on their own (a crashed sidecar), and a late settle still records the usage', async () => {
    const budgets = await service({ reservationTtlMs: 5000 });
    const t = tenant({ tenant: { tokensPerDay: 10_000, concurrentRequests: 1 } });
    const r = reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 1000) }));
    expect(find(await budgets.usage(t), 'tokensPerDay').held).toBe(2000);
    clock.advance(5001);
    const after = await budgets.usage(t);
    expect(find(after, 'tokensPerDay')).toMatchObject({ used: 0, held: 0 });
    expect(find(after, 'concurrentRequests').used).toBe(0);
    await budgets.settle(r, { inputTokens: 1000, outputTokens: 10 });
    expect(find(await budgets.usage(t), 'tokensPerDay')).toMatchObject({ used: 1010, held: 0 });
  });

  it('renew keeps the holds of a long stream', async () => {
    const budgets = await service({ reservationTtlMs: 5000 });
    const t = tenant({ tenant: { tokensPerDay: 10_000, concurrentRequests: 3 } });
    const r = reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 1000) }));
    clock.advance(4000);
    expect(await budgets.renew(r)).toBe(true);
    clock.advance(4000);
    expect(find(await budgets.usage(t), 'tokensPerDay').held).toBe(2000);
    expect(find(await budgets.usage(t), 'concurrentRequests').used).toBe(1);
    clock.advance(1001);
    expect(find(await budgets.usage(t), 'tokensPerDay').held).toBe(0);
    expect(await budgets.renew(r)).toBe(false);
  });

  it('client disconnect mid-stream: charged for what was streamed, the rest refunded', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { tokensPerDay: 10_000, usdPerDay: 1 } });
    const r = reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 2000) }));
    // No usage from the provider: the prompt as estimated plus the streamed text (401 chars -> 101 tokens).
    const streamed = streamedOutputTokens({ family: 'openai', model: 'gpt-4o' }, { chars: 401 });
    const outcome = await budgets.settle(r, { inputTokens: r.promptTokens, outputTokens: streamed });
    expect(outcome.tokens).toBe(1101);
    const after = await budgets.usage(t);
    expect(find(after, 'tokensPerDay')).toMatchObject({ used: 1101, held: 0, remaining: 10_000 - 1101 });
    expect(find(after, 'usdPerDay').used).toBeCloseTo((1000 * 2.5 + 101 * 10) / 1e6, 9);
  });

  it('settling twice counts once', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { tokensPerDay: 10_000 } });
    const r = reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(100, 100) }));
    await budgets.settle(r, { inputTokens: 100, outputTokens: 50 });
    expect((await budgets.settle(r, { inputTokens: 100, outputTokens: 50 })).recorded).toBe('duplicate');
    expect((await budgets.release(r)).recorded).toBe('duplicate');
    expect(find(await budgets.usage(t), 'tokensPerDay').used).toBe(150);
  });

  it('release refunds every window', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { tokensPerDay: 10_000, tokensPerMinute: 5000, requestsPerMinute: 10, usdPerMonth: 5 } });
    const r = reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 1000) }));
    await budgets.release(r);
    const after = await budgets.usage(t);
    expect(find(after, 'tokensPerDay')).toMatchObject({ used: 0, held: 0 });
    expect(find(after, 'usdPerMonth')).toMatchObject({ used: 0, held: 0 });
    expect(find(after, 'tokensPerMinute').remaining).toBe(5000);
    expect(find(after, 'requestsPerMinute').remaining).toBe(10);
  });

  it('sizes the output by n, the request, the tenant cap and the model max', async () => {
    const budgets = await service();
    const t = tenant({ defaultMaxOutputTokens: 256, maxOutputTokens: 4000, tenant: { tokensPerDay: 10_000_000 } });
    const cases: Array<[number | undefined, number, number]> = [
      [undefined, 1, 256],
      [undefined, 3, 768],
      [1000, 2, 2000],
      [100_000, 1, 4000],
    ];
    for (const [max, n, expected] of cases) {
      expect(reserved(await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(10, max, n) })).outputTokens).toBe(expected);
    }
    expect(reserved(await budgets.reserve({ tenant: t, model: { ...GPT, maxOutputTokens: 1000 }, estimate: estimate(10, 100_000, 2) })).outputTokens).toBe(2000);
  });

  it('prices cache reads, cache writes and reasoning as the provider bills them', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { usdPerDay: 100 } });
    const r = reserved(await budgets.reserve({ tenant: t, model: CLAUDE, estimate: estimate(10_000, 2000) }));
    // 10,000 input: 6,000 cache reads at $0.30, 2,000 cache writes at $3.75, 2,000 plain at $3; 3,000 output (1,000 thinking) at $15.
    const outcome = await budgets.settle(r, { inputTokens: 10_000, outputTokens: 3000, cachedInputTokens: 6000, cacheWriteTokens: 2000, reasoningTokens: 1000 });
    const expected = (6000 * 0.3 + 2000 * 3.75 + 2000 * 3 + 3000 * 15) / 1e6;
    expect(outcome.costUsd).toBeCloseTo(expected, 12);
    expect(find(await budgets.usage(t), 'usdPerDay').used).toBeCloseTo(expected, 9);
  });

  it('per-model and per-caller limits apply only where configured', async () => {
    const budgets = await service();
    const t = tenant({ perCaller: { tokensPerDay: 5000 }, callers: { 'key:big': { tokensPerDay: 50_000 } }, models: { 'claude-sonnet': { tokensPerDay: 3000 } } });
    expect((await budgets.reserve({ tenant: t, caller: 'key:small', model: GPT, estimate: estimate(4000, 2000) })).ok).toBe(false);
    reserved(await budgets.reserve({ tenant: t, caller: 'key:big', model: GPT, estimate: estimate(4000, 2000) }));
    expect((await budgets.reserve({ tenant: t, caller: 'key:big', model: CLAUDE, estimate: estimate(2000, 2000) })).ok).toBe(false);
    reserved(await budgets.reserve({ tenant: t, caller: 'key:big', model: CLAUDE, estimate: estimate(1000, 2000) }));
    // No limit at all: nothing is stored.
    const free = tenant({});
    expect(reserved(await budgets.reserve({ tenant: free, model: GPT, estimate: estimate(10, 10) })).origin).toBe('none');
  });

  it('headers carry the tightest token limit and the request limit', async () => {
    const budgets = await service();
    const t = tenant({ tenant: { tokensPerMinute: 100_000, tokensPerDay: 3000, requestsPerMinute: 60 } });
    const decision = await budgets.reserve({ tenant: t, model: GPT, estimate: estimate(1000, 1000) });
    expect(decision.ok).toBe(true);
    expect(Object.fromEntries(decision.headers)).toEqual({
      'x-ratelimit-limit-tokens': '3000',
      'x-ratelimit-remaining-tokens': '1000',
      'x-ratelimit-reset-tokens': '12h0m0s',
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
    });
  });
});
