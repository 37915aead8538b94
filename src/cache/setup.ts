/**
 * Builds the response cache from the startup config: Redis (the budgets' connection settings and client
 * factory, the cache's own key prefix) when configured, otherwise memory. Process-wide: a reload cannot
 * move the store, like the budget store.
 */
import { createRedisClient, type RedisClientOptions } from '../budget/redis-store';
import type { CacheConfig } from './config';
import { RedisCacheStore } from './redis-store';
import { ResponseCache } from './service';
import { MemoryCacheStore } from './store';

export interface CreateCacheOptions extends RedisClientOptions {
  /** Redis failures (the operation then misses); for metrics and logs. */
  readonly onError?: (operation: string, error: unknown) => void;
}

export function createResponseCache(config: CacheConfig, options: CreateCacheOptions = {}): ResponseCache {
  if (!config.redis) return new ResponseCache(new MemoryCacheStore());
  const client = createRedisClient(config.redis, options);
  // ioredis reports connection errors as events; without a listener Node would treat them as fatal.
  client.on('error', (error: unknown) => options.onError?.('connection', error));
  return new ResponseCache(new RedisCacheStore(client, { keyPrefix: config.redis.keyPrefix, ...(options.onError ? { onError: options.onError } : {}) }));
}
