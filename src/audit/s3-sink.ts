/**
 * Audit records to S3-compatible object storage, for the multi-year retention regulators ask for.
 *
 * Records are batched per tenant and UTC day into gzip'd JSONL objects:
 *
 *   <prefix><tenant>/YYYY/MM/DD/<HHMMSS>-<writerId>-<n>.jsonl.gz
 *
 * (`<tenant>` as in `tenantDirName`, `_unidentified` for records without one; `<writerId>` tells replicas
 * and restarts apart; `<n>` counts this writer's objects.) An object holds only one tenant's records, so
 * bucket policies, lifecycle rules and object-lock retention can be set per tenant prefix.
 *
 * A batch is sealed when it reaches `maxBatchRecords` or `maxBatchBytes`, when it is `maxBatchAgeMs` old,
 * when the day turns, and on flush/close. Uploads are SigV4-signed PUTs with Content-MD5 (required for
 * object-lock buckets), `If-None-Match: *` (never overwrite an object; on by default, turn off for
 * stores without conditional writes), optional object-lock mode and retain-until date, and, when a key
 * is configured, `x-amz-meta-llmgw-mac` = HMAC(recordKey, "llmgw.audit.object.v1\n" + key + "\n" +
 * sha256(body)) with `x-amz-meta-llmgw-kid`, so an object rewritten by someone without the key shows.
 *
 * A failed upload is retried with capped exponential backoff, forever while the process runs (expired
 * credentials and a missing bucket are fixed by operators; records are not dropped for them); `onError`
 * reports each failure. A 412 on a retry means an earlier attempt landed (the reply was lost): done. The
 * buffer is bounded (`maxBuffered` records, open and sealed batches together); over it a record is
 * refused through `onDrop('queue_full')`. flush()/close() seal and upload everything, retrying every
 * 200 ms, for at most `flushTimeoutMs`; what close() could not upload by then is reported through
 * `onDrop('flush_timeout')`.
 */
