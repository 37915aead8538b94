/** SigV4 signing (AWS's published examples) and the object sink against a signature-checking fake S3. */
import { gunzipSync } from 'node:zlib';
import { deriveAuditKey } from '../../src/audit/chain';
import type { DropReason } from '../../src/audit/file-sink';
import type { AuditRecord } from '../../src/audit/record';
import { encodeS3Path, s3PutObject, S3Error, sha256Hex, signV4, type SigV4Credentials } from '../../src/audit/s3';
import { objectMac, S3AuditSink, type S3SinkOptions } from '../../src/audit/s3-sink';
import { auditRecord, DAY_MS, newKey, TestClock } from './helpers';
import { FakeS3 } from './fake-s3';

const EXAMPLE: SigV4Credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('SigV4', () => {
  // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html (example calculations)
  it('reproduces the GET Object example', () => {
    const { signature, headers } = signV4(
      {
        method: 'GET',
        host: 'examplebucket.s3.amazonaws.com',
        path: encodeS3Path(undefined, 'test.txt'),
        headers: { range: 'bytes=0-9' },
        payloadHash: sha256Hex(''),
        region: 'us-east-1',
        service: 's3',
        time: new Date('2013-05-24T00:00:00Z'),
      },
      EXAMPLE,
    );
    expect(signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('reproduces the PUT Object example (a key that needs encoding)', () => {
    const body = 'Welcome to Amazon S3.';
    const { signature } = signV4(
      {
        method: 'PUT',
        host: 'examplebucket.s3.amazonaws.com',
        path: encodeS3Path(undefined, 'test$file.text'),
        headers: { date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
        payloadHash: sha256Hex(body),
        region: 'us-east-1',
        service: 's3',
        time: new Date('2013-05-24T00:00:00Z'),
      },
      EXAMPLE,
    );
    expect(sha256Hex(body)).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    expect(signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
  });

  it('encodes keys once, keeping slashes', () => {
    expect(encodeS3Path('bucket', 'a b/c+d/é(1)*.gz')).toBe('/bucket/a%20b/c%2Bd/%C3%A9%281%29%2A.gz');
  });
});

describe('S3AuditSink', () => {
  let s3: FakeS3;
  const credentials: SigV4Credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret/with+chars', sessionToken: 'session-token' };
  const sinks: S3AuditSink[] = [];

  beforeEach(async () => {
    s3 = new FakeS3({ ...credentials, region: 'eu-west-1', buckets: ['audit-bucket'] });
    await s3.start();
  });
  afterEach(async () => {
    for (const sink of sinks.splice(0)) await sink.close();
    await s3.stop();
  });

  function makeSink(options: Partial<S3SinkOptions> = {}, creds: () => SigV4Credentials = () => credentials): S3AuditSink {
    const sink = new S3AuditSink({
      target: { endpoint: s3.endpoint, region: 'eu-west-1', bucket: 'audit-bucket', credentials: creds, timeoutMs: 2000 },
      prefix: 'audit/',
      writerId: 'pod-a',
      retryBaseMs: 10,
      retryMaxMs: 50,
      ...options,
    });
    sinks.push(sink);
    return sink;
  }

  function objectRecords(id: string): AuditRecord[] {
    const text = gunzipSync(s3.objects.get(id)!.body).toString('utf8');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditRecord);
  }

  it('puts one gzip JSONL object per tenant and day, signed, never mixing tenants', async () => {
    const clock = new TestClock(Date.parse('2026-11-27T10:20:30.000Z'));
    const key = newKey();
    const sink = makeSink({ clock: clock.now, key: () => key });
    const sent: AuditRecord[] = [];
    for (let i = 0; i < 30; i++) {
      const record = auditRecord(['acme', 'globex', null][i % 3]!);
      sent.push(record);
      sink.write(record);
    }
    await sink.flush();
    expect(s3.log.every((entry) => entry.status === 200)).toBe(true);
    expect(s3.list()).toEqual([
      'audit-bucket/audit/_unidentified/2026/11/27/102030-pod-a-000003.jsonl.gz',
      'audit-bucket/audit/acme/2026/11/27/102030-pod-a-000001.jsonl.gz',
      'audit-bucket/audit/globex/2026/11/27/102030-pod-a-000002.jsonl.gz',
    ]);
    for (const [tenant, dir] of [
      ['acme', 'acme'],
      ['globex', 'globex'],
      [null, '_unidentified'],
    ] as const) {
      const id = s3.list(`audit-bucket/audit/${dir}/`)[0]!;
      const records = objectRecords(id);
      expect(records.map((record) => record.requestId)).toEqual(sent.filter((record) => record.tenant === tenant).map((record) => record.requestId));
      const { headers, body } = s3.objects.get(id)!;
      expect(headers['if-none-match']).toBe('*');
      expect(headers['x-amz-meta-llmgw-records']).toBe('10');
      expect(headers['x-amz-meta-llmgw-mac']).toBe(objectMac(deriveAuditKey(key).recordKey, id.slice('audit-bucket/'.length), body));
    }
  });

  it('seals a batch at the record bound, at its age, and when the UTC day turns', async () => {
    const clock = new TestClock(Date.parse('2026-11-27T23:59:58.000Z'));
    const sink = makeSink({ clock: clock.now, maxBatchRecords: 3, maxBatchAgeMs: 50 });
    for (let i = 0; i < 4; i++) sink.write(auditRecord('acme')); // 3 sealed by count, 1 open
    clock.advance(5000); // next day: the open batch is sealed by the first record of the day
    sink.write(auditRecord('acme'));
    clock.advance(100);
    const deadline = Date.now() + 3000;
    // The last one is sealed by age (the timer), without a flush.
    // The fake stores an object before the sink has read its reply: wait for both sides to settle.
    while ((s3.list().length < 3 || sink.queueDepth > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s3.list().map((id) => [id.split('/').slice(2, 6).join('/'), objectRecords(id).length])).toEqual([
      ['acme/2026/11/27', 3],
      ['acme/2026/11/27', 1],
      ['acme/2026/11/28', 1],
    ]);
    expect(sink.queueDepth).toBe(0);
  });

  it('retries 5xx, throttling and dropped connections with backoff; a lost reply does not duplicate', async () => {
    const errors: string[] = [];
    const written: number[] = [];
    const sink = makeSink({ onError: (error) => errors.push(error.message), onWritten: (_tenant, count) => written.push(count) });
    s3.failNext.push({ status: 503, code: 'SlowDown' }, 'reset', { status: 500, code: 'InternalError' }, 'lose-reply');
    for (let i = 0; i < 5; i++) sink.write(auditRecord('acme'));
    await sink.flush();
    expect(s3.list()).toHaveLength(1);
    expect(objectRecords(s3.list()[0]!)).toHaveLength(5);
    expect(written).toEqual([5]);
    expect(errors).toEqual([
      expect.stringMatching(/503 SlowDown/),
      expect.stringMatching(/socket hang up|ECONNRESET/),
      expect.stringMatching(/500 InternalError/),
      expect.stringMatching(/socket hang up|ECONNRESET/),
    ]);
    // The retry after the lost reply met If-None-Match and counted as done.
    expect(s3.log.map((entry) => entry.code ?? entry.status)).toEqual(['SlowDown', 'reset', 'InternalError', 200, 'PreconditionFailed']);
  });

  it('is refused with wrong credentials and recovers when they are rotated', async () => {
    let creds: SigV4Credentials = { ...credentials, secretAccessKey: 'wrong' };
    const errors: string[] = [];
    let refused: () => void = () => undefined;
    const firstError = new Promise<void>((resolve) => (refused = resolve));
    const sink = makeSink(
      {
        onError: (error) => {
          errors.push(error.message);
          refused();
        },
      },
      () => creds,
    );
    sink.write(auditRecord('acme'));
    const flushed = sink.flush();
    // The first PUT's refusal, however long the round trip takes; only then are the keys rotated.
    await firstError;
    expect(errors[0]).toMatch(/403 SignatureDoesNotMatch/);
    expect(s3.list()).toEqual([]);
    creds = credentials;
    await flushed;
    expect(s3.list()).toHaveLength(1);
  });

  it('bounds its buffer and reports what close() could not upload', async () => {
    const drops: DropReason[] = [];
    await s3.stop();
    const sink = makeSink({ maxBuffered: 4, flushTimeoutMs: 300, onDrop: (_record, reason) => drops.push(reason) });
    for (let i = 0; i < 6; i++) sink.write(auditRecord(i % 2 === 0 ? 'acme' : 'globex'));
    expect(drops).toEqual(['queue_full', 'queue_full']);
    await sink.close();
    expect(drops).toEqual(['queue_full', 'queue_full', 'flush_timeout', 'flush_timeout', 'flush_timeout', 'flush_timeout']);
    expect(sink.queueDepth).toBe(0);
    sink.write(auditRecord('acme'));
    expect(drops.at(-1)).toBe('closed');
  });

  it('s3PutObject reports S3 errors with status, code and whether to retry', async () => {
    const target = { endpoint: s3.endpoint, region: 'eu-west-1', bucket: 'no-such-bucket', credentials: () => credentials };
    const error = await s3PutObject(target, 'k', Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ status: 404, code: 'NoSuchBucket', retryable: false });
    const skewed = await s3PutObject({ ...target, bucket: 'audit-bucket', clock: () => Date.now() - DAY_MS }, 'k', Buffer.from('x')).catch((e: unknown) => e);
    expect(skewed).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed', retryable: true });
  });
});
