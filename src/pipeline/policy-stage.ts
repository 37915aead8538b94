/**
 * The policy stage of one request, between inspect and the upstream call.
 *
 * Two evaluations, one rollout side:
 *  1. after inspect, before routing (`model.routed` absent): a denial stops the request; the model
 *     obligation steers routing (`force` routes that model; `allow` globs must match the requested one);
 *  2. after routing, with the routed model, its provider and whether it is external: this decision is the
 *     one enforced and recorded (denial, model obligation re-checked against the routed model, max output
 *     tokens, redaction level, output formats), and the only one evaluated in shadow on the stable side of
 *     a canary, so a disagreement is counted once per request.
 * Both run on the same canary side (the hash of tenant + request id, user or key), chosen before inspect so
 * the candidate's guard rules, when the canary has some, run on exactly the candidate's requests.
 *
 * Obligations the gateway cannot honour fail closed: a redaction level with no redaction stage able to
 * apply it denies (`redaction_unavailable`), never sends the text unredacted.
 */
import type { RuntimeConfig, RuntimeInputGuard, RuntimeModel } from '../config/runtime';
import { compileGlob } from '../config/glob';
import type { JsonObject, JsonValue } from '../extproc/struct';
import { apiError, type ApiError, type CanonicalRequest } from '../llm';
import type { RouteTarget } from '../route/router';
import type { Identity } from '../tenant/identify';
import type { SidecarMetrics } from '../telemetry/metrics';
import {
  buildPolicyInput,
  redactionLevels,
  toPolicyFindings,
  type PolicyDecision,
  type PolicyInput,
  type PolicySnapshot,
  type RedactionLevel,
  type RuntimePolicyTenant,
} from '../policy';
import { inspectRequest, type GuardedFinding, type InspectOutcome } from './inspect';

/** Reason ids the gateway itself adds when it cannot honour an obligation. */
export const GATEWAY_POLICY_REASONS = ['model_restricted', 'redaction_unavailable', 'output_format_not_allowed'] as const;

export type PolicySnapshotOf = PolicySnapshot<RuntimeInputGuard>;

export interface PolicyStageDeps {
  readonly config: RuntimeConfig;
  readonly metrics: SidecarMetrics;
  readonly now: () => number;
  /**
   * Redaction levels the request redaction stage can apply. Empty until that stage exists: then every
   * redaction obligation denies (fail closed).
   */
  readonly redactionLevels: ReadonlySet<RedactionLevel>;
  /** Bounded `tenant` label for metrics (telemetry.metrics.tenantLabels / maxTenantLabels). */
  readonly tenantLabel?: (tenant: string) => string;
}

export type PolicyVerdict = { readonly ok: true } | { readonly ok: false; readonly error: ApiError };

/** What the request's final decision obliges the rest of the exchange to do. */
export interface AppliedObligations {
  /** The model routing must use instead of the requested one. */
  readonly forcedModel?: string;
  /** New max output tokens to write into the request. */
  readonly maxOutputTokens?: number;
  /** The redaction level the redaction stage must apply before the request leaves the mesh. */
  readonly redaction?: RedactionLevel;
  /** Formats the response must be in. */
  readonly outputFormats?: readonly string[];
}

export class PolicyRun {
  readonly side: 'stable' | 'candidate';
  private base: PolicyInput | undefined;
  private routedModel: string | undefined;
  /** The enforced decision: the post-routing one once it exists, else the pre-routing one. */
  decision: PolicyDecision | undefined;
  obligations: AppliedObligations = {};

  constructor(
    private readonly snapshot: PolicySnapshotOf,
    private readonly deps: PolicyStageDeps,
    private readonly requestId: string,
    private readonly identity: Identity,
    private readonly claims: JsonObject,
    private readonly log: { warn(object: object, message: string): void },
  ) {
    // From the verified identity only (JWT subject, API key id): a client-chosen `user` field must not pick its side.
    this.side = snapshot.rollout.side({ tenant: identity.tenant.id, requestId, user: identity.user, keyId: identity.keyId });
  }

  private get tenantPolicy(): Omit<RuntimePolicyTenant, 'id'> {
    return this.snapshot.policy.tenants.get(this.identity.tenant.id) ?? this.snapshot.policy.defaultTenant;
  }

  /** The input guards for this request: the canary's on its side, the tenant's otherwise. */
  inputGuards(tenantGuards: readonly RuntimeInputGuard[]): readonly RuntimeInputGuard[] {
    const candidate = this.snapshot.policy.canary?.guards;
    return candidate && this.side === 'candidate' ? candidate : tenantGuards;
  }

