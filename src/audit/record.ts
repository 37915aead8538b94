/**
 * The audit record: one per request, written when its ext_proc stream ends, however it ends (completed,
 * rejected, cancelled, failed). It names the tenant, key id (never the key), models, tokens, cost and the
 * gateway's decisions; findings carry types and scores, never raw text. The zod schema is the source of
 * truth; schemas/audit-record.schema.json is generated from it (`make schemas`) and a test keeps them equal.
 */
import { z } from 'zod';
import { auditBodiesFieldSchema } from './bodies';

export const AUDIT_RECORD_VERSION = 1;

const tokenCounts = z.strictObject({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cachedInput: z.number().int().nonnegative().optional(),
  cacheWrite: z.number().int().nonnegative().optional(),
  reasoning: z.number().int().nonnegative().optional(),
  /** Where the counts come from: the provider's usage report, or the gateway's own estimate. */
  source: z.enum(['provider', 'estimate', 'none']),
});

export const auditDecisionSchema = z.strictObject({
  /** The stage that decided: auth, validate, route, policy, budget, guard... */
  stage: z.string(),
  action: z.enum(['allow', 'deny', 'modify', 'flag']),
  /** Stable code, for example `invalid_api_key` or `model_not_allowed`. */
  code: z.string().optional(),
  reason: z.string().optional(),
});

export const auditFindingSchema = z.strictObject({
  detector: z.string(),
  type: z.string(),
  score: z.number().optional(),
  channel: z.string().optional(),
  segment: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative().optional(),
});

/** How the model was chosen (src/route): by name, alias or `auto`, and which fallbacks took over. */
export const auditRouteSchema = z.strictObject({
  selectedBy: z.enum(['explicit', 'alias', 'auto']),
  /** The catalog model selection named, before breakers and cool-downs. */
  selected: z.string(),
  /** The catalog model that served (differs from `selected` after a fallback). */
  model: z.string(),
  reason: z.string(),
  /** Models passed over, with why (breaker open, keys cooling...). */
  skipped: z.array(z.string()),
});

/** How many spans of one entity type a redaction acted on, and how: counts only, never values. */
export const auditRedactionSchema = z.strictObject({
  /** `request`: before forwarding; `response`: output guards on what the provider sent. */
  direction: z.enum(['request', 'response']),
  type: z.string(),
  action: z.string(),
  count: z.number().int().nonnegative(),
});

/** The tenant policy's decision (src/policy): ids and what was applied, never the reasons' messages. */
export const auditPolicySchema = z.strictObject({
  /** Unique per evaluation; also in Envoy's dynamic metadata (`llmgw.policy_decision_id`). */
  decisionId: z.string(),
  bundle: z.string(),
  revision: z.string(),
  outcome: z.enum(['evaluated', 'failed_open', 'failed_closed']),
  allow: z.boolean(),
  /** Reason ids (the policy's, or the gateway's when it could not honour an obligation). */
  reasons: z.array(z.string()),
  labels: z.array(z.string()),
  /** The canary side that decided, while a canary runs. */
  rollout: z.enum(['stable', 'candidate']).optional(),
  routedModel: z.string().optional(),
  obligations: z.strictObject({
    forcedModel: z.string().optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    redaction: z.enum(['reversible', 'irreversible']).optional(),
    outputFormats: z.array(z.string()).optional(),
  }),
});

export const auditRecordSchema = z.strictObject({
  kind: z.literal('llmgw.audit'),
  version: z.literal(AUDIT_RECORD_VERSION),
  requestId: z.string(),
  /** When the request reached the gateway (ISO 8601, UTC). */
  time: z.string(),
  tenant: z.string().nullable(),
  keyId: z.string().nullable(),
  user: z.string().nullable(),
  clientAddress: z.string().nullable(),
  api: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  stream: z.boolean(),
  modelRequested: z.string().nullable(),
  modelServed: z.string().nullable(),
  provider: z.string().nullable(),
  cluster: z.string().nullable(),
  /** Present once a request was routed. */
  route: auditRouteSchema.optional(),
  tokens: tokenCounts,
  costUsd: z.number().nonnegative(),
  latencyMs: z.strictObject({
    total: z.number().nonnegative(),
    /** Time from the request to the first response body byte seen by the gateway. */
    firstByte: z.number().nonnegative().nullable(),
  }),
  /** HTTP status the client got, when known (a cancelled stream may have none). */
  status: z.number().int().nullable(),
  outcome: z.enum(['completed', 'rejected', 'cancelled', 'failed']),
  errorCode: z.string().nullable(),
  decisions: z.array(auditDecisionSchema),
  findings: z.array(auditFindingSchema),
  /** Redactions per entity type (absent when no redaction or output guard acted). */
  redactions: z.array(auditRedactionSchema).optional(),
  /** Present when a tenant policy decided the request. */
  policy: auditPolicySchema.optional(),
  /** Encrypted request and response bodies, for tenants listed in audit.bodies (see bodies.ts). */
  bodies: auditBodiesFieldSchema.optional(),
  /** The response cache, when the tenant has it on: hit (exact or semantic), miss (and whether the answer was stored), or skip. */
  cache: z
    .strictObject({
      result: z.enum(['hit', 'miss', 'skip']),
      how: z.enum(['exact', 'semantic']).optional(),
      similarity: z.number().optional(),
      /** Why the request was not looked up, or why its answer was not stored. */
      reason: z.string().optional(),
      stored: z.boolean().optional(),
    })
    .optional(),
});

export type AuditRecord = z.infer<typeof auditRecordSchema>;
export type AuditDecision = z.infer<typeof auditDecisionSchema>;
export type AuditFinding = z.infer<typeof auditFindingSchema>;
export type AuditRoute = z.infer<typeof auditRouteSchema>;
export type AuditRedaction = z.infer<typeof auditRedactionSchema>;
export type AuditPolicy = z.infer<typeof auditPolicySchema>;

export function auditJsonSchema(): object {
  return {
    $id: 'https://llm-gateway.dev/schemas/audit-record.schema.json',
    title: 'llm-gateway audit record',
    ...z.toJSONSchema(auditRecordSchema, { target: 'draft-2020-12' }),
  };
}
