/**
 * The one schema of the sidecar's YAML config. Unknown keys are errors (`strictObject`), so a typo is
 * reported instead of silently ignored. Later issues add tenants, models, guards... to this same schema.
 */
import { z } from 'zod';
import { budgetLimitsSchema, checkBudgetReferences } from '../budget/limits';
import { budgetStoreSchema } from '../budget/setup';
import { budgetAlertsSchema } from '../budget/alerts';
import { auditSinksSchema } from '../audit/config';
import { aliasesSchema, capabilitiesSchema, checkRouteReferences, routingSchema } from '../route/config';
import { redactionBaseSchema } from '../guard/pii/request-redaction';
import { policyConfigSchemaWith } from '../policy/config';
import { telemetrySchema } from '../telemetry/config';
import { cacheSchema } from '../cache/config';

const port = z.number().int().min(0).max(65535);
const byteSize = z.number().int().positive();

export const tlsSchema = z.strictObject({
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
  /** CA bundle that client certificates must chain to; required when requireClientCert is true. */
  clientCaFile: z.string().min(1).optional(),
  requireClientCert: z.boolean().default(false),
});

export const serverSchema = z
  .strictObject({
    /** gRPC over TCP, for Envoy in another container of the pod or a mesh without shared volumes. */
    tcp: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port }).optional(),
    /** gRPC over a Unix socket on a volume shared with Envoy: no TCP stack, no port to expose. */
    unixSocket: z.string().min(1).optional(),
    tls: tlsSchema.optional(),
    /**
     * Largest ext_proc message accepted. Must exceed Envoy's buffer limit for bodies (the shipped
     * config buffers 32 MiB) plus headers and gRPC framing, or large buffered bodies fail the stream.
     */
    maxMessageBytes: byteSize.default(32 * 1024 * 1024 + 1024 * 1024),
    /** On SIGTERM, how long open streams may run before the process exits anyway. */
    drainTimeoutSeconds: z.number().positive().max(3600).default(30),
  })
  .superRefine((server, ctx) => {
    if (!server.tcp && !server.unixSocket) {
      ctx.addIssue({ code: 'custom', message: 'set server.tcp, server.unixSocket or both', path: [] });
    }
    if (server.tls?.requireClientCert && !server.tls.clientCaFile) {
      ctx.addIssue({ code: 'custom', message: 'requireClientCert needs clientCaFile', path: ['tls', 'clientCaFile'] });
    }
    if (server.tls && !server.tcp) {
      ctx.addIssue({ code: 'custom', message: 'tls applies to the TCP listener; set server.tcp', path: ['tls'] });
    }
  });

export const adminSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(9102),
  /** Bearer token for the /admin/ API (tenant usage); without it the API is off. Never inline. */
  token: z.lazy(() => secretSourceSchema).optional(),
});

export const loggingSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'use letters, digits and . _ : - (max 128)');
const headerName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case header name');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256 of the key (see `llmgw hash-key`)');

export const gatewaySchema = z.strictObject({
  /** Paths the gateway does not know: `reject` answers 404 in the OpenAI shape; `passthrough` forwards unchanged. */
  unknownPaths: z.enum(['reject', 'passthrough']).default('reject'),
  /** Default request body limit; tenants may set their own (never above the Envoy buffer limit). */
  maxRequestBytes: byteSize.default(32 * 1024 * 1024),
  /** The header Envoy's route reads with `cluster_header`; must match envoy/*.yaml. */
  clusterHeader: headerName.default('x-llmgw-cluster'),
});

export const jwtAuthSchema = z.strictObject({
  /** Metadata namespace Envoy forwards (metadata_options.forwarding_namespaces). */
  metadataNamespace: z.string().min(1).default('envoy.filters.http.jwt_authn'),
  /** jwt_authn's `payload_in_metadata` key under that namespace. */
  payloadKey: z.string().min(1).default('jwt_payload'),
  /** The claim naming the tenant. */
  tenantClaim: z.string().min(1).default('tenant'),
  /** The claim naming the end user, recorded in audit (optional). */
  userClaim: z.string().min(1).default('sub'),
});

export const authSchema = z.strictObject({
  jwt: jwtAuthSchema.optional(),
});