  /** True when the candidate's guards run in shadow on this request (inspect must run even with no guards of its own). */
  get shadowsGuards(): boolean {
    const canary = this.snapshot.policy.canary;
    return canary?.guards !== undefined && canary.shadow && this.side === 'stable';
  }

  /** On the stable side of a canary with guard rules: runs the candidate's guards in shadow and counts differences. */
  async shadowGuards(request: CanonicalRequest, stable: InspectOutcome): Promise<void> {
    const canary = this.snapshot.policy.canary;
    if (!canary?.guards || !canary.shadow || this.side !== 'stable') return;
    let shadow: InspectOutcome;
    try {
      shadow = await inspectRequest(request, canary.guards);
    } catch {
      return; // shadow work never fails a request
    }
    const differences = compareGuardOutcomes(stable, shadow);
    this.snapshot.rollout.countDisagreement(this.identity.tenant.id, differences);
    const tenant = this.tenantLabel();
    for (const rule of differences) this.deps.metrics.policyShadowDisagreements.inc({ tenant, rule });
  }

  /** Evaluation 1: after inspect, before routing. */
  beforeRouting(request: CanonicalRequest, findings: readonly GuardedFinding[]): PolicyVerdict {
    this.base = this.buildInput(request, findings);
    const decision = this.snapshot.rollout.evaluate(this.base, { shadow: false, side: this.side });
    this.decision = decision;
    if (!decision.allow) return this.deny(decision);
    const model = decision.obligations.model;
    if (model && 'force' in model) {
      this.obligations = { forcedModel: model.force };
    } else if (model && !model.allow.some((glob) => compileGlob(glob)(request.model))) {
      return this.deny(decision, 'model_restricted');
    }
    return { ok: true };
  }

  /** The model routing should use. */
  modelToRoute(request: CanonicalRequest): string {
    return this.obligations.forcedModel ?? request.model;
  }

  /**
   * Evaluation 2: the routed model known; the final decision, whose obligations are applied.
   * `appliedRedaction`: the levels the request's redaction achieved (src/pipeline/redaction.ts); without
   * it, the levels the deployment can apply at all (deps.redactionLevels).
   */
  afterRouting(request: CanonicalRequest, target: RouteTarget, appliedRedaction?: ReadonlySet<RedactionLevel>): PolicyVerdict {
    const base = this.base;
    if (!base) throw new Error('afterRouting before beforeRouting');
    this.routedModel = target.model.name;
    const input: PolicyInput = {
      ...base,
      model: { requested: base.model.requested, routed: target.model.name, provider: target.provider.name, external: !this.snapshot.policy.internalProviders.has(target.provider.name) },
    };
    const decision = this.snapshot.rollout.evaluate(input, { side: this.side });
    this.decision = decision;
    if (!decision.allow) return this.deny(decision);
    const { model, max_output_tokens: cap, redaction, output_formats: formats } = decision.obligations;
    if (model && ('force' in model ? model.force !== target.model.name : !model.allow.some((glob) => compileGlob(glob)(target.model.name)))) {
      return this.deny(decision, 'model_restricted');
    }
    if (redaction && !honours(appliedRedaction ?? this.deps.redactionLevels, redaction)) return this.deny(decision, 'redaction_unavailable');
    const format = request.responseFormat?.type ?? 'text';
    if (formats && !formats.includes(format)) return this.deny(decision, 'output_format_not_allowed');
    const capped = cap !== undefined && (request.maxOutputTokens === undefined || request.maxOutputTokens > cap) ? cap : undefined;
    this.obligations = {
      ...(this.obligations.forcedModel ? { forcedModel: this.obligations.forcedModel } : {}),
      ...(capped === undefined ? {} : { maxOutputTokens: capped }),
      ...(redaction ? { redaction } : {}),
      ...(formats ? { outputFormats: formats } : {}),
    };
    return { ok: true };
  }

  /**
   * Whether the final decision would also allow `alternative` (served by its own provider) for a
   * per-attempt fallback, which the upstream filter applies without coming back to this stage. Anything
   * the current obligations could not carry over (a forced model, another token cap, a redaction level
   * this request did not reach, a disallowed format) or an evaluation that fails says no.
   */
  permitsAlternative(request: CanonicalRequest, alternative: RuntimeModel, appliedRedaction: ReadonlySet<RedactionLevel>): boolean {
    const base = this.base;
    const current = this.decision;
    if (!base || !current || this.obligations.forcedModel !== undefined) return false;
    const provider = alternative.provider.name;
    const input: PolicyInput = {
      ...base,
      model: { requested: base.model.requested, routed: alternative.name, provider, external: !this.snapshot.policy.internalProviders.has(provider) },
    };
    let decision: PolicyDecision;
    try {
      decision = this.snapshot.rollout.evaluate(input, { side: this.side, shadow: false });
    } catch {
      return false;
    }
    if (!decision.allow) return false;
    const { model, max_output_tokens: cap, redaction, output_formats: formats } = decision.obligations;
    if (model && ('force' in model ? model.force !== alternative.name : !model.allow.some((glob) => compileGlob(glob)(alternative.name)))) return false;
    if (redaction && !honours(appliedRedaction, redaction)) return false;
    if (formats && !formats.includes(request.responseFormat?.type ?? 'text')) return false;
    return cap === current.obligations.max_output_tokens;
  }

