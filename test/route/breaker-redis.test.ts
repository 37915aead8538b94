/**
 * Breakers shared through a real redis-server: two boards (two replicas) count failures together, an
 * opening by one is seen by the other, a probe success on one closes it for both; Redis going away
 * leaves each board on its own state.
 */
import { Redis } from 'ioredis';
import { BreakerBoard, step, CLOSED, type BreakerSettings, type BreakerState } from '../../src/route/breaker';
import { RedisBreakerStore } from '../../src/route/breaker-redis';
import { startTestRedis, type TestRedis } from '../support/redis';

const settings: BreakerSettings = { consecutiveFailures: 4, errorRate: 0.5, minRequests: 10, windowSeconds: 60, openSeconds: 30, halfOpenProbes: 1 };

let redis: TestRedis;
const clients: Redis[] = [];
const client = async (): Promise<Redis> => {
  // A generous command timeout: these tests are not about timeouts, and on a loaded machine a stalled
  // event loop can fire a short one before the reply is read, which looks like Redis failing.
  const created = new Redis({ host: redis.host, port: redis.port, maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: 10_000, lazyConnect: true });
  clients.push(created);
  await created.connect();
  return created;
};

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.cleanup();
});

describe('RedisBreakerStore', () => {
  it('runs the same state machine as step()', async () => {
    const store = new RedisBreakerStore(await client(), 'test:sm:');
    const outcomes: Array<[number, boolean]> = [[1, false], [2, true], [3, false], [4, false], [5, false], [6, false], [7, true], [30_006, false], [60_006, true], [60_007, false]];
    let expected: BreakerState = CLOSED;
    for (const [at, ok] of outcomes) {
      expected = step(expected, ok, at, settings);
      await expect(store.record('p/m', ok, at, settings)).resolves.toEqual(expected);
    }
  });

  it('shares failures and openings between replicas, and a probe success closes it for both', async () => {
    let now = 1_000_000;
    const clock = (): number => now;
    const a = new BreakerBoard(() => settings, { shared: new RedisBreakerStore(await client(), 'test:share:'), clock });
    const b = new BreakerBoard(() => settings, { shared: new RedisBreakerStore(await client(), 'test:share:'), clock });
    // Two failures on each replica: four in a row as Redis counts them.
    a.record('oai/gpt', 'closed', false);
    b.record('oai/gpt', 'closed', false);
    a.record('oai/gpt', 'closed', false);
    b.record('oai/gpt', 'closed', false);
    await Promise.all([a.settled(), b.settled()]);
    await a.sync();
    await b.sync();
    expect([a.phase('oai/gpt'), b.phase('oai/gpt')]).toEqual(['open', 'open']);
    now += 30_000;
    const probe = a.tryAcquire('oai/gpt');
    expect(probe).toBe('probe');
    a.record('oai/gpt', 'probe', true);
    // The local phase turns closed at once; the shared write behind it must land before b reads.
    await a.settled();
    await b.sync();
    expect(b.phase('oai/gpt')).toBe('closed');
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps deciding locally while Redis is down', async () => {
    const errors: unknown[] = [];
    const dead = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    const board = new BreakerBoard(() => settings, { shared: new RedisBreakerStore(dead, 'test:dead:'), events: { sharedError: (error) => errors.push(error) } });
    for (let i = 0; i < 4; i += 1) board.record('p/m', 'closed', false);
    expect(board.phase('p/m')).toBe('open');
    // Each failed write reports its error before the write counts as settled.
    await board.settled();
    expect(errors).toHaveLength(4);
    await board.close();
  });
});
