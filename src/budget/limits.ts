/**
 * Budget limits: the config schema a tenant's `budget` section follows, its compiled form, and the
 * translation of a request into the store's checks (keys, windows, amounts).
 *
 * Scopes: the whole tenant; each caller (API key or JWT user) within it; and each model the tenant
 * uses. A request is checked against every scope that applies, all in one atomic reservation.
 *
 * Windows:
 * - tokens and requests per minute: token buckets (capacity = the per-minute limit, refilled
 *   continuously at limit/60 s). A bucket allows a burst of a full minute's worth and then the steady
 *   rate; unlike fixed windows it never lets 2x the limit through across a window boundary, and unlike
 *   a sliding log it is O(1) state that a refund can simply put back.
 * - tokens per day, USD per day, USD per month: UTC calendar windows (`YYYYMMDD`, `YYYYMM`). A
 *   reservation and its settlement go to the window it was reserved in, even if it settles after
 *   midnight.
 * - concurrent requests: live reservations.
 *
 * Money is counted in integer nano-dollars (1e-9 USD), so the sum of settled costs is exact.
 */
import { z } from 'zod';
import type { ModelPricing } from '../config/runtime';

export const NANO_USD = 1_000_000_000;

export const budgetWindowLimitsSchema = z.strictObject({
  /** Tokens (prompt + output, cached and reasoning included) per minute, as a token bucket. */
  tokensPerMinute: z.number().int().positive().optional(),
  /** Requests per minute, as a token bucket; adds the `x-ratelimit-*-requests` headers. */
  requestsPerMinute: z.number().int().positive().optional(),
  /** Tokens per UTC day. */
  tokensPerDay: z.number().int().positive().optional(),
  /** Spend per UTC day in USD, priced with the served model's pricing. */
  usdPerDay: z.number().positive().optional(),
  /** Spend per UTC calendar month in USD. */
  usdPerMonth: z.number().positive().optional(),
  /** Requests in flight at once. */
  concurrentRequests: z.number().int().positive().optional(),
});

export const budgetLimitsSchema = z.strictObject({
  /** Output tokens reserved per choice when a request sets no max tokens (never the model maximum). */
  defaultMaxOutputTokens: z.number().int().positive().default(1024),
  /** The tenant's cap on output tokens per choice, used to size reservations. */
  maxOutputTokens: z.number().int().positive().optional(),
  /** Limits on the tenant as a whole. */
  tenant: budgetWindowLimitsSchema.optional(),
  /** Limits each caller (API key or JWT user) has on its own. */
  perCaller: budgetWindowLimitsSchema.optional(),
  /**
   * Limits for named callers (`key:<api key id>` or `user:<jwt user>`); the fields set here replace
   * those of `perCaller` for that caller.
   */
  callers: z.record(z.string().regex(/^(key|user):.+$/, 'a caller is key:<id> or user:<name>'), budgetWindowLimitsSchema).default({}),
  /** Limits on the tenant's use of one model (the gateway's model name), all callers together. */
  models: z.record(z.string().min(1), budgetWindowLimitsSchema).default({}),
});

export type BudgetWindowLimitsInput = z.input<typeof budgetWindowLimitsSchema>;
export type BudgetWindowLimits = z.output<typeof budgetWindowLimitsSchema>;
export type BudgetLimitsInput = z.input<typeof budgetLimitsSchema>;
export type BudgetLimitsConfig = z.output<typeof budgetLimitsSchema>;

/** One scope's limits with money in nano-dollars. */
export interface CompiledLimits {
  readonly tokensPerMinute?: number;
  readonly requestsPerMinute?: number;
  readonly tokensPerDay?: number;
  readonly nanoUsdPerDay?: number;
  readonly nanoUsdPerMonth?: number;
  readonly concurrentRequests?: number;
}

export interface CompiledTenantBudget {
  readonly tenantId: string;
  readonly defaultMaxOutputTokens: number;
  readonly maxOutputTokens?: number;
  readonly tenant?: CompiledLimits;
  readonly perCaller?: CompiledLimits;
  readonly callers: ReadonlyMap<string, CompiledLimits>;
  readonly models: ReadonlyMap<string, CompiledLimits>;
}

/** False when no limit can apply to any of the tenant's requests: reservations are then no-ops. */
export function budgetApplies(budget: CompiledTenantBudget): boolean {
  return budget.tenant !== undefined || budget.perCaller !== undefined || budget.callers.size > 0 || budget.models.size > 0;
}

export interface BudgetConfigProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