  /** Fields for dynamic metadata. */
  metadata(): JsonObject {
    const decision = this.decision;
    if (!decision) return {};
    return {
      policy_decision_id: decision.decisionId,
      policy_bundle: decision.bundle.name,
      policy_revision: decision.bundle.revision,
      policy_allow: decision.allow,
      ...(decision.rollout ? { policy_rollout: decision.rollout } : {}),
    };
  }

  /** The audit record's `policy` entry. */
  audit(): PolicyAudit | undefined {
    const decision = this.decision;
    if (!decision) return undefined;
    const o = this.obligations;
    return {
      decisionId: decision.decisionId,
      bundle: decision.bundle.name,
      revision: decision.bundle.revision,
      outcome: decision.outcome,
      allow: decision.allow && this.denialReason === undefined,
      reasons: [...decision.reasons.map((r) => r.id), ...(this.denialReason ? [this.denialReason] : [])],
      labels: [...decision.labels],
      ...(decision.rollout ? { rollout: decision.rollout } : {}),
      ...(this.routedModel ? { routedModel: this.routedModel } : {}),
      obligations: {
        ...(o.forcedModel ? { forcedModel: o.forcedModel } : {}),
        ...(o.maxOutputTokens !== undefined ? { maxOutputTokens: o.maxOutputTokens } : {}),
        ...(o.redaction ? { redaction: o.redaction } : {}),
        ...(o.outputFormats ? { outputFormats: [...o.outputFormats] } : {}),
      },
    };
  }

  private denialReason: string | undefined;

  private deny(decision: PolicyDecision, gatewayReason?: (typeof GATEWAY_POLICY_REASONS)[number]): PolicyVerdict {
    this.denialReason = gatewayReason;
    const tenant = this.tenantLabel();
    if (decision.outcome === 'failed_closed') {
      this.log.warn({ decisionId: decision.decisionId, bundle: decision.bundle.name, error: decision.error }, 'policy evaluation failed; denied (fail closed)');
      this.deps.metrics.policyDecisions.inc({ tenant, side: decision.rollout ?? 'stable', result: 'failed_closed' });
      return { ok: false, error: apiError(503, 'policy_unavailable', `The tenant's policy could not be evaluated, so the request was not sent (request ${this.requestId}).`) };
    }
    const reasons = gatewayReason ? [gatewayReason] : decision.reasons.map((r) => r.id);
    this.deps.metrics.policyDecisions.inc({ tenant, side: decision.rollout ?? 'stable', result: 'deny' });
    return {
      ok: false,
      error: apiError(403, 'policy_denied', `The request was denied by the tenant's policy (reason: ${reasons.join(', ')}; request ${this.requestId}).`, {
        headers: [['x-llmgw-policy-reason', reasons.join(',')]],
      }),
    };
  }

  /** Counts an allowed final decision (denials are counted where they are made). */
  countAllowed(): void {
    const decision = this.decision;
    if (decision) this.deps.metrics.policyDecisions.inc({ tenant: this.tenantLabel(), side: decision.rollout ?? 'stable', result: decision.outcome === 'failed_open' ? 'failed_open' : 'allow' });
  }

  private tenantLabel(): string {
    const tenant = this.identity.tenant.id;
    return this.deps.tenantLabel ? this.deps.tenantLabel(tenant) : tenant;
  }

