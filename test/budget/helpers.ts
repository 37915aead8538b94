/** Shared pieces of the budget integration tests: a clock tests can move, tenants, store factories. */
import { Redis } from 'ioredis';
import { budgetLimitsSchema, compileTenantBudget, type BudgetLimitsInput, type CompiledTenantBudget } from '../../src/budget/limits';
import { RedisBudgetStore } from '../../src/budget/redis-store';
import { BudgetService, type BudgetServiceOptions } from '../../src/budget/service';
import type { BudgetModel } from '../../src/budget/service-types';
import type { TestRedis } from '../support/redis';

/**
 * A frozen clock that tests move by hand. It starts near the real time (Redis expires counters at
 * absolute times derived from it), at 12:00 UTC of the current day, so day windows do not roll over
 * unless a test moves it on purpose.
 */
export class TestClock {
  private at: number;
  constructor() {
    const d = new Date();
    this.at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 12);
  }
  readonly now = (): number => this.at;
  advance(ms: number): void {
    this.at += ms;
  }
}

let tenants = 0;
/** A tenant with a fresh id (Redis state is shared by the tests of a file). */
export function tenant(limits: BudgetLimitsInput, prefix = 'tenant'): CompiledTenantBudget {
  tenants += 1;
  return compileTenantBudget(`${prefix}-${process.pid}-${tenants}`, budgetLimitsSchema.parse(limits));
}

export const GPT: BudgetModel = { name: 'gpt-4o', pricing: { input: 2.5, output: 10, cachedInput: 1.25 }, maxOutputTokens: 16_384 };
export const CLAUDE: BudgetModel = { name: 'claude-sonnet', pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 }, maxOutputTokens: 8192 };

/**
 * An outage shows as a closed connection (the tests kill redis-server), never as a slow command, so the
 * command timeout is generous: a short one fires on a loaded machine when the event loop stalls, and the
 * service then falls back to local budgets where a test expects the shared ones.
 */
export function redisClient(redis: TestRedis): Redis {
  return new Redis({ host: redis.host, port: redis.port, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 10_000, retryStrategy: () => 50 });
}

export async function redisService(redis: TestRedis, options: Omit<BudgetServiceOptions, 'shared'> = {}): Promise<BudgetService> {
  const store = new RedisBudgetStore(redisClient(redis));
  await store.ready();
  return new BudgetService({ ...options, shared: store });
}

export function estimate(promptTokens: number, requestedMaxOutputTokens?: number, n = 1): { promptTokens: number; requestedMaxOutputTokens?: number; n: number; producesOutput: boolean } {
  return { promptTokens, ...(requestedMaxOutputTokens === undefined ? {} : { requestedMaxOutputTokens }), n, producesOutput: true };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
