/**
 * The `cache` section of the config: where entries are kept (memory, or Redis shared by replicas), the
 * defaults every tenant gets and per-tenant overrides; compiled once into a policy per tenant.
 */
import { z } from 'zod';
import { redisConnectionSchema } from '../budget/redis-store';
import type { SecretSource, SecretStore } from '../config/secrets';
import { HttpEmbedder } from './embed/http';
import { LexicalEmbedder } from './embed/lexical';
import { OnnxEmbedder, ONNX_INSTALL_HINT, onnxRuntimeAvailable } from './embed/onnx';
import type { Embedder } from './embed/types';

const secretSource = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') })], {
  error: 'a key is { file: PATH } or { env: VARIABLE }; keys are never written into the config',
});

export const embedderSchema = z.discriminatedUnion('type', [
  /** Built in: hashed words, word pairs and character trigrams with synonyms and stemming. Needs nothing. */
  z.strictObject({ type: z.literal('lexical') }),
  /** An OpenAI-compatible embeddings endpoint (POST {model, input}); a failure or timeout is a miss. */
  z.strictObject({
    type: z.literal('http'),
    url: z.url(),
    model: z.string().min(1),
    key: secretSource.optional(),
    /** Keep well under Envoy's ext_proc message_timeout: the lookup runs while the request waits. */
    timeoutMs: z.number().int().positive().max(10_000).default(150),
  }),
  /** A local sentence-embedding model through onnxruntime-node (which the operator installs). */
  z.strictObject({
    type: z.literal('onnx'),
    modelFile: z.string().min(1),
    /** The model's WordPiece vocab.txt. */
    vocabFile: z.string().min(1),
    maxTokens: z.number().int().min(8).max(2048).default(128),
  }),
]);

const policyFields = {
  enabled: z.boolean(),
  /** exact: identical requests only; semantic: also questions similar enough with identical must-match features. */
  mode: z.enum(['exact', 'semantic']),
  /** Semantic similarity (cosine, 0..1) a hit needs. */
  threshold: z.number().gt(0).max(1),
  ttlSeconds: z.number().int().positive().max(30 * 24 * 3600),
  /** Size bound per tenant; the least recently used entry goes first. */
  maxEntries: z.number().int().positive().max(1_000_000),
  /** Who may share answers: the whole tenant, one end user (JWT subject), or one API key. */
  scope: z.enum(['tenant', 'user', 'key']),
  /** Requests above this temperature are not cached (their answers are meant to vary). */
  maxTemperature: z.number().min(0).max(2),
  /** A request that sets no temperature gets the provider's default (1 for most): cache it or not. */
  unsetTemperature: z.enum(['cacheable', 'skip']),
  /** Also cache requests that declare tools (answers that are text only are kept either way). */
  tools: z.boolean(),
  /** What a hit costs against the budget: nothing, or the usage of the answer it replays. */
  chargeOnHit: z.enum(['none', 'usage']),
  embedder: embedderSchema,
};

export const cachePolicySchema = z.strictObject({
  enabled: policyFields.enabled.default(false),
  mode: policyFields.mode.default('exact'),
  threshold: policyFields.threshold.default(0.8),
  ttlSeconds: policyFields.ttlSeconds.default(3600),
  maxEntries: policyFields.maxEntries.default(10_000),
  scope: policyFields.scope.default('tenant'),
  maxTemperature: policyFields.maxTemperature.default(0.3),
  unsetTemperature: policyFields.unsetTemperature.default('skip'),
  tools: policyFields.tools.default(false),
  chargeOnHit: policyFields.chargeOnHit.default('none'),
  embedder: policyFields.embedder.default({ type: 'lexical' }),
});

/** A tenant's override: only what differs from the defaults. */
export const cacheOverrideSchema = z.strictObject({
  enabled: policyFields.enabled.optional(),
  mode: policyFields.mode.optional(),
  threshold: policyFields.threshold.optional(),
  ttlSeconds: policyFields.ttlSeconds.optional(),
  maxEntries: policyFields.maxEntries.optional(),
  scope: policyFields.scope.optional(),
  maxTemperature: policyFields.maxTemperature.optional(),
  unsetTemperature: policyFields.unsetTemperature.optional(),
  tools: policyFields.tools.optional(),
  chargeOnHit: policyFields.chargeOnHit.optional(),
  embedder: policyFields.embedder.optional(),
});

/** The budgets' Redis connection settings, with the cache's own key prefix by default. */
const cacheRedisSchema = z.preprocess(
  (value) => (typeof value === 'object' && value !== null && !('keyPrefix' in value) ? { ...value, keyPrefix: 'llmgw:cache:' } : value),
  redisConnectionSchema,
);

