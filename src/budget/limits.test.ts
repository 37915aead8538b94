import { formatResetDuration, rateLimitHeaders } from './headers';
import { budgetApplies, budgetLimitsSchema, checkBudgetReferences, compileTenantBudget, dayWindow, monthWindow, scopesFor, tenantHashTag } from './limits';
import type { LimitStatus } from './service-types';

describe('budgetLimitsSchema', () => {
  it('accepts a full section and fills the defaults', () => {
    const parsed = budgetLimitsSchema.parse({
      tenant: { tokensPerMinute: 100_000, tokensPerDay: 5_000_000, usdPerDay: 50, usdPerMonth: 1000, concurrentRequests: 20, requestsPerMinute: 600 },
      perCaller: { tokensPerMinute: 20_000 },
      callers: { 'key:batch': { tokensPerMinute: 60_000 }, 'user:alice@example.com': { usdPerDay: 5 } },
      models: { 'gpt-4o': { usdPerDay: 20 } },
    });
    expect(parsed.defaultMaxOutputTokens).toBe(1024);
  });

  it.each([
    ['unknown key', { tenant: { tokensPerHour: 5 } }],
    ['negative money', { tenant: { usdPerDay: -1 } }],
    ['fractional tokens', { tenant: { tokensPerDay: 1.5 } }],
    ['caller without a kind', { callers: { batch: { tokensPerDay: 5 } } }],
  ])('rejects %s', (_name, input) => {
    expect(budgetLimitsSchema.safeParse(input).success).toBe(false);
  });

  it('reports per-model limits on unknown models', () => {
    const config = budgetLimitsSchema.parse({ models: { 'gpt-4o': { tokensPerDay: 1 }, nope: { tokensPerDay: 1 } } });
    expect(checkBudgetReferences(config, new Set(['gpt-4o']), ['tenants', 'acme', 'budget'])).toEqual([{ path: ['tenants', 'acme', 'budget', 'models', 'nope'], message: 'unknown model "nope"' }]);
  });
});

describe('compileTenantBudget', () => {
  const budget = compileTenantBudget(
    'acme',
    budgetLimitsSchema.parse({
      tenant: { usdPerDay: 1.5 },
      perCaller: { tokensPerMinute: 1000, tokensPerDay: 10_000 },
      callers: { 'key:big': { tokensPerMinute: 5000 } },
      models: { 'gpt-4o': { concurrentRequests: 3 } },
    }),
  );

  it('counts money in nano-dollars and merges caller overrides over perCaller', () => {
    expect(budget.tenant).toEqual({ nanoUsdPerDay: 1_500_000_000 });
    expect(budget.callers.get('key:big')).toEqual({ tokensPerMinute: 5000, tokensPerDay: 10_000 });
  });

  it('applies the scopes that have limits', () => {
    expect(scopesFor(budget, undefined, 'claude').map((s) => s.scope.kind)).toEqual(['tenant']);
    expect(scopesFor(budget, 'key:small', 'gpt-4o').map((s) => [s.scope.kind, s.limits])).toEqual([
      ['tenant', { nanoUsdPerDay: 1_500_000_000 }],
      ['caller', { tokensPerMinute: 1000, tokensPerDay: 10_000 }],
      ['model', { concurrentRequests: 3 }],
    ]);
  });
});

describe('windows and keys', () => {
  it('UTC calendar windows', () => {
    const at = Date.UTC(2025, 11, 31, 23, 59, 59);
    expect(dayWindow(at)).toMatchObject({ id: '20251231', end: Date.UTC(2026, 0, 1) });
    expect(monthWindow(at)).toMatchObject({ id: '202512', end: Date.UTC(2026, 0, 1) });
    expect(monthWindow(Date.UTC(2024, 1, 29, 12))).toMatchObject({ id: '202402', end: Date.UTC(2024, 2, 1) });
  });

  it('keeps the tenant hash tag whole', () => {
    expect(tenantHashTag('acme')).toBe('{acme}');
    expect(tenantHashTag('a{b}c')).toBe('{a%7Bb%7Dc}');
  });
});

describe('rate-limit headers', () => {
  const status = (limit: LimitStatus['limit'], max: number, remaining: number, resetMs: number): LimitStatus => ({
    limit,
    scope: { kind: 'tenant', name: 't' },
    max,
    remaining,
    resetMs,
    status: 'ok',
    retryAfterMs: 0,
    used: 0,
    held: 0,
  });

  it('formats durations as OpenAI does', () => {
    expect(formatResetDuration(0)).toBe('0ms');
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(1000)).toBe('1s');
    expect(formatResetDuration(1001)).toBe('2s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(3_723_000)).toBe('1h2m3s');
  });

  it('reports the token limit with the least room, and requests when limited', () => {
    expect(rateLimitHeaders([status('tokensPerMinute', 1000, 400, 36_000), status('tokensPerDay', 100_000, 90_000, 3_600_000), status('usdPerDay', 5, 0.1, 1000)])).toEqual([
      ['x-ratelimit-limit-tokens', '1000'],
      ['x-ratelimit-remaining-tokens', '400'],
      ['x-ratelimit-reset-tokens', '36s'],
    ]);
    expect(rateLimitHeaders([status('requestsPerMinute', 60, 12.7, 48_000)])).toEqual([
      ['x-ratelimit-limit-requests', '60'],
      ['x-ratelimit-remaining-requests', '12'],
      ['x-ratelimit-reset-requests', '48s'],
    ]);
    expect(rateLimitHeaders([status('usdPerMonth', 5, 1, 1)])).toEqual([]);
  });
});

describe('budgetApplies', () => {
  it.each([
    [{}, false],
    [{ tenant: { tokensPerDay: 10 } }, true],
    [{ perCaller: { requestsPerMinute: 1 } }, true],
    [{ callers: { 'key:a': { tokensPerDay: 1 } } }, true],
    [{ models: { m: { usdPerDay: 1 } } }, true],
  ])('%j -> %s', (limits, expected) => {
    expect(budgetApplies(compileTenantBudget('t', budgetLimitsSchema.parse(limits)))).toBe(expected);
  });
});
