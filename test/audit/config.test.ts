/** The audit config schema, the sink factory with per-tenant routing and retention, the fan-out, key files. */
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { auditKeyId, AuditKeyring } from '../../src/audit/chain';
import { auditSinksSchema, createAuditSinks, type AuditSinkName } from '../../src/audit/config';
import { FanoutSink } from '../../src/audit/fanout';
import { auditKeyFromFile } from '../../src/audit/key-file';
import type { AuditRecord } from '../../src/audit/record';
import { MemorySink, type AuditSink } from '../../src/audit/sink';
import { verifyAuditDir } from '../../src/audit/verify';
import { FakeS3 } from './fake-s3';
import { auditRecord, DAY_MS, newKey, tempDir, TestClock, writeKeyFile, type TempDir } from './helpers';

describe('audit sinks config', () => {
  it('defaults to stdout only, and reports routes to sinks that are not configured', () => {
    expect(auditSinksSchema.parse({})).toEqual({ stdout: true, routes: { tenants: {} } });
    const result = auditSinksSchema.safeParse({
      stdout: false,
      files: { dir: 'a', keyFile: 'k' },
      routes: { default: ['stdout', 'files'], tenants: { acme: ['s3'] } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['routes.default.0', 'sink "stdout" is not configured'],
      ['routes.tenants.acme.0', 'sink "s3" is not configured'],
    ]);
  });

  it('refuses inline secrets and unknown fields', () => {
    const base = { endpoint: 'https://s3.example', region: 'r', bucket: 'bucket', accessKeyId: { env: 'AK' }, secretAccessKey: { file: '/s' } };
    expect(auditSinksSchema.safeParse({ s3: base }).success).toBe(true);
    expect(auditSinksSchema.safeParse({ s3: { ...base, secretAccessKey: 'inline' } }).success).toBe(false);
    expect(auditSinksSchema.safeParse({ files: { dir: 'a', keyFile: 'k', retention: 3 } }).success).toBe(false);
  });
});

describe('createAuditSinks', () => {
  let tmp: TempDir;
  let s3: FakeS3;
  const s3Creds = { accessKeyId: 'AKIDCFG', secretAccessKey: 'cfg-secret' };

  beforeEach(async () => {
    tmp = tempDir();
    s3 = new FakeS3({ ...s3Creds, region: 'eu-west-1', buckets: ['audit'] });
    await s3.start();
  });
  afterEach(async () => {
    await s3.stop();
    tmp.cleanup();
  });

  it('routes each tenant to its sinks, applies per-tenant retention and reports per sink', async () => {
    const key = newKey();
    writeKeyFile(tmp.dir, key, 'audit.key');
    const stdout: string[] = [];
    const clock = new TestClock(Date.parse('2026-11-01T12:00:00.000Z'));
    const written: Partial<Record<AuditSinkName, number>> = {};
    const config = auditSinksSchema.parse({
      stdout: true,
      files: { dir: 'audit', keyFile: 'audit.key', perTenant: { trial: { retentionDays: 1 } } },
      s3: {
        endpoint: s3.endpoint,
        region: 'eu-west-1',
        bucket: 'audit',
        accessKeyId: { env: 'TEST_AK' },
        secretAccessKey: { env: 'TEST_SK' },
        writerId: 'w1',
      },
      routes: { default: ['stdout', 'files'], tenants: { acme: ['files', 's3'] } },
    });
    const sinks = createAuditSinks(config, {
      baseDir: tmp.dir,
      clock: clock.now,
      stdout: { write: (chunk, callback) => (stdout.push(chunk), callback(), true) },
      readSecret: (source) => ('env' in source ? (source.env === 'TEST_AK' ? s3Creds.accessKeyId : s3Creds.secretAccessKey) : ''),
      hooks: { written: (sink, _tenant, count) => (written[sink] = (written[sink] ?? 0) + count) },
    });
    await sinks.start();
    const records: AuditRecord[] = [auditRecord('acme'), auditRecord('globex'), auditRecord(null), auditRecord('trial')];
    for (const record of records) sinks.sink.write(record);
    await sinks.sink.flush();

    // stdout: everyone but acme; files: everyone; s3: acme only.
    expect(stdout.map((line) => (JSON.parse(line) as AuditRecord).tenant)).toEqual(['globex', null, 'trial']);
    expect(readdirSync(path.join(tmp.dir, 'audit')).filter((name) => !name.startsWith('.')).sort()).toEqual(['_unidentified', 'acme', 'globex', 'trial']);
    expect(s3.list().map((id) => id.split('/')[1])).toEqual(['acme']);
    const object = s3.objects.get(s3.list()[0]!)!;
    expect(JSON.parse(gunzipSync(object.body).toString('utf8')).tenant).toBe('acme');
    // The object mac uses the files key by default.
    expect(object.headers['x-amz-meta-llmgw-kid']).toBe(auditKeyId(key));
    expect(written).toEqual({ files: 4, s3: 1 });

    // Three days later the trial tenant's files are past its 1-day retention; the others have none.
    clock.advance(3 * DAY_MS);
    expect(await sinks.files!.runRetention()).toBe(1);
    const results = await verifyAuditDir(path.join(tmp.dir, 'audit'), new AuditKeyring([key]));
    expect(results.map((result) => [result.tenant, result.status, result.records])).toEqual([
      [null, 'ok', 1],
      ['acme', 'ok', 1],
      ['globex', 'ok', 1],
      ['trial', 'ok', 0],
    ]);
    await sinks.close();
  });

  it('fails at startup on a short audit key or a missing S3 secret', () => {
    writeFileSync(path.join(tmp.dir, 'short.key'), 'abc\n');
    expect(() => createAuditSinks(auditSinksSchema.parse({ files: { dir: 'a', keyFile: 'short.key' } }), { baseDir: tmp.dir })).toThrow(/audit key too short/);
    const s3Config = auditSinksSchema.parse({ s3: { endpoint: s3.endpoint, region: 'r', bucket: 'audit', accessKeyId: { file: 'missing' }, secretAccessKey: { file: 'missing' } } });
    expect(() => createAuditSinks(s3Config, { baseDir: tmp.dir })).toThrow(/ENOENT/);
  });
});

describe('FanoutSink', () => {
  it('keeps one failing sink from stopping the others, and flushes and closes every sink', async () => {
    const good = new MemorySink();
    const errors: string[] = [];
    let closed = false;
    const bad: AuditSink & { close(): Promise<void> } = {
      write: () => {
        throw new Error('disk on fire');
      },
      flush: () => Promise.reject(new Error('cannot flush')),
      close: async () => {
        closed = true;
      },
    };
    const fanout = new FanoutSink({ good, bad }, {}, (error, sink) => errors.push(`${sink}: ${error.message}`));
    fanout.write(auditRecord('acme'));
    expect(good.records).toHaveLength(1);
    await fanout.flush();
    await fanout.close();
    expect(closed).toBe(true);
    expect(errors).toEqual(['bad: disk on fire', 'bad: cannot flush']);
    expect(() => new FanoutSink({ good }, { tenants: { acme: ['nope'] } })).toThrow(/not configured/);
  });
});

describe('auditKeyFromFile', () => {
  it('picks up a rotated key file and keeps the last good key over a broken one', () => {
    const tmp = tempDir();
    try {
      const clock = new TestClock(0);
      const first = newKey();
      const file = writeKeyFile(tmp.dir, first);
      const errors: string[] = [];
      const key = auditKeyFromFile(file, { clock: clock.now }, (error) => errors.push(error.message));
      expect(key().equals(first)).toBe(true);
      const second = newKey();
      writeKeyFile(tmp.dir, second);
      expect(key().equals(first)).toBe(true); // not checked again yet
      clock.advance(1000);
      expect(key().equals(second)).toBe(true);
      writeFileSync(file, 'short');
      clock.advance(1000);
      expect(key().equals(second)).toBe(true);
      expect(errors).toEqual([expect.stringMatching(/too short/)]);
    } finally {
      tmp.cleanup();
    }
  });
});
