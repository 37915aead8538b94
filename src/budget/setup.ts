/**
 * The process-wide budget settings (where budgets are kept and what happens when Redis is down) and
 * the factory that builds the service from them. Per-tenant limits are `budgetLimitsSchema`.
 */
import { z } from 'zod';
import { createRedisClient, redisConnectionSchema, RedisBudgetStore, type RedisClientOptions } from './redis-store';
import { BudgetService } from './service';
import type { BudgetEvents } from './service-types';

export const budgetStoreSchema = z.strictObject({
  /** Shared budgets across replicas. Without it budgets are kept in each process (one replica). */
  redis: redisConnectionSchema.optional(),
  /**
   * While Redis is unreachable: `failOpen` decides on this process's own limits (budgets are cost
   * control; local limits still bound spend), `failClosed` answers 503.
   */
  onRedisFailure: z.enum(['failOpen', 'failClosed']).default('failOpen'),
  /** Fail-open: the share of each limit one process enforces alone (e.g. 1/replicas). */
  localShare: z.number().gt(0).max(1).default(1),
  /** Holds of a reservation expire this long after reserve or the last renew (crashed sidecars). */
  reservationTtlSeconds: z.number().positive().max(3600).default(60),
  /** Settlements kept in memory while Redis is down, replayed when it is back. */
  maxPendingSettles: z.number().int().min(0).default(10_000),
  /** How often a down Redis is probed. */
  probeIntervalMs: z.number().int().positive().default(1000),
});

export type BudgetStoreInput = z.input<typeof budgetStoreSchema>;
export type BudgetStoreConfig = z.output<typeof budgetStoreSchema>;

export interface CreateBudgetServiceOptions extends RedisClientOptions {
  readonly events?: BudgetEvents;
  readonly clock?: () => number;
}

export function createBudgetService(config: BudgetStoreConfig, options: CreateBudgetServiceOptions = {}): BudgetService {
  const shared = config.redis ? new RedisBudgetStore(createRedisClient(config.redis, options)) : undefined;
  return new BudgetService({
    ...(shared ? { shared } : {}),
    ...(config.redis ? { keyPrefix: config.redis.keyPrefix } : {}),
    onSharedFailure: config.onRedisFailure,
    localShare: config.localShare,
    reservationTtlMs: Math.round(config.reservationTtlSeconds * 1000),
    maxPendingSettles: config.maxPendingSettles,
    probeIntervalMs: config.probeIntervalMs,
    ...(options.events ? { events: options.events } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
