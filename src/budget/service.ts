/**
 * Reserve before forwarding, settle after: the budget service the pipeline calls.
 *
 * - reserve(): prompt estimate + expected output, checked and held in every applicable limit at
 *   once (one store command: all or nothing).
 * - settle(): replaces the hold with the provider's reported usage, priced as the provider bills.
 * - release(): refunds (a request that never reached the provider or failed without usage).
 * - renew() / keepAlive(): keeps the holds of a long stream alive.
 *
 * Holds expire on their own `reservationTtlMs` after the last renewal, so a sidecar that crashes
 * leaves nothing stuck: its holds block room for at most that long and are then refunded. Usage
 * that a crashed sidecar never settled is not charged (bounded by what those requests had reserved).
 *
 * With a shared store (Redis): when it fails, `failClosed` answers 503; `failOpen` (default) decides
 * on this process's own limits (each limit x `localShare`). Settlements that cannot reach Redis are
 * queued (bounded) and replayed when it answers again, and day/month usage of requests admitted
 * locally is replayed too, so the shared totals catch up. A probe pings Redis every
 * `probeIntervalMs` while it is down.
 */
import { randomUUID } from 'node:crypto';
import { expectedOutputTokens } from './estimate';
import { rateLimitHeaders } from './headers';
import { dayWindow, monthWindow, NANO_USD, scopeKeyPart, scopesFor, tenantHashTag, toNanoUsd, type CompiledLimits, type CompiledTenantBudget, type LimitName, type ScopeRef } from './limits';
import { MemoryBudgetStore } from './memory-store';
import { costUsd } from './pricing';
import type { ActualUsage, BudgetEvents, BudgetOutcome, LimitStatus, PlannedCheck, Reservation, ReserveDecision, ReserveInput, SettleOutcome } from './service-types';
import { StoreUnavailableError, type BudgetStore, type CheckState, type RenewItem, type SettleCommand, type SettleItem, type StoreCheck } from './store';

export type FailureMode = 'failOpen' | 'failClosed';

export interface BudgetServiceOptions {
  /** The shared store (Redis). Without one, budgets live in this process only. */
  readonly shared?: BudgetStore;
  /** What to do while the shared store is unreachable (default failOpen). */
  readonly onSharedFailure?: FailureMode;
  /** Fail-open: the share of each limit this process enforces alone (0 < share <= 1; default 1). */
  readonly localShare?: number;
  readonly keyPrefix?: string;
  /** Holds expire this long after reserve / the last renew (default 60 s). */
  readonly reservationTtlMs?: number;
  /**
   * How long a settled id is remembered in Redis, making a repeated or replayed settle a no-op
   * (default 1 h; ~100 bytes per settled request for that long).
   */
  readonly settledMarkerTtlMs?: number;
  /** Settlements kept while Redis is down (default 10,000; the oldest are dropped beyond). */
  readonly maxPendingSettles?: number;
  readonly probeIntervalMs?: number;
  readonly clock?: () => number;
  readonly newId?: () => string;
  readonly events?: BudgetEvents;
}

interface Pending {
  readonly reservation: Reservation;
  readonly items: readonly SettleItem[];
}

const UNIT_LABEL: Record<LimitName, string> = {
  tokensPerMinute: 'tokens per minute',
  requestsPerMinute: 'requests per minute',
  tokensPerDay: 'tokens per day',
  usdPerDay: 'USD per day',
  usdPerMonth: 'USD per month',
  concurrentRequests: 'concurrent requests',
};

export class BudgetService {
  readonly local = new MemoryBudgetStore();
  private readonly shared: BudgetStore | undefined;
  private readonly mode: FailureMode;
  private readonly localShare: number;
  private readonly keyPrefix: string;
  private readonly ttlMs: number;
  private readonly markerTtlMs: number;
  private readonly maxPending: number;
  private readonly probeIntervalMs: number;
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly events: BudgetEvents;
  private healthy = true;
  private downSince = 0;
  private pending: Pending[] = [];
  private probe: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  private closed = false;

  constructor(options: BudgetServiceOptions = {}) {
    this.shared = options.shared;
    this.mode = options.onSharedFailure ?? 'failOpen';
    this.localShare = options.localShare ?? 1;
    if (!(this.localShare > 0 && this.localShare <= 1)) throw new RangeError('localShare must be in (0, 1]');
    this.keyPrefix = options.keyPrefix ?? 'llmgw:budget:';
    this.ttlMs = options.reservationTtlMs ?? 60_000;
    this.markerTtlMs = options.settledMarkerTtlMs ?? 3_600_000;
    this.maxPending = options.maxPendingSettles ?? 10_000;
    this.probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.events = options.events ?? {};
  }

