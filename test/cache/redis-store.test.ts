/**
 * The cache's Redis store against a real redis-server: what one replica stores another finds (exact
 * and semantic), tenant keys carry their hash tag, TTL and the size bound hold, a purge reaches every
 * replica's index, the CLI purges, and a Redis outage is a miss rather than an error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { parseRequest, type CanonicalRequest } from '../../src/llm';
import { cacheSchema, type TenantCachePolicy } from '../../src/cache/config';
import { evalPolicy } from '../../src/cache/eval';
import type { CachedCompletion } from '../../src/cache/entry';
import { runCachePurge } from '../../src/cache/purge-cli';
import { createResponseCache } from '../../src/cache/setup';
import type { ResponseCache } from '../../src/cache/service';
import { startTestRedis, type TestRedis } from '../support/redis';

let redis: TestRedis;
let client: Redis;
const caches: ResponseCache[] = [];
const newCache = (prefix = 'llmgw:cache:'): ResponseCache => {
  // A generous command timeout: these replicas are not testing timeouts, and on a loaded machine a short
  // one can fire before the reply is read, which the cache turns into a miss.
  const cache = createResponseCache(cacheSchema.parse({ redis: { host: redis.host, port: redis.port, keyPrefix: prefix, commandTimeoutMs: 10_000 } }));
  caches.push(cache);
  return cache;
};
const readyCache = async (prefix?: string): Promise<ResponseCache> => {
  const cache = newCache(prefix);
  expect(await cache.ready(5000)).toBe(true);
  return cache;
};

beforeAll(async () => {
  redis = await startTestRedis();
  client = new Redis({ host: redis.host, port: redis.port });
});
afterAll(async () => {
  await Promise.all(caches.map((cache) => cache.close().catch(() => undefined)));
  client.disconnect();
  await redis.cleanup();
});

const request = (question: string): CanonicalRequest => {
  const parsed = parseRequest('openai.chat_completions', Buffer.from(JSON.stringify({ model: 'm', temperature: 0, messages: [{ role: 'user', content: question }] })));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.request;
};
const answer = (text: string): CachedCompletion => ({ v: 1, api: 'openai.chat_completions', model: 'm', text, finish: 'stop', usage: { inputTokens: 3, outputTokens: 5 }, storedAt: 1 });

async function store(cache: ResponseCache, tenant: string, question: string, policy: TenantCachePolicy = evalPolicy()): Promise<void> {
  const found = await cache.lookup({ policy, request: request(question), servedModel: 'm', caller: { tenant } });
  if (found.kind !== 'miss') throw new Error(`expected a miss, got ${found.kind}`);
  await cache.keep(found.plan, answer(`answer to ${question}`));
}
const lookup = (cache: ResponseCache, tenant: string, question: string, policy: TenantCachePolicy = evalPolicy()) =>
  cache.lookup({ policy, request: request(question), servedModel: 'm', caller: { tenant } });
/** Polls `check` until it holds; throws after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** Replicas catch up with each other's entries at most every 250 ms. */
const catchUp = () => new Promise((resolve) => setTimeout(resolve, 300));

it('serves what another replica stored, exactly and semantically, within the tenant only', async () => {
  const [one, two] = [await readyCache(), await readyCache()];
  await store(one, 'acme', 'How do I reset my password?');
  await catchUp();
  expect(await lookup(two, 'acme', 'How do I reset my password?')).toMatchObject({ kind: 'hit', how: 'exact', completion: { text: 'answer to How do I reset my password?', usage: { outputTokens: 5 } } });
  expect(await lookup(two, 'acme', 'how can I reset my password')).toMatchObject({ kind: 'hit', how: 'semantic' });
  expect(await lookup(two, 'globex', 'How do I reset my password?')).toMatchObject({ kind: 'miss' });
  const keys = await client.keys('llmgw:cache:*');
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) expect(key.startsWith('llmgw:cache:{acme}:')).toBe(true);
});

