/**
 * Where audit records go. The stdout sink writes one JSON line per record for log shippers (logs go to
 * stderr, so the two never mix). Writes never block the request path: records are queued and written
 * in order; the queue is bounded and overflow is counted, never silently dropped.
 */
import type { AuditRecord } from './record';

export interface AuditSink {
  write(record: AuditRecord): void;
  /** Resolves when every queued record has been handed to the OS. */
  flush(): Promise<void>;
}

export interface WritableLike {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
}

export class JsonLinesSink implements AuditSink {
  private pending = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly out: WritableLike,
    private readonly maxQueued = 10_000,
    private readonly onDrop: () => void = () => undefined,
    private readonly onQueueDepth: (depth: number) => void = () => undefined,
  ) {}

  write(record: AuditRecord): void {
    if (this.pending >= this.maxQueued) {
      this.onDrop();
      return;
    }
    this.pending += 1;
    this.onQueueDepth(this.pending);
    this.out.write(`${JSON.stringify(record)}\n`, () => {
      this.pending -= 1;
      this.onQueueDepth(this.pending);
      if (this.pending === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** Keeps records in memory: for tests and for the admin API's recent-records view. */
export class MemorySink implements AuditSink {
  readonly records: AuditRecord[] = [];
  write(record: AuditRecord): void {
    this.records.push(record);
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
}