export const cacheSchema = z.strictObject({
  /** Shared across replicas when set; otherwise each process keeps its own cache in memory. */
  redis: cacheRedisSchema.optional(),
  /** Answers bigger than this are not cached. */
  maxEntryBytes: z.number().int().positive().default(1024 * 1024),
  defaults: cachePolicySchema.prefault({}),
  /** Per-tenant overrides of `defaults`, by tenant id. */
  tenants: z.record(z.string(), cacheOverrideSchema).default({}),
});

export type CacheConfig = z.output<typeof cacheSchema>;
export type CachePolicyConfig = z.output<typeof cachePolicySchema>;
export type EmbedderConfig = z.output<typeof embedderSchema>;

export interface TenantCachePolicy {
  readonly enabled: boolean;
  readonly mode: 'exact' | 'semantic';
  readonly threshold: number;
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly scope: 'tenant' | 'user' | 'key';
  readonly maxTemperature: number;
  readonly unsetTemperature: 'cacheable' | 'skip';
  readonly tools: boolean;
  readonly chargeOnHit: 'none' | 'usage';
  readonly maxEntryBytes: number;
  readonly embedder: Embedder;
}

export const CACHE_DISABLED: TenantCachePolicy = Object.freeze({
  enabled: false,
  mode: 'exact',
  threshold: 1,
  ttlMs: 0,
  maxEntries: 0,
  scope: 'tenant',
  maxTemperature: 0,
  unsetTemperature: 'skip',
  tools: false,
  chargeOnHit: 'none',
  maxEntryBytes: 0,
  embedder: new LexicalEmbedder(),
});

export interface CacheCompileContext {
  readonly tenantIds: ReadonlySet<string>;
  readonly resolve: (file: string) => string;
  readonly secrets?: SecretStore;
  readonly problem: (path: string, message: string) => void;
}

const LEXICAL = new LexicalEmbedder();

/** One policy per tenant (defaults merged with its override); embedders are built once here. */
export function compileCachePolicies(config: CacheConfig, context: CacheCompileContext): ReadonlyMap<string, TenantCachePolicy> {
  for (const id of Object.keys(config.tenants)) {
    if (!context.tenantIds.has(id)) context.problem(`cache.tenants.${id}`, `unknown tenant "${id}"`);
  }
  const embedders = new Map<string, Embedder>();
  const embedderFor = (settings: EmbedderConfig, at: string): Embedder => {
    const cacheKey = JSON.stringify(settings);
    const known = embedders.get(cacheKey);
    if (known) return known;
    const built = buildEmbedder(settings, at, context);
    embedders.set(cacheKey, built);
    return built;
  };
  const policies = new Map<string, TenantCachePolicy>();
  for (const id of context.tenantIds) {
    const override = config.tenants[id] ?? {};
    const merged: CachePolicyConfig = { ...config.defaults, ...stripUndefined(override) };
    const at = override.embedder ? `cache.tenants.${id}.embedder` : 'cache.defaults.embedder';
    policies.set(
      id,
      Object.freeze({
        enabled: merged.enabled,
        mode: merged.mode,
        threshold: merged.threshold,
        ttlMs: merged.ttlSeconds * 1000,
        maxEntries: merged.maxEntries,
        scope: merged.scope,
        maxTemperature: merged.maxTemperature,
        unsetTemperature: merged.unsetTemperature,
        tools: merged.tools,
        chargeOnHit: merged.chargeOnHit,
        maxEntryBytes: config.maxEntryBytes,
        // Exact mode never embeds: no endpoint is called, no model is loaded.
        embedder: merged.enabled && merged.mode === 'semantic' ? embedderFor(merged.embedder, at) : LEXICAL,
      }),
    );
  }
  return policies;
}

function buildEmbedder(settings: EmbedderConfig, at: string, context: CacheCompileContext): Embedder {
  switch (settings.type) {
    case 'lexical':
      return LEXICAL;
    case 'http': {
      let key: SecretSource | undefined;
      if (settings.key) {
        key = 'file' in settings.key ? { file: context.resolve(settings.key.file) } : { env: settings.key.env };
        const problem = context.secrets?.register(key);
        if (problem) context.problem(`${at}.key`, problem);
      }
      const secrets = context.secrets;
      return new HttpEmbedder({
        url: settings.url,
        model: settings.model,
        timeoutMs: settings.timeoutMs,
        apiKey: () => (key && secrets ? secrets.value(key) || undefined : undefined),
      });
    }
    case 'onnx': {
      if (!onnxRuntimeAvailable()) {
        context.problem(`${at}.type`, ONNX_INSTALL_HINT);
        return LEXICAL;
      }
      try {
        return new OnnxEmbedder({ modelFile: context.resolve(settings.modelFile), vocabFile: context.resolve(settings.vocabFile), maxTokens: settings.maxTokens });
      } catch (error) {
        context.problem(`${at}.vocabFile`, `cannot read the vocabulary: ${error instanceof Error ? error.message : String(error)}`);
        return LEXICAL;
      }
    }
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
