/**
 * Canary rollout of a policy rule set. A candidate evaluator (a new bundle, or an engine with new bundles)
 * decides a configured share of traffic, chosen by a stable hash of the request id (or of the user, so one
 * user stays on one side); the stable evaluator decides the rest, and the candidate is evaluated in shadow
 * there: its decision is compared and every difference counted per rule and tenant, never enforced.
 * promote() makes the candidate the stable rule set, rollback() drops it.
 */
import { z } from 'zod';
import type { PolicyDecision, PolicyEvaluator, PolicyInput } from './types';

export const canaryOptionsSchema = z.strictObject({
  /** Share of traffic the candidate decides, 0..100 (fractions allowed, resolution 0.01). */
  percent: z.number().min(0).max(100),
  /**
   * What the hash is taken over (always with the tenant): each request on its own; the user (then the key,
   * then the request id); or the API key (then the user, then the request id).
   */
  by: z.enum(['request_id', 'user', 'key']).default('request_id'),
  /** Changes which slice of traffic is chosen without changing its size (use the candidate's revision). */
  salt: z.string().default(''),
  /** Evaluate the candidate in shadow on the stable side. */
  shadow: z.boolean().default(true),
});
export type CanaryOptions = z.input<typeof canaryOptionsSchema>;

/** One difference between the stable and candidate decisions, named like a metric label. */
export type DecisionDifference = string;

/** What the canary hash reads: the tenant and the request, user or key. */
export interface CanarySubject {
  readonly tenant: string;
  readonly requestId: string;
  readonly user?: string | undefined;
  readonly keyId?: string | undefined;
}

export interface Disagreement {
  readonly tenant: string;
  readonly requestId: string;
  /** `allow`, `reason:<id>`, `obligation:<key>`, `label:<name>`, `outcome`. */
  readonly differences: readonly DecisionDifference[];
  readonly stable: PolicyDecision;
  readonly candidate: PolicyDecision;
}

export interface CanaryCounters {
  readonly stable: number;
  readonly candidate: number;
  readonly shadowEvaluations: number;
  readonly shadowDisagreements: number;
  /** Count per `${tenant}\u0000${difference}`; use disagreementsByRule() for a readable view. */
  readonly disagreements: ReadonlyMap<string, number>;
}

const BUCKETS = 10_000;

/** FNV-1a (32-bit) over UTF-16 code units, then a murmur3 finaliser for a better spread of nearby ids. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The differences between two decisions, per rule: what a disagreement metric is labelled with. */
export function compareDecisions(a: PolicyDecision, b: PolicyDecision): DecisionDifference[] {
  const differences: DecisionDifference[] = [];
  if (a.allow !== b.allow) differences.push('allow');
  if (a.outcome !== b.outcome) differences.push('outcome');
  const symmetric = (x: readonly string[], y: readonly string[], prefix: string): void => {
    const xs = new Set(x);
    const ys = new Set(y);
    for (const id of [...new Set([...xs, ...ys])].sort()) if (xs.has(id) !== ys.has(id)) differences.push(`${prefix}:${id}`);
  };
  symmetric(
    a.reasons.map((r) => r.id),
    b.reasons.map((r) => r.id),
    'reason',
  );
  const oa = a.obligations as Record<string, unknown>;
  const ob = b.obligations as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort()) {
    if (canonical(oa[key]) !== canonical(ob[key])) differences.push(`obligation:${key}`);
  }
  symmetric(a.labels, b.labels, 'label');
  return differences;
}

export interface PolicyRolloutOptions {
  /** Called for every shadow evaluation whose decision differs (metrics: one increment per difference). */
  readonly onDisagreement?: (disagreement: Disagreement) => void;
}

/** The enforced rule set plus, while a canary runs, a candidate. */
export class PolicyRollout implements PolicyEvaluator {
  private canary: { readonly evaluator: PolicyEvaluator; readonly options: z.output<typeof canaryOptionsSchema>; readonly threshold: number } | undefined;
  private counters = PolicyRollout.zero();

  constructor(
    private stableEvaluator: PolicyEvaluator,
    private readonly options: PolicyRolloutOptions = {},
  ) {}

  private static zero(): { stable: number; candidate: number; shadowEvaluations: number; shadowDisagreements: number; disagreements: Map<string, number> } {
    return { stable: 0, candidate: 0, shadowEvaluations: 0, shadowDisagreements: 0, disagreements: new Map() };
  }

  get stable(): PolicyEvaluator {
    return this.stableEvaluator;
  }

  get candidate(): PolicyEvaluator | undefined {
    return this.canary?.evaluator;
  }

  /** Starts (or replaces) a canary; counters restart. */
  startCanary(candidate: PolicyEvaluator, options: CanaryOptions): void {
    const parsed = canaryOptionsSchema.parse(options);
    this.canary = { evaluator: candidate, options: parsed, threshold: Math.round(parsed.percent * (BUCKETS / 100)) };
    this.counters = PolicyRollout.zero();
  }

