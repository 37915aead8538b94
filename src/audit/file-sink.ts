/**
 * Per-tenant, append-only, tamper-evident JSONL audit files.
 *
 *   DIR/.writer.lock                         one writing process per DIR (each replica needs its own DIR)
 *   DIR/<tenant>/records-YYYY-MM-DD.jsonl    one chained line per record (see chain.ts), UTC day of writing
 *   DIR/<tenant>/checkpoints-YYYY-MM-DD.jsonl signed checkpoints and prune markers
 *
 * - Tenant isolation: each tenant has its own directory (name from `tenantDirName`, never a path
 *   separator), its own chain and its own queue; a record is routed by its own `tenant` field only.
 * - Rotation: the file is chosen by the UTC day of the clock when the record is written; the chain
 *   continues across files. A clock that steps back never reopens an older day's file.
 * - Writes never block the caller: `write()` queues; each tenant's queue is drained by one async loop
 *   that writes all queued lines in one `write()` (group commit), then fsyncs per policy:
 *     always   fdatasync after every batch, before the records count as written (default)
 *     interval fdatasync at most every `fsyncIntervalMs`, at rotation, checkpoint, flush and close
 *     never    left to the OS, except at rotation, checkpoint, flush and close
 *   Checkpoints always fsync the records file first and themselves after.
 * - The queue is bounded (`maxQueued` records over all tenants); a record over the bound is refused and
 *   reported through `onDrop` (a metric), never silently. The depth goes to `onQueueDepth`.
 * - A failed write (disk full, I/O error) truncates the file back to its last good length, keeps the
 *   records queued and retries with backoff; `onError` reports it.
 * - `flush()` drains every queue, writes a checkpoint for every tenant written to since the last one and
 *   fsyncs; `close()` does the same, then closes the files and releases the lock. A queue that cannot be
 *   drained within `flushTimeoutMs` (disk gone) is reported through `onDrop('flush_timeout')`.
 * - Retention: a timer (and `start()`) deletes records files older than the tenant's retention, oldest
 *   first, each after a signed prune marker for it was written, so a verifier can tell retention from
 *   deletion.
 * - Crash recovery: on first use of a tenant the chain head is read back from the newest records file.
 *   A partial last line (crash mid-write; never acknowledged) is moved to `<file>.partial-<ms>` and cut
 *   off, so the chain continues from the last complete line.
 */
