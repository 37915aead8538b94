/** The budget service's public value types (kept apart so headers.ts and service.ts share them). */
import type { ModelPricing } from '../config/runtime';
import type { RequestEstimate } from './estimate';
import type { CompiledTenantBudget, LimitName, ScopeRef } from './limits';
import type { BilledTokens } from './pricing';
import type { CheckStatus, StoreCheck } from './store';

/** The served model, as routing resolved it. */
export interface BudgetModel {
  /** The gateway's model name (per-model limits are keyed by it). */
  readonly name: string;
  readonly pricing: ModelPricing;
  readonly maxOutputTokens?: number;
}

export interface ReserveInput {
  readonly tenant: CompiledTenantBudget;
  /** `key:<api key id>` or `user:<jwt user>`; per-caller limits apply only when set. */
  readonly caller?: string;
  readonly model: BudgetModel;
  readonly estimate: Pick<RequestEstimate, 'promptTokens' | 'requestedMaxOutputTokens' | 'n' | 'producesOutput'>;
}

/** Where a reservation lives. `none`: no limit applies, nothing was stored. */
export type ReservationOrigin = 'shared' | 'local' | 'none';

/** One limit as checked: its size, what is left, when it resets. Money in USD. */
export interface LimitStatus {
  readonly limit: LimitName;
  readonly scope: ScopeRef;
  readonly max: number;
  readonly remaining: number;
  readonly resetMs: number;
  readonly status: CheckStatus;
  readonly retryAfterMs: number;
  /** Settled usage (counters), taken from the bucket (per-minute limits), in flight (concurrency). Money in USD. */
  readonly used: number;
  /** Held by live reservations (day and month windows). Money in USD. */
  readonly held: number;
}

/** A check as it was planned for one reservation (internal to the service, carried for settle). */
export interface PlannedCheck {
  readonly limit: LimitName;
  readonly scope: ScopeRef;
  readonly check: StoreCheck;
}

/** Handed back by reserve; pass it to settle / release / renew. Plain data (safe to keep per request). */
export interface Reservation {
  readonly id: string;
  readonly tenantId: string;
  readonly caller?: string;
  readonly model: string;
  /** The served model's pricing when reserved (a config reload does not reprice it). */
  readonly pricing: ModelPricing;
  readonly origin: ReservationOrigin;
  readonly promptTokens: number;
  /** Expected output: n x min(requested, tenant cap, model max) or the tenant default. */
  readonly outputTokens: number;
  readonly tokens: number;
  readonly nanoUsd: number;
  readonly createdAt: number;
  readonly checks: readonly PlannedCheck[];
  readonly doneKey: string;
}

export type DenialCode = 'rate_limited' | 'budget_exceeded' | 'budget_unavailable';

export type ReserveDecision =
  | {
      readonly ok: true;
      readonly reservation: Reservation;
      readonly limits: readonly LimitStatus[];
      /** x-ratelimit-* headers for the response. */
      readonly headers: ReadonlyArray<readonly [string, string]>;
    }
  | {
      readonly ok: false;
      /** 429 over a limit; 503 when the shared store is down and the failure mode is failClosed. */
      readonly status: 429 | 503;
      /**
       * `rate_limited`: a per-minute or concurrency limit, retry soon. `budget_exceeded`: a day or
       * month budget, or a request larger than a limit can ever admit. `budget_unavailable`: 503.
       */
      readonly code: DenialCode;
      readonly message: string;
      /** For `Retry-After`; absent when retrying cannot help (too large) or for 503 without a hint. */
      readonly retryAfterSeconds?: number;
      readonly limits: readonly LimitStatus[];
      /** x-ratelimit-* headers and `retry-after`. */
      readonly headers: ReadonlyArray<readonly [string, string]>;
    };

/** The provider's usage (TokenUsage from src/llm fits). */
export type ActualUsage = BilledTokens & { readonly reasoningTokens?: number };

export type SettleRecord = 'shared' | 'local' | 'queued' | 'duplicate' | 'none';

export interface SettleOutcome {
  /** Tokens charged (input + output). */
  readonly tokens: number;
  readonly nanoUsd: number;
  readonly costUsd: number;
  /**
   * `shared`: recorded in Redis. `local`: in this process (no Redis, or reserved while it was down;
   * day/month usage is also queued for Redis). `queued`: Redis is down, kept for replay.
   * `duplicate`: already settled. `none`: no limit applied.
   */
  readonly recorded: SettleRecord;
  /** Reported prompt tokens / estimated prompt tokens (for an estimate-accuracy metric). */
  readonly promptEstimateRatio?: number;
}

export type BudgetOutcome = 'shared' | 'local' | 'local_fallback' | 'unavailable' | 'unlimited';

/** Hooks for metrics and logs; each is optional and must not throw. */
export interface BudgetEvents {
  /** The shared store failed; the service is now in its failure mode until it recovers. */
  storeDown?(info: { readonly error: Error; readonly mode: 'failOpen' | 'failClosed' }): void;
  /** The shared store answers again and the queued settlements were replayed. */
  storeUp?(info: { readonly downForMs: number; readonly replayed: number }): void;
  /** Every reserve: where it was decided. */
  reserveOutcome?(outcome: BudgetOutcome, allowed: boolean): void;
  /** Queued settlements dropped because the queue was full (their usage is lost to the shared totals). */
  pendingDropped?(count: number): void;
  /** A settlement that failed for another reason than the store being down (a bug: logged by the caller). */
  settleFailed?(error: Error, reservation: Reservation): void;
}

export type { BilledTokens };
