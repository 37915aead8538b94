/**
 * The compiled, immutable runtime config. Everything the hot path needs is resolved here once (files
 * read, paths made absolute, key hashes indexed, globs compiled), so a request never touches the file
 * system or re-validates anything. A new RuntimeConfig replaces the old one atomically on reload.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LoadedConfig } from './load';
import { ConfigError, type ConfigProblem } from './load';
import { compileAllowDeny, type NameMatcher } from './glob';
import type { SecretSource, SecretStore } from './secrets';
import { compileTenantBudget, unlimitedTenantBudget, type CompiledTenantBudget } from '../budget/limits';
import type { BudgetStoreConfig } from '../budget/setup';
import type { AuditSinksConfig } from '../audit/config';
import type { BudgetAlertsConfig } from '../budget/alerts';
import type { TelemetryConfig } from '../telemetry/config';
import { builtinGuards } from '../guard/builtin';
import type { Inspector, OutputGuard } from '../guard/registry';
import { compileRedaction, type CompiledRedaction } from '../guard/pii/request-redaction';
import type { ConfigDocument } from './schema';
import type { Capabilities, RoutingConfig } from '../route/config';
import { compilePolicy, type RuntimePolicy } from '../policy/config';
import { CACHE_DISABLED, compileCachePolicies, type CacheConfig, type TenantCachePolicy } from '../cache/config';

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly clientCa?: Buffer;
  readonly requireClientCert: boolean;
}

export type ApiFamily = 'openai' | 'anthropic' | 'gemini';
export type CredentialStyle = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'api-key' | 'none';
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

export interface RuntimeProvider {
  readonly name: string;
  readonly api: ApiFamily;
  readonly cluster: string;
  readonly auth: CredentialStyle;
  readonly keys: readonly SecretSource[];
  readonly pathPrefix: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** OpenAI API: where an output-token cap goes when the client set none (servers like Ollama read only max_tokens). */
  readonly maxTokensField: MaxTokensField;
  /** Envoy cluster with this provider first and others as lower priorities (per-attempt fallback). */
  readonly failoverCluster?: string;
}

export interface ModelPricing {
  /** USD per million tokens. */
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number;
  readonly cacheWrite?: number;
}

export interface RuntimeModel {
  readonly name: string;
  readonly provider: RuntimeProvider;
  readonly upstreamModel: string;
  readonly pricing: ModelPricing;
  readonly contextWindow?: number;
  readonly maxOutputTokens?: number;
  readonly kind: 'chat' | 'embedding';
  readonly capabilities: Readonly<Capabilities>;
  readonly tier: 'basic' | 'advanced';
  /** Names of the models that take over, in order (validated: they exist, no cycles). */
  readonly fallbacks: readonly string[];
}

export interface RuntimeInputGuard {
  readonly id: string;
  readonly action: 'block' | 'flag' | 'shadow';
  /** Finding types that trigger the action; undefined: all. */
  readonly on?: ReadonlySet<string>;
  readonly code: 'content_blocked' | 'prompt_injection_detected' | 'pii_detected' | 'policy_violation';
  readonly failMode: 'closed' | 'open';
  readonly inspector: Inspector;
}

export interface RuntimeTenant {
  readonly id: string;
  readonly mayUseModel: NameMatcher;
  readonly maxRequestBytes: number;
  readonly budget: CompiledTenantBudget;
  /** The input detectors for this tenant (its own list, or the top-level one). */
  readonly inputGuards: readonly RuntimeInputGuard[];
  /** Alias -> model name: the top-level aliases with the tenant's own on top. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Ceiling on the estimated cost of a request `auto` may choose (USD). */
  readonly maxCostPerRequestUsd?: number;
  /** Guards on responses, in config order, and the hold-back for streams (its own list, or the top-level one). */
  readonly output: RuntimeOutputGuards;
  /** Request redaction (its own, or the top-level one); undefined: requests go as written. */
  readonly redaction?: CompiledRedaction;
  /** Response cache policy (defaults merged with the tenant's override). */
  readonly cache: TenantCachePolicy;
}

export interface RuntimeOutputGuards {
  readonly guards: readonly OutputGuard[];
  readonly holdBackChars: number;
}

export interface ApiKeyOwner {
  readonly tenant: RuntimeTenant;
  readonly keyId: string;
}