  /** True while the shared store (if any) is in use; false during an outage. */
  get sharedHealthy(): boolean {
    return this.shared === undefined || this.healthy;
  }

  /** Settlements waiting for Redis. */
  get pendingSettles(): number {
    return this.pending.length;
  }

  get reservationTtl(): number {
    return this.ttlMs;
  }

  /**
   * Waits (at startup) until the shared store is connected. If it is not within `timeoutMs`, the
   * service starts in its failure mode (fail-open on local limits, or 503) and recovers on its own.
   */
  async start(timeoutMs = 5000): Promise<boolean> {
    if (!this.shared?.ready) return true;
    try {
      await this.shared.ready(timeoutMs);
      return true;
    } catch (error) {
      this.markDown(error instanceof StoreUnavailableError ? error : new StoreUnavailableError(String(error), { cause: error }));
      return false;
    }
  }

  async reserve(input: ReserveInput): Promise<ReserveDecision> {
    const now = this.clock();
    const { tenant, model, estimate } = input;
    const promptTokens = Math.max(0, Math.ceil(estimate.promptTokens));
    const outputTokens = expectedOutputTokens(estimate, {
      defaultMaxOutputTokens: tenant.defaultMaxOutputTokens,
      ...(tenant.maxOutputTokens === undefined ? {} : { tenantMaxOutputTokens: tenant.maxOutputTokens }),
      ...(model.maxOutputTokens === undefined ? {} : { modelMaxOutputTokens: model.maxOutputTokens }),
    });
    const tokens = promptTokens + outputTokens;
    const nanoUsd = toNanoUsd(costUsd(model.pricing, { inputTokens: promptTokens, outputTokens }));
    const scopes = scopesFor(tenant, input.caller, model.name);
    const id = this.newId();
    const base = {
      id,
      tenantId: tenant.tenantId,
      ...(input.caller === undefined ? {} : { caller: input.caller }),
      model: model.name,
      pricing: model.pricing,
      promptTokens,
      outputTokens,
      tokens,
      nanoUsd,
      createdAt: now,
      doneKey: `${this.keyPrefix}${tenantHashTag(tenant.tenantId)}:done`,
    };
    if (scopes.length === 0) {
      this.events.reserveOutcome?.('unlimited', true);
      return { ok: true, reservation: { ...base, origin: 'none', checks: [] }, limits: [], headers: [] };
    }
    const holdUntil = now + this.ttlMs;

    let outcome: BudgetOutcome = this.shared ? 'shared' : 'local';
    if (this.shared && this.healthy) {
      const checks = this.plan(tenant, scopes, now, tokens, nanoUsd, 1);
      try {
        const result = await this.shared.reserve({ id, now, holdUntil, checks: checks.map((c) => c.check) });
        return this.decide({ ...base, origin: 'shared', checks }, result.ok, result.states, 'shared');
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        this.markDown(error);
      }
      outcome = 'local_fallback';
    } else if (this.shared) {
      outcome = 'local_fallback';
    }
    if (this.shared && this.mode === 'failClosed') {
      this.events.reserveOutcome?.('unavailable', false);
      return {
        ok: false,
        status: 503,
        code: 'budget_unavailable',
        message: 'The budget service is temporarily unavailable; please retry.',
        retryAfterSeconds: Math.max(1, Math.ceil(this.probeIntervalMs / 1000)),
        limits: [],
        headers: [['retry-after', String(Math.max(1, Math.ceil(this.probeIntervalMs / 1000)))]],
      };
    }
    const share = this.shared ? this.localShare : 1;
    const checks = this.plan(tenant, scopes, now, tokens, nanoUsd, share);
    const result = this.local.reserveNow({ id, now, holdUntil, checks: checks.map((c) => c.check) });
    return this.decide({ ...base, origin: 'local', checks }, result.ok, result.states, outcome);
  }

  /**
   * Replaces the reservation with the provider's usage (input includes cached and cache-write
   * tokens, output includes reasoning; priced as the provider bills them). Never throws for a store
   * outage: the settlement is queued and replayed.
   */
  async settle(reservation: Reservation, usage: ActualUsage): Promise<SettleOutcome> {
    const tokens = Math.max(0, Math.round(usage.inputTokens)) + Math.max(0, Math.round(usage.outputTokens));
    const usd = costUsd(reservation.pricing, usage);
    const nanoUsd = toNanoUsd(usd);
    const ratio = reservation.promptTokens > 0 ? usage.inputTokens / reservation.promptTokens : undefined;
    const recorded = await this.apply(reservation, tokens, nanoUsd, 1);
    return { tokens, nanoUsd, costUsd: usd, recorded, ...(ratio === undefined ? {} : { promptEstimateRatio: ratio }) };
  }

