/**
 * The `policy:` config section and its compilation into the runtime form (called from
 * src/config/runtime.ts, once per config load). Bundles themselves are loaded by PolicyService (async,
 * watched, polled); here everything the hot path needs is resolved: file paths made absolute, keys read,
 * time zones checked, one topic classifier per tenant, the canary's guard rules compiled.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { canaryOptionsSchema } from './canary';
import { DEFAULT_WASM_MEMORY, type WasmMemoryLimits } from './engine';
import { isValidTimeZone } from './input';
import { SIGNING_ALGORITHMS, type VerificationConfig } from './signature';
import { LexiconTopicClassifier, topicClassifierParamsSchema, topicDefinitionSchema, type TopicClassifier } from './topics';
import type { FailMode } from './types';

/** A secret (HMAC key, bundle service token) comes from a file or an environment variable, never inline. */
const keySourceSchema = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') })], {
  error: 'a key is { file: PATH } or { env: VARIABLE }; keys are never written into the config',
});

const fileSourceSchema = z.strictObject({
  /** `opa build -t wasm` .tar.gz, relative to the config file. */
  file: z.string().min(1),
  /** Reload when the file changes (its directory is watched, so ConfigMap symlink swaps count). */
  watch: z.boolean().default(true),
});

const httpSourceSchema = z.strictObject({
  /** Bundle URL on an OPA bundle service (`<service url>/<resource>`), polled with If-None-Match. */
  url: z.url({ protocol: /^https?$/ }),
  /** Delay between polls, drawn between min and max (OPA's min_delay_seconds / max_delay_seconds). */
  pollSeconds: z
    .strictObject({ min: z.number().positive().default(60), max: z.number().positive().default(120) })
    .refine((p) => p.max >= p.min, 'max must be at least min')
    .prefault({}),
  timeoutSeconds: z.number().positive().max(300).default(10),
  /** Sent as `Authorization: Bearer` (OPA's bearer credentials). */
  token: keySourceSchema.optional(),
});

/** Where a bundle comes from: a file path (shorthand), `{ file, watch }`, or `{ url, pollSeconds... }`. */
export const bundleSourceSchema = z.union([z.string().min(1).transform((file) => ({ file, watch: true })), fileSourceSchema, httpSourceSchema]);

const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const tenantPolicySchema = z.strictObject({
  /** The tenant's own bundle; default: `policy.defaultBundle`. */
  bundle: bundleSourceSchema.optional(),
  /** Tier name the bundle's data knows (trial, free, standard, enterprise in the sample bundle). */
  tier: z.string().min(1).optional(),
  /** `input.tenant.attributes`: the sample bundle reads setting overrides here. */
  attributes: z.record(z.string(), json).default({}),
  /** IANA zone `input.time` is expressed in (business hours). */
  timezone: z.string().default('UTC'),
  /** Competitor names and products: the `competitor` topic. */
  competitors: z.array(z.string().min(1)).default([]),
  /** More topics or terms for this tenant only. */
  topics: z.array(topicDefinitionSchema).default([]),
  /** Application per API key id (`input.principal.app`); JWT callers use their `azp` / `client_id` claim. */
  apps: z.record(z.string(), z.string().min(1)).default({}),
  /** Applications marked trusted (`input.principal.trusted_app`). */
  trustedApps: z.array(z.string().min(1)).default([]),
});

/** The canary: a candidate rule set (bundle and/or input guards) for a share of traffic. */
function canarySchemaWith<G extends z.ZodType>(guards: G) {
  return canaryOptionsSchema.extend({
    /** Candidate default bundle (tenants with their own bundle keep it). */
    bundle: bundleSourceSchema.optional(),
    /** Candidate input guards (detector thresholds, guard rules) replacing every tenant's list on the candidate side. */
    guards: guards.optional(),
  });
}

/**
 * The section's schema. The guards schema is passed in (from src/config/schema.ts) so the canary's guard
 * rules are validated exactly like `guards:` without this folder importing the config module.
 */