export interface RuntimeConfig {
  readonly source: string;
  readonly server: {
    readonly tcp?: { readonly host: string; readonly port: number };
    readonly unixSocket?: string;
    readonly tls?: TlsMaterial;
    readonly maxMessageBytes: number;
    readonly drainTimeoutMs: number;
  };
  readonly admin: { readonly host: string; readonly port: number; readonly token?: SecretSource };
  readonly logging: { readonly level: string };
  readonly gateway: { readonly unknownPaths: 'reject' | 'passthrough'; readonly maxRequestBytes: number; readonly clusterHeader: string };
  readonly auth: {
    readonly jwt?: { readonly metadataNamespace: string; readonly payloadKey: string; readonly tenantClaim: string; readonly userClaim: string };
  };
  readonly providers: ReadonlyMap<string, RuntimeProvider>;
  readonly models: ReadonlyMap<string, RuntimeModel>;
  readonly tenants: ReadonlyMap<string, RuntimeTenant>;
  /** Tenant and key id by the key's SHA-256 (hex). Keys are never stored in clear. */
  readonly apiKeys: ReadonlyMap<string, ApiKeyOwner>;
  /** Process-wide budget store settings; read once at startup (a reload cannot move the store). */
  readonly budgets: BudgetStoreConfig;
  /** Budget alert thresholds and webhook; built once at startup like the budget store. */
  readonly budgetAlerts: BudgetAlertsConfig;
  /** Audit sinks; built once at startup like the budget store. */
  readonly audit: AuditSinksConfig;
  /** `auto`, breakers and cool-downs (breaker storage is built once at startup, like the budget store). */
  readonly routing: RoutingConfig;
  /** Tenant policy settings (bundles are loaded by PolicyService); absent: no policy stage. */
  readonly policy?: RuntimePolicy<RuntimeInputGuard>;
  /** Metric label bounds (follow reloads) and traces (built once at startup). */
  readonly telemetry: TelemetryConfig;
  /** Response cache settings; the store is built once at startup like the budget store. */
  readonly cache: CacheConfig;
}