/** A secret comes from a file (re-read when it changes) or an environment variable; never inline. */
export const secretSourceSchema = z.union(
  [z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') })],
  { error: 'a key is { file: PATH } or { env: VARIABLE }; keys are never written into the config' },
);

export const providerSchema = z.strictObject({
  /** The wire format the provider speaks. */
  api: z.enum(['openai', 'anthropic', 'gemini']),
  /** Envoy cluster that reaches it (written into the cluster header). */
  cluster: identifier,
  /** How the credential is sent upstream. */
  auth: z.enum(['bearer', 'x-api-key', 'x-goog-api-key', 'api-key', 'none']),
  /** One or more keys, spread across requests. Required unless auth is `none`. */
  keys: z.array(secretSourceSchema).default([]),
  /** Prefix added to the upstream path (for example a self-hosted server mounted under /openai). */
  pathPrefix: z.string().regex(/^(\/[^\s?#]*)?$/, 'empty or an absolute path without query').default(''),
  /** Extra headers some providers require (for example anthropic-version). */
  headers: z.record(headerName, z.string()).default({}),
  /**
   * OpenAI API only: the field the gateway writes an output-token cap into when the client set none (a
   * policy's cap, a translated request's max_tokens). OpenAI reads max_completion_tokens (its reasoning
   * models reject max_tokens); Ollama, LM Studio and llama.cpp read only max_tokens and ignore the other.
   */
  maxTokensField: z.enum(['max_completion_tokens', 'max_tokens']).default('max_completion_tokens'),
  /**
   * Envoy cluster for per-attempt fallback (docs/routing.md): its priority-0 endpoints are this
   * provider's, lower priorities other providers' (endpoint metadata `llmgw.provider`). A request to a
   * model with fallbacks on other providers goes there; the upstream filter adapts each attempt.
   */
  failoverCluster: identifier.optional(),
});

export const pricingSchema = z.strictObject({
  /** USD per million input (prompt) tokens. */
  input: z.number().nonnegative(),
  /** USD per million output tokens (reasoning tokens are billed as output). */
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});

export const modelSchema = z.strictObject({
  provider: identifier,
  /** The model id the provider knows; defaults to the gateway's name for it. */
  upstreamModel: z.string().min(1).optional(),
  pricing: pricingSchema,
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  /** `chat` models generate; `embedding` models embed. `auto` picks among the kind the endpoint needs. */
  kind: z.enum(['chat', 'embedding']).default('chat'),
  /** What the model can do (tools, vision, JSON mode); `auto` never picks a model that cannot. */
  capabilities: capabilitiesSchema.prefault({}),
  /** `advanced` models receive the requests `auto` judges complex (docs/routing.md). */
  tier: z.enum(['basic', 'advanced']).default('basic'),
  /** Other models to serve the request, in order, while this one's breaker is open or its keys cool down. */
  fallbacks: z.array(z.string().min(1)).default([]),
});

/** One input detector in the request path: which plug-in, what to do with its findings. */
export const inputGuardSchema = z.strictObject({
  /** A plug-in id from the guard registry (for example `prompt_injection`, `pii`, `pii.presidio`). */
  id: z.string().min(1),
  /** block: refuse the request; flag: let it pass, findings in metadata and audit; shadow: log and count only. */
  action: z.enum(['block', 'flag', 'shadow']).default('block'),
  /** Finding types that trigger the action; default every type the plug-in reports. */
  on: z.array(z.string().min(1)).min(1).optional(),
  /** The stable error code clients get when this guard blocks. */
  code: z.enum(['content_blocked', 'prompt_injection_detected', 'pii_detected', 'policy_violation']).default('content_blocked'),
  /** A detector that fails (remote analyser down...): closed refuses the request, open lets it through. */
  failMode: z.enum(['closed', 'open']).default('closed'),
  /** The plug-in's own parameters, validated by its schema when the config loads. */
  params: z.record(z.string(), z.unknown()).default({}),
});

/** One output guard (output.pii, output.urls, output.code, output.banned_terms, output.json_schema); actions live in its params. */
export const outputGuardSchema = z.strictObject({
  id: z.string().min(1),
  params: z.record(z.string(), z.unknown()).default({}),
});

export const guardsSchema = z.strictObject({
  input: z.array(inputGuardSchema).default([]),
  /** Guards on what the provider sends back, buffered and streamed (docs/redaction-and-output-guards.md). */
  output: z.array(outputGuardSchema).default([]),
  /** Characters of streamed text held back so a pattern split across chunks is seen whole before any of it is sent. */
  holdBackChars: z.number().int().min(0).max(16384).default(256),
});

/** PII redaction of requests before they leave (per entity: mask, placeholder, hash, reversible, block). */
export const redactionSchema = redactionBaseSchema.extend({
  /** HMAC key for the `hash` action; required when any action is `hash`. Never inline. */
  hashKey: z.lazy(() => secretSourceSchema).optional(),
}).superRefine((redaction, ctx) => {
  const usesHash = redaction.defaultAction === 'hash' || Object.values(redaction.actions).includes('hash');
  if (usesHash && !redaction.hashKey) ctx.addIssue({ code: 'custom', path: ['hashKey'], message: 'the hash action needs hashKey ({ file } or { env })' });
});

export const apiKeySchema = z.strictObject({
  /** Stable id recorded in audit and metrics instead of the key. */
  id: identifier,
  sha256: sha256Hex,
});

export const tenantSchema = z.strictObject({
  apiKeys: z.array(apiKeySchema).default([]),
  /** Glob-style model names (`*` wildcard) this tenant may use; deny wins over allow. */
  models: z.strictObject({ allow: z.array(z.string().min(1)).default(['*']), deny: z.array(z.string().min(1)).default([]) }).default({ allow: ['*'], deny: [] }),
  maxRequestBytes: byteSize.optional(),
  /** Token and money budgets (src/budget/README.md); none means unlimited. */
  budget: budgetLimitsSchema.optional(),
  /** The tenant's own detectors; when set, they replace the top-level `guards` for this tenant. */
  guards: guardsSchema.optional(),
  /** Aliases for this tenant; an alias here wins over the top-level one of the same name. */
  aliases: aliasesSchema.optional(),
  /** `auto` only picks models whose estimated cost for the request stays at or below this (USD). */
  maxCostPerRequestUsd: z.number().positive().optional(),
  /** The tenant's own redaction; when set, it replaces the top-level `redaction` for this tenant. */
  redaction: redactionSchema.optional(),
});

export const configSchema = z
  .strictObject({
    server: serverSchema,
    admin: adminSchema.default({ host: '127.0.0.1', port: 9102 }),
    logging: loggingSchema.default({ level: 'info' }),
    gateway: gatewaySchema.default({ unknownPaths: 'reject', maxRequestBytes: 32 * 1024 * 1024, clusterHeader: 'x-llmgw-cluster' }),
    auth: authSchema.default({}),
    providers: z.record(identifier, providerSchema).default({}),
    models: z.record(z.string().min(1), modelSchema).default({}),
    /** Model aliases clients may send (`fast: gpt-4o-mini`); tenants may override them. */
    aliases: aliasesSchema.default({}),
    /** `auto` selection, circuit breakers and 429 cool-downs (docs/routing.md). */
    routing: routingSchema.prefault({}),
    tenants: z.record(identifier, tenantSchema).default({}),
    /** Where audit records go: stdout, per-tenant tamper-evident files, Redis Streams, S3 (src/audit/README.md). */
    audit: auditSinksSchema.prefault({}),
    /** Detectors run on every request (tenants may replace the list). */
    guards: guardsSchema.prefault({}),
    /** Redaction of requests for every tenant without its own (none: requests are sent as written). */
    redaction: redactionSchema.optional(),
    /** Alerts when a day or month budget crosses a share of its limit (metric, log, optional webhook). */
    budgetAlerts: budgetAlertsSchema.prefault({}),
    /** Where budgets are kept (Redis across replicas, memory for one) and what a Redis outage does. */
    budgets: budgetStoreSchema.default(budgetStoreSchema.parse({})),
    /** Tenant policy in OPA (Rego compiled to wasm), topics and canary rollout (docs/policy.md). */
    policy: policyConfigSchemaWith(guardsSchema).optional(),
    /** Bounded tenant labels on metrics; optional OpenTelemetry traces (src/telemetry/config.ts). */
    telemetry: telemetrySchema.prefault({}),
    /** Response cache: store (memory or Redis), defaults and per-tenant overrides (docs/cache.md). */
    cache: cacheSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    // Cross-references are checked here so every dangling name is reported with its own path.
    for (const [name, model] of Object.entries(config.models)) {
      if (!(model.provider in config.providers)) {
        ctx.addIssue({ code: 'custom', path: ['models', name, 'provider'], message: `unknown provider "${model.provider}"` });
      }
    }
    for (const [name, provider] of Object.entries(config.providers)) {
      if (provider.auth !== 'none' && provider.keys.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['providers', name, 'keys'], message: `auth "${provider.auth}" needs at least one key` });
      }
    }
    const routeProblems = checkRouteReferences({ models: config.models, aliases: config.aliases, tenants: config.tenants, autoName: config.routing.auto.name });
    for (const problem of routeProblems) ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
    const modelNames = new Set(Object.keys(config.models));
    for (const [tenant, settings] of Object.entries(config.tenants)) {
      if (!settings.budget) continue;
      for (const problem of checkBudgetReferences(settings.budget, modelNames, ['tenants', tenant, 'budget'])) {
        ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
      }
    }
    const owners = new Map<string, string>();
    for (const [tenant, settings] of Object.entries(config.tenants)) {
      settings.apiKeys.forEach((key, index) => {
        const owner = owners.get(key.sha256);
        if (owner !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['tenants', tenant, 'apiKeys', index, 'sha256'], message: `key already belongs to ${owner}` });
        }
        owners.set(key.sha256, `${tenant}/${key.id}`);
      });
    }
  });

export type ConfigInput = z.input<typeof configSchema>;
export type ConfigDocument = z.output<typeof configSchema>;
