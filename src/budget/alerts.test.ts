import { BudgetAlerts, budgetAlertsSchema, type BudgetAlert } from './alerts';
import type { LimitStatus } from './service-types';

const DAY = 24 * 3600 * 1000;

function limit(name: LimitStatus['limit'], used: number, held: number, max: number, resetMs = DAY / 2): LimitStatus {
  return { limit: name, scope: { kind: 'tenant', name: 'acme' }, max, remaining: Math.max(0, max - used - held), resetMs, status: 'ok', retryAfterMs: 0, used, held } as LimitStatus;
}

function harness(webhook?: object, post = async (): Promise<number> => 200) {
  let now = Date.parse('2026-11-27T12:00:00Z');
  const crossed: BudgetAlert[] = [];
  const failed: string[] = [];
  const dropped: BudgetAlert[] = [];
  const posted: string[] = [];
  const alerts = new BudgetAlerts(
    budgetAlertsSchema.parse(webhook ? { webhook } : {}),
    { crossed: (a) => crossed.push(a), webhookFailed: (_a, reason) => failed.push(reason), webhookDropped: (a) => dropped.push(a) },
    () => now,
    async (url, body) => {
      posted.push(body);
      return post();
    },
    () => 1,
  );
  return { alerts, crossed, failed, dropped, posted, advance: (ms: number) => (now += ms) };
}

describe('BudgetAlerts', () => {
  it('reports each threshold once per window, counting held tokens', () => {
    const { alerts, crossed } = harness();
    alerts.observe('acme', [limit('tokensPerDay', 700, 0, 1000)]);
    expect(crossed).toEqual([]);
    alerts.observe('acme', [limit('tokensPerDay', 700, 150, 1000)]);
    alerts.observe('acme', [limit('tokensPerDay', 760, 100, 1000)]);
    expect(crossed.map((a) => a.threshold)).toEqual([0.8]);
    alerts.observe('acme', [limit('tokensPerDay', 1000, 0, 1000)]);
    expect(crossed.map((a) => a.threshold)).toEqual([0.8, 1]);
    expect(crossed[1]).toMatchObject({ tenant: 'acme', limit: 'tokensPerDay', used: 1000, max: 1000, windowEndsAt: '2026-11-28T00:00:00.000Z' });
  });

  it('counts a limit that refused a request as reaching 100%', () => {
    const { alerts, crossed } = harness();
    alerts.observe('acme', [{ ...limit('tokensPerDay', 150, 0, 200), status: 'denied' }]);
    expect(crossed.map((a) => a.threshold)).toEqual([0.8, 1]);
  });

  it('reports again in the next window', () => {
    const { alerts, crossed, advance } = harness();
    alerts.observe('acme', [limit('usdPerDay', 9, 0, 10)]);
    advance(DAY);
    alerts.observe('acme', [limit('usdPerDay', 9, 0, 10)]);
    expect(crossed).toHaveLength(2);
    expect(new Set(crossed.map((a) => a.id)).size).toBe(2);
  });

  it('ignores per-minute and concurrency limits', () => {
    const { alerts, crossed } = harness();
    alerts.observe('acme', [limit('tokensPerMinute', 100, 0, 100, 1000), limit('concurrentRequests', 5, 0, 5, 0)]);
    expect(crossed).toEqual([]);
  });

  it('calls the webhook with retries, and reports a call that never succeeds', async () => {
    let calls = 0;
    const flaky = harness({ url: 'http://127.0.0.1:1/alerts', maxAttempts: 3 }, async () => (++calls < 3 ? 500 : 204));
    flaky.alerts.observe('acme', [limit('usdPerMonth', 85, 0, 100)]); // crosses 0.8 only
    await flaky.alerts.drain();
    expect(calls).toBe(3);
    expect(flaky.failed).toEqual([]);
    expect(JSON.parse(flaky.posted[0] ?? '{}')).toMatchObject({ kind: 'llmgw.budget_alert', tenant: 'acme', limit: 'usdPerMonth' });

    const down = harness({ url: 'http://127.0.0.1:1/alerts', maxAttempts: 2 }, async () => {
      throw new Error('connect ECONNREFUSED');
    });
    down.alerts.observe('acme', [limit('usdPerMonth', 100, 0, 100)]); // crosses 0.8 and 1: two alerts
    await down.alerts.drain();
    expect(down.failed).toEqual(['unreachable', 'unreachable']);
    expect(down.posted).toHaveLength(4); // two attempts each
  });

  it('drops alerts beyond the webhook queue bound instead of growing', async () => {
    // The first call hangs until released; later ones answer at once.
    let release: () => void = () => undefined;
    let first = true;
    const slow = harness({ url: 'http://127.0.0.1:1/alerts', maxQueued: 1 }, () => {
      if (!first) return Promise.resolve(200);
      first = false;
      return new Promise<number>((resolve) => (release = () => resolve(200)));
    });
    slow.alerts.observe('acme', [limit('tokensPerDay', 1, 0, 1), limit('usdPerDay', 1, 0, 1)]);
    expect(slow.dropped.length).toBeGreaterThan(0);
    release();
    await slow.alerts.drain();
  });
});