export function policyConfigSchemaWith<G extends z.ZodType>(guards: G) {
  return z.strictObject({
    /** Bundle for tenants without their own. */
    defaultBundle: bundleSourceSchema,
    /** What an evaluation error decides: closed denies (503 policy_unavailable), open allows without obligations. */
    failMode: z.enum(['closed', 'open']).default('closed'),
    /** When set, every bundle must be signed by one of these keys (OPA .signatures.json). */
    verification: z
      .strictObject({
        keys: z
          .array(
            z.strictObject({
              id: z.string().min(1).default('default'),
              algorithm: z.enum(SIGNING_ALGORITHMS).default('RS256'),
              /** HMAC secret (HS*) or PEM public key / certificate (RS, PS, ES). */
              key: keySourceSchema,
              scope: z.string().default(''),
            }),
          )
          .min(1),
        keyId: z.string().min(1).optional(),
        scope: z.string().optional(),
      })
      .optional(),
    /** wasm linear memory per bundle instance, in 64 KiB pages. */
    memory: z
      .strictObject({ initialPages: z.number().int().min(1).max(65536), maximumPages: z.number().int().min(1).max(65536) })
      .refine((m) => m.maximumPages >= m.initialPages, { message: 'maximumPages must be at least initialPages', path: ['maximumPages'] })
      .default(DEFAULT_WASM_MEMORY),
    /** Providers inside the mesh; every other provider is external (`input.model.external`). */
    internalProviders: z.array(z.string().min(1)).default([]),
    /** The topic classifier feeding `input.topics`. */
    topics: topicClassifierParamsSchema
      .omit({ competitors: true })
      .extend({
        /** Channels whose text is classified (the caller's words and what it hands the model to read). */
        channels: z.array(z.enum(['system', 'user', 'assistant', 'tool_call_arguments', 'tool_result', 'document'])).default(['user', 'document', 'tool_result']),
      })
      .prefault({}),
    /** Per-tenant policy settings: bundle, tier, attributes, time zone, competitors, apps. */
    tenants: z.record(z.string(), tenantPolicySchema).default({}),
    canary: canarySchemaWith(guards).optional(),
  });
}

/** The schema with guard rules left unvalidated: for tests and tools that do not load whole configs. */
export const policyConfigSchema = policyConfigSchemaWith(z.unknown());
export type PolicyConfigInput = z.input<typeof policyConfigSchema>;

type KeySource = z.output<typeof keySourceSchema>;
type BundleSourceConfig = z.output<typeof bundleSourceSchema>;

export type BundleSourceSpec =
  | { readonly kind: 'file'; readonly key: string; readonly name: string; readonly path: string; readonly watch: boolean }
  | {
      readonly kind: 'http';
      readonly key: string;
      readonly name: string;
      readonly url: string;
      readonly minDelayMs: number;
      readonly maxDelayMs: number;
      readonly timeoutMs: number;
      readonly token?: string;
    };

export interface RuntimePolicyTenant {
  readonly id: string;
  readonly bundle?: BundleSourceSpec;
  readonly tier?: string;
  readonly attributes: Readonly<Record<string, JsonValue>>;
  readonly timeZone: string;
  readonly apps: ReadonlyMap<string, string>;
  readonly trustedApps: ReadonlySet<string>;
  readonly topics: TopicClassifier;
}

export interface RuntimeCanary<Guard> {
  readonly bundle?: BundleSourceSpec;
  readonly guards?: readonly Guard[];
  readonly percent: number;
  readonly by: 'request_id' | 'user' | 'key';
  readonly salt: string;
  readonly shadow: boolean;
}

/** The compiled `policy:` section. */
export interface RuntimePolicy<Guard = unknown> {
  readonly defaultBundle: BundleSourceSpec;
  readonly failMode: FailMode;
  readonly verification?: VerificationConfig;
  readonly memory: WasmMemoryLimits;
  readonly internalProviders: ReadonlySet<string>;
  readonly topicChannels: ReadonlySet<string>;
  /** Topics of tenants without a `policy.tenants` entry. */
  readonly defaultTenant: Omit<RuntimePolicyTenant, 'id'>;
  readonly tenants: ReadonlyMap<string, RuntimePolicyTenant>;
  readonly canary?: RuntimeCanary<Guard>;
}

export interface PolicyCompileContext<GuardsConfig, Guard> {
  /** Makes a config-relative path absolute. */
  readonly resolve: (file: string) => string;
  /** Tenant ids of the config: a policy entry for another id is a typo. */
  readonly tenantIds: ReadonlySet<string>;
  readonly providerIds: ReadonlySet<string>;
  readonly problem: (path: string, message: string) => void;
  readonly compileGuards: (guards: GuardsConfig, at: string) => Guard[];
}

