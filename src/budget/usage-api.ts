/**
 * The admin API's budget view: a tenant's current usage and what is left, per window, for the tenant as
 * a whole or one caller (`key:<id>` or `user:<sub>`) and model. Served on the admin port behind its
 * bearer token (src/telemetry/admin-server.ts).
 *   GET /admin/v1/tenants/{tenant}/usage[?caller=key:ci&model=gpt-4o-mini]
 */
import type { RuntimeConfig } from '../config/runtime';
import type { BudgetService } from './service';

const USAGE_PATH = /^\/admin\/v1\/tenants\/([A-Za-z0-9._:-]{1,128})\/usage$/;

export function budgetUsageHandler(config: () => RuntimeConfig, budgets: BudgetService) {
  return async (path: string, query: URLSearchParams): Promise<{ status: number; body: unknown }> => {
    const match = USAGE_PATH.exec(path);
    if (!match) return { status: 404, body: { error: 'not found' } };
    const tenantId = match[1] as string;
    const tenant = config().tenants.get(tenantId);
    if (!tenant) return { status: 404, body: { error: 'unknown tenant' } };
    const caller = query.get('caller') ?? undefined;
    const model = query.get('model') ?? undefined;
    if (model !== undefined && !config().models.has(model)) return { status: 404, body: { error: 'unknown model' } };
    const limits = await budgets.usage(tenant.budget, { ...(caller ? { caller } : {}), ...(model ? { model } : {}) });
    return {
      status: 200,
      body: {
        tenant: tenantId,
        ...(caller ? { caller } : {}),
        ...(model ? { model } : {}),
        store: budgets.sharedHealthy ? 'shared' : 'local',
        limits: limits.map((limit) => ({
          limit: limit.limit,
          scope: limit.scope,
          max: limit.max,
          used: limit.used,
          held: limit.held,
          remaining: limit.remaining,
          resetsInSeconds: Math.ceil(limit.resetMs / 1000),
        })),
      },
    };
  };
}