export function compileConfig(loaded: LoadedConfig, secrets?: SecretStore): RuntimeConfig {
  const { document, baseDir } = loaded;
  const resolve = (file: string): string => path.resolve(baseDir, file);
  const problems: ConfigProblem[] = [];
  const readFile = (file: string, at: string): Buffer => {
    try {
      return readFileSync(resolve(file));
    } catch (error) {
      problems.push({ path: at, message: `cannot read ${resolve(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return Buffer.alloc(0);
    }
  };
  const tls = document.server.tls;
  const material: TlsMaterial | undefined = tls
    ? {
        cert: readFile(tls.certFile, 'server.tls.certFile'),
        key: readFile(tls.keyFile, 'server.tls.keyFile'),
        clientCa: tls.clientCaFile ? readFile(tls.clientCaFile, 'server.tls.clientCaFile') : undefined,
        requireClientCert: tls.requireClientCert,
      }
    : undefined;

  const providers = new Map<string, RuntimeProvider>();
  for (const [name, provider] of Object.entries(document.providers)) {
    const keys = provider.keys.map((source, index): SecretSource => {
      const resolved: SecretSource = 'file' in source ? { file: resolve(source.file) } : { env: source.env };
      const problem = secrets?.register(resolved);
      if (problem) problems.push({ path: `providers.${name}.keys.${index}`, message: problem });
      return resolved;
    });
    providers.set(
      name,
      Object.freeze({
        name,
        api: provider.api,
        cluster: provider.cluster,
        auth: provider.auth,
        keys,
        pathPrefix: provider.pathPrefix,
        headers: Object.entries(provider.headers),
        maxTokensField: provider.maxTokensField,
        ...(provider.failoverCluster ? { failoverCluster: provider.failoverCluster } : {}),
      }),
    );
  }

  let adminToken: SecretSource | undefined;
  if (document.admin.token) {
    const source = document.admin.token;
    adminToken = 'file' in source ? { file: resolve(source.file) } : { env: source.env };
    const problem = secrets?.register(adminToken);
    if (problem) problems.push({ path: 'admin.token', message: problem });
  }

  const models = new Map<string, RuntimeModel>();
  for (const [name, model] of Object.entries(document.models)) {
    const provider = providers.get(model.provider);
    if (!provider) continue; // reported by the schema's cross-reference check
    models.set(
      name,
      Object.freeze({
        name,
        provider,
        upstreamModel: model.upstreamModel ?? name,
        pricing: Object.freeze({ ...model.pricing }),
        contextWindow: model.contextWindow,
        maxOutputTokens: model.maxOutputTokens,
        kind: model.kind,
        capabilities: Object.freeze({ ...model.capabilities }),
        tier: model.tier,
        fallbacks: Object.freeze([...model.fallbacks]),
      }),
    );
  }

  const compileGuards = (guards: ConfigDocument['guards'], at: string): RuntimeInputGuard[] =>
    guards.input.flatMap((guard, index) => {
      const created = builtinGuards().createInspector(guard.id, guard.params, `${at}.input.${index}.params`);
      if (!created.ok) {
        // An unknown id is reported on the id; bad params on their own paths.
        problems.push(...created.problems.map((p) => (p.message.startsWith('unknown') ? { path: `${at}.input.${index}.id`, message: p.message } : p)));
        return [];
      }
      return [
        Object.freeze({
          id: guard.id,
          action: guard.action,
          on: guard.on ? new Set(guard.on) : undefined,
          code: guard.code,
          failMode: guard.failMode,
          inspector: created.value,
        }),
      ];
    });
  const globalGuards = compileGuards(document.guards, 'guards');
  const compileOutput = (guards: ConfigDocument['guards'], at: string): RuntimeOutputGuards =>
    Object.freeze({
      holdBackChars: guards.holdBackChars,
      guards: guards.output.flatMap((guard, index) => {
        const created = builtinGuards().createOutputGuard(guard.id, guard.params, `${at}.output.${index}.params`);
        if (created.ok) return [created.value];
        problems.push(...created.problems.map((p) => (p.message.startsWith('unknown') ? { path: `${at}.output.${index}.id`, message: p.message } : p)));
        return [];
      }),
    });
  const globalOutput = compileOutput(document.guards, 'guards');
  const compileTenantRedaction = (config: ConfigDocument['redaction'], at: string): CompiledRedaction | undefined => {
    if (!config) return undefined;
    let hashKey: (() => string) | undefined;
    if (config.hashKey) {
      const source: SecretSource = 'file' in config.hashKey ? { file: resolve(config.hashKey.file) } : { env: config.hashKey.env };
      const problem = secrets?.register(source);
      if (problem) problems.push({ path: `${at}.hashKey`, message: problem });
      hashKey = () => secrets?.value(source) ?? '';
    }
    const compiled = compileRedaction(config, hashKey);
    problems.push(...compiled.problems.map((message) => ({ path: at, message })));
    return compiled.redaction;
  };
  const globalRedaction = compileTenantRedaction(document.redaction, 'redaction');

  const cachePolicies = compileCachePolicies(document.cache, {
    tenantIds: new Set(Object.keys(document.tenants)),
    resolve,
    ...(secrets ? { secrets } : {}),
    problem: (at, message) => problems.push({ path: at, message }),
  });
  const tenants = new Map<string, RuntimeTenant>();
  const apiKeys = new Map<string, ApiKeyOwner>();
  for (const [id, tenant] of Object.entries(document.tenants)) {
    const runtimeTenant: RuntimeTenant = Object.freeze({
      id,
      mayUseModel: compileAllowDeny(tenant.models.allow, tenant.models.deny),
      maxRequestBytes: tenant.maxRequestBytes ?? document.gateway.maxRequestBytes,
      budget: tenant.budget ? compileTenantBudget(id, tenant.budget) : unlimitedTenantBudget(id),
      inputGuards: tenant.guards ? compileGuards(tenant.guards, `tenants.${id}.guards`) : globalGuards,
      aliases: new Map(Object.entries({ ...document.aliases, ...(tenant.aliases ?? {}) })),
      ...(tenant.maxCostPerRequestUsd === undefined ? {} : { maxCostPerRequestUsd: tenant.maxCostPerRequestUsd }),
      output: tenant.guards ? compileOutput(tenant.guards, `tenants.${id}.guards`) : globalOutput,
      ...(tenant.redaction ? { redaction: compileTenantRedaction(tenant.redaction, `tenants.${id}.redaction`) } : globalRedaction ? { redaction: globalRedaction } : {}),
      cache: cachePolicies.get(id) ?? CACHE_DISABLED,
    });
    tenants.set(id, runtimeTenant);
    for (const key of tenant.apiKeys) apiKeys.set(key.sha256, Object.freeze({ tenant: runtimeTenant, keyId: key.id }));
  }

  const policy = document.policy
    ? compilePolicy(document.policy, {
        resolve,
        tenantIds: new Set(tenants.keys()),
        providerIds: new Set(providers.keys()),
        problem: (at, message) => problems.push({ path: at, message }),
        compileGuards: (guards, at) => compileGuards(guards, at),
      })
    : undefined;

  if (problems.length > 0) throw new ConfigError(loaded.source, problems);
  return Object.freeze({
    source: loaded.source,
    server: Object.freeze({
      tcp: document.server.tcp ? { host: document.server.tcp.host, port: document.server.tcp.port } : undefined,
      unixSocket: document.server.unixSocket ? resolve(document.server.unixSocket) : undefined,
      tls: material,
      maxMessageBytes: document.server.maxMessageBytes,
      drainTimeoutMs: Math.round(document.server.drainTimeoutSeconds * 1000),
    }),
    admin: Object.freeze({ host: document.admin.host, port: document.admin.port, token: adminToken }),
    logging: Object.freeze({ ...document.logging }),
    gateway: Object.freeze({ ...document.gateway }),
    auth: Object.freeze({ jwt: document.auth.jwt ? Object.freeze({ ...document.auth.jwt }) : undefined }),
    providers,
    models,
    tenants,
    apiKeys,
    budgets: document.budgets,
    audit: document.audit,
    budgetAlerts: document.budgetAlerts,
    routing: document.routing,
    ...(policy ? { policy } : {}),
    telemetry: document.telemetry,
    cache: document.cache,
  });
}