  private buildInput(request: CanonicalRequest, findings: readonly GuardedFinding[]): PolicyInput {
    const tenant = this.tenantPolicy;
    const channels = this.snapshot.policy.topicChannels;
    const app = this.app(tenant);
    const user = this.identity.user ?? bodyUser(request);
    let chars = 0;
    for (const segment of request.segments) chars += segment.text.length;
    return buildPolicyInput({
      request_id: this.requestId,
      nowMs: this.deps.now(),
      timeZone: tenant.timeZone,
      tenant: { id: this.identity.tenant.id, ...(tenant.tier ? { tier: tenant.tier } : {}), attributes: { ...tenant.attributes } },
      principal: {
        via: this.identity.via,
        ...(this.identity.keyId ? { key_id: this.identity.keyId } : {}),
        ...(user ? { user } : {}),
        ...(app ? { app } : {}),
        trusted_app: app !== undefined && tenant.trustedApps.has(app),
        claims: this.claims as Record<string, JsonValue>,
      },
      api: { id: request.api, family: request.family },
      model: { requested: request.model },
      stream: request.stream,
      // A cheap estimate (4 characters a token) so the policy never waits for the BPE pass budgets make.
      tokens: { input_estimate: Math.ceil(chars / 4) + request.tokenInputCount, ...(request.maxOutputTokens !== undefined && request.maxOutputTokens > 0 ? { max_output: request.maxOutputTokens } : {}) },
      tools: request.tools.map((tool) => ({ name: tool.name, kind: tool.kind })),
      response_format: request.responseFormat?.type ?? 'text',
      findings: toPolicyFindings(findings),
      topics: tenant.topics.classify(request.segments.filter((s) => channels.has(s.channel)).map((s) => s.text)),
    });
  }

  private app(tenant: Omit<RuntimePolicyTenant, 'id'>): string | undefined {
    if (this.identity.keyId) return tenant.apps.get(this.identity.keyId);
    const client = this.claims.azp ?? this.claims.client_id;
    return typeof client === 'string' ? client : undefined;
  }
}

/** The audit record's view of the policy decision (no messages: they may carry policy internals). */
export interface PolicyAudit {
  readonly decisionId: string;
  readonly bundle: string;
  readonly revision: string;
  readonly outcome: PolicyDecision['outcome'];
  readonly allow: boolean;
  readonly reasons: string[];
  readonly labels: string[];
  readonly rollout?: 'stable' | 'candidate';
  readonly routedModel?: string;
  readonly obligations: { forcedModel?: string; maxOutputTokens?: number; redaction?: RedactionLevel; outputFormats?: string[] };
}

/** Starts the policy stage of a request, or undefined when no policy is configured. */
export function startPolicyRun(
  snapshot: PolicySnapshotOf | undefined,
  deps: PolicyStageDeps,
  requestId: string,
  identity: Identity,
  metadata: JsonObject,
  log: { warn(object: object, message: string): void },
): PolicyRun | undefined {
  if (!snapshot) return undefined;
  return new PolicyRun(snapshot, deps, requestId, identity, identity.via === 'jwt' ? jwtClaims(deps.config, metadata) : {}, log);
}

/** The verified JWT payload Envoy forwarded (the same one identify() read the tenant from). */
function jwtClaims(config: RuntimeConfig, metadata: JsonObject): JsonObject {
  const jwt = config.auth.jwt;
  if (!jwt) return {};
  const namespace = metadata[jwt.metadataNamespace];
  if (!namespace || typeof namespace !== 'object' || Array.isArray(namespace)) return {};
  const payload = (namespace as JsonObject)[jwt.payloadKey];
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as JsonObject) : {};
}

/** The end user the client named: OpenAI's `user`, Anthropic's `metadata.user_id`. */
function bodyUser(request: CanonicalRequest): string | undefined {
  const user = request.body.user;
  if (typeof user === 'string' && user.length > 0) return user.slice(0, 256);
  const metadata = request.body.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const id = (metadata as JsonObject).user_id;
    if (typeof id === 'string' && id.length > 0) return id.slice(0, 256);
  }
  return undefined;
}

/** `irreversible` also satisfies a `reversible` requirement (the text never comes back at all). */
function honours(levels: ReadonlySet<RedactionLevel>, required: RedactionLevel): boolean {
  const rank = redactionLevels.indexOf(required);
  return redactionLevels.some((level, index) => index >= rank && levels.has(level));
}

/**
 * Differences between the stable guards' outcome and the candidate guards' (run in shadow), named like
 * the policy's disagreements: `guard:block` (one blocks and the other does not, or with another code),
 * `guard:finding:<detector>/<type>` (a finding type only one side reported).
 */
export function compareGuardOutcomes(stable: InspectOutcome, candidate: InspectOutcome): string[] {
  const differences: string[] = [];
  if ((stable.block?.code ?? null) !== (candidate.block?.code ?? null)) differences.push('guard:block');
  const types = (outcome: InspectOutcome) => new Set(outcome.findings.map((f) => `${f.detector}/${f.type}`));
  const a = types(stable);
  const b = types(candidate);
  for (const type of [...new Set([...a, ...b])].sort()) if (a.has(type) !== b.has(type)) differences.push(`guard:finding:${type}`);
  return differences;
}
