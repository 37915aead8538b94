/**
 * The two documents of the policy contract: the input the gateway gives the Rego policy (entrypoint
 * `gateway/decision`) and the decision the policy returns. Both are zod schemas so the input can be
 * published as JSON Schema (policy/input.schema.json, used by `opa check --schema`) and the decision
 * coming out of wasm is validated before anything trusts it. See src/policy/README.md for the meaning of
 * every field.
 */
import { z } from 'zod';

/** Version of the input document. Policies may check it; it changes only when a field changes meaning. */
export const POLICY_INPUT_VERSION = 1;

/** The entrypoint every bundle must compile (`opa build -e gateway/decision`). */
export const DECISION_ENTRYPOINT = 'gateway/decision';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const json: z.ZodType<Json> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));

export const outputFormats = ['text', 'json_object', 'json_schema'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export const redactionLevels = ['reversible', 'irreversible'] as const;
/** `reversible`: placeholders the gateway restores in the response; `irreversible`: masked or hashed for good. */
export type RedactionLevel = (typeof redactionLevels)[number];

export const policyTimeSchema = z.strictObject({
  /** Milliseconds since the Unix epoch (a JSON number holds them exactly; nanoseconds it would not). */
  now_ms: z.number().int(),
  /** IANA time zone the fields below are in: the tenant's, UTC when it has none. */
  timezone: z.string(),
  /** ISO weekday in that zone: 1 = Monday ... 7 = Sunday. */
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  /** YYYY-MM-DD in that zone. */
  date: z.string(),
});
export type PolicyTime = z.infer<typeof policyTimeSchema>;

export const policyFindingSchema = z.strictObject({
  /** Detector plug-in id: `prompt_injection`, `pii`, `pii.presidio`... */
  detector: z.string(),
  /** What was found: `prompt_injection`, `jailbreak`, `obfuscation`, `EMAIL_ADDRESS`, `secret.aws_access_key`... */
  type: z.string(),
  /** 0..1 */
  score: z.number().min(0).max(1),
  /** Where: system, user, assistant, tool_call_arguments, tool_result, document. */
  channel: z.string().optional(),
});
export type PolicyFinding = z.infer<typeof policyFindingSchema>;

export const policyTopicSchema = z.strictObject({
  /** Topic id from the topic classifier: medical_advice, legal_advice, financial_advice, weapons, self_harm, competitor... */
  id: z.string(),
  /** 0..1 */
  score: z.number().min(0).max(1),
});
export type PolicyTopic = z.infer<typeof policyTopicSchema>;

export const policyInputSchema = z.strictObject({
  version: z.literal(POLICY_INPUT_VERSION),
  request_id: z.string(),
  /** The clock: the wasm runtime has no time.* builtins. */
  time: policyTimeSchema,
  tenant: z.strictObject({
    id: z.string(),
    /** Tier name the bundle's data knows (trial, free, standard, enterprise in the default bundle). */
    tier: z.string().optional(),
    /** Free-form tenant attributes from config; the default bundle reads setting overrides here. */
    attributes: z.record(z.string(), json),
  }),
  principal: z.strictObject({
    via: z.enum(['api_key', 'jwt', 'header']),
    /** Stable id of the API key (never the key). */
    key_id: z.string().optional(),
    /** End user: JWT subject or the API's `user` field. */
    user: z.string().optional(),
    /** Calling application: the key's app or the JWT's client (azp / client_id). */
    app: z.string().optional(),
    /** The tenant's config marks this application trusted. */
    trusted_app: z.boolean(),
    /** Verified JWT claims (empty for API keys). */
    claims: z.record(z.string(), json),
  }),
  api: z.strictObject({
    /** openai.chat_completions, anthropic.messages, gemini.generate_content... */
    id: z.string(),
    family: z.string(),
  }),
  model: z.strictObject({
    /** As the client asked. */
    requested: z.string(),
    /** After routing; absent when the policy runs before routing. */
    routed: z.string().optional(),
    provider: z.string().optional(),
    /** The provider is outside the mesh (a public API rather than a self-hosted model). */
    external: z.boolean().optional(),
  }),
  stream: z.boolean(),
  tokens: z.strictObject({
    /** Estimated input tokens (src/budget/estimate). */
    input_estimate: z.number().int().nonnegative(),
    /** The output limit the client asked for, if any. */
    max_output: z.number().int().positive().optional(),
  }),
  tools: z.array(z.strictObject({ name: z.string(), kind: z.enum(['function', 'custom', 'builtin']) })),
  response_format: z.enum(outputFormats),
  findings: z.array(policyFindingSchema),
  topics: z.array(policyTopicSchema),
});
export type PolicyInput = z.infer<typeof policyInputSchema>;

/**
 * The input document as JSON Schema (draft 7, which `opa check --schema` reads): policy/input.schema.json
 * is this, and scripts/build-policy.sh type-checks every policy against it, so `input.tenat.id` or
 * comparing `input.model.requested` with a number fails the build.
 */
export function policyInputJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policyInputSchema, { target: 'draft-7' }) as Record<string, unknown>;
}

