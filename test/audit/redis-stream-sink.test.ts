/** The Redis Streams audit sink against a real, throwaway redis-server. */
import { Redis } from 'ioredis';
import { createRedisClient, redisConnectionSchema } from '../../src/budget/redis-store';
import type { DropReason } from '../../src/audit/file-sink';
import type { AuditRecord } from '../../src/audit/record';
import { auditStreamKey, RedisStreamSink, type RedisStreamSinkOptions } from '../../src/audit/redis-stream-sink';
import { startTestRedis, type TestRedis } from '../support/redis';
import { auditRecord } from './helpers';

describe('RedisStreamSink', () => {
  let redis: TestRedis;
  let reader: Redis;
  const sinks: RedisStreamSink[] = [];

  beforeAll(async () => {
    redis = await startTestRedis({ persistence: 'aof-always' });
    reader = new Redis({ host: redis.host, port: redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  });
  afterEach(async () => {
    for (const sink of sinks.splice(0)) await sink.close();
  });
  afterAll(async () => {
    reader.disconnect();
    await redis.cleanup();
  });

  function makeSink(options: Partial<RedisStreamSinkOptions> = {}): RedisStreamSink {
    // Generous timeouts: these cases do not test them, and a command timing out on a loaded machine after
    // Redis added the batch makes the sink retry it, which adds the records twice (at least once delivery).
    const client = createRedisClient(redisConnectionSchema.parse({ host: redis.host, port: redis.port, commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 }));
    const sink = new RedisStreamSink({ client, keyPrefix: `t${sinks.length}-${Date.now()}:`, retryBaseMs: 20, retryMaxMs: 100, ...options });
    sinks.push(sink);
    return sink;
  }

  async function stream(key: string): Promise<AuditRecord[]> {
    const entries = await reader.xrange(key, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('record') + 1]!) as AuditRecord);
  }

  it('adds each record to its own tenant’s stream, in order, and never to another’s', async () => {
    const prefix = `iso-${Date.now()}:`;
    const sink = makeSink({ keyPrefix: prefix });
    const sent: AuditRecord[] = [];
    for (let i = 0; i < 60; i++) {
      const record = auditRecord(['acme', 'globex', null][i % 3]!);
      sent.push(record);
      sink.write(record);
    }
    await sink.flush();
    expect((await reader.keys(`${prefix}*`)).sort()).toEqual([`${prefix}{_unidentified}`, `${prefix}{acme}`, `${prefix}{globex}`]);
    for (const tenant of ['acme', 'globex', null]) {
      const got = await stream(auditStreamKey(prefix, tenant));
      expect(got.map((record) => record.requestId)).toEqual(sent.filter((record) => record.tenant === tenant).map((record) => record.requestId));
      expect(got.every((record) => record.tenant === tenant)).toBe(true);
    }
  });

  it('trims each stream approximately to maxLen', async () => {
    const prefix = `trim-${Date.now()}:`;
    const sink = makeSink({ keyPrefix: prefix, maxLen: 10 });
    for (let i = 0; i < 600; i++) sink.write(auditRecord('acme'));
    await sink.flush();
    const length = await reader.xlen(auditStreamKey(prefix, 'acme'));
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(600);
  });

  it('keeps records queued through a Redis restart and delivers every one of them', async () => {
    const prefix = `outage-${Date.now()}:`;
    const errors: string[] = [];
    let failed: () => void = () => undefined;
    const firstError = new Promise<void>((resolve) => (failed = resolve));
    const sink = makeSink({
      keyPrefix: prefix,
      onError: (error) => {
        errors.push(error.message);
        failed();
      },
    });
    for (let i = 0; i < 20; i++) sink.write(auditRecord('acme'));
    await sink.flush();
    await redis.kill();
    for (let i = 0; i < 30; i++) sink.write(auditRecord('acme'));
    // A send has failed against the dead server (however long that takes to show): the records stay queued.
    await firstError;
    expect(sink.queueDepth).toBe(30);
    expect(errors.length).toBeGreaterThan(0);
    await redis.restart();
    await sink.flush();
    const got = await stream(auditStreamKey(prefix, 'acme'));
    expect(got).toHaveLength(50);
    expect(new Set(got.map((record) => record.requestId)).size).toBe(50);
  });

  it('bounds the queue while Redis is away and reports what a flush could not deliver', async () => {
    const drops: DropReason[] = [];
    const client = createRedisClient(redisConnectionSchema.parse({ host: '127.0.0.1', port: 1, commandTimeoutMs: 100, connectTimeoutMs: 100 }));
    const sink = new RedisStreamSink({ client, maxQueued: 5, flushTimeoutMs: 300, retryBaseMs: 20, onDrop: (_record, reason) => drops.push(reason) });
    for (let i = 0; i < 8; i++) sink.write(auditRecord('acme'));
    expect(drops).toEqual(['queue_full', 'queue_full', 'queue_full']);
    await sink.close();
    expect(drops).toEqual([...Array<DropReason>(3).fill('queue_full'), ...Array<DropReason>(5).fill('flush_timeout')]);
    sink.write(auditRecord('acme'));
    expect(drops.at(-1)).toBe('closed');
  });
});
