/**
 * A bounded set of FIFO queues, one per key (tenant), each drained by its own async loop in order, with
 * retry and capped exponential backoff per key: one tenant's failing destination never holds up another.
 * Used by the network sinks (Redis Streams).
 */

export interface KeyedQueueOptions<T> {
  /** Bound over all keys. */
  readonly maxQueued: number;
  /** Items handed to `process` at once. */
  readonly maxBatch: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /**
   * Delivers a batch in order; resolves with how many from the front were delivered (the rest are
   * retried after a backoff); a rejection means none were.
   */
  readonly process: (key: string, batch: readonly T[]) => Promise<number>;
  readonly onDepth?: (depth: number) => void;
  readonly onError?: (error: Error, key: string) => void;
  readonly onDone?: (key: string, count: number) => void;
}

interface Lane<T> {
  readonly items: T[];
  draining: Promise<void> | undefined;
  retry: NodeJS.Timeout | undefined;
  backoffMs: number;
}

export class KeyedQueue<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  private depth = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: KeyedQueueOptions<T>) {}

  get size(): number {
    return this.depth;
  }

  /** False when the bound is reached (the caller reports the drop). */
  push(key: string, item: T): boolean {
    if (this.depth >= this.options.maxQueued) return false;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { items: [], draining: undefined, retry: undefined, backoffMs: 0 };
      this.lanes.set(key, lane);
    }
    lane.items.push(item);
    this.depth += 1;
    this.options.onDepth?.(this.depth);
    this.kick(key, lane);
    return true;
  }

  private kick(key: string, lane: Lane<T>): void {
    if (lane.draining || lane.retry) return;
    lane.draining = this.drain(key, lane).finally(() => {
      lane.draining = undefined;
      if (lane.items.length > 0 && !lane.retry) this.kick(key, lane);
      else this.checkIdle();
    });
  }

  private async drain(key: string, lane: Lane<T>): Promise<void> {
    while (lane.items.length > 0) {
      const batch = lane.items.slice(0, this.options.maxBatch);
      let done = 0;
      let failure: Error | undefined;
      try {
        done = Math.max(0, Math.min(batch.length, await this.options.process(key, batch)));
        if (done < batch.length) failure = new Error(`${batch.length - done} of ${batch.length} not delivered`);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      if (done > 0) {
        lane.items.splice(0, done);
        this.depth -= done;
        this.options.onDepth?.(this.depth);
        this.options.onDone?.(key, done);
      }
      if (failure) {
        this.options.onError?.(failure, key);
        const base = this.options.retryBaseMs ?? 100;
        lane.backoffMs = Math.min(this.options.retryMaxMs ?? 5000, lane.backoffMs === 0 ? base : lane.backoffMs * 2);
        // Jitter keeps replicas from retrying in step.
        const delay = Math.round(lane.backoffMs * (0.5 + Math.random() / 2));
        lane.retry = setTimeout(() => {
          lane.retry = undefined;
          this.kick(key, lane);
        }, delay);
        lane.retry.unref();
        return;
      }
      lane.backoffMs = 0;
    }
  }

  private idle(): boolean {
    for (const lane of this.lanes.values()) if (lane.items.length > 0 || lane.draining) return false;
    return true;
  }

  private checkIdle(): void {
    if (this.idle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /**
   * Waits until every queue is empty, at most `timeoutMs`; then gives up on what is left and returns
   * it (after the batch in flight, if any, settles).
   */
  async drained(timeoutMs: number): Promise<T[]> {
    if (this.idle()) return [];
    // Lanes waiting out a backoff retry now: shutting down is no time to wait.
    for (const [key, lane] of this.lanes) {
      if (lane.retry && lane.items.length > 0) {
        clearTimeout(lane.retry);
        lane.retry = undefined;
        this.kick(key, lane);
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      new Promise<'idle'>((resolve) => this.idleWaiters.push(() => resolve('idle'))),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'idle') return [];
    const lost: T[] = [];
    const giveUp = (keepInFlight: boolean): void => {
      for (const lane of this.lanes.values()) {
        if (lane.retry) clearTimeout(lane.retry);
        lane.retry = undefined;
        lost.push(...lane.items.splice(keepInFlight && lane.draining ? Math.min(lane.items.length, this.options.maxBatch) : 0));
      }
    };
    giveUp(true);
    await Promise.all([...this.lanes.values()].map((lane) => lane.draining?.catch(() => undefined)));
    // In-flight batches that failed after all.
    giveUp(false);
    this.depth -= lost.length;
    this.options.onDepth?.(this.depth);
    return lost;
  }
}
