/**
 * Budget alerts: when a tenant's day or month budget crosses a configured share (80% and 100% by default),
 * raise a metric, a log event and, when configured, a webhook call. Evaluated on the limit states every
 * reservation already returns, so alerting costs no extra store round trip. Webhooks are queued, retried
 * with backoff and never block a request. Each process alerts once per limit, window and threshold; with
 * several replicas a crossing can be reported by more than one (receivers dedupe on `id`).
 */
import { z } from 'zod';
import type { LimitStatus } from './service-types';

/** Windows whose crossing is worth an alert: per-minute limits refill too fast to page anyone. */
const ALERTED_LIMITS = new Set(['tokensPerDay', 'usdPerDay', 'usdPerMonth']);

export const budgetAlertsSchema = z.strictObject({
  /** Shares of a limit (0..1] whose first crossing in a window is reported. */
  thresholds: z.array(z.number().gt(0).max(1)).min(1).default([0.8, 1]),
  webhook: z
    .strictObject({
      url: z.url(),
      timeoutMs: z.number().int().positive().default(2000),
      maxAttempts: z.number().int().min(1).max(10).default(4),
      /** Calls waiting to be sent; beyond it alerts are dropped (and counted). */
      maxQueued: z.number().int().positive().default(1000),
    })
    .optional(),
});

export type BudgetAlertsConfig = z.output<typeof budgetAlertsSchema>;

export interface BudgetAlert {
  /** Stable for one crossing: tenant, scope, limit, window end and threshold. */
  readonly id: string;
  readonly tenant: string;
  readonly scope: LimitStatus['scope'];
  readonly limit: LimitStatus['limit'];
  readonly threshold: number;
  readonly used: number;
  readonly max: number;
  readonly windowEndsAt: string;
}

export interface BudgetAlertHooks {
  crossed(alert: BudgetAlert): void;
  webhookFailed(alert: BudgetAlert, reason: string): void;
  webhookDropped(alert: BudgetAlert): void;
}

export type PostJson = (url: string, body: string, timeoutMs: number) => Promise<number>;

const defaultPost: PostJson = async (url, body, timeoutMs) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.status;
};

export class BudgetAlerts {
  private readonly sent = new Map<string, number>();
  private readonly queue: BudgetAlert[] = [];
  private sending = false;
  private readonly thresholds: readonly number[];

  constructor(
    private readonly config: BudgetAlertsConfig,
    private readonly hooks: BudgetAlertHooks,
    private readonly clock: () => number = Date.now,
    private readonly post: PostJson = defaultPost,
    private readonly backoffMs: (attempt: number) => number = (attempt) => 250 * 2 ** attempt,
  ) {
    this.thresholds = [...config.thresholds].sort((a, b) => a - b);
  }

  /** Looks at the limits a reservation saw (used + held against max) and reports new crossings. */
  observe(tenant: string, limits: readonly LimitStatus[]): void {
    const now = this.clock();
    for (const limit of limits) {
      if (!ALERTED_LIMITS.has(limit.limit) || limit.max <= 0) continue;
      // A limit that refused a request is exhausted for practical purposes: it counts as 100%.
      const share = limit.status === 'denied' ? Math.max(1, (limit.used + limit.held) / limit.max) : (limit.used + limit.held) / limit.max;
      const windowEnd = Math.round((now + limit.resetMs) / 1000) * 1000;
      for (const threshold of this.thresholds) {
        if (share < threshold) break;
        const id = `${tenant}:${limit.scope.kind}:${limit.scope.name}:${limit.limit}:${windowEnd}:${threshold}`;
        if (this.sent.has(id)) continue;
        this.sent.set(id, windowEnd);
        const alert: BudgetAlert = {
          id,
          tenant,
          scope: limit.scope,
          limit: limit.limit,
          threshold,
          used: limit.used + limit.held,
          max: limit.max,
          windowEndsAt: new Date(windowEnd).toISOString(),
        };
        this.hooks.crossed(alert);
        this.enqueue(alert);
      }
    }
    this.forgetEndedWindows(now);
  }

  /** Resolves when every queued webhook call has been sent or given up (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.sending || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private enqueue(alert: BudgetAlert): void {
    const webhook = this.config.webhook;
    if (!webhook) return;
    if (this.queue.length >= webhook.maxQueued) {
      this.hooks.webhookDropped(alert);
      return;
    }
    this.queue.push(alert);
    if (!this.sending) void this.sendAll();
  }

  private async sendAll(): Promise<void> {
    const webhook = this.config.webhook;
    if (!webhook) return;
    this.sending = true;
    try {
      for (let alert = this.queue.shift(); alert; alert = this.queue.shift()) {
        const body = JSON.stringify({ kind: 'llmgw.budget_alert', ...alert });
        let reason = '';
        for (let attempt = 0; attempt < webhook.maxAttempts; attempt += 1) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, this.backoffMs(attempt - 1)));
          try {
            const status = await this.post(webhook.url, body, webhook.timeoutMs);
            if (status >= 200 && status < 300) {
              reason = '';
              break;
            }
            reason = `status ${status}`;
          } catch (error) {
            reason = (error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
          }
        }
        if (reason) this.hooks.webhookFailed(alert, reason);
      }
    } finally {
      this.sending = false;
    }
  }

  private forgetEndedWindows(now: number): void {
    if (this.sent.size < 1024) return;
    for (const [id, windowEnd] of this.sent) if (windowEnd < now) this.sent.delete(id);
  }
}
