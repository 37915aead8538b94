/**
 * Circuit breakers, one per provider+model. Closed: requests flow, failures are counted (consecutive, and
 * the error rate over a fixed window). Open: the router sends the model's requests to its fallbacks until
 * `openSeconds` have passed. Then half-open: up to `halfOpenProbes` requests go to the model; the first
 * success closes the breaker, a failure opens it again for another `openSeconds`.
 *
 * `step` is the whole state machine as a pure function; the Redis store runs the same rules in one Lua
 * script (breaker-redis.ts) so replicas share one state. The board answers `allow` from its local view
 * (no I/O on the request path) and keeps that view in step with Redis after each outcome and on a timer.
 */

export type BreakerPhase = 'closed' | 'open' | 'half_open';

export interface BreakerState {
  readonly phase: BreakerPhase;
  readonly consecutiveFailures: number;
  readonly windowStartMs: number;
  readonly windowTotal: number;
  readonly windowFailures: number;
  /** While open: when probes may start. */
  readonly openUntilMs: number;
}

export interface BreakerSettings {
  readonly consecutiveFailures: number;
  readonly errorRate: number;
  readonly minRequests: number;
  readonly windowSeconds: number;
  readonly openSeconds: number;
  readonly halfOpenProbes: number;
}

export const CLOSED: BreakerState = Object.freeze({ phase: 'closed', consecutiveFailures: 0, windowStartMs: 0, windowTotal: 0, windowFailures: 0, openUntilMs: 0 });

/** The state after one outcome (`ok`: the provider answered without a 5xx or a connection failure). */
export function step(state: BreakerState, ok: boolean, nowMs: number, settings: BreakerSettings): BreakerState {
  const openMs = settings.openSeconds * 1000;
  const probing = state.phase === 'half_open' || (state.phase === 'open' && nowMs >= state.openUntilMs);
  if (probing) {
    return ok ? { ...CLOSED, windowStartMs: nowMs } : { ...state, phase: 'open', openUntilMs: nowMs + openMs, consecutiveFailures: state.consecutiveFailures + 1 };
  }
  // An answer to a request sent before the breaker opened changes nothing while it is open.
  if (state.phase === 'open') return state;
  const fresh = nowMs - state.windowStartMs >= settings.windowSeconds * 1000;
  const windowStartMs = fresh ? nowMs : state.windowStartMs;
  const windowTotal = (fresh ? 0 : state.windowTotal) + 1;
  const windowFailures = (fresh ? 0 : state.windowFailures) + (ok ? 0 : 1);
  const consecutiveFailures = ok ? 0 : state.consecutiveFailures + 1;
  const trips = !ok && (consecutiveFailures >= settings.consecutiveFailures || (windowTotal >= settings.minRequests && windowFailures / windowTotal >= settings.errorRate));
  return { phase: trips ? 'open' : 'closed', consecutiveFailures, windowStartMs, windowTotal, windowFailures, openUntilMs: trips ? nowMs + openMs : 0 };
}

/** What a shared store (Redis) keeps; the board adopts what it returns. */
export interface SharedBreakerStore {
  record(key: string, ok: boolean, nowMs: number, settings: BreakerSettings): Promise<BreakerState>;
  read(keys: readonly string[]): Promise<ReadonlyMap<string, BreakerState>>;
  close(): Promise<void>;
}

export interface BreakerEvents {
  /** A breaker changed phase (closed -> open, open -> half_open...). */
  transition?(key: string, from: BreakerPhase, to: BreakerPhase): void;
  /** The shared store failed; the board goes on with its local view. */
  sharedError?(error: unknown): void;
}

export interface BreakerView {
  readonly key: string;
  readonly phase: BreakerPhase;
  readonly consecutiveFailures: number;
  readonly windowTotal: number;
  readonly windowFailures: number;
  /** ISO time probes may start, while open. */
  readonly openUntil: string | null;
}

/** A permit to send one request to a model: `probe` when it is one of the half-open trial requests. */
export type BreakerPermit = 'closed' | 'probe';