it('expires entries with the TTL and bounds each tenant, least recently used first', async () => {
  const cache = await readyCache('ttl:');
  // Long enough for the lookup right after the store to come before the expiry on a loaded machine too.
  const short = { ...evalPolicy(), ttlMs: 1000 };
  await store(cache, 'acme', 'What are your opening hours?', short);
  expect(await lookup(cache, 'acme', 'What are your opening hours?', short)).toMatchObject({ kind: 'hit' });
  const [entry] = await client.keys('ttl:{acme}:e:*');
  if (!entry) throw new Error('no entry key in Redis');
  // Redis drops the entry when its TTL is up; from then on the cache misses.
  await until(async () => (await client.exists(entry)) === 0, 'the entry to expire');
  expect(await lookup(cache, 'acme', 'What are your opening hours?', short)).toMatchObject({ kind: 'miss' });

  const bounded = { ...evalPolicy(), maxEntries: 2 };
  await store(cache, 'bounded', 'Do you ship to Canada?', bounded);
  await store(cache, 'bounded', 'Do you ship to Mexico?', bounded);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await lookup(cache, 'bounded', 'Do you ship to Canada?', bounded);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await store(cache, 'bounded', 'Do you ship to Peru?', bounded);
  expect(await client.zcard('ttl:{bounded}:z')).toBe(2);
  expect(await lookup(cache, 'bounded', 'Do you ship to Mexico?', bounded)).toMatchObject({ kind: 'miss' });
  expect(await lookup(cache, 'bounded', 'Do you ship to Canada?', bounded)).toMatchObject({ kind: 'hit' });
});

it('a purge empties the tenant on every replica, also from the CLI', async () => {
  const [one, two] = [await readyCache('purge:'), await readyCache('purge:')];
  await store(one, 'acme', 'Can I get a refund?');
  await store(one, 'globex', 'Can I get a refund?');
  await catchUp();
  expect(await lookup(two, 'acme', 'Could I get a refund please?')).toMatchObject({ kind: 'hit', how: 'semantic' });
  expect(await one.purge('acme')).toBe(1);
  await catchUp();
  expect(await lookup(two, 'acme', 'Could I get a refund please?')).toMatchObject({ kind: 'miss' });
  expect(await lookup(two, 'acme', 'Can I get a refund?')).toMatchObject({ kind: 'miss' });
  expect(await lookup(two, 'globex', 'Can I get a refund?')).toMatchObject({ kind: 'hit' });

  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-purge-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, stringify({ server: { tcp: { port: 0 } }, tenants: { acme: {}, globex: {} }, cache: { redis: { host: redis.host, port: redis.port, keyPrefix: 'purge:' } } }));
  const out: string[] = [];
  const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
  expect(await runCachePurge({ tenant: 'globex', config: file }, io)).toBe(0);
  expect(out.join('')).toContain('purged 1 cached answers of tenant globex');
  expect(await runCachePurge({ tenant: 'initech', config: file }, io)).toBe(1);
  expect(await runCachePurge({ tenant: 'globex' }, io)).toBe(2);
  expect(await lookup(two, 'globex', 'Can I get a refund?')).toMatchObject({ kind: 'miss' });
});

it('a Redis outage is a miss and a no-op store, never an error', async () => {
  const outage = await startTestRedis();
  const cache = createResponseCache(cacheSchema.parse({ redis: { host: outage.host, port: outage.port, commandTimeoutMs: 200, connectTimeoutMs: 200 } }));
  try {
    expect(await cache.ready(5000)).toBe(true);
    await store(cache, 'acme', 'Is the store open on Sunday?');
    await outage.kill();
    const found = await lookup(cache, 'acme', 'Is the store open on Sunday?');
    expect(found.kind).toBe('miss');
    if (found.kind === 'miss') await expect(cache.keep(found.plan, answer('x'))).resolves.toBe('stored');
  } finally {
    await cache.close().catch(() => undefined);
    await outage.cleanup();
  }
});