function compileLimits(limits: BudgetWindowLimits | undefined): CompiledLimits | undefined {
  if (!limits) return undefined;
  const compiled: CompiledLimits = {
    ...(limits.tokensPerMinute === undefined ? {} : { tokensPerMinute: limits.tokensPerMinute }),
    ...(limits.requestsPerMinute === undefined ? {} : { requestsPerMinute: limits.requestsPerMinute }),
    ...(limits.tokensPerDay === undefined ? {} : { tokensPerDay: limits.tokensPerDay }),
    ...(limits.usdPerDay === undefined ? {} : { nanoUsdPerDay: Math.round(limits.usdPerDay * NANO_USD) }),
    ...(limits.usdPerMonth === undefined ? {} : { nanoUsdPerMonth: Math.round(limits.usdPerMonth * NANO_USD) }),
    ...(limits.concurrentRequests === undefined ? {} : { concurrentRequests: limits.concurrentRequests }),
  };
  return Object.keys(compiled).length === 0 ? undefined : Object.freeze(compiled);
}

/** Compiles a tenant's validated budget section (once per config load). */
export function compileTenantBudget(tenantId: string, config: BudgetLimitsConfig): CompiledTenantBudget {
  const perCaller = compileLimits(config.perCaller);
  const callers = new Map<string, CompiledLimits>();
  for (const [caller, limits] of Object.entries(config.callers)) {
    const merged = compileLimits({ ...config.perCaller, ...limits });
    if (merged) callers.set(caller, merged);
  }
  const models = new Map<string, CompiledLimits>();
  for (const [model, limits] of Object.entries(config.models)) {
    const compiled = compileLimits(limits);
    if (compiled) models.set(model, compiled);
  }
  const tenant = compileLimits(config.tenant);
  return Object.freeze({
    tenantId,
    defaultMaxOutputTokens: config.defaultMaxOutputTokens,
    ...(config.maxOutputTokens === undefined ? {} : { maxOutputTokens: config.maxOutputTokens }),
    ...(tenant ? { tenant } : {}),
    ...(perCaller ? { perCaller } : {}),
    callers,
    models,
  });
}

/** A tenant without a budget section: no limits, the default output reservation. */
export function unlimitedTenantBudget(tenantId: string): CompiledTenantBudget {
  return compileTenantBudget(tenantId, budgetLimitsSchema.parse({}));
}

/**
 * Cross-references the schema cannot see: per-model limits naming models the config does not define.
 * `at` is where the budget section sits in the config (for the problem paths).
 */
export function checkBudgetReferences(config: BudgetLimitsConfig, modelNames: ReadonlySet<string>, at: ReadonlyArray<string | number> = []): BudgetConfigProblem[] {
  const problems: BudgetConfigProblem[] = [];
  for (const model of Object.keys(config.models)) {
    if (!modelNames.has(model)) problems.push({ path: [...at, 'models', model], message: `unknown model "${model}"` });
  }
  return problems;
}

// ---- Windows and keys ----

export type LimitName = 'tokensPerMinute' | 'requestsPerMinute' | 'tokensPerDay' | 'usdPerDay' | 'usdPerMonth' | 'concurrentRequests';
export type ScopeKind = 'tenant' | 'caller' | 'model';

export interface ScopeRef {
  readonly kind: ScopeKind;
  /** Caller id or model name; the tenant id for the tenant scope. */
  readonly name: string;
}

/** Day counters stay readable two days after the day; month counters a month after. */
const DAY_GRACE_MS = 2 * 86_400_000;
const MONTH_GRACE_MS = 32 * 86_400_000;

export interface CalendarWindow {
  readonly id: string;
  readonly end: number;
  readonly expireAt: number;
}

export function dayWindow(now: number): CalendarWindow {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const end = start + 86_400_000;
  const id = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  return { id, end, expireAt: end + DAY_GRACE_MS };
}

export function monthWindow(now: number): CalendarWindow {
  const d = new Date(now);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const id = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}`;
  return { id, end, expireAt: end + MONTH_GRACE_MS };
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The Redis Cluster hash tag of a tenant: `{tenant}` with braces escaped so the tag stays whole. */
export function tenantHashTag(tenantId: string): string {
  return `{${tenantId.replace(/[{}%]/g, (c) => encodeURIComponent(c))}}`;
}

export function scopeKeyPart(scope: ScopeRef): string {
  switch (scope.kind) {
    case 'tenant':
      return 't';
    case 'caller':
      return `c:${scope.name}`;
    case 'model':
      return `m:${scope.name}`;
  }
}

/** The scopes a request is checked against, with their limits. */
export function scopesFor(budget: CompiledTenantBudget, caller: string | undefined, model: string): Array<{ scope: ScopeRef; limits: CompiledLimits }> {
  const scopes: Array<{ scope: ScopeRef; limits: CompiledLimits }> = [];
  if (budget.tenant) scopes.push({ scope: { kind: 'tenant', name: budget.tenantId }, limits: budget.tenant });
  if (caller !== undefined) {
    const limits = budget.callers.get(caller) ?? budget.perCaller;
    if (limits) scopes.push({ scope: { kind: 'caller', name: caller }, limits });
  }
  const modelLimits = budget.models.get(model);
  if (modelLimits) scopes.push({ scope: { kind: 'model', name: model }, limits: modelLimits });
  return scopes;
}

/** Money in nano-dollars from `costUsd`'s dollars (which are rounded to 1e-9). */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * NANO_USD);
}

export type { ModelPricing };