/** A reason for a denial. `id` is stable and may reach the client; `message` is for logs and audit only. */
export const policyReasonSchema = z.strictObject({
  /** Goes back to the client: a short identifier, nothing that could carry policy internals or markup. */
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'a reason id is 1-128 letters, digits, _ . : -'),
  message: z.string().max(1024),
});
export type PolicyReason = z.infer<typeof policyReasonSchema>;

export const policyObligationsSchema = z.strictObject({
  /** Model restrictions for the router: one forced model, or the globs (`*` crosses dots) it may pick from. */
  model: z
    .union([z.strictObject({ force: z.string().min(1) }), z.strictObject({ allow: z.array(z.string().min(1)) })])
    .optional(),
  /** Cap on output tokens: the gateway lowers the request's limit to it (sets it when absent). */
  max_output_tokens: z.number().int().positive().optional(),
  /** PII must be redacted at least at this level before the request leaves the mesh. */
  redaction: z.enum(redactionLevels).optional(),
  /** The response must be in one of these formats. */
  output_formats: z.array(z.enum(outputFormats)).min(1).optional(),
});
export type PolicyObligations = z.infer<typeof policyObligationsSchema>;

/** What `gateway/decision` must evaluate to. Anything else is an evaluation error (handled by the fail mode). */
export const policyDecisionDocumentSchema = z.strictObject({
  allow: z.boolean(),
  reasons: z.array(policyReasonSchema),
  obligations: policyObligationsSchema,
  labels: z.array(z.string()).default([]),
});
export type PolicyDecisionDocument = z.infer<typeof policyDecisionDocumentSchema>;

/** How a decision came about: the policy decided, or it failed and the fail mode did. */
export type PolicyOutcome = 'evaluated' | 'failed_open' | 'failed_closed';

export type FailMode = 'open' | 'closed';

/** Reason id a fail-closed decision carries. */
export const POLICY_ERROR_REASON = 'policy_error';

/** The typed decision the engine hands the pipeline. */
export interface PolicyDecision {
  readonly allow: boolean;
  readonly reasons: readonly PolicyReason[];
  readonly obligations: PolicyObligations;
  readonly labels: readonly string[];
  /** Unique per evaluation: goes into dynamic metadata and the audit record. */
  readonly decisionId: string;
  /** The bundle that decided (or failed to). */
  readonly bundle: { readonly name: string; readonly revision: string };
  readonly outcome: PolicyOutcome;
  /** Internal error text when the outcome is a failure: log it, never send it to the client. */
  readonly error?: string;
  /** Which side of a canary decided: absent without a canary. */
  readonly rollout?: 'stable' | 'candidate';
}

/** Anything that turns an input into a decision: one engine, or a canary over two. */
export interface PolicyEvaluator {
  evaluate(input: PolicyInput): PolicyDecision;
}
