/**
 * The policy in force for the whole process: the bundles the config names (each loaded once, kept
 * current by its source), the engines over them, and the rollout (stable rule set plus canary).
 *
 * Requests read `snapshot()`: the compiled `policy:` section and the rollout, swapped together by one
 * assignment. A bundle that changes on disk or on the bundle service replaces its engine the same way;
 * evaluation is synchronous, so a request is decided wholly by the old or wholly by the new bundle, and
 * nothing is dropped. A config reload that names new bundles loads them first; if one fails, the previous
 * policy stays in force (and the failed load is counted).
 */
import { createHash } from 'node:crypto';
import type { BundleSourceSpec, RuntimePolicy } from './config';
import { PolicyRollout, type Disagreement } from './canary';
import { errorText, PolicyEngine, type PolicyEvaluationEvent } from './engine';
import { createBundleSource, type BundleLoadEvent, type BundleLoadResult, type BundleSource } from './sources';

export interface PolicyServiceHooks {
  readonly onBundleLoad?: (event: BundleLoadEvent) => void;
  readonly onDisagreement?: (disagreement: Disagreement) => void;
  readonly onEvaluation?: (event: PolicyEvaluationEvent) => void;
  /** A config's policy could not be applied (its bundles failed to load); the previous one stays. */
  readonly onConfigureFailed?: (error: string) => void;
}

/** What one request uses: the settings and the rollout that belong together. */
export interface PolicySnapshot<Guard = unknown> {
  readonly policy: RuntimePolicy<Guard>;
  readonly rollout: PolicyRollout;
}

export class PolicyService<Guard = unknown> {
  private current: PolicySnapshot<Guard> | undefined;
  private sources = new Map<string, BundleSource>();
  /** Serialises configure() calls: reloads apply in order. */
  private configuring: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly hooks: PolicyServiceHooks = {}) {}

  /** The policy in force, or undefined when the config has no `policy:` section. */
  snapshot(): PolicySnapshot<Guard> | undefined {
    return this.current;
  }

  /**
   * Applies a config's policy section (undefined: policy off). Loads every bundle it names that is not
   * loaded yet; throws (and changes nothing) when one fails. The first call at startup should let the
   * error stop the process: there is no previous policy to fall back on.
   */
  configure(policy: RuntimePolicy<Guard> | undefined): Promise<void> {
    const run = this.configuring.then(() => this.apply(policy));
    this.configuring = run.catch(() => undefined);
    return run;
  }

  /** Like configure(), for reloads: a failure is reported through the hook and returns false. */
  async reconfigure(policy: RuntimePolicy<Guard> | undefined): Promise<boolean> {
    try {
      await this.configure(policy);
      return true;
    } catch (error) {
      this.hooks.onConfigureFailed?.(errorText(error));
      return false;
    }
  }

  /** Re-reads every file and polls every bundle service now (SIGHUP, tests). */
  async refreshAll(): Promise<BundleLoadResult[]> {
    return Promise.all([...this.sources.values()].map((source) => source.refresh('reload')));
  }

  /** The source of a loaded bundle by its spec key (tests, diagnostics). */
  sourceFor(spec: BundleSourceSpec): BundleSource | undefined {
    return this.sources.get(spec.key);
  }

  private async apply(policy: RuntimePolicy<Guard> | undefined): Promise<void> {
    if (this.closed) return;
    if (!policy) {
      this.current = undefined;
      this.replaceSources(new Map());
      return;
    }
    const wanted = specsOf(policy);
    const next = new Map<string, BundleSource>();
    const started: BundleSource[] = [];
    const settings = settingsKey(policy);
    try {
      for (const spec of wanted.values()) {
        const existing = this.sources.get(spec.key);
        if (existing && existing.spec.key === spec.key && sourceSettings.get(existing) === settings && sameSpec(existing.spec, spec)) {
          next.set(spec.key, existing);
          continue;
        }
        const source = createBundleSource(spec, { memory: policy.memory, ...(policy.verification ? { verification: policy.verification } : {}) }, (event) => this.hooks.onBundleLoad?.(event));
        started.push(source);
        await source.start();
        sourceSettings.set(source, settings);
        next.set(spec.key, source);
      }
    } catch (error) {
      for (const source of started) source.close();
      throw error;
    }
    const previous = this.current;
    const rollout = previous && sameRollout(previous.policy, policy) ? previous.rollout : new PolicyRollout(this.stableEngine(policy, next), { onDisagreement: (d) => this.hooks.onDisagreement?.(d) });
    this.replaceSources(next);
    this.current = { policy, rollout };
    this.rebuild();
    for (const source of next.values()) source.onChange(() => this.rebuild());
  }

  /** New engines over the bundles now in force, for the same policy and rollout (counters kept). */
  private rebuild(): void {
    const snapshot = this.current;
    if (!snapshot) return;
    const { policy, rollout } = snapshot;
    rollout.replaceStable(this.stableEngine(policy, this.sources));
    const canary = policy.canary;
    if (!canary) {
      rollout.rollback();
      return;
    }
    const candidate = this.engine(policy, this.sources, canary.bundle ?? policy.defaultBundle);
    const options = { percent: canary.percent, by: canary.by, salt: canary.salt, shadow: canary.shadow };
    if (rollout.running && sameCanaryOptions(rollout.canaryOptions, options)) rollout.replaceCandidate(candidate);
    else rollout.startCanary(candidate, options);
  }

  private stableEngine(policy: RuntimePolicy<Guard>, sources: ReadonlyMap<string, BundleSource>): PolicyEngine {
    return this.engine(policy, sources, policy.defaultBundle);
  }

  private engine(policy: RuntimePolicy<Guard>, sources: ReadonlyMap<string, BundleSource>, defaultSpec: BundleSourceSpec): PolicyEngine {
    const bundle = (spec: BundleSourceSpec) => {
      const source = sources.get(spec.key);
      if (!source) throw new Error(`bundle ${spec.name} is not loaded`);
      return source.current;
    };
    const tenantBundles = new Map([...policy.tenants.values()].flatMap((tenant) => (tenant.bundle ? [[tenant.id, bundle(tenant.bundle)] as const] : [])));
    return new PolicyEngine({
      defaultBundle: bundle(defaultSpec),
      tenantBundles,
      failMode: policy.failMode,
      ...(this.hooks.onEvaluation ? { onEvaluation: this.hooks.onEvaluation } : {}),
    });
  }

  private replaceSources(next: Map<string, BundleSource>): void {
    for (const [key, source] of this.sources) if (next.get(key) !== source) source.close();
    this.sources = next;
  }

  close(): void {
    this.closed = true;
    this.replaceSources(new Map());
  }
}

