/**
 * The in-process budget store: the default without Redis, and the local limits a replica falls back
 * to while Redis is unreachable (fail-open). Same semantics as the Redis script (`redis-script.ts`),
 * step for step; the contract tests run the same cases against both. Commands are synchronous, so
 * each one is atomic on the event loop.
 */
import { HOLDS_SUFFIX, holdMember, type BudgetStore, type CheckState, type RenewCommand, type ReserveCommand, type ReserveResult, type SettleCommand, type SettleResult, type StoreCheck } from './store';

interface Bucket {
  level: number;
  ts: number;
  expiresAt: number;
}

interface Counter {
  used: number;
  held: number;
  expiresAt: number;
}

/** member -> expiry; the key's own expiry alongside. */
interface ExpirySet {
  readonly members: Map<string, number>;
  expiresAt: number;
}

interface Evaluated {
  readonly check: StoreCheck;
  readonly status: CheckState['status'];
  readonly retryAfterMs: number;
  /** bucket: level before; counter: used; concurrency: live count. */
  readonly value: number;
  readonly held: number;
}

const SWEEP_EVERY = 1000;

export class MemoryBudgetStore implements BudgetStore {
  readonly kind = 'memory' as const;
  private readonly buckets = new Map<string, Bucket>();
  private readonly counters = new Map<string, Counter>();
  private readonly sets = new Map<string, ExpirySet>();
  private operations = 0;

  async reserve(command: ReserveCommand): Promise<ReserveResult> {
    return this.reserveNow(command);
  }

  /** Synchronous reserve (the service's local fallback uses it directly). */
  reserveNow(command: ReserveCommand): ReserveResult {
    const { now } = command;
    this.tick(now);
    const evaluated = command.checks.map((check) => this.evaluate(check, now));
    const ok = evaluated.every((e) => e.status === 'ok');
    if (ok) for (const e of evaluated) this.apply(e.check, command, e.value);
    return { ok, states: evaluated.map((e) => this.state(e, now, ok)) };
  }

  async settle(command: SettleCommand): Promise<SettleResult> {
    return this.settleNow(command);
  }

  settleNow(command: SettleCommand): SettleResult {
    const { now, id } = command;
    this.tick(now);
    const done = this.set(command.doneKey, now, true);
    for (const [member, until] of done.members) if (until <= now) done.members.delete(member);
    if (done.members.has(id)) return { applied: false, holdsFound: 0 };
    done.members.set(id, command.markerUntil);
    done.expiresAt = Math.max(done.expiresAt, command.markerUntil);
    let holdsFound = 0;
    for (const item of command.items) {
      if (item.kind === 'bucket') {
        if (item.delta === 0) continue;
        const level = Math.min(item.capacity, this.level(item.key, item.capacity, item.ratePerMs, now) - item.delta);
        this.setLevel(item.key, item.capacity, item.ratePerMs, level, now);
      } else if (item.kind === 'counter') {
        if (item.expireAt <= now) continue; // the window is long gone
        this.purge(item.key, now);
        const counter = this.counter(item.key, now, true);
        const holds = this.set(item.key + HOLDS_SUFFIX, now, false);
        if (holds?.members.delete(holdMember(id, item.held))) {
          counter.held = Math.max(0, counter.held - item.held);
          holdsFound += 1;
        }
        counter.used += item.actual;
        counter.expiresAt = item.expireAt;
      } else {
        const live = this.sets.get(item.key);
        if (live && live.members.delete(id)) holdsFound += 1;
      }
    }
    return { applied: true, holdsFound };
  }

  async renew(command: RenewCommand): Promise<number> {
    const { now } = command;
    this.tick(now);
    let found = 0;
    for (const item of command.items) {
      if (item.kind === 'counter') {
        const holds = this.set(item.key + HOLDS_SUFFIX, now, false);
        const member = holdMember(command.id, item.held);
        if (holds?.members.has(member)) {
          holds.members.set(member, command.holdUntil);
          found += 1;
        }
      } else {
        const live = this.set(item.key, now, false);
        if (live?.members.has(command.id)) {
          live.members.set(command.id, command.holdUntil);
          live.expiresAt = Math.max(live.expiresAt, command.holdUntil + 1000);
          found += 1;
        }
      }
    }
    return found;
  }

  async peek(now: number, checks: readonly StoreCheck[]): Promise<readonly CheckState[]> {
    this.tick(now);
    return checks.map((check) => this.state(this.evaluate({ ...check, ...(check.kind === 'concurrency' ? {} : { amount: 0 }) }, now), now, false));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.buckets.clear();
    this.counters.clear();
    this.sets.clear();
  }

  /** Number of keys held (for tests and the memory metric). */
  size(): number {
    return this.buckets.size + this.counters.size + this.sets.size;
  }

  // ---- The same steps as the Lua script ----