  /** Refunds the whole reservation (the request never reached the provider, or failed unbilled). */
  async release(reservation: Reservation): Promise<SettleOutcome> {
    const recorded = await this.apply(reservation, 0, 0, 0);
    return { tokens: 0, nanoUsd: 0, costUsd: 0, recorded };
  }

  /** Extends the holds of a long request; false when they were gone (settle still records usage). */
  async renew(reservation: Reservation): Promise<boolean> {
    const items = renewItems(reservation);
    if (reservation.origin === 'none' || items.length === 0) return true;
    const now = this.clock();
    const command = { id: reservation.id, now, holdUntil: now + this.ttlMs, items };
    if (reservation.origin === 'local') return (await this.local.renew(command)) > 0;
    if (!this.shared || !this.healthy) return false;
    try {
      return (await this.shared.renew(command)) > 0;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.markDown(error);
      return false;
    }
  }

  /** Renews every `intervalMs` (default a third of the TTL) until the returned function is called. */
  keepAlive(reservation: Reservation, intervalMs = Math.max(100, Math.floor(this.ttlMs / 3))): () => void {
    if (reservation.origin === 'none' || renewItems(reservation).length === 0) return () => undefined;
    const timer = setInterval(() => {
      this.renew(reservation).catch(() => undefined);
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Current state of every limit that applies to a tenant (and a caller and/or model), for the admin
   * API and tests. From the shared store when it is up, else this process's local state.
   */
  async usage(tenant: CompiledTenantBudget, options: { readonly caller?: string; readonly model?: string } = {}): Promise<readonly LimitStatus[]> {
    const now = this.clock();
    const scopes = scopesFor(tenant, options.caller, options.model ?? '\u0000');
    const useShared = this.shared !== undefined && this.healthy;
    const planned = this.plan(tenant, scopes, now, 0, 0, useShared || !this.shared ? 1 : this.localShare);
    if (planned.length === 0) return [];
    let states: readonly CheckState[];
    if (useShared && this.shared) {
      try {
        states = await this.shared.peek(now, planned.map((p) => p.check));
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        this.markDown(error);
        states = await this.local.peek(now, planned.map((p) => p.check));
      }
    } else {
      states = await this.local.peek(now, planned.map((p) => p.check));
    }
    return planned.map((p, i) => limitStatus(p, states[i]));
  }

  /** Replays queued settlements now if the shared store answers (the probe does this on its own). */
  async recover(): Promise<boolean> {
    if (!this.shared) return true;
    this.recovering ??= this.tryRecover().finally(() => {
      this.recovering = undefined;
    });
    await this.recovering;
    return this.healthy;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.probe) clearInterval(this.probe);
    this.probe = undefined;
    if (this.shared && this.pending.length > 0) await this.recover().catch(() => false);
    await this.shared?.close();
    await this.local.close();
  }

  // ---- Internals ----

  private plan(tenant: CompiledTenantBudget, scopes: ReadonlyArray<{ scope: ScopeRef; limits: CompiledLimits }>, now: number, tokens: number, nanoUsd: number, share: number): PlannedCheck[] {
    const tag = `${this.keyPrefix}${tenantHashTag(tenant.tenantId)}`;
    const scaled = (limit: number): number => (share === 1 ? limit : Math.max(1, Math.floor(limit * share)));
    const day = dayWindow(now);
    const month = monthWindow(now);
    const planned: PlannedCheck[] = [];
    for (const { scope, limits } of scopes) {
      const key = `${tag}:${scopeKeyPart(scope)}`;
      if (limits.tokensPerMinute !== undefined) {
        const capacity = scaled(limits.tokensPerMinute);
        planned.push({ limit: 'tokensPerMinute', scope, check: { kind: 'bucket', key: `${key}:tpm`, capacity, ratePerMs: capacity / 60_000, amount: tokens } });
      }
      if (limits.requestsPerMinute !== undefined) {
        const capacity = scaled(limits.requestsPerMinute);
        planned.push({ limit: 'requestsPerMinute', scope, check: { kind: 'bucket', key: `${key}:rpm`, capacity, ratePerMs: capacity / 60_000, amount: 1 } });
      }
      if (limits.tokensPerDay !== undefined) {
        planned.push({ limit: 'tokensPerDay', scope, check: { kind: 'counter', key: `${key}:tpd:${day.id}`, limit: scaled(limits.tokensPerDay), amount: tokens, windowEnd: day.end, expireAt: day.expireAt } });
      }
      if (limits.nanoUsdPerDay !== undefined) {
        planned.push({ limit: 'usdPerDay', scope, check: { kind: 'counter', key: `${key}:usdd:${day.id}`, limit: scaled(limits.nanoUsdPerDay), amount: nanoUsd, windowEnd: day.end, expireAt: day.expireAt } });
      }
      if (limits.nanoUsdPerMonth !== undefined) {
        planned.push({ limit: 'usdPerMonth', scope, check: { kind: 'counter', key: `${key}:usdm:${month.id}`, limit: scaled(limits.nanoUsdPerMonth), amount: nanoUsd, windowEnd: month.end, expireAt: month.expireAt } });
      }
      if (limits.concurrentRequests !== undefined) {
        planned.push({ limit: 'concurrentRequests', scope, check: { kind: 'concurrency', key: `${key}:conc`, limit: scaled(limits.concurrentRequests) } });
      }
    }
    return planned;
  }

  private decide(reservation: Reservation, ok: boolean, states: readonly CheckState[], outcome: BudgetOutcome): ReserveDecision {
    const limits = reservation.checks.map((p, i) => limitStatus(p, states[i]));
    this.events.reserveOutcome?.(outcome, ok);
    const headers = rateLimitHeaders(limits);
    if (ok) return { ok: true, reservation, limits, headers };
    const denied = limits.filter((l) => l.status !== 'ok');
    const tooLarge = denied.find((l) => l.status === 'too_large');
    const first = tooLarge ?? denied[0];
    const budget = denied.some((l) => l.status === 'too_large' || l.limit === 'tokensPerDay' || l.limit === 'usdPerDay' || l.limit === 'usdPerMonth');
    const retryMs = tooLarge ? undefined : Math.max(...denied.map((l) => l.retryAfterMs));
    const retryAfterSeconds = retryMs === undefined ? undefined : Math.max(1, Math.ceil(retryMs / 1000));
    return {
      ok: false,
      status: 429,
      code: budget ? 'budget_exceeded' : 'rate_limited',
      message: first ? denialMessage(first, reservation, tooLarge !== undefined) : 'Budget exceeded.',
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      limits,
      headers: retryAfterSeconds === undefined ? headers : [...headers, ['retry-after', String(retryAfterSeconds)]],
    };
  }

  /** Settle (tokens/nanoUsd actual) or release (0, 0 with refundRequests = 0). */
  private async apply(reservation: Reservation, tokens: number, nanoUsd: number, requestCharge: number): Promise<SettleOutcome['recorded']> {
    if (reservation.origin === 'none') return 'none';
    const items = settleItems(reservation, tokens, nanoUsd, requestCharge);
    if (reservation.origin === 'local') {
      const result = this.local.settleNow(this.command(reservation, items));
      if (!result.applied) return 'duplicate';
      if (this.shared) {
        // Day/month usage (and any hold a timed-out Redis reserve may have left) goes to Redis too.
        const shared = items.filter((i) => i.kind !== 'bucket');
        if (shared.some((i) => i.kind === 'counter')) await this.sendOrQueue({ reservation, items: shared });
      }
      return 'local';
    }
    return this.sendOrQueue({ reservation, items });
  }

  private async sendOrQueue(entry: Pending): Promise<'shared' | 'queued' | 'duplicate'> {
    if (this.shared && this.healthy) {
      try {
        const result = await this.shared.settle(this.command(entry.reservation, entry.items));
        return result.applied ? 'shared' : 'duplicate';
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) {
          this.events.settleFailed?.(error instanceof Error ? error : new Error(String(error)), entry.reservation);
          throw error;
        }
        this.markDown(error);
      }
    }
    this.enqueue(entry);
    return 'queued';
  }

  private command(reservation: Reservation, items: readonly SettleItem[]): SettleCommand {
    const now = this.clock();
    return { id: reservation.id, now, doneKey: reservation.doneKey, markerUntil: now + this.markerTtlMs, items };
  }

  private enqueue(entry: Pending): void {
    this.pending.push(entry);
    const excess = this.pending.length - this.maxPending;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.events.pendingDropped?.(excess);
    }
  }

