/**
 * Cancellable sleeps. Faults such as `slow-first-byte` or `write-delay` wait on timers; when the server is
 * closed mid-wait those timers must not keep the process (or jest) alive, so close() cancels them all.
 */
export class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  /** Resolves after `ms`, or immediately (early) once cancelAll() has been called. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  cancelAll(): void {
    this.closed = true;
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}

/** One turn of the event loop: enough for a write to reach the socket before the next one is issued. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
