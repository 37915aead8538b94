/**
 * The cache in Redis, shared by every replica. Keys of one tenant carry its hash tag, so a tenant's
 * commands touch one slot (Cluster-safe scripts):
 *   <prefix>{<tenant>}:e:<id>  the answer (JSON), with the tenant's TTL
 *   <prefix>{<tenant>}:z       sorted set id -> last use (ms, Redis clock): size bound and LRU eviction
 *   <prefix>{<tenant>}:v       hash id -> semantic record (vector, partition, word hashes)
 *   <prefix>{<tenant>}:gen     bumped by a purge, so every replica drops its mirror of the index
 * Each process mirrors a tenant's vectors in a SemanticIndex and catches up with what other replicas
 * stored (entries used since its last sync) at most every SYNC_INTERVAL_MS. A failing Redis makes
 * lookups misses and stores no-ops: the cache never fails a request.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { parseCachedCompletion, type CachedCompletion, type SemanticRecord } from './entry';
import { decodeVector, encodeVector, type Vector } from './embed/types';
import { SemanticIndex, type Candidate } from './vector-index';
import type { CacheStore, PutOptions } from './store';

const SYNC_INTERVAL_MS = 250;
const SYNC_BATCH = 1000;

const PUT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
redis.call('ZADD', KEYS[2], now, ARGV[1])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[5]) else redis.call('HDEL', KEYS[3], ARGV[1]) end
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - ttl, 'LIMIT', 0, 256)
for _, id in ipairs(stale) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('DEL', ARGV[6] .. id)
end
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #oldest, 2 do
    redis.call('HDEL', KEYS[3], oldest[i])
    redis.call('DEL', ARGV[6] .. oldest[i])
  end
end
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return now
`;

const PURGE_SCRIPT = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for i = 1, #ids, 500 do
  local batch = {}
  for j = i, math.min(i + 499, #ids) do batch[#batch + 1] = ARGV[1] .. ids[j] end
  redis.call('DEL', unpack(batch))
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('INCR', KEYS[3])
return #ids
`;

interface Mirror {
  readonly index: SemanticIndex;
  generation: string | null;
  /** Last-use score up to which this mirror has read the sorted set. */
  cursor: number;
  syncedAt: number;
  syncing?: Promise<void>;
}

interface StoredRecord {
  readonly p: string;
  readonly v: string;
  readonly w: readonly number[];
  readonly q: readonly number[];
  readonly c: readonly number[];
}

export interface RedisCacheStoreOptions {
  readonly keyPrefix: string;
  /** Called on every Redis failure with the operation (metrics, logs); the operation then misses. */
  readonly onError?: (operation: string, error: unknown) => void;
}