  private markDown(error: StoreUnavailableError): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.downSince = this.clock();
    this.events.storeDown?.({ error, mode: this.mode });
    this.startProbe();
  }

  private startProbe(): void {
    if (this.probe || this.closed) return;
    this.probe = setInterval(() => {
      void this.recover();
    }, this.probeIntervalMs);
    this.probe.unref();
  }

  private async tryRecover(): Promise<void> {
    const shared = this.shared;
    if (!shared || (this.healthy && this.pending.length === 0)) return;
    try {
      await shared.ping();
      let replayed = 0;
      while (this.pending.length > 0) {
        const entry = this.pending[0];
        if (!entry) break;
        await shared.settle(this.command(entry.reservation, entry.items));
        this.pending.shift();
        replayed += 1;
      }
      if (!this.healthy) {
        this.healthy = true;
        this.events.storeUp?.({ downForMs: this.clock() - this.downSince, replayed });
      }
      if (this.probe) clearInterval(this.probe);
      this.probe = undefined;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) {
        // A replay the store rejects for another reason would block the queue forever: drop it.
        const dropped = this.pending.shift();
        if (dropped) this.events.settleFailed?.(error instanceof Error ? error : new Error(String(error)), dropped.reservation);
      }
      this.healthy = false;
      this.startProbe();
    }
  }
}