export function breakerKey(provider: string, model: string): string {
  return `${provider}/${model}`;
}

export class BreakerBoard {
  private readonly states = new Map<string, BreakerState>();
  private readonly probesInFlight = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Shared writes not yet answered; close() and settled() wait for them so no outcome is dropped. */
  private readonly writesInFlight = new Set<Promise<void>>();

  constructor(
    private readonly settings: () => BreakerSettings,
    private readonly options: { readonly shared?: SharedBreakerStore; readonly clock?: () => number; readonly events?: BreakerEvents; readonly syncIntervalMs?: number } = {},
  ) {
    if (options.shared && options.syncIntervalMs) {
      this.timer = setInterval(() => void this.sync(), options.syncIntervalMs);
      this.timer.unref();
    }
  }

  get shared(): boolean {
    return this.options.shared !== undefined;
  }

  /** The phase as a router sees it now (open turns half_open once its time is up). */
  phase(key: string): BreakerPhase {
    const state = this.states.get(key) ?? CLOSED;
    if (state.phase === 'open' && this.now() >= state.openUntilMs) return 'half_open';
    return state.phase;
  }

  /** A permit for one request, or undefined while the breaker refuses (open, or its probes all out). */
  tryAcquire(key: string): BreakerPermit | undefined {
    const phase = this.phase(key);
    if (phase === 'closed') return 'closed';
    if (phase === 'open') return undefined;
    const inFlight = this.probesInFlight.get(key) ?? 0;
    if (inFlight >= this.settings().halfOpenProbes) return undefined;
    this.probesInFlight.set(key, inFlight + 1);
    const state = this.states.get(key) ?? CLOSED;
    if (state.phase === 'open') this.set(key, { ...state, phase: 'half_open' });
    return 'probe';
  }

  /** The outcome of a request that held a permit. */
  record(key: string, permit: BreakerPermit, ok: boolean): void {
    if (permit === 'probe') this.releaseProbe(key);
    const now = this.now();
    const settings = this.settings();
    this.set(key, step(this.states.get(key) ?? CLOSED, ok, now, settings));
    const shared = this.options.shared;
    if (!shared) return;
    const write = shared.record(key, ok, now, settings).then(
      (state) => this.set(key, state),
      (error: unknown) => this.options.events?.sharedError?.(error),
    );
    this.writesInFlight.add(write);
    void write.finally(() => this.writesInFlight.delete(write));
  }

  /** Resolves once every outcome recorded so far has reached the shared store (or failed to). */
  async settled(): Promise<void> {
    await Promise.all([...this.writesInFlight]);
  }

  /** A request that held a permit ended without an answer to judge (client gone): frees a probe slot. */
  release(key: string, permit: BreakerPermit): void {
    if (permit === 'probe') this.releaseProbe(key);
  }

  /** Adopts the shared state of every breaker this process knows (others' openings and closings). */
  async sync(): Promise<void> {
    const shared = this.options.shared;
    if (!shared || this.states.size === 0) return;
    try {
      const remote = await shared.read([...this.states.keys()]);
      for (const [key, state] of remote) this.set(key, state);
    } catch (error) {
      this.options.events?.sharedError?.(error);
    }
  }

  views(): BreakerView[] {
    return [...this.states.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, state]) => ({
        key,
        phase: this.phase(key),
        consecutiveFailures: state.consecutiveFailures,
        windowTotal: state.windowTotal,
        windowFailures: state.windowFailures,
        openUntil: state.phase === 'closed' ? null : new Date(state.openUntilMs).toISOString(),
      }));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.settled();
    await this.options.shared?.close();
  }

  private releaseProbe(key: string): void {
    const inFlight = this.probesInFlight.get(key) ?? 0;
    if (inFlight <= 1) this.probesInFlight.delete(key);
    else this.probesInFlight.set(key, inFlight - 1);
  }

  private set(key: string, next: BreakerState): void {
    const before = this.states.get(key)?.phase ?? 'closed';
    this.states.set(key, next);
    if (before !== next.phase) this.options.events?.transition?.(key, before, next.phase);
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}