export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;
  private readonly mirrors = new Map<string, Mirror>();
  private readonly shas = new Map<string, string>();

  constructor(
    private readonly client: Redis | Cluster,
    private readonly options: RedisCacheStoreOptions,
  ) {}

  async get(tenant: string, id: string): Promise<CachedCompletion | undefined> {
    try {
      const text = await this.client.get(this.key(tenant, `e:${id}`));
      if (text === null) return undefined;
      // Recency for the LRU bound; not waited for.
      this.client.zadd(this.key(tenant, 'z'), 'XX', Date.now(), id).catch((error: unknown) => this.options.onError?.('touch', error));
      return parseCachedCompletion(text);
    } catch (error) {
      this.options.onError?.('get', error);
      return undefined;
    }
  }

  async put(tenant: string, id: string, completion: CachedCompletion, semantic: SemanticRecord | undefined, options: PutOptions): Promise<void> {
    const record: StoredRecord | undefined = semantic ? { p: semantic.partition, v: encodeVector(semantic.vector), w: semantic.words, q: semantic.positions, c: semantic.connectors } : undefined;
    try {
      await this.script(
        PUT_SCRIPT,
        [this.key(tenant, `e:${id}`), this.key(tenant, 'z'), this.key(tenant, 'v')],
        [id, JSON.stringify(completion), String(Math.max(1, Math.round(options.ttlMs))), String(options.maxEntries), record ? JSON.stringify(record) : '', this.key(tenant, 'e:')],
      );
      if (semantic) this.mirrors.get(tenant)?.index.add({ id, ...semantic });
    } catch (error) {
      this.options.onError?.('put', error);
    }
  }

  async search(tenant: string, partition: string, query: Vector, minScore: number, limit: number): Promise<Candidate[]> {
    const mirror = await this.synced(tenant);
    return mirror ? mirror.index.search(partition, query, minScore, limit) : [];
  }

  forget(tenant: string, id: string): void {
    this.mirrors.get(tenant)?.index.remove(id);
    const multi = this.client.multi();
    multi.zrem(this.key(tenant, 'z'), id);
    multi.hdel(this.key(tenant, 'v'), id);
    multi.exec().catch((error: unknown) => this.options.onError?.('forget', error));
  }

  async purge(tenant: string): Promise<number> {
    const removed = await this.script(PURGE_SCRIPT, [this.key(tenant, 'z'), this.key(tenant, 'v'), this.key(tenant, 'gen')], [this.key(tenant, 'e:')]);
    this.mirrors.delete(tenant);
    return Number(removed);
  }

  /** Commands fail at once while disconnected (no offline queue): startup waits for the connection once. */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.client.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.mirrors.clear();
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** The tenant's mirror, caught up with Redis when the last sync is older than SYNC_INTERVAL_MS. */
  private async synced(tenant: string): Promise<Mirror | undefined> {
    let mirror = this.mirrors.get(tenant);
    if (!mirror) {
      mirror = { index: new SemanticIndex(), generation: null, cursor: 0, syncedAt: 0 };
      this.mirrors.set(tenant, mirror);
    }
    if (Date.now() - mirror.syncedAt >= SYNC_INTERVAL_MS) {
      const current = mirror;
      current.syncing ??= this.sync(tenant, current).finally(() => {
        current.syncing = undefined;
      });
      try {
        await current.syncing;
      } catch (error) {
        this.options.onError?.('sync', error);
        return undefined;
      }
    }
    return mirror;
  }

  private async sync(tenant: string, mirror: Mirror): Promise<void> {
    for (;;) {
      const [generation, page] = await Promise.all([
        this.client.get(this.key(tenant, 'gen')),
        this.client.zrangebyscore(this.key(tenant, 'z'), mirror.cursor, '+inf', 'WITHSCORES', 'LIMIT', 0, SYNC_BATCH),
      ]);
      if (generation !== mirror.generation) {
        // A purge (here or on another replica): start over from an empty index.
        mirror.index.clear();
        mirror.generation = generation;
        if (mirror.cursor !== 0) {
          mirror.cursor = 0;
          continue;
        }
      }
      const fresh: string[] = [];
      const from = mirror.cursor;
      let highest = from;
      for (let i = 0; i + 1 < page.length; i += 2) {
        const id = page[i] as string;
        highest = Math.max(highest, Number(page[i + 1]));
        if (!mirror.index.has(id)) fresh.push(id);
      }
      if (fresh.length > 0) {
        const records = await this.client.hmget(this.key(tenant, 'v'), ...fresh);
        records.forEach((text, i) => {
          const record = text === null ? undefined : parseRecord(text);
          const vector = record ? decodeVector(record.v) : undefined;
          if (record && vector) mirror.index.add({ id: fresh[i] as string, partition: record.p, vector, words: record.w, positions: record.q, connectors: record.c });
        });
      }
      mirror.cursor = highest;
      mirror.syncedAt = Date.now();
      // A full page whose entries all share the cursor's score cannot advance it: the next sync goes on.
      if (page.length < SYNC_BATCH * 2 || highest === from) return;
    }
  }

  private key(tenant: string, suffix: string): string {
    return `${this.options.keyPrefix}{${tenant}}:${suffix}`;
  }

  private async script(source: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    let sha = this.shas.get(source);
    if (!sha) {
      sha = createHash('sha1').update(source).digest('hex');
      this.shas.set(source, sha);
    }
    try {
      return await this.client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return this.client.eval(source, keys.length, ...keys, ...args);
    }
  }
}

function parseRecord(text: string): StoredRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<StoredRecord>;
    if (typeof value.p !== 'string' || typeof value.v !== 'string' || !Array.isArray(value.w) || !Array.isArray(value.q) || !Array.isArray(value.c)) return undefined;
    return value as StoredRecord;
  } catch {
    return undefined;
  }
}