/** Settings a loaded bundle depends on besides its source: a change means loading it again. */
const sourceSettings = new WeakMap<BundleSource, string>();

function settingsKey(policy: RuntimePolicy<unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify({ memory: policy.memory, verification: policy.verification ?? null }))
    .digest('hex');
}

function specsOf(policy: RuntimePolicy<unknown>): Map<string, BundleSourceSpec> {
  const specs = new Map<string, BundleSourceSpec>([[policy.defaultBundle.key, policy.defaultBundle]]);
  for (const tenant of policy.tenants.values()) if (tenant.bundle) specs.set(tenant.bundle.key, tenant.bundle);
  if (policy.canary?.bundle) specs.set(policy.canary.bundle.key, policy.canary.bundle);
  return specs;
}

function sameSpec(a: BundleSourceSpec, b: BundleSourceSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A rollout (and its canary counters) survives a reload that keeps the same canary. */
function sameRollout(a: RuntimePolicy<unknown>, b: RuntimePolicy<unknown>): boolean {
  if (!a.canary || !b.canary) return !a.canary && !b.canary;
  return a.canary.bundle?.key === b.canary.bundle?.key && sameCanaryOptions(a.canary, b.canary);
}

function sameCanaryOptions(
  a: { readonly percent: number; readonly by: string; readonly salt: string; readonly shadow: boolean } | undefined,
  b: { readonly percent: number; readonly by: string; readonly salt: string; readonly shadow: boolean },
): boolean {
  return a !== undefined && a.percent === b.percent && a.by === b.by && a.salt === b.salt && a.shadow === b.shadow;
}