  private evaluate(check: StoreCheck, now: number): Evaluated {
    if (check.kind === 'bucket') {
      const level = this.level(check.key, check.capacity, check.ratePerMs, now);
      if (check.amount > check.capacity) return { check, status: 'too_large', retryAfterMs: 0, value: level, held: 0 };
      if (level < check.amount) return { check, status: 'denied', retryAfterMs: Math.ceil((check.amount - level) / check.ratePerMs), value: level, held: 0 };
      return { check, status: 'ok', retryAfterMs: 0, value: level, held: 0 };
    }
    if (check.kind === 'counter') {
      this.purge(check.key, now);
      const counter = this.counter(check.key, now, false);
      const used = counter?.used ?? 0;
      const held = counter?.held ?? 0;
      if (check.amount > check.limit) return { check, status: 'too_large', retryAfterMs: 0, value: used, held };
      if (used + held + check.amount > check.limit) {
        let retry = check.windowEnd - now;
        if (used + check.amount <= check.limit) {
          // Live reservations hold the room; they settle or expire soon.
          retry = 1000;
          const holds = this.set(check.key + HOLDS_SUFFIX, now, false);
          if (holds) for (const expiry of holds.members.values()) retry = Math.min(retry, expiry - now);
        }
        return { check, status: 'denied', retryAfterMs: retry, value: used, held };
      }
      return { check, status: 'ok', retryAfterMs: 0, value: used, held };
    }
    const live = this.set(check.key, now, false);
    if (live) for (const [member, expiry] of live.members) if (expiry <= now) live.members.delete(member);
    const count = live?.members.size ?? 0;
    if (count + 1 > check.limit) {
      let retry = 1000;
      if (live) for (const expiry of live.members.values()) retry = Math.min(retry, expiry - now);
      return { check, status: 'denied', retryAfterMs: retry, value: count, held: 0 };
    }
    return { check, status: 'ok', retryAfterMs: 0, value: count, held: 0 };
  }

  private apply(check: StoreCheck, command: ReserveCommand, value: number): void {
    const { now } = command;
    if (check.kind === 'bucket') {
      this.setLevel(check.key, check.capacity, check.ratePerMs, value - check.amount, now);
    } else if (check.kind === 'counter') {
      const counter = this.counter(check.key, now, true);
      counter.held += check.amount;
      counter.expiresAt = check.expireAt;
      const holds = this.set(check.key + HOLDS_SUFFIX, now, true);
      holds.members.set(holdMember(command.id, check.amount), command.holdUntil);
      holds.expiresAt = check.expireAt;
    } else {
      const live = this.set(check.key, now, true);
      live.members.set(command.id, command.holdUntil);
      live.expiresAt = Math.max(live.expiresAt, command.holdUntil + 1000);
    }
  }

  private state(e: Evaluated, now: number, applied: boolean): CheckState {
    const { check } = e;
    if (check.kind === 'bucket') {
      const level = applied ? e.value - check.amount : e.value;
      const remaining = Math.max(0, Math.floor(level));
      return { status: e.status, remaining, resetMs: Math.max(0, Math.ceil((check.capacity - level) / check.ratePerMs)), retryAfterMs: e.retryAfterMs, used: Math.max(0, Math.ceil(check.capacity - level)), held: 0 };
    }
    if (check.kind === 'counter') {
      const held = applied ? e.held + check.amount : e.held;
      return { status: e.status, remaining: Math.max(0, check.limit - e.value - held), resetMs: Math.max(0, check.windowEnd - now), retryAfterMs: e.retryAfterMs, used: e.value, held };
    }
    const count = applied ? e.value + 1 : e.value;
    return { status: e.status, remaining: Math.max(0, check.limit - count), resetMs: 0, retryAfterMs: e.retryAfterMs, used: count, held: 0 };
  }

  private level(key: string, capacity: number, ratePerMs: number, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket || bucket.expiresAt <= now) return capacity;
    const elapsed = Math.max(0, now - bucket.ts);
    return Math.min(capacity, bucket.level + elapsed * ratePerMs);
  }

  private setLevel(key: string, capacity: number, ratePerMs: number, level: number, now: number): void {
    if (level >= capacity) {
      this.buckets.delete(key);
      return;
    }
    this.buckets.set(key, { level, ts: now, expiresAt: now + Math.ceil((capacity - level) / ratePerMs) + 1000 });
  }

  private purge(key: string, now: number): void {
    const holds = this.set(key + HOLDS_SUFFIX, now, false);
    if (!holds) return;
    let total = 0;
    for (const [member, expiry] of holds.members) {
      if (expiry > now) continue;
      total += Number(member.slice(member.lastIndexOf(':') + 1));
      holds.members.delete(member);
    }
    if (total === 0) return;
    const counter = this.counter(key, now, false);
    if (counter) counter.held = Math.max(0, counter.held - total);
  }

  private counter(key: string, now: number, create: true): Counter;
  private counter(key: string, now: number, create: false): Counter | undefined;
  private counter(key: string, now: number, create: boolean): Counter | undefined {
    let counter = this.counters.get(key);
    if (counter && counter.expiresAt <= now) {
      this.counters.delete(key);
      counter = undefined;
    }
    if (!counter && create) {
      counter = { used: 0, held: 0, expiresAt: Number.POSITIVE_INFINITY };
      this.counters.set(key, counter);
    }
    return counter;
  }

  private set(key: string, now: number, create: true): ExpirySet;
  private set(key: string, now: number, create: false): ExpirySet | undefined;
  private set(key: string, now: number, create: boolean): ExpirySet | undefined {
    let set = this.sets.get(key);
    if (set && set.expiresAt <= now) {
      this.sets.delete(key);
      set = undefined;
    }
    if (!set && create) {
      set = { members: new Map(), expiresAt: 0 };
      this.sets.set(key, set);
    }
    return set;
  }

  /** Drops expired keys now and then, as Redis expiry would. */
  private tick(now: number): void {
    this.operations += 1;
    if (this.operations % SWEEP_EVERY !== 0) return;
    for (const [key, bucket] of this.buckets) if (bucket.expiresAt <= now) this.buckets.delete(key);
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now) this.counters.delete(key);
    for (const [key, set] of this.sets) {
      for (const [member, expiry] of set.members) if (expiry <= now && !key.endsWith(HOLDS_SUFFIX)) set.members.delete(member);
      if (set.expiresAt <= now || set.members.size === 0) this.sets.delete(key);
    }
  }
}
