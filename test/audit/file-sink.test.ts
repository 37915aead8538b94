import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { AuditKeyring, genesisPrev, tenantDirName, type ChainLine, type ControlEntry } from '../../src/audit/chain';
import { AuditDirLockedError, TenantFileSink, type DropReason, type TenantFileSinkOptions } from '../../src/audit/file-sink';
import type { AuditRecord } from '../../src/audit/record';
import { runAuditVerify, verifyAuditDir } from '../../src/audit/verify';
import { auditRecord, captureIo, DAY_MS, fileLines, newKey, tempDir, TestClock, writeKeyFile, type TempDir } from './helpers';

const T0 = Date.parse('2026-11-27T22:00:00.000Z');

function parseLines(file: string): ChainLine[] {
  return fileLines(file).map((line) => JSON.parse(line) as ChainLine);
}

function controlEntries(dir: string): ControlEntry[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('checkpoints-'))
    .sort()
    .flatMap((name) => fileLines(path.join(dir, name)).map((line) => JSON.parse(line) as ControlEntry));
}

describe('TenantFileSink', () => {
  let tmp: TempDir;
  let key: Buffer;
  const sinks: TenantFileSink[] = [];

  beforeEach(() => {
    tmp = tempDir();
    key = newKey();
  });
  afterEach(async () => {
    for (const sink of sinks.splice(0)) await sink.close();
    tmp.cleanup();
  });

  function makeSink(options: Partial<TenantFileSinkOptions> = {}): TenantFileSink {
    const sink = new TenantFileSink({ dir: path.join(tmp.dir, 'audit'), key: () => key, ...options });
    sinks.push(sink);
    return sink;
  }

  async function verifyExit(dir = path.join(tmp.dir, 'audit'), keys: Buffer[] = [key]): Promise<{ code: number; out: string }> {
    const files = keys.map((k, i) => writeKeyFile(tmp.dir, k, `key-${i}`));
    const { io, out, err } = captureIo();
    const code = await runAuditVerify([dir, ...files.flatMap((file) => ['--key-file', file])], io);
    return { code, out: out.join('') + err.join('') };
  }

  it('writes one chained line per record into the tenant directory and verifies', async () => {
    const clock = new TestClock(T0);
    const sink = makeSink({ clock: clock.now });
    for (let i = 0; i < 5; i++) sink.write(auditRecord('acme'));
    await sink.close();
    const dir = path.join(tmp.dir, 'audit', 'acme');
    expect(readdirSync(dir).sort()).toEqual(['checkpoints-2026-11-27.jsonl', 'records-2026-11-27.jsonl']);
    const lines = parseLines(path.join(dir, 'records-2026-11-27.jsonl'));
    expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]!.prev).toBe(genesisPrev('acme'));
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.prev).toBe(lines[i - 1]!.mac);
    expect(lines.every((line) => line.tenant === 'acme' && line.record.tenant === 'acme')).toBe(true);
    // The close checkpoint names the head.
    const [checkpoint] = controlEntries(dir);
    expect(checkpoint).toMatchObject({ type: 'checkpoint', seq: 5, head: lines[4]!.mac, file: 'records-2026-11-27.jsonl', line: 5, reason: 'close' });
    const { code, out } = await verifyExit();
    expect(code).toBe(0);
    expect(out).toBe('OK acme: records=5 seq=1..5 files=1 checkpoints=1\n');
    expect(existsSync(path.join(tmp.dir, 'audit', '.writer.lock'))).toBe(false);
  });

  it('keeps tenants apart: own directory, own chain, sanitised names, unidentified records separate', async () => {
    const sink = makeSink();
    const tenants = ['acme', 'globex', 'team:blue', '../escape', null];
    for (let i = 0; i < 30; i++) sink.write(auditRecord(tenants[i % tenants.length]!));
    await sink.close();
    const root = path.join(tmp.dir, 'audit');
    expect(readdirSync(root).sort()).toEqual(['%2E.%2Fescape', '_unidentified', 'acme', 'globex', 'team%3Ablue']);
    expect(readdirSync(tmp.dir).sort()).toEqual(['audit']);
    for (const tenant of tenants) {
      const dir = path.join(root, tenantDirName(tenant));
      const file = readdirSync(dir).find((name) => name.startsWith('records-'))!;
      const lines = parseLines(path.join(dir, file));
      expect(lines).toHaveLength(6);
      expect(lines.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      // Not one record of another tenant, in the envelope or the record.
      expect(lines.every((line) => line.tenant === tenant && line.record.tenant === tenant)).toBe(true);
    }
    const results = await verifyAuditDir(root, new AuditKeyring([key]));
    expect(results.map((result) => [result.tenant, result.status, result.records])).toEqual([
      ['../escape', 'ok', 6],
      [null, 'ok', 6],
      ['acme', 'ok', 6],
      ['globex', 'ok', 6],
      ['team:blue', 'ok', 6],
    ]);
  });

  it('rotates at the UTC day boundary and continues the chain into the next file', async () => {
    const clock = new TestClock(Date.parse('2026-11-27T23:59:59.000Z'));
    const sink = makeSink({ clock: clock.now });
    sink.write(auditRecord('acme'));
    sink.write(auditRecord('acme'));
    await sink.flush();
    clock.advance(2000); // 00:00:01 on the 28th
    sink.write(auditRecord('acme'));
    await sink.flush();
    // A clock stepping back (NTP) never reopens the older day's file.
    clock.advance(-10_000);
    sink.write(auditRecord('acme'));
    await sink.close();
    const dir = path.join(tmp.dir, 'audit', 'acme');
    expect(readdirSync(dir).sort()).toEqual(['checkpoints-2026-11-27.jsonl', 'checkpoints-2026-11-28.jsonl', 'records-2026-11-27.jsonl', 'records-2026-11-28.jsonl']);
    const day1 = parseLines(path.join(dir, 'records-2026-11-27.jsonl'));
    const day2 = parseLines(path.join(dir, 'records-2026-11-28.jsonl'));
    expect(day1.map((line) => line.seq)).toEqual([1, 2]);
    expect(day2.map((line) => line.seq)).toEqual([3, 4]);
    expect(day2[0]!.prev).toBe(day1[1]!.mac);
    const entries = controlEntries(dir);
    expect(entries.map((entry) => [entry.type, entry.type === 'checkpoint' ? entry.reason : '', entry.file])).toEqual([
      ['checkpoint', 'flush', 'records-2026-11-27.jsonl'],
      ['checkpoint', 'flush', 'records-2026-11-28.jsonl'],
      ['checkpoint', 'close', 'records-2026-11-28.jsonl'],
    ]);
    expect((await verifyExit()).code).toBe(0);
  });

  it('writes a rotate checkpoint when the day turns without a flush, and count checkpoints every N records', async () => {
    const clock = new TestClock(Date.parse('2026-11-27T23:00:00.000Z'));
    // The day is chosen when a record is written, not when it is queued: each step's records must be on
    // disk before the clock moves. Waits for the queue to empty (written and fsynced), however long it takes.
    const drained: (() => void)[] = [];
    const sink = makeSink({
      clock: clock.now,
      checkpointEvery: 3,
      onQueueDepth: (depth) => {
        if (depth === 0) drained.splice(0).forEach((wake) => wake());
      },
    });
    const settle = (): Promise<void> => (sink.queueDepth === 0 ? Promise.resolve() : new Promise((resolve) => drained.push(resolve)));
    sink.write(auditRecord('acme'));
    sink.write(auditRecord('acme'));
    await settle();
    clock.advance(DAY_MS);
    sink.write(auditRecord('acme'));
    await settle();
    for (let i = 0; i < 3; i++) sink.write(auditRecord('acme'));
    await settle();
    await sink.close();
    const entries = controlEntries(path.join(tmp.dir, 'audit', 'acme'));
    expect(entries.map((entry) => (entry.type === 'checkpoint' ? `${entry.reason}@${entry.seq} ${entry.file}:${entry.line}` : entry.type))).toEqual([
      'rotate@2 records-2026-11-27.jsonl:2',
      'count@6 records-2026-11-28.jsonl:4',
    ]);
    expect((await verifyExit()).code).toBe(0);
  });

  it('deletes files past the tenant retention behind signed prune markers, and the chain still verifies', async () => {
    const clock = new TestClock(Date.parse('2026-11-01T12:00:00.000Z'));
    const retentionDays = (tenant: string | null): number | undefined => (tenant === 'short' ? 2 : tenant === 'forever' ? undefined : 30);
    let sink = makeSink({ clock: clock.now, retentionDays });
    for (let day = 0; day < 5; day++) {
      for (const tenant of ['short', 'long', 'forever']) sink.write(auditRecord(tenant));
      await sink.flush();
      clock.advance(DAY_MS);
    }
    await sink.close();
    // A new process (same dir) runs retention at start for tenants it has not written to yet.
    sink = makeSink({ clock: clock.now, retentionDays });
    await sink.start();
    const root = path.join(tmp.dir, 'audit');
    const recordFiles = (tenant: string): string[] => readdirSync(path.join(root, tenant)).filter((name) => name.startsWith('records-')).sort();
    // Now 2026-11-06: `short` keeps records of the 4th and 5th (2 days), the others everything.
    expect(recordFiles('short')).toEqual(['records-2026-11-04.jsonl', 'records-2026-11-05.jsonl']);
    expect(recordFiles('long')).toHaveLength(5);
    expect(recordFiles('forever')).toHaveLength(5);
    const prunes = controlEntries(path.join(root, 'short')).filter((entry) => entry.type === 'prune');
    expect(prunes.map((entry) => (entry.type === 'prune' ? [entry.file, entry.firstSeq, entry.lastSeq] : []))).toEqual([
      ['records-2026-11-01.jsonl', 1, 1],
      ['records-2026-11-02.jsonl', 2, 2],
      ['records-2026-11-03.jsonl', 3, 3],
    ]);
    // The chain continues after the pruned part.
    sink.write(auditRecord('short'));
    await sink.close();
    const results = await verifyAuditDir(root, new AuditKeyring([key]));
    expect(results.find((result) => result.tenant === 'short')).toMatchObject({ status: 'ok', firstSeq: 4, lastSeq: 6, prunedThrough: 3 });
    expect(results.every((result) => result.status === 'ok')).toBe(true);

    // Deleting the oldest remaining file by hand (no prune marker) is a missing link.
    const { rmSync } = await import('node:fs');
    rmSync(path.join(root, 'short', 'records-2026-11-04.jsonl'));
    const after = await verifyAuditDir(path.join(root, 'short'), new AuditKeyring([key]));
    expect(after[0]!.broken).toMatchObject({ file: 'records-2026-11-05.jsonl', line: 1, seq: 5, reason: 'missing_line' });
  });

  it('runs retention on its timer and keeps the chain head when every file of an idle tenant expired', async () => {
    const clock = new TestClock(Date.parse('2026-11-01T12:00:00.000Z'));
    const sink = makeSink({ clock: clock.now, retentionDays: 1, retentionIntervalMs: 20 });
    sink.write(auditRecord('idle'));
    sink.write(auditRecord('idle'));
    await sink.flush();
    clock.advance(3 * DAY_MS);
    const dir = path.join(tmp.dir, 'audit', 'idle');
    const deadline = Date.now() + 5000;
    while (readdirSync(dir).some((name) => name.startsWith('records-')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readdirSync(dir).filter((name) => name.startsWith('records-'))).toEqual([]);
    sink.write(auditRecord('idle'));
    await sink.close();
    const lines = parseLines(path.join(dir, 'records-2026-11-04.jsonl'));
    expect(lines.map((line) => line.seq)).toEqual([3]);
    expect((await verifyExit()).code).toBe(0);
  });

  it('bounds the queue: overflow is reported, never silently lost; close() drains everything queued', async () => {
    const drops: DropReason[] = [];
    const depths: number[] = [];
    const sink = makeSink({ maxQueued: 100, onDrop: (_record, reason) => drops.push(reason), onQueueDepth: (depth) => depths.push(depth) });
    for (let i = 0; i < 150; i++) sink.write(auditRecord(i % 2 === 0 ? 'acme' : 'globex'));
    expect(drops).toEqual(Array<DropReason>(50).fill('queue_full'));
    expect(Math.max(...depths)).toBe(100);
    await sink.close();
    expect(depths.at(-1)).toBe(0);
    sink.write(auditRecord('acme'));
    expect(drops.at(-1)).toBe('closed');
    const results = await verifyAuditDir(path.join(tmp.dir, 'audit'), new AuditKeyring([key]));
    expect(results.map((result) => result.records)).toEqual([50, 50]);
  });

  it('loses no record on shutdown under a steady stream of writes', async () => {
    const sink = makeSink({ fsync: 'interval' });
    const written = new Set<string>();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 100; i++) {
        const record = auditRecord(['a', 'b', 'c'][i % 3]!);
        written.add(record.requestId);
        sink.write(record);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await sink.close();
    const found = new Set<string>();
    for (const tenant of ['a', 'b', 'c']) {
      const dir = path.join(tmp.dir, 'audit', tenant);
      for (const name of readdirSync(dir).filter((file) => file.startsWith('records-'))) {
        for (const line of parseLines(path.join(dir, name))) found.add(line.record.requestId);
      }
    }
    expect(found.size).toBe(written.size);
    expect((await verifyExit()).code).toBe(0);
  });

  it('continues the chain after a restart, and after a crash that left half a line', async () => {
    const clock = new TestClock(T0);
    const first = makeSink({ clock: clock.now });
    for (let i = 0; i < 3; i++) first.write(auditRecord('acme'));
    await first.close();
    // Crash: a second process writes and flushes but never closes (no close checkpoint, lock left).
    const crashed = makeSink({ clock: clock.now, lock: false });
    for (let i = 0; i < 3; i++) crashed.write(auditRecord('acme'));
    await crashed.flush();
    sinks.splice(sinks.indexOf(crashed), 1);
    const file = path.join(tmp.dir, 'audit', 'acme', 'records-2026-11-27.jsonl');
    appendFileSync(file, '{"kid":"00","mac":"half a li');
    const errors: string[] = [];
    const third = makeSink({ clock: clock.now, lock: false, onError: (error, { op }) => errors.push(`${op}: ${error.message}`) });
    third.write(auditRecord('acme'));
    await third.close();
    expect(errors).toEqual([expect.stringMatching(/^recover: .*unfinished line.*moved to records-2026-11-27\.jsonl\.partial-\d+$/)]);
    const aside = readdirSync(path.join(tmp.dir, 'audit', 'acme')).find((name) => name.includes('.partial-'))!;
    expect(readFileSync(path.join(tmp.dir, 'audit', 'acme', aside), 'utf8')).toBe('{"kid":"00","mac":"half a li');
    expect(parseLines(file).map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const { code, out } = await verifyExit();
    expect(out).toBe('OK acme: records=7 seq=1..7 files=1 checkpoints=3\n');
    expect(code).toBe(0);
  });

  it('rotates keys: each line names its key; verify needs every key used', async () => {
    const oldKey = key;
    const newerKey = newKey();
    let current = oldKey;
    const sink = makeSink({ key: () => current });
    sink.write(auditRecord('acme'));
    await sink.flush();
    current = newerKey;
    sink.write(auditRecord('acme'));
    await sink.close();
    const file = readdirSync(path.join(tmp.dir, 'audit', 'acme')).find((name) => name.startsWith('records-'))!;
    const lines = parseLines(path.join(tmp.dir, 'audit', 'acme', file));
    expect(lines[0]!.kid).not.toBe(lines[1]!.kid);
    expect((await verifyExit(undefined, [oldKey, newerKey])).code).toBe(0);
    const onlyNew = await verifyExit(undefined, [newerKey]);
    expect(onlyNew.code).toBe(3);
    expect(onlyNew.out).toMatch(/^UNVERIFIED acme: .*unknown_key/);
  });

  it('refuses a second writer on the same directory and a short key', async () => {
    const one = makeSink();
    await one.start();
    const two = makeSink();
    await expect(two.start()).rejects.toBeInstanceOf(AuditDirLockedError);
    const weak = new TenantFileSink({ dir: path.join(tmp.dir, 'weak'), key: () => Buffer.from('short') });
    await expect(weak.start()).rejects.toThrow(/audit key too short/);
  });

  it('retries a failed write without losing or duplicating records', async () => {
    const errors: string[] = [];
    let reported: () => void = () => undefined;
    const firstError = new Promise<void>((resolve) => (reported = resolve));
    let fail = true;
    const sink = makeSink({
      key: () => {
        if (fail) throw new Error('key file unreadable');
        return key;
      },
      retryBaseMs: 10,
      onError: (error) => {
        errors.push(error.message);
        reported();
      },
    });
    const records: AuditRecord[] = [auditRecord('acme'), auditRecord('acme')];
    for (const record of records) sink.write(record);
    // The key is repaired only once a failed attempt has been reported.
    await firstError;
    expect(errors.length).toBeGreaterThan(0);
    fail = false;
    await sink.close();
    const file = readdirSync(path.join(tmp.dir, 'audit', 'acme')).find((name) => name.startsWith('records-'))!;
    expect(parseLines(path.join(tmp.dir, 'audit', 'acme', file)).map((line) => line.record.requestId)).toEqual(records.map((record) => record.requestId));
  });
});