/** Compiles the section; every problem goes to `context.problem` with its dotted path. */
export function compilePolicy<GuardsConfig, Guard>(
  config: z.output<ReturnType<typeof policyConfigSchemaWith<z.ZodType<GuardsConfig>>>>,
  context: PolicyCompileContext<GuardsConfig, Guard>,
): RuntimePolicy<Guard> {
  const readKey = (source: KeySource, at: string): string => {
    if ('env' in source) {
      const value = process.env[source.env];
      if (!value) context.problem(at, `environment variable ${source.env} is not set`);
      return value ?? '';
    }
    try {
      return readFileSync(context.resolve(source.file), 'utf8').trim();
    } catch (error) {
      context.problem(at, `cannot read ${context.resolve(source.file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return '';
    }
  };
  // Source keys identify a loaded bundle across reloads: same key, same instance, no reload.
  const source = (bundle: BundleSourceConfig, at: string): BundleSourceSpec => {
    if ('file' in bundle) {
      const resolved = context.resolve(bundle.file);
      return { kind: 'file', key: `file:${resolved}`, name: baseName(resolved), path: resolved, watch: bundle.watch };
    }
    const token = bundle.token ? readKey(bundle.token, `${at}.token`) : undefined;
    return {
      kind: 'http',
      key: `http:${bundle.url}`,
      name: baseName(new URL(bundle.url).pathname) || new URL(bundle.url).host,
      url: bundle.url,
      minDelayMs: bundle.pollSeconds.min * 1000,
      maxDelayMs: bundle.pollSeconds.max * 1000,
      timeoutMs: bundle.timeoutSeconds * 1000,
      ...(token ? { token } : {}),
    };
  };
  const topicBase = { defaults: config.topics.defaults, topics: config.topics.topics, minScore: config.topics.minScore, maxChars: config.topics.maxChars };
  const classifier = (extra: { topics: z.output<typeof topicDefinitionSchema>[]; competitors: string[] }, at: string): TopicClassifier => {
    try {
      return new LexiconTopicClassifier({ ...topicBase, topics: [...topicBase.topics, ...extra.topics], competitors: extra.competitors });
    } catch (error) {
      context.problem(at, error instanceof Error ? error.message : String(error));
      return new LexiconTopicClassifier({ defaults: false });
    }
  };

  const tenants = new Map<string, RuntimePolicyTenant>();
  for (const [id, tenant] of Object.entries(config.tenants)) {
    const at = `policy.tenants.${id}`;
    if (!context.tenantIds.has(id)) context.problem(at, `unknown tenant "${id}"`);
    if (!isValidTimeZone(tenant.timezone)) context.problem(`${at}.timezone`, `unknown time zone "${tenant.timezone}"`);
    tenants.set(
      id,
      Object.freeze({
        id,
        ...(tenant.bundle ? { bundle: source(tenant.bundle, `${at}.bundle`) } : {}),
        ...(tenant.tier ? { tier: tenant.tier } : {}),
        attributes: Object.freeze({ ...tenant.attributes }),
        timeZone: tenant.timezone,
        apps: new Map(Object.entries(tenant.apps)),
        trustedApps: new Set(tenant.trustedApps),
        topics: classifier({ topics: tenant.topics, competitors: tenant.competitors }, `${at}.topics`),
      }),
    );
  }
  config.internalProviders.forEach((name, index) => {
    if (!context.providerIds.has(name)) context.problem(`policy.internalProviders.${index}`, `unknown provider "${name}"`);
  });
  const verification: VerificationConfig | undefined = config.verification
    ? {
        keys: config.verification.keys.map((key, index) => ({ id: key.id, algorithm: key.algorithm, scope: key.scope, key: readKey(key.key, `policy.verification.keys.${index}.key`) })),
        ...(config.verification.keyId ? { keyId: config.verification.keyId } : {}),
        ...(config.verification.scope !== undefined ? { scope: config.verification.scope } : {}),
      }
    : undefined;
  const canary = config.canary;
  if (canary && !canary.bundle && canary.guards === undefined) context.problem('policy.canary', 'a canary needs a candidate bundle, candidate guards, or both');
  return Object.freeze({
    defaultBundle: source(config.defaultBundle, 'policy.defaultBundle'),
    failMode: config.failMode,
    ...(verification ? { verification } : {}),
    memory: { ...config.memory },
    internalProviders: new Set(config.internalProviders),
    topicChannels: new Set<string>(config.topics.channels),
    defaultTenant: Object.freeze({ attributes: {}, timeZone: 'UTC', apps: new Map(), trustedApps: new Set<string>(), topics: classifier({ topics: [], competitors: [] }, 'policy.topics') }),
    tenants,
    ...(canary
      ? {
          canary: Object.freeze({
            ...(canary.bundle ? { bundle: source(canary.bundle, 'policy.canary.bundle') } : {}),
            ...(canary.guards !== undefined ? { guards: context.compileGuards(canary.guards, 'policy.canary.guards') } : {}),
            percent: canary.percent,
            by: canary.by,
            salt: canary.salt,
            shadow: canary.shadow,
          }),
        }
      : {}),
  });
}

function baseName(file: string): string {
  const last = file.split('/').filter(Boolean).pop() ?? file;
  return last.replace(/\.tar\.gz$/, '');
}