function settleItems(reservation: Reservation, tokens: number, nanoUsd: number, requestCharge: number): SettleItem[] {
  const items: SettleItem[] = [];
  for (const { limit, check } of reservation.checks) {
    if (check.kind === 'bucket') {
      const actual = limit === 'requestsPerMinute' ? requestCharge : tokens;
      items.push({ kind: 'bucket', key: check.key, capacity: check.capacity, ratePerMs: check.ratePerMs, delta: actual - check.amount });
    } else if (check.kind === 'counter') {
      const actual = limit === 'tokensPerDay' ? tokens : nanoUsd;
      items.push({ kind: 'counter', key: check.key, held: check.amount, actual, expireAt: check.expireAt });
    } else {
      items.push({ kind: 'concurrency', key: check.key });
    }
  }
  return items;
}

function renewItems(reservation: Reservation): RenewItem[] {
  const items: RenewItem[] = [];
  for (const { check } of reservation.checks) {
    if (check.kind === 'counter') items.push({ kind: 'counter', key: check.key, held: check.amount });
    else if (check.kind === 'concurrency') items.push({ kind: 'concurrency', key: check.key });
  }
  return items;
}

function isMoney(limit: LimitName): boolean {
  return limit === 'usdPerDay' || limit === 'usdPerMonth';
}

function limitOf(check: StoreCheck): number {
  return check.kind === 'bucket' ? check.capacity : check.limit;
}

function limitStatus(planned: PlannedCheck, state: CheckState | undefined): LimitStatus {
  const money = isMoney(planned.limit);
  const unit = (value: number): number => (money ? value / NANO_USD : value);
  const s: CheckState = state ?? { status: 'ok', remaining: limitOf(planned.check), resetMs: 0, retryAfterMs: 0, used: 0, held: 0 };
  return {
    limit: planned.limit,
    scope: planned.scope,
    max: unit(limitOf(planned.check)),
    remaining: unit(s.remaining),
    resetMs: s.resetMs,
    status: s.status,
    retryAfterMs: s.retryAfterMs,
    used: unit(s.used),
    held: unit(s.held),
  };
}

function scopeLabel(scope: ScopeRef): string {
  switch (scope.kind) {
    case 'tenant':
      return 'this tenant';
    case 'caller':
      return scope.name.startsWith('user:') ? 'this user' : 'this API key';
    case 'model':
      return `model ${scope.name}`;
  }
}

function denialMessage(limit: LimitStatus, reservation: Reservation, tooLarge: boolean): string {
  const money = isMoney(limit.limit);
  const fmt = (value: number): string => (money ? `$${value.toFixed(4)}` : String(Math.floor(value)));
  const requested =
    limit.limit === 'requestsPerMinute' || limit.limit === 'concurrentRequests' ? '1 request' : money ? `$${(reservation.nanoUsd / NANO_USD).toFixed(4)}` : `${reservation.tokens} tokens`;
  const what = `${UNIT_LABEL[limit.limit]} for ${scopeLabel(limit.scope)}`;
  if (tooLarge) return `Request too large for the limit of ${fmt(limit.max)} ${what}: it needs ${requested} (prompt and max output). Reduce the prompt or max tokens.`;
  return `Limit of ${fmt(limit.max)} ${what} reached: ${fmt(limit.remaining)} left, this request needs ${requested}.`;
}
