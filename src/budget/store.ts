/**
 * The budget store protocol: three kinds of limit state, changed only by whole commands that are
 * atomic in every store (one Lua script call in Redis, one synchronous step in memory).
 *
 * - `bucket`: a token bucket (tokens or requests per minute). `capacity` units, refilled at
 *   `ratePerMs`. Reserving takes the amount out; settling puts back (or takes more of) the difference.
 *   A missing bucket is full.
 * - `counter`: a calendar window (tokens per day, nano-dollars per day or month): `used` (settled)
 *   plus `held` (live reservations). Every hold also sits in a sorted set with its expiry, so a hold
 *   whose owner died is dropped (and `held` reduced) by the next command that touches the counter.
 * - `concurrency`: live reservations by id with their expiry; the count is the concurrent requests.
 *
 * Settling is idempotent: a settled reservation id is remembered (`markerUntil`), and settling it
 * again does nothing. Settling an id whose holds are gone (expired, or lost with Redis) still
 * records the actual usage: usage is never dropped because a reservation timed out.
 *
 * All amounts are integers (tokens, requests, nano-USD), so sums are exact.
 */

export type StoreCheck =
  | { readonly kind: 'bucket'; readonly key: string; readonly capacity: number; readonly ratePerMs: number; readonly amount: number }
  | {
      readonly kind: 'counter';
      readonly key: string;
      readonly limit: number;
      readonly amount: number;
      /** When the window resets (epoch ms): the retry time when the window itself is full. */
      readonly windowEnd: number;
      /** When the window's state may be deleted (epoch ms): window end plus a grace period. */
      readonly expireAt: number;
    }
  | { readonly kind: 'concurrency'; readonly key: string; readonly limit: number };

export type CheckStatus = 'ok' | 'denied' | 'too_large';

export interface CheckState {
  readonly status: CheckStatus;
  /** Room left: after this reservation when it was taken, else as it stands. Never negative. */
  readonly remaining: number;
  /** Until the limit is back to its initial state (bucket full, window over), ms. 0 for concurrency. */
  readonly resetMs: number;
  /** When denied: how long until a retry may succeed, ms (0 when it never can: `too_large`). */
  readonly retryAfterMs: number;
  /** Settled usage (counters), units out of the bucket (buckets), live requests (concurrency). */
  readonly used: number;
  /** Held by live reservations (counters only). */
  readonly held: number;
}

export interface ReserveCommand {
  readonly id: string;
  readonly now: number;
  /** When the holds expire unless renewed or settled (epoch ms). */
  readonly holdUntil: number;
  readonly checks: readonly StoreCheck[];
}

export interface ReserveResult {
  /** All checks passed and every hold was taken; otherwise nothing changed. */
  readonly ok: boolean;
  readonly states: readonly CheckState[];
}

export type SettleItem =
  /** `delta` = actual - reserved: negative puts units back (never above capacity), positive takes more. */
  | { readonly kind: 'bucket'; readonly key: string; readonly capacity: number; readonly ratePerMs: number; readonly delta: number }
  /** Drops the hold of `held` (if still there) and adds `actual` to `used`. */
  | { readonly kind: 'counter'; readonly key: string; readonly held: number; readonly actual: number; readonly expireAt: number }
  | { readonly kind: 'concurrency'; readonly key: string };

export interface SettleCommand {
  readonly id: string;
  readonly now: number;
  /** Key of the tenant's settled-ids set (idempotency). */
  readonly doneKey: string;
  /** Until when this id is remembered as settled (epoch ms). */
  readonly markerUntil: number;
  readonly items: readonly SettleItem[];
}

export interface SettleResult {
  /** False when the id was already settled: nothing changed. */
  readonly applied: boolean;
  /** Holds (counter holds, concurrency slots) that were still live and have been dropped. */
  readonly holdsFound: number;
}

export type RenewItem = { readonly kind: 'counter'; readonly key: string; readonly held: number } | { readonly kind: 'concurrency'; readonly key: string };

export interface RenewCommand {
  readonly id: string;
  readonly now: number;
  readonly holdUntil: number;
  readonly items: readonly RenewItem[];
}

export interface BudgetStore {
  readonly kind: 'memory' | 'redis';
  reserve(command: ReserveCommand): Promise<ReserveResult>;
  settle(command: SettleCommand): Promise<SettleResult>;
  /** Extends the live holds of a reservation; returns how many were found. */
  renew(command: RenewCommand): Promise<number>;
  /** The state of some limits (amounts are ignored), dropping expired holds on the way. */
  peek(now: number, checks: readonly StoreCheck[]): Promise<readonly CheckState[]>;
  /** Resolves when the store answers; rejects with StoreUnavailableError when it does not. */
  ping(): Promise<void>;
  /** Resolves once connected (stores with a connection); rejects with StoreUnavailableError on timeout. */
  ready?(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The store could not be reached or did not answer in time (the command may or may not have run). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Redis and memory stores key a counter's holds under this suffix. */
export const HOLDS_SUFFIX = ':holds';

/** A hold's member in the holds set: the reservation id and its amount, so expiry can give it back. */
export function holdMember(id: string, held: number): string {
  return `${id}:${integerString(held)}`;
}

/** Integers as plain decimal strings (no exponent), for Redis arguments and hold members. */
export function integerString(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`budget amounts are safe integers, got ${value}`);
  return value.toString(10);
}