import { createHash, createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { KeyCache, tenantDirName, utcDay } from './chain';
import type { AuditSinkEvents, ClosableAuditSink } from './file-sink';
import type { AuditRecord } from './record';
import { S3Error, s3PutObject, type S3Target } from './s3';

const gzip = promisify(gzipCallback);

export interface S3ObjectLock {
  readonly mode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly retainDays: number;
}

export interface S3SinkOptions extends AuditSinkEvents {
  readonly target: S3Target;
  /** Key prefix, e.g. `audit/` (default none). */
  readonly prefix?: string;
  /** Tells writers apart in object keys (default: host name, process start time). */
  readonly writerId?: string;
  readonly maxBatchRecords?: number;
  /** Uncompressed bytes per object (default 8 MiB). */
  readonly maxBatchBytes?: number;
  readonly maxBatchAgeMs?: number;
  readonly maxBuffered?: number;
  /** Uploads in flight at once (default 2). */
  readonly concurrency?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly flushTimeoutMs?: number;
  readonly ifNoneMatch?: boolean;
  readonly objectLock?: S3ObjectLock;
  readonly storageClass?: string;
  /** HMAC secret for the per-object mac (same as the file sink's; optional). */
  readonly key?: () => Buffer;
  readonly clock?: () => number;
}

interface OpenBatch {
  readonly tenant: string | null;
  readonly dirName: string;
  readonly day: string;
  readonly startedAt: number;
  readonly records: AuditRecord[];
  readonly lines: string[];
  bytes: number;
}

interface SealedBatch {
  readonly tenant: string | null;
  readonly dirName: string;
  readonly day: string;
  readonly startedAt: number;
  readonly records: readonly AuditRecord[];
  readonly body: Buffer;
  objectKey: string;
  attempts: number;
  backoffMs: number;
  notBefore: number;
}

export function s3ObjectKey(prefix: string, dirName: string, startedAt: number, writerId: string, n: number): string {
  const iso = new Date(startedAt).toISOString();
  const [year, month, day] = iso.slice(0, 10).split('-');
  const time = iso.slice(11, 19).replace(/:/g, '');
  return `${prefix}${dirName}/${year}/${month}/${day}/${time}-${writerId}-${String(n).padStart(6, '0')}.jsonl.gz`;
}

export function objectMac(recordKey: Buffer, objectKey: string, body: Buffer): string {
  return createHmac('sha256', recordKey)
    .update(`llmgw.audit.object.v1\n${objectKey}\n${createHash('sha256').update(body).digest('hex')}`)
    .digest('hex');
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export class S3AuditSink implements ClosableAuditSink {
  private readonly open = new Map<string, OpenBatch>();
  private readonly ready: SealedBatch[] = [];
  private readonly keys: KeyCache | undefined;
  private readonly writerId: string;
  private readonly prefix: string;
  private buffered = 0;
  private sealing = 0;
  private inFlight = 0;
  private counter = 0;
  private closed = false;
  private abandoned = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: S3SinkOptions) {
    this.keys = options.key ? new KeyCache(options.key) : undefined;
    this.writerId = (options.writerId ?? `${hostname()}-${Date.now().toString(36)}`).replace(/[^A-Za-z0-9._-]/g, '_');
    this.prefix = options.prefix ?? '';
    const ageMs = options.maxBatchAgeMs ?? 60_000;
    this.timer = setInterval(() => this.sealExpired(), Math.max(10, Math.min(ageMs, 1000)));
    this.timer.unref();
  }

  get queueDepth(): number {
    return this.buffered;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  write(record: AuditRecord): void {
    if (this.closed) {
      this.options.onDrop?.(record, 'closed');
      return;
    }
    if (this.buffered >= (this.options.maxBuffered ?? 50_000)) {
      this.options.onDrop?.(record, 'queue_full');
      return;
    }
    const now = this.now();
    const dirName = tenantDirName(record.tenant);
    const day = utcDay(now);
    let batch = this.open.get(dirName);
    if (batch && batch.day !== day) {
      this.seal(batch);
      batch = undefined;
    }
    if (!batch) {
      batch = { tenant: record.tenant, dirName, day, startedAt: now, records: [], lines: [], bytes: 0 };
      this.open.set(dirName, batch);
    }
    const line = `${JSON.stringify(record)}\n`;
    batch.records.push(record);
    batch.lines.push(line);
    batch.bytes += Buffer.byteLength(line);
    this.buffered += 1;
    this.options.onQueueDepth?.(this.buffered);
    if (batch.records.length >= (this.options.maxBatchRecords ?? 1000) || batch.bytes >= (this.options.maxBatchBytes ?? 8 * 1024 * 1024)) this.seal(batch);
  }

  private sealExpired(): void {
    const now = this.now();
    const maxAge = this.options.maxBatchAgeMs ?? 60_000;
    for (const batch of [...this.open.values()]) if (now - batch.startedAt >= maxAge || utcDay(now) !== batch.day) this.seal(batch);
  }

  private seal(batch: OpenBatch): void {
    this.open.delete(batch.dirName);
    this.sealing += 1;
    this.counter += 1;
    const n = this.counter;
    void gzip(Buffer.from(batch.lines.join(''), 'utf8'))
      .then((body) => {
        this.ready.push({
          tenant: batch.tenant,
          dirName: batch.dirName,
          day: batch.day,
          startedAt: batch.startedAt,
          records: batch.records,
          body,
          objectKey: s3ObjectKey(this.prefix, batch.dirName, batch.startedAt, this.writerId, n),
          attempts: 0,
          backoffMs: 0,
          notBefore: 0,
        });
      })
      .catch((error: unknown) => {
        // gzip of a string does not fail in practice; if it did, the records cannot be sent.
        this.options.onError?.(errorOf(error), { tenant: batch.tenant, op: 'gzip' });
        this.buffered -= batch.records.length;
        for (const record of batch.records) this.options.onDrop?.(record, 'flush_timeout');
      })
      .finally(() => {
        this.sealing -= 1;
        this.pump();
      });
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 2;
    const now = this.now();
    while (this.inFlight < concurrency) {
      const index = this.ready.findIndex((batch) => batch.notBefore <= now);
      if (index < 0) break;
      const [batch] = this.ready.splice(index, 1);
      this.inFlight += 1;
      void this.upload(batch!).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
    // Wake up for the earliest batch waiting out its backoff.
    if (this.ready.length > 0 && this.inFlight < concurrency && !this.wake) {
      const next = Math.min(...this.ready.map((batch) => batch.notBefore));
      this.wake = setTimeout(
        () => {
          this.wake = undefined;
          this.pump();
        },
        Math.max(1, next - now),
      );
      this.wake.unref();
    }
    this.checkIdle();
  }

  private headers(batch: SealedBatch): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/gzip',
      'x-amz-meta-llmgw-tenant': batch.dirName,
      'x-amz-meta-llmgw-records': String(batch.records.length),
    };
    if (this.options.ifNoneMatch ?? true) headers['if-none-match'] = '*';
    if (this.options.storageClass) headers['x-amz-storage-class'] = this.options.storageClass;
    if (this.options.objectLock) {
      headers['x-amz-object-lock-mode'] = this.options.objectLock.mode;
      headers['x-amz-object-lock-retain-until-date'] = new Date(this.now() + this.options.objectLock.retainDays * 86_400_000).toISOString();
    }
    if (this.keys) {
      const key = this.keys.current();
      headers['x-amz-meta-llmgw-kid'] = key.id;
      headers['x-amz-meta-llmgw-mac'] = objectMac(key.recordKey, batch.objectKey, batch.body);
    }
    return headers;
  }

  private async upload(batch: SealedBatch): Promise<void> {
    try {
      await s3PutObject(this.options.target, batch.objectKey, batch.body, this.headers(batch));
      this.done(batch);
    } catch (error) {
      if (error instanceof S3Error && error.status === 412) {
        if (batch.attempts > 0) {
          // An earlier attempt was stored and only its reply was lost.
          this.done(batch);
          return;
        }
        // The key is taken (a writer id used twice): the next number.
        this.counter += 1;
        batch.objectKey = s3ObjectKey(this.prefix, batch.dirName, batch.startedAt, this.writerId, this.counter);
      }
      batch.attempts += 1;
      this.options.onError?.(errorOf(error), { tenant: batch.tenant, op: 's3_put' });
      const base = this.options.retryBaseMs ?? 500;
      batch.backoffMs = Math.min(this.options.retryMaxMs ?? 60_000, batch.backoffMs === 0 ? base : batch.backoffMs * 2);
      if (this.abandoned) {
        this.lose([batch]);
        return;
      }
      // Closing: retry soon rather than after a long backoff.
      batch.notBefore = this.now() + (this.closed ? Math.min(batch.backoffMs, 200) : Math.round(batch.backoffMs * (0.5 + Math.random() / 2)));
      this.ready.push(batch);
    }
  }

  private lose(batches: readonly SealedBatch[]): void {
    for (const batch of batches) {
      this.buffered -= batch.records.length;
      for (const record of batch.records) this.options.onDrop?.(record, 'flush_timeout');
    }
    this.options.onQueueDepth?.(this.buffered);
  }

  private done(batch: SealedBatch): void {
    this.buffered -= batch.records.length;
    this.options.onQueueDepth?.(this.buffered);
    this.options.onWritten?.(batch.tenant, batch.records.length);
  }

  private idle(): boolean {
    return this.open.size === 0 && this.sealing === 0 && this.ready.length === 0 && this.inFlight === 0;
  }

  private checkIdle(): void {
    if (this.idle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Seals every open batch and uploads everything (retrying without backoff), at most `flushTimeoutMs`. */
  async flush(): Promise<void> {
    for (const batch of [...this.open.values()]) this.seal(batch);
    if (this.idle()) return;
    const deadline = this.now() + (this.options.flushTimeoutMs ?? 30_000);
    let timer: NodeJS.Timeout | undefined;
    // No long backoffs while someone waits: retry every 200 ms until the deadline.
    const hurry = setInterval(() => {
      for (const batch of this.ready) batch.notBefore = 0;
      this.pump();
    }, 200);
    for (const batch of this.ready) batch.notBefore = 0;
    this.pump();
    const outcome = await Promise.race([
      new Promise<'idle'>((resolve) => this.idleWaiters.push(() => resolve('idle'))),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - this.now()));
      }),
    ]);
    clearTimeout(timer);
    clearInterval(hurry);
    // On close, what could not be uploaded in time is reported lost (and so is a batch in flight that
    // fails after this); a plain flush leaves it to the retries.
    if (outcome === 'timeout' && this.closed) {
      this.abandoned = true;
      this.lose(this.ready.splice(0));
      // Uploads in flight end (stored or lost) within their request timeout.
      const until = Date.now() + (this.options.target.timeoutMs ?? 30_000) + 1000;
      while (this.inFlight > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    if (this.timer) clearInterval(this.timer);
    if (this.wake) clearTimeout(this.wake);
    this.timer = undefined;
    this.wake = undefined;
  }
}
