/**
 * Routing state as metrics, read at scrape time from the process-wide breakers and cool-downs:
 *   llmgw_route_breaker_state{provider,model}  0 closed, 1 half-open, 2 open
 *   llmgw_route_keys_cooling{provider}          keys waiting out a provider's Retry-After
 * Label values come from config (provider and model names), never from clients.
 */
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { BreakerEvents, BreakerPhase } from '../route/breaker';
import type { RouteHealth } from '../route/router';

const PHASE_VALUE: Record<BreakerPhase, number> = { closed: 0, half_open: 1, open: 2 };

export function registerRouteMetrics(registry: Registry, health: () => RouteHealth | undefined): void {
  new Gauge({
    name: 'llmgw_route_breaker_state',
    help: 'Circuit breaker per provider and model: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider', 'model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const view of health()?.breakers.views() ?? []) {
        const [provider, ...model] = view.key.split('/');
        this.set({ provider, model: model.join('/') }, PHASE_VALUE[view.phase]);
      }
    },
  });
  new Gauge({
    name: 'llmgw_route_keys_cooling',
    help: 'Provider keys cooling down after a 429 (Retry-After)',
    labelNames: ['provider'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const entry of health()?.cooldowns.cooling() ?? []) counts.set(entry.provider, (counts.get(entry.provider) ?? 0) + 1);
      for (const [provider, count] of counts) this.set({ provider }, count);
    },
  });
}

export function breakerEventHooks(log: Logger): BreakerEvents {
  let lastSharedError = 0;
  return {
    transition: (key, from, to) => (to === 'open' ? log.warn({ breaker: key, from, to }, 'breaker opened') : log.info({ breaker: key, from, to }, 'breaker changed')),
    sharedError: (error) => {
      // Once a minute at most: a Redis outage would otherwise log on every provider answer.
      const now = Date.now();
      if (now - lastSharedError < 60_000) return;
      lastSharedError = now;
      log.warn({ err: error }, 'breaker store unreachable: using this process\'s own breaker state');
    },
  };
}
