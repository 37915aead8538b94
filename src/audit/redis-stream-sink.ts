/**
 * Audit records to Redis Streams, one stream per tenant: `XADD <prefix>{<tenant>} MAXLEN ~ <maxLen> *
 * record <json>` (approximate trimming keeps XADD O(1); the stream holds at least `maxLen` entries).
 * Consumers (a SIEM shipper, a consumer group) read the stream of the tenants they may see; no stream
 * ever holds another tenant's record. The `{tenant}` hash tag keeps each tenant's stream on one slot of
 * a Redis Cluster, so a tenant's batch goes out as one pipeline.
 *
 * Delivery is at least once: records are queued per tenant (bounded over all tenants), sent in order
 * as one pipeline per batch, and what a failed pipeline did not add is retried with backoff. A retry
 * after a reply was lost can add a record twice (consumers dedupe on `requestId`). Build the client with
 * `createRedisClient` (offline queue off, command timeout), so an outage fails fast into the retry path.
 */
import type { Cluster, Redis } from 'ioredis';
import { tenantDirName } from './chain';
import type { AuditSinkEvents, ClosableAuditSink } from './file-sink';
import { KeyedQueue } from './keyed-queue';
import type { AuditRecord } from './record';

export interface RedisStreamSinkOptions extends AuditSinkEvents {
  readonly client: Redis | Cluster;
  /** Stream key prefix (default `llmgw:audit:`); the key is `<prefix>{<tenant>}`. */
  readonly keyPrefix?: string;
  /** Approximate length each stream is trimmed to (default 1 000 000). */
  readonly maxLen?: number;
  readonly maxQueued?: number;
  readonly maxBatch?: number;
  readonly flushTimeoutMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Close the client on close() (default true). */
  readonly ownsClient?: boolean;
}

/** The stream key of a tenant (`_unidentified` for records without one). */
export function auditStreamKey(prefix: string, tenant: string | null): string {
  return `${prefix}{${tenantDirName(tenant)}}`;
}

export class RedisStreamSink implements ClosableAuditSink {
  private readonly queue: KeyedQueue<AuditRecord>;
  private readonly prefix: string;
  private readonly maxLen: string;
  /** Stream key -> tenant, for the events (a key is made from one tenant only). */
  private readonly tenantOf = new Map<string, string | null>();
  private closed = false;

  constructor(private readonly options: RedisStreamSinkOptions) {
    this.prefix = options.keyPrefix ?? 'llmgw:audit:';
    this.maxLen = String(options.maxLen ?? 1_000_000);
    this.queue = new KeyedQueue<AuditRecord>({
      maxQueued: options.maxQueued ?? 10_000,
      maxBatch: options.maxBatch ?? 500,
      ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
      ...(options.retryMaxMs !== undefined ? { retryMaxMs: options.retryMaxMs } : {}),
      process: (key, batch) => this.send(key, batch),
      onDepth: (depth) => options.onQueueDepth?.(depth),
      onError: (error, key) => options.onError?.(error, { tenant: this.tenantOf.get(key) ?? null, op: 'xadd' }),
      onDone: (key, count) => options.onWritten?.(this.tenantOf.get(key) ?? null, count),
    });
  }

  get queueDepth(): number {
    return this.queue.size;
  }

  write(record: AuditRecord): void {
    if (this.closed) {
      this.options.onDrop?.(record, 'closed');
      return;
    }
    const key = auditStreamKey(this.prefix, record.tenant);
    this.tenantOf.set(key, record.tenant);
    if (!this.queue.push(key, record)) this.options.onDrop?.(record, 'queue_full');
  }

  private async send(key: string, batch: readonly AuditRecord[]): Promise<number> {
    const pipeline = this.options.client.pipeline();
    for (const record of batch) pipeline.xadd(key, 'MAXLEN', '~', this.maxLen, '*', 'record', JSON.stringify(record));
    const results = await pipeline.exec();
    if (!results) throw new Error('pipeline discarded');
    // In order: everything before the first failure is in the stream.
    let done = 0;
    for (const [error] of results) {
      if (error) {
        if (done === 0) throw error;
        break;
      }
      done += 1;
    }
    return done;
  }

  async flush(): Promise<void> {
    const lost = await this.queue.drained(this.options.flushTimeoutMs ?? 10_000);
    for (const record of lost) this.options.onDrop?.(record, 'flush_timeout');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    if (this.options.ownsClient !== false) {
      try {
        await this.options.client.quit();
      } catch {
        this.options.client.disconnect();
      }
    }
  }
}