import { hostname } from 'node:os';
import * as path from 'node:path';
import { mkdir, open, readdir, readFile, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import type { AuditRecord } from './record';
import type { AuditSink } from './sink';
import {
  chainLine,
  checkpointsFileName,
  genesisPrev,
  KeyCache,
  parseDayFileName,
  recordsFileName,
  signControlEntry,
  tenantDirName,
  utcDay,
  type CheckpointEntry,
  type ControlEntry,
} from './chain';
import { readFirstLine, readLines, readTail } from './files';

export type FsyncPolicy = 'always' | 'interval' | 'never';
export type DropReason = 'queue_full' | 'closed' | 'flush_timeout';

/** An audit sink that holds resources: `close()` drains like `flush()`, then releases them. */
export interface ClosableAuditSink extends AuditSink {
  close(): Promise<void>;
}

export interface AuditSinkEvents {
  /** Records queued and not yet written (all tenants). */
  readonly onQueueDepth?: (depth: number) => void;
  /** A record that will not be written. */
  readonly onDrop?: (record: AuditRecord, reason: DropReason) => void;
  /** A failed write, checkpoint, retention run or recovery (the sink retries what it can). */
  readonly onError?: (error: Error, context: { readonly tenant: string | null; readonly op: string }) => void;
  /** Records durably written (per the fsync policy). */
  readonly onWritten?: (tenant: string | null, count: number) => void;
}

export interface TenantFileSinkOptions extends AuditSinkEvents {
  readonly dir: string;
  /** The current HMAC secret (>= 32 bytes). Called per batch; return a new one to rotate. */
  readonly key: () => Buffer;
  /** Days to keep records files, per tenant (undefined: keep forever). */
  readonly retentionDays?: number | ((tenant: string | null) => number | undefined);
  readonly fsync?: FsyncPolicy;
  readonly fsyncIntervalMs?: number;
  /** A checkpoint every this many records (default 1000). */
  readonly checkpointEvery?: number;
  /** And at most this long after a record when fewer came (default 60 s). */
  readonly checkpointIntervalMs?: number;
  /** How often retention runs (default 1 h). */
  readonly retentionIntervalMs?: number;
  /** Bound of the write queue over all tenants (default 10 000). */
  readonly maxQueued?: number;
  /** Records written per batch (default 1000). */
  readonly maxBatch?: number;
  readonly flushTimeoutMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Wall clock in ms (injectable for rotation tests). */
  readonly clock?: () => number;
  readonly fileMode?: number;
  readonly dirMode?: number;
  /** Take `DIR/.writer.lock` (default true). */
  readonly lock?: boolean;
}

export class AuditDirLockedError extends Error {}
export class AuditChainStateError extends Error {}

const lockedDirs = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes DIR/.writer.lock. A lock left by a dead process on this host (or by this pid in an earlier
 * life of the container: same pod name, pid 1 again) is taken over; any other is refused.
 */
async function acquireDirLock(dir: string): Promise<() => Promise<void>> {
  const resolved = path.resolve(dir);
  if (lockedDirs.has(resolved)) throw new AuditDirLockedError(`${dir} is already written by another audit sink in this process`);
  const file = path.join(resolved, '.writer.lock');
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, mine, { flag: 'wx', mode: 0o640 });
      lockedDirs.add(resolved);
      return async () => {
        lockedDirs.delete(resolved);
        try {
          if ((await readFile(file, 'utf8')) === mine) await unlink(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: unknown; host?: unknown } = {};
      try {
        holder = JSON.parse(await readFile(file, 'utf8')) as { pid?: unknown; host?: unknown };
      } catch {
        // unreadable lock: treated as held by someone else below unless it vanishes
      }
      const stale = holder.host === hostname() && typeof holder.pid === 'number' && (holder.pid === process.pid || !pidAlive(holder.pid));
      if (!stale) throw new AuditDirLockedError(`${dir} is locked by ${JSON.stringify(holder)} (each replica needs its own audit directory)`);
      await unlink(file).catch(() => undefined);
    }
  }
  throw new AuditDirLockedError(`${dir}: could not take the writer lock`);
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

interface ParsedHead {
  readonly seq: number;
  readonly mac: string;
}

function parseHead(text: string): ParsedHead | undefined {
  try {
    const value = JSON.parse(text) as { seq?: unknown; mac?: unknown };
    if (typeof value.seq === 'number' && Number.isInteger(value.seq) && value.seq > 0 && typeof value.mac === 'string') return { seq: value.seq, mac: value.mac };
  } catch {
    // not a chain line
  }
  return undefined;
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

interface OpenFile {
  readonly day: string;
  readonly name: string;
  readonly handle: FileHandle;
  size: number;
  lines: number;
}

/** One tenant's chain, file and queue. All file operations run one at a time (`exclusive`). */
class TenantWriter {
  readonly queue: AuditRecord[] = [];
  private opened = false;
  private seq = 0;
  private prev: string;
  /** Where record `seq` is. */
  private headFile: string | undefined;
  private headLine = 0;
  private checkpointedSeq = 0;
  private lastCheckpointAt = 0;
  private lastSyncAt = 0;
  private unsynced = false;
  private file: OpenFile | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private draining: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 0;

  constructor(
    private readonly sink: TenantFileSink,
    readonly tenant: string | null,
    readonly dir: string,
  ) {
    this.prev = genesisPrev(tenant);
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.draining === undefined;
  }

  get dirty(): boolean {
    return this.seq > this.checkpointedSeq;
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  enqueue(record: AuditRecord): void {
    this.queue.push(record);
    this.kick();
  }

  kick(): void {
    if (this.draining || this.retryTimer) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0 && !this.retryTimer) this.kick();
      else this.sink.checkIdle();
    });
  }

  /** Gives up on whatever is still queued (flush timeout). */
  abandon(): AuditRecord[] {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    return this.queue.splice(0);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.sink.maxBatch);
      try {
        await this.exclusive(() => this.append(batch));
        this.backoffMs = 0;
        this.sink.written(this.tenant, batch.length);
      } catch (error) {
        this.queue.unshift(...batch);
        this.sink.error(errorOf(error), this.tenant, 'write');
        this.backoffMs = Math.min(this.sink.retryMaxMs, this.backoffMs === 0 ? this.sink.retryBaseMs : this.backoffMs * 2);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.kick();
        }, this.backoffMs);
        this.retryTimer.unref();
        return;
      }
    }
  }

  private path(name: string): string {
    return path.join(this.dir, name);
  }

  private async listDayFiles(kind: 'records' | 'checkpoints'): Promise<{ name: string; day: string }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => ({ name, parsed: parseDayFileName(name) }))
      .filter((entry) => entry.parsed?.kind === kind)
      .map((entry) => ({ name: entry.name, day: entry.parsed!.day }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Reads the chain head back from disk (first use after start). */
  private async recover(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: this.sink.dirMode });
    const records = await this.listDayFiles('records');
    for (let index = records.length - 1; index >= 0; index--) {
      const { name } = records[index]!;
      const file = this.path(name);
      let tail = await readTail(file);
      if (tail.partialBytes > 0) {
        await this.repairPartial(file, tail.size, tail.partialBytes);
        tail = await readTail(file);
      }
      if (tail.lastLine === undefined) continue;
      const head = parseHead(tail.lastLine);
      const first = await readFirstLine(file);
      const firstHead = first === undefined ? undefined : parseHead(first);
      if (!head || !firstHead) throw new AuditChainStateError(`cannot continue the audit chain: ${file} does not end with a chain line (run \`llmgw audit verify\`)`);
      this.seq = head.seq;
      this.prev = head.mac;
      this.headFile = name;
      this.headLine = head.seq - firstHead.seq + 1;
      this.checkpointedSeq = await this.lastCheckpointedSeq();
      this.opened = true;
      return;
    }
    // No records left (new tenant, or everything pruned): continue after the newest prune marker.
    const marker = await this.latestPrune();
    if (marker) {
      this.seq = marker.lastSeq;
      this.prev = marker.head;
      this.checkpointedSeq = marker.lastSeq;
    }
    this.opened = true;
  }

  private async repairPartial(file: string, size: number, partialBytes: number): Promise<void> {
    const handle = await open(file, 'r+');
    try {
      const partial = Buffer.alloc(partialBytes);
      await handle.read(partial, 0, partialBytes, size - partialBytes);
      const aside = `${file}.partial-${this.sink.now()}`;
      await writeFile(aside, partial, { mode: this.sink.fileMode });
      await handle.truncate(size - partialBytes);
      await handle.datasync();
      this.sink.error(new Error(`${file}: ${partialBytes} bytes of an unfinished line (crash mid-write) moved to ${path.basename(aside)}`), this.tenant, 'recover');
    } finally {
      await handle.close();
    }
  }

  private async controlEntries(): Promise<ControlEntry[]> {
    const entries: ControlEntry[] = [];
    for (const { name } of await this.listDayFiles('checkpoints')) {
      for await (const { text, terminated } of readLines(this.path(name))) {
        if (!terminated) continue;
        try {
          entries.push(JSON.parse(text) as ControlEntry);
        } catch {
          // the verifier reports it
        }
      }
    }
    return entries;
  }

  private async latestPrune(): Promise<{ lastSeq: number; head: string } | undefined> {
    let best: { lastSeq: number; head: string } | undefined;
    for (const entry of await this.controlEntries()) {
      if (entry.type === 'prune' && typeof entry.lastSeq === 'number' && (!best || entry.lastSeq > best.lastSeq)) best = { lastSeq: entry.lastSeq, head: entry.head };
    }
    return best;
  }

  private async lastCheckpointedSeq(): Promise<number> {
    const headDay = this.headFile ? parseDayFileName(this.headFile)?.day : undefined;
    if (!headDay) return 0;
    let seq = 0;
    try {
      for await (const { text, terminated } of readLines(this.path(checkpointsFileName(headDay)))) {
        if (!terminated) continue;
        let entry: Partial<CheckpointEntry> = {};
        try {
          entry = JSON.parse(text) as Partial<CheckpointEntry>;
        } catch {
          // the verifier reports it
        }
        if (entry.type === 'checkpoint' && typeof entry.seq === 'number' && entry.seq > seq) seq = entry.seq;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return seq;
  }

  private dayFor(now: number): string {
    const day = utcDay(now);
    const floor = this.file?.day ?? (this.headFile ? parseDayFileName(this.headFile)?.day : undefined);
    return floor !== undefined && floor > day ? floor : day;
  }

  private async openDay(day: string): Promise<void> {
    const name = recordsFileName(day);
    const handle = await open(this.path(name), 'a', this.sink.fileMode);
    const { size } = await handle.stat();
    // Recovery left every file newer than the head file empty, so a non-empty file is the head file.
    this.file = { day, name, handle, size, lines: this.headFile === name ? this.headLine : 0 };
    if (size > 0 && this.headFile !== name) {
      await handle.close();
      this.file = undefined;
      throw new AuditChainStateError(`${this.path(name)} has content the chain head does not know (another writer?)`);
    }
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    if (!file) return;
    if (this.unsynced) await file.handle.datasync();
    this.unsynced = false;
    this.file = undefined;
    await file.handle.close();
  }

  private async append(records: readonly AuditRecord[]): Promise<void> {
    if (!this.opened) await this.recover();
    const day = this.dayFor(this.sink.now());
    if (this.file?.day !== day) {
      if (this.file && this.dirty) await this.checkpoint('rotate');
      await this.closeFile();
      await this.openDay(day);
    }
    const file = this.file!;
    const key = this.sink.keys.current();
    let seq = this.seq;
    let prev = this.prev;
    const parts: string[] = [];
    for (const record of records) {
      seq += 1;
      const { line, text } = chainLine(key, this.tenant, seq, prev, record);
      prev = line.mac;
      parts.push(text);
    }
    const data = Buffer.from(parts.join(''), 'utf8');
    try {
      await writeAll(file.handle, data);
      if (this.sink.fsync === 'always') await file.handle.datasync();
    } catch (error) {
      // Back to the last good length, so the retry continues the chain from a complete line.
      try {
        await file.handle.truncate(file.size);
      } catch {
        // the file is in an unknown state: re-read the head from disk before the next attempt
        this.opened = false;
        this.file = undefined;
        await file.handle.close().catch(() => undefined);
      }
      throw error;
    }
    file.size += data.length;
    file.lines += records.length;
    this.seq = seq;
    this.prev = prev;
    this.headFile = file.name;
    this.headLine = file.lines;
    if (this.sink.fsync !== 'always') this.unsynced = true;
    if (this.seq - this.checkpointedSeq >= this.sink.checkpointEvery) {
      // The records are written: a failed checkpoint must not send them back to the queue.
      await this.checkpoint('count').catch((error: unknown) => this.sink.error(errorOf(error), this.tenant, 'checkpoint'));
    }
  }

  /** Fsyncs the records file, then appends a signed checkpoint for the current head. */
  async checkpoint(reason: CheckpointEntry['reason']): Promise<void> {
    if (!this.headFile || this.seq === 0) return;
    if (this.unsynced && this.file) {
      await this.file.handle.datasync();
      this.unsynced = false;
      this.lastSyncAt = this.sink.now();
    }
    const day = parseDayFileName(this.headFile)!.day;
    const { text } = signControlEntry(this.sink.keys.current(), {
      type: 'checkpoint',
      tenant: this.tenant,
      seq: this.seq,
      head: this.prev,
      file: this.headFile,
      line: this.headLine,
      time: new Date(this.sink.now()).toISOString(),
      reason,
    });
    await this.appendControl(day, text);
    this.checkpointedSeq = this.seq;
    this.lastCheckpointAt = this.sink.now();
  }

  private async appendControl(day: string, text: string): Promise<void> {
    const handle = await open(this.path(checkpointsFileName(day)), 'a', this.sink.fileMode);
    try {
      await writeAll(handle, Buffer.from(text, 'utf8'));
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Timer work: interval fsync and interval checkpoints. */
  async tick(): Promise<void> {
    const now = this.sink.now();
    if (this.unsynced && this.file && now - this.lastSyncAt >= this.sink.fsyncIntervalMs) {
      await this.file.handle.datasync();
      this.unsynced = false;
      this.lastSyncAt = now;
    }
    if (this.dirty && now - this.lastCheckpointAt >= this.sink.checkpointIntervalMs) await this.checkpoint('interval');
  }

  /** flush()/close(): a checkpoint if records came since the last one, and everything fsynced. */
  async settle(close: boolean): Promise<void> {
    if (this.dirty) await this.checkpoint(close ? 'close' : 'flush');
    if (close) await this.closeFile();
    else if (this.unsynced && this.file) {
      await this.file.handle.datasync();
      this.unsynced = false;
    }
  }

  /**
   * Deletes records files of days before `cutoffDay`, oldest first, each after a prune marker for it
   * (in today's checkpoints file), then checkpoints files of those days.
   */
  async prune(cutoffDay: string): Promise<number> {
    const records = await this.listDayFiles('records');
    const markerDay = [utcDay(this.sink.now()), this.file?.day, records.at(-1)?.day].filter((d): d is string => d !== undefined).sort().at(-1)!;
    let deleted = 0;
    for (const { name, day } of records) {
      if (day >= cutoffDay || day >= markerDay) break;
      if (this.file?.name === name) {
        if (this.dirty) await this.checkpoint('rotate');
        await this.closeFile();
      }
      const file = this.path(name);
      const first = await readFirstLine(file);
      const tail = await readTail(file);
      if (first !== undefined && tail.lastLine !== undefined) {
        const firstHead = parseHead(first);
        const lastHead = parseHead(tail.lastLine);
        if (!firstHead || !lastHead) {
          this.sink.error(new Error(`retention: ${file} is not a chain file; kept for inspection`), this.tenant, 'retention');
          break;
        }
        const { text } = signControlEntry(this.sink.keys.current(), {
          type: 'prune',
          tenant: this.tenant,
          file: name,
          firstSeq: firstHead.seq,
          lastSeq: lastHead.seq,
          head: lastHead.mac,
          time: new Date(this.sink.now()).toISOString(),
        });
        await this.appendControl(markerDay, text);
      }
      await unlink(file);
      await unlink(this.path(checkpointsFileName(day))).catch(() => undefined);
      deleted += 1;
    }
    // Checkpoints files of old days whose records file is gone (markers there are superseded).
    const remaining = new Set((await this.listDayFiles('records')).map((entry) => entry.day));
    for (const { name, day } of await this.listDayFiles('checkpoints')) {
      if (day < cutoffDay && day < markerDay && !remaining.has(day)) await unlink(this.path(name)).catch(() => undefined);
    }
    return deleted;
  }
}

export class TenantFileSink implements ClosableAuditSink {
  readonly keys: KeyCache;
  readonly fsync: FsyncPolicy;
  readonly fsyncIntervalMs: number;
  readonly checkpointEvery: number;
  readonly checkpointIntervalMs: number;
  readonly maxBatch: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly fileMode: number;
  readonly dirMode: number;
  private readonly maxQueued: number;
  private readonly writers = new Map<string, TenantWriter>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private started: Promise<void> | undefined;
  private releaseLock: (() => Promise<void>) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(private readonly options: TenantFileSinkOptions) {
    this.keys = new KeyCache(options.key);
    this.fsync = options.fsync ?? 'always';
    this.fsyncIntervalMs = options.fsyncIntervalMs ?? 1000;
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 60_000;
    this.maxBatch = options.maxBatch ?? 1000;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5000;
    this.fileMode = options.fileMode ?? 0o640;
    this.dirMode = options.dirMode ?? 0o750;
    this.maxQueued = options.maxQueued ?? 10_000;
  }

  get dir(): string {
    return this.options.dir;
  }

  get queueDepth(): number {
    return this.pending;
  }

  now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /**
   * Creates DIR, takes the lock, checks the key, runs retention once and starts the timers. Called by
   * the first write when not called before; call it at startup to fail fast on a bad dir or key.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.keys.current();
      await mkdir(this.options.dir, { recursive: true, mode: this.dirMode });
      if (this.options.lock !== false) this.releaseLock = await acquireDirLock(this.options.dir);
      if (this.closed) return;
      const tickMs = Math.max(10, Math.min(this.checkpointIntervalMs, this.fsync === 'interval' ? this.fsyncIntervalMs : this.checkpointIntervalMs));
      const tick = setInterval(() => void this.tick(), tickMs);
      tick.unref();
      const retention = setInterval(() => void this.runRetention(), this.options.retentionIntervalMs ?? 3_600_000);
      retention.unref();
      this.timers.push(tick, retention);
      await this.runRetention();
    })();
    // A failed start (lock held, directory not writable, bad key) is tried again by the next write.
    this.started.catch(() => {
      this.started = undefined;
    });
    return this.started;
  }

  write(record: AuditRecord): void {
    if (this.closed) {
      this.options.onDrop?.(record, 'closed');
      return;
    }
    if (this.pending >= this.maxQueued) {
      this.options.onDrop?.(record, 'queue_full');
      return;
    }
    this.pending += 1;
    this.options.onQueueDepth?.(this.pending);
    const writer = this.writerFor(record.tenant);
    writer.queue.push(record);
    this.start().then(
      () => writer.kick(),
      (error: unknown) => this.error(errorOf(error), record.tenant, 'start'),
    );
  }

  private writerFor(tenant: string | null): TenantWriter {
    const name = tenantDirName(tenant);
    let writer = this.writers.get(name);
    if (!writer) {
      writer = new TenantWriter(this, tenant, path.join(this.options.dir, name));
      this.writers.set(name, writer);
    }
    return writer;
  }

  /** @internal */
  written(tenant: string | null, count: number): void {
    this.pending -= count;
    this.options.onQueueDepth?.(this.pending);
    this.options.onWritten?.(tenant, count);
    this.checkIdle();
  }

  /** @internal */
  error(error: Error, tenant: string | null, op: string): void {
    this.options.onError?.(error, { tenant, op });
  }

  /** @internal */
  checkIdle(): void {
    if (this.pending === 0 || [...this.writers.values()].every((writer) => writer.idle)) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private async tick(): Promise<void> {
    for (const writer of this.writers.values()) {
      await writer.exclusive(() => writer.tick()).catch((error: unknown) => this.error(errorOf(error), writer.tenant, 'checkpoint'));
    }
  }

  private retentionFor(tenant: string | null): number | undefined {
    const setting = this.options.retentionDays;
    return typeof setting === 'function' ? setting(tenant) : setting;
  }

  /** Deletes expired records files of every tenant directory in DIR; resolves with how many. */
  async runRetention(): Promise<number> {
    if (this.options.retentionDays === undefined) return 0;
    let names: string[];
    try {
      names = (await readdir(this.options.dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    } catch (error) {
      this.error(errorOf(error), null, 'retention');
      return 0;
    }
    let deleted = 0;
    for (const name of names) {
      try {
        const writer = this.writers.get(name) ?? (await this.writerForDir(name));
        if (!writer) continue;
        const days = this.retentionFor(writer.tenant);
        if (days === undefined) continue;
        const cutoff = utcDay(this.now() - days * 86_400_000);
        deleted += await writer.exclusive(() => writer.prune(cutoff));
      } catch (error) {
        this.error(errorOf(error), null, 'retention');
      }
    }
    return deleted;
  }

  /** A writer for a tenant directory this process has not written to yet: tenant read from its files. */
  private async writerForDir(name: string): Promise<TenantWriter | undefined> {
    const dir = path.join(this.options.dir, name);
    const files = (await readdir(dir)).filter((file) => parseDayFileName(file) !== undefined).sort();
    for (const file of files) {
      const first = await readFirstLine(path.join(dir, file));
      if (first === undefined) continue;
      try {
        const { tenant } = JSON.parse(first) as { tenant?: unknown };
        if ((typeof tenant === 'string' || tenant === null) && tenantDirName(tenant) === name) return this.writerFor(tenant);
      } catch {
        // not ours
      }
      return undefined;
    }
    return undefined;
  }

  private async drained(timeoutMs: number): Promise<void> {
    if ([...this.writers.values()].every((writer) => writer.idle)) return;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<'idle'>((resolve) => this.idleWaiters.push(() => resolve('idle')));
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.abandonAll('flush_timeout');
      // A batch may still be in the middle of its write: let it finish before the files are closed.
      await Promise.race([new Promise<void>((resolve) => this.idleWaiters.push(resolve)), new Promise((resolve) => setTimeout(resolve, 1000))]);
    }
  }

  /** Every queued record written, a checkpoint per tenant written to since the last one, all fsynced. */
  async flush(): Promise<void> {
    await this.settleAll(false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writes from now on are refused (counted); what is queued is written.
    this.closed = true;
    await this.settleAll(true);
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.releaseLock?.();
    this.releaseLock = undefined;
  }

  private abandonAll(reason: DropReason): void {
    for (const writer of this.writers.values()) {
      const lost = writer.abandon();
      this.pending -= lost.length;
      for (const record of lost) this.options.onDrop?.(record, reason);
    }
    this.options.onQueueDepth?.(this.pending);
  }

  private async settleAll(close: boolean): Promise<void> {
    if (!this.started && this.pending === 0) return;
    try {
      await this.start();
    } catch (error) {
      this.error(errorOf(error), null, 'start');
      this.abandonAll('flush_timeout');
      return;
    }
    // Records queued while a start was failing have no drain loop yet.
    for (const writer of this.writers.values()) writer.kick();
    await this.drained(this.options.flushTimeoutMs ?? 30_000);
    for (const writer of this.writers.values()) {
      await writer.exclusive(() => writer.settle(close)).catch((error: unknown) => this.error(errorOf(error), writer.tenant, close ? 'close' : 'flush'));
    }
  }
}