  /** The candidate becomes the stable rule set for all traffic. Returns false when no canary ran. */
  promote(): boolean {
    if (!this.canary) return false;
    this.stableEvaluator = this.canary.evaluator;
    this.canary = undefined;
    return true;
  }

  /** The candidate is dropped; the stable rule set decides all traffic. Returns false when no canary ran. */
  rollback(): boolean {
    if (!this.canary) return false;
    this.canary = undefined;
    return true;
  }

  /** Replaces the stable rule set (a reload) without touching a running canary. */
  replaceStable(evaluator: PolicyEvaluator): void {
    this.stableEvaluator = evaluator;
  }

  /** Replaces the candidate (its bundle reloaded) without restarting the canary or its counters. */
  replaceCandidate(evaluator: PolicyEvaluator): void {
    if (this.canary) this.canary = { ...this.canary, evaluator };
  }

  /** True while a canary runs. */
  get running(): boolean {
    return this.canary !== undefined;
  }

  /** The canary's options while one runs. */
  get canaryOptions(): z.output<typeof canaryOptionsSchema> | undefined {
    return this.canary?.options;
  }

  /** Which side decides this request (a policy input, or the same fields before an input exists). */
  side(subject: PolicyInput | CanarySubject): 'stable' | 'candidate' {
    const canary = this.canary;
    if (!canary || canary.threshold <= 0) return 'stable';
    if (canary.threshold >= BUCKETS) return 'candidate';
    const s: CanarySubject = 'principal' in subject ? { tenant: subject.tenant.id, requestId: subject.request_id, user: subject.principal.user, keyId: subject.principal.key_id } : subject;
    const by = canary.options.by;
    const key = by === 'user' ? (s.user ?? s.keyId ?? s.requestId) : by === 'key' ? (s.keyId ?? s.user ?? s.requestId) : s.requestId;
    const bucket = stableHash(`${canary.options.salt}\u0000${s.tenant}\u0000${key}`) % BUCKETS;
    return bucket < canary.threshold ? 'candidate' : 'stable';
  }

  /**
   * Decides with the side's evaluator. `shadow: false` skips the shadow evaluation (a request evaluated
   * twice shadows only its final evaluation, so a disagreement is counted once per request). `side`
   * overrides the hash when the caller already chose one (from the verified identity, before the input
   * existed), so every evaluation and guard run of one request lands on the same side.
   */
  evaluate(input: PolicyInput, options: { readonly shadow?: boolean; readonly side?: 'stable' | 'candidate' } = {}): PolicyDecision {
    const canary = this.canary;
    if (!canary) return this.stableEvaluator.evaluate(input);
    if ((options.side ?? this.side(input)) === 'candidate') {
      this.counters.candidate++;
      return { ...canary.evaluator.evaluate(input), rollout: 'candidate' };
    }
    this.counters.stable++;
    const decision = this.stableEvaluator.evaluate(input);
    if (canary.options.shadow && options.shadow !== false) this.shadow(canary.evaluator, input, decision);
    return { ...decision, rollout: 'stable' };
  }

  /** Counts a difference found outside policy evaluation (the candidate's guard rules run in shadow). */
  countDisagreement(tenant: string, differences: readonly DecisionDifference[]): void {
    if (differences.length === 0) return;
    this.counters.shadowDisagreements++;
    for (const difference of differences) {
      const key = `${tenant}\u0000${difference}`;
      this.counters.disagreements.set(key, (this.counters.disagreements.get(key) ?? 0) + 1);
    }
  }

  private shadow(candidate: PolicyEvaluator, input: PolicyInput, stable: PolicyDecision): void {
    let shadowDecision: PolicyDecision;
    try {
      shadowDecision = candidate.evaluate(input);
    } catch {
      return; // an evaluator that throws is a bug elsewhere; shadow traffic must never fail a request
    }
    this.counters.shadowEvaluations++;
    const differences = compareDecisions(stable, shadowDecision);
    if (differences.length === 0) return;
    this.counters.shadowDisagreements++;
    for (const difference of differences) {
      const key = `${input.tenant.id}\u0000${difference}`;
      this.counters.disagreements.set(key, (this.counters.disagreements.get(key) ?? 0) + 1);
    }
    this.options.onDisagreement?.({ tenant: input.tenant.id, requestId: input.request_id, differences, stable, candidate: shadowDecision });
  }

  stats(): CanaryCounters {
    return { ...this.counters, disagreements: new Map(this.counters.disagreements) };
  }

  /** Disagreements as rows: tenant, difference, count. */
  disagreementsByRule(): { tenant: string; difference: string; count: number }[] {
    return [...this.counters.disagreements].map(([key, count]) => {
      const [tenant, difference] = key.split('\u0000') as [string, string];
      return { tenant, difference, count };
    });
  }
}
