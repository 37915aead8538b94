/**
 * The process-wide routing state (breakers, key cool-downs), built once from the startup config like the
 * budget store: a reload changes breaker thresholds (read per outcome) but cannot move the Redis store.
 * Also the admin API's view of it: GET /admin/v1/breakers.
 */
import { createRedisClient, type RedisClientOptions } from '../budget/redis-store';
import type { RuntimeConfig } from '../config/runtime';
import { BreakerBoard, type BreakerEvents } from './breaker';
import { RedisBreakerStore } from './breaker-redis';
import { AttemptRegistry } from './attempts';
import { KeyCooldowns } from './cooldown';
import type { RouteHealth } from './router';

export interface RouteHealthOptions extends RedisClientOptions {
  readonly events?: BreakerEvents;
  readonly clock?: () => number;
}

export function createRouteHealth(config: () => RuntimeConfig, options: RouteHealthOptions = {}): RouteHealth & { close(): Promise<void> } {
  const startup = config().routing.breaker;
  const shared = startup.redis ? new RedisBreakerStore(createRedisClient(startup.redis, options), startup.keyPrefix) : undefined;
  const breakers = new BreakerBoard(() => config().routing.breaker, {
    ...(shared ? { shared, syncIntervalMs: startup.syncIntervalMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.events ? { events: options.events } : {}),
  });
  const cooldowns = new KeyCooldowns(options.clock);
  return { breakers, cooldowns, attempts: new AttemptRegistry(), close: () => breakers.close() };
}

export const BREAKERS_PATH = '/admin/v1/breakers';

/** GET /admin/v1/breakers: every breaker this process knows, and the keys cooling down (by source, never value). */
export function breakersAdminView(health: RouteHealth): { status: number; body: unknown } {
  return {
    status: 200,
    body: {
      store: health.breakers.shared ? 'shared' : 'local',
      breakers: health.breakers.views().map((view) => {
        const [provider, ...model] = view.key.split('/');
        return { provider, model: model.join('/'), ...view };
      }),
      coolingKeys: health.cooldowns.cooling().map((entry) => ({ provider: entry.provider, key: entry.key, until: new Date(entry.untilMs).toISOString() })),
    },
  };
}
