/**
 * Config schemas of the routing engine: the catalog fields a model adds (capabilities, tier, fallbacks),
 * aliases, the `auto` selector's settings, the circuit breaker and the 429 cool-down. src/config/schema.ts
 * composes them into the one config schema; `checkRouteReferences` reports every dangling or circular
 * name with its own path.
 */
import { z } from 'zod';
import { redisConnectionSchema } from '../budget/redis-store';

/** Alias and model names share one namespace in requests, so an alias is a plain model-like name. */
const aliasName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'use letters, digits and . _ : - (max 128)');

/** What a model can do; `auto` only picks a model that can do what the request needs. */
export const capabilitiesSchema = z.strictObject({
  /** Function / tool calling. */
  tools: z.boolean().default(true),
  /** Image input. */
  vision: z.boolean().default(false),
  /** `response_format` json_object / json_schema (and the other APIs' equivalents). */
  jsonMode: z.boolean().default(true),
});

/** Alias name -> model name (`fast: gpt-4o-mini`). */
export const aliasesSchema = z.record(aliasName, z.string().min(1));

export const autoSelectSchema = z.strictObject({
  /** The model name clients send to let the gateway choose. */
  name: aliasName.default('auto'),
  /**
   * Complexity signal (docs/routing.md): a request is `complex` when its estimated prompt reaches this
   * many tokens, when its user text holds a fenced code block, or when it contains one of `complexKeywords`.
   * Complex requests go to `tier: advanced` models when one fits.
   */
  complexPromptTokens: z.number().int().positive().default(2000),
  /** Case-insensitive substrings of the user text that mark a request complex (plain text, no regex). */
  complexKeywords: z.array(z.string().min(2).max(64)).default(['step by step', 'prove', 'analyze', 'analyse', 'debug', 'refactor']),
  /** Output tokens assumed when the request sets no cap, for the cost estimate that ranks models. */
  assumedOutputTokens: z.number().int().positive().default(1024),
});

export const breakerSchema = z.strictObject({
  /** Consecutive failures (5xx, connection failures) that open a provider+model's breaker. */
  consecutiveFailures: z.number().int().positive().default(5),
  /** Error rate over `windowSeconds` that opens it, once `minRequests` were seen in the window. */
  errorRate: z.number().gt(0).max(1).default(0.5),
  minRequests: z.number().int().positive().default(20),
  windowSeconds: z.number().positive().max(3600).default(60),
  /** How long an open breaker refuses requests before it lets probes through (half-open). */
  openSeconds: z.number().positive().max(3600).default(30),
  /** Probes in flight at once while half-open (per process); one success closes, one failure re-opens. */
  halfOpenProbes: z.number().int().positive().max(100).default(1),
  /**
   * With no fallback left to take a request, `false` (default) still sends it to the model whose breaker
   * is open or whose keys all cool down (its only chance; the provider answers for itself); `true`
   * answers 503 at once (fail fast, no load on a failing or rate-limited provider).
   */
  failFast: z.boolean().default(false),
  /** Share breaker state across replicas. Without it each process keeps its own. */
  redis: redisConnectionSchema.optional(),
  /** Prefix of the breaker keys in Redis (the connection's own keyPrefix is the budget store's). */
  keyPrefix: z.string().default('llmgw:breaker:'),
  /** How often breakers opened by other replicas are read from Redis. */
  syncIntervalMs: z.number().int().positive().default(1000),
});

export const cooldownSchema = z.strictObject({
  /** A 429 without Retry-After cools the key this long. */
  defaultSeconds: z.number().positive().max(3600).default(10),
  /** Upper bound on a provider's Retry-After (a misbehaving provider cannot park a key for a day). */
  maxSeconds: z.number().positive().max(86400).default(300),
});

export const routingSchema = z.strictObject({
  auto: autoSelectSchema.prefault({}),
  breaker: breakerSchema.prefault({}),
  cooldown: cooldownSchema.prefault({}),
});

export type RoutingConfig = z.output<typeof routingSchema>;
export type BreakerConfig = z.output<typeof breakerSchema>;
export type AutoSelectConfig = z.output<typeof autoSelectSchema>;
export type Capabilities = z.output<typeof capabilitiesSchema>;

export interface RouteReferenceProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

interface CatalogView {
  readonly models: Readonly<Record<string, { readonly fallbacks: readonly string[] }>>;
  readonly aliases: Readonly<Record<string, string>>;
  readonly tenants: Readonly<Record<string, { readonly aliases?: Readonly<Record<string, string>> }>>;
  readonly autoName: string;
}

/**
 * Fallbacks name existing other models and never lead back to where they started; aliases name
 * existing models and do not shadow a model or the auto name.
 */
export function checkRouteReferences(view: CatalogView): RouteReferenceProblem[] {
  const problems: RouteReferenceProblem[] = [];
  const models = view.models;
  for (const [name, model] of Object.entries(models)) {
    model.fallbacks.forEach((fallback, index) => {
      if (!(fallback in models)) problems.push({ path: ['models', name, 'fallbacks', index], message: `unknown model "${fallback}"` });
      else if (fallback === name) problems.push({ path: ['models', name, 'fallbacks', index], message: 'a model cannot be its own fallback' });
    });
    if (new Set(model.fallbacks).size !== model.fallbacks.length) problems.push({ path: ['models', name, 'fallbacks'], message: 'a fallback is listed twice' });
  }
  for (const cycle of fallbackCycles(models)) {
    problems.push({ path: ['models', cycle[0], 'fallbacks'], message: `fallback cycle: ${cycle.join(' -> ')}` });
  }
  const checkAliases = (aliases: Readonly<Record<string, string>>, at: readonly (string | number)[]): void => {
    for (const [alias, target] of Object.entries(aliases)) {
      if (alias === view.autoName) problems.push({ path: [...at, alias], message: `"${alias}" is the auto selector's name` });
      else if (alias in models) problems.push({ path: [...at, alias], message: `alias "${alias}" shadows a model of the same name` });
      if (!(target in models)) problems.push({ path: [...at, alias], message: `unknown model "${target}"` });
    }
  };
  checkAliases(view.aliases, ['aliases']);
  for (const [tenant, settings] of Object.entries(view.tenants)) {
    if (settings.aliases) checkAliases(settings.aliases, ['tenants', tenant, 'aliases']);
  }
  if (view.autoName in models) problems.push({ path: ['routing', 'auto', 'name'], message: `"${view.autoName}" is also a model name` });
  return problems;
}

/** Each cycle once, as the path from its smallest member back to it (depth-first, white/grey/black). */
function fallbackCycles(models: Readonly<Record<string, { readonly fallbacks: readonly string[] }>>): string[][] {
  const colour = new Map<string, 'grey' | 'black'>();
  const cycles = new Map<string, string[]>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    colour.set(name, 'grey');
    stack.push(name);
    for (const next of models[name]?.fallbacks ?? []) {
      if (!(next in models) || next === name) continue;
      const seen = colour.get(next);
      if (seen === 'grey') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const canonical = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(canonical.join('\0'), [...canonical, canonical[0]]);
      } else if (seen === undefined) {
        visit(next);
      }
    }
    stack.pop();
    colour.set(name, 'black');
  };
  for (const name of Object.keys(models)) if (!colour.has(name)) visit(name);
  return [...cycles.values()];
}
