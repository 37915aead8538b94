/**
 * In-process policy evaluation: wasm bundles from `opa build -t wasm` run with @open-policy-agent/opa-wasm.
 *
 * A PolicyBundle is compiled and instantiated once, its data loaded once, and then evaluated for every
 * request: evaluation is synchronous, so one instance serves the whole process, and the SDK (ABI 1.2)
 * resets the wasm heap to the end of the data before each evaluation, so memory does not grow with the
 * number of evaluations (benchPolicyEvaluation shows it). A PolicyEngine picks the tenant's bundle (or the
 * default one), maps what the wasm returns to a typed, validated PolicyDecision, and applies the fail mode
 * when evaluation fails: closed (deny with reason `policy_error`, the default) or open (allow with no
 * obligations). Either way the outcome says so, and the error text is for logs only.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { type BundleLimits, type BundleManifest, DEFAULT_BUNDLE_LIMITS, parseBundle } from './bundle';
import { type VerificationConfig, verifyBundleSignature } from './signature';
import {
  DECISION_ENTRYPOINT,
  type FailMode,
  POLICY_ERROR_REASON,
  type PolicyDecision,
  type PolicyEvaluator,
  type PolicyInput,
  type PolicyOutcome,
  policyDecisionDocumentSchema,
  policyInputSchema,
} from './types';

/** Builtins the SDK runs in JavaScript when a wasm module asks the host for them (opa-wasm 1.10.0 src/builtins). */
export const SDK_HOST_BUILTINS: readonly string[] = ['json.is_valid', 'sprintf', 'regex.split', 'yaml.is_valid', 'yaml.marshal', 'yaml.unmarshal'];

const WASM_PAGE = 64 * 1024;

export interface WasmMemoryLimits {
  /** Pages (64 KiB) the instance starts with. */
  readonly initialPages: number;
  /** Pages it may grow to; an evaluation needing more fails (and the fail mode decides). */
  readonly maximumPages: number;
}

export const DEFAULT_WASM_MEMORY: WasmMemoryLimits = { initialPages: 16, maximumPages: 1024 };

export interface LoadBundleOptions {
  /** Name in decisions, metrics and logs (for example the file name). */
  readonly name: string;
  /** When set, the bundle must carry a valid OPA signature made with one of these keys. */
  readonly verification?: VerificationConfig;
  readonly limits?: BundleLimits;
  readonly memory?: WasmMemoryLimits;
  readonly entrypoint?: string;
}

export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
}

/** Errors thrown out of the SDK are strings or plain objects as often as Errors. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return String(error);
}

interface WasmExports {
  builtins(): number;
  opa_json_dump(address: number): number;
}

/** The WebAssembly API (tsconfig's lib has no DOM types, and @types/node 20 does not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: object;
}
const WasmApi = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

function readCString(memory: WasmMemory, address: number): string {
  const bytes = new Uint8Array(memory.buffer);
  let end = address;
  while (bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(address, end)).toString('utf8');
}

/** The wasm module's compiled-in policy, instantiated once and evaluated many times. */
export class PolicyBundle {
  private constructor(
    readonly name: string,
    readonly manifest: BundleManifest,
    /** sha256 of the bundle file: identifies exactly what was loaded. */
    readonly sha256: string,
    /** Key id that verified the signature; absent when no verification was configured. */
    readonly verifiedBy: string | undefined,
    /** Builtins this policy calls on the host (all implemented by the SDK, checked at load). */
    readonly hostBuiltins: readonly string[],
    private readonly policy: LoadedPolicyLike,
    private readonly entrypointId: number,
  ) {}

  get revision(): string {
    return this.manifest.revision;
  }

  /** Loads, verifies (when configured) and instantiates a bundle. Throws PolicyLoadError (or BundleError, SignatureError). */
  static async fromBytes(bytes: Buffer, options: LoadBundleOptions): Promise<PolicyBundle> {
    const parsed = parseBundle(bytes, options.limits ?? DEFAULT_BUNDLE_LIMITS);
    const verifiedBy = options.verification ? verifyBundleSignature(parsed.files, options.verification).keyId : undefined;
    const entrypoint = options.entrypoint ?? DECISION_ENTRYPOINT;
    const memory = options.memory ?? DEFAULT_WASM_MEMORY;
    let policy: LoadedPolicyLike;
    try {
      const module = new WasmApi.Module(parsed.wasm);
      policy = (await loadPolicy(module, { initial: memory.initialPages, maximum: memory.maximumPages })) as unknown as LoadedPolicyLike;
    } catch (error) {
      throw new PolicyLoadError(`${options.name}: cannot instantiate policy.wasm: ${errorText(error)}`);
    }
    const entrypointId = policy.entrypoints[entrypoint];
    if (typeof entrypointId !== 'number') {
      throw new PolicyLoadError(`${options.name}: the wasm has no entrypoint ${entrypoint} (has ${Object.keys(policy.entrypoints).join(', ') || 'none'})`);
    }
    const hostBuiltins = PolicyBundle.hostBuiltinsOf(policy);
    const missing = hostBuiltins.filter((name) => !SDK_HOST_BUILTINS.includes(name));
    if (missing.length > 0) {
      throw new PolicyLoadError(`${options.name}: the policy calls builtins the wasm SDK does not implement: ${missing.join(', ')} (build against policy/capabilities.json)`);
    }
    try {
      policy.setData(parsed.data as object);
    } catch (error) {
      throw new PolicyLoadError(`${options.name}: cannot load data.json into the wasm: ${errorText(error)}`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return new PolicyBundle(options.name, parsed.manifest, sha256, verifiedBy, hostBuiltins, policy, entrypointId);
  }

  static async fromFile(path: string, options: Omit<LoadBundleOptions, 'name'> & { readonly name?: string }): Promise<PolicyBundle> {
    return PolicyBundle.fromBytes(await readFile(path), { ...options, name: options.name ?? path });
  }

  /** The names the wasm asks the host for (its `builtins` export), read without disturbing later evaluations. */
  private static hostBuiltinsOf(policy: LoadedPolicyLike): string[] {
    const exports = policy.wasmInstance.exports as unknown as WasmExports;
    const json = readCString(policy.mem, exports.opa_json_dump(exports.builtins()));
    return Object.keys(JSON.parse(json) as Record<string, number>).sort();
  }

  /** Evaluates the entrypoint and returns its value. Throws when evaluation fails or the value is undefined. */
  evaluateRaw(input: unknown): unknown {
    const resultSet = this.policy.evaluate(input, this.entrypointId);
    if (!Array.isArray(resultSet) || resultSet.length === 0) throw new Error('the decision is undefined for this input');
    const first: unknown = resultSet[0];
    if (typeof first !== 'object' || first === null || !('result' in first)) throw new Error('unexpected result set shape');
    return (first as { result: unknown }).result;
  }

  /** Bytes of wasm linear memory this instance holds now. */
  memoryBytes(): number {
    return this.policy.mem.buffer.byteLength;
  }

  /** Pages of wasm memory. */
  memoryPages(): number {
    return this.policy.mem.buffer.byteLength / WASM_PAGE;
  }
}

/** The parts of the SDK's LoadedPolicy this module uses (its published typings say `any` for some). */
interface LoadedPolicyLike {
  readonly mem: WasmMemory;
  readonly wasmInstance: WasmInstance;
  readonly entrypoints: Record<string, number>;
  evaluate(input: unknown, entrypoint?: number | string): unknown;
  setData(data: object): void;
}

/** What each evaluation reports, for metrics and logs. */
export interface PolicyEvaluationEvent {
  readonly tenant: string;
  readonly bundle: string;
  readonly revision: string;
  readonly outcome: PolicyOutcome;
  readonly allow: boolean;
  readonly reasons: readonly string[];
  readonly durationSeconds: number;
  readonly error?: string;
}

export interface PolicyEngineOptions {
  readonly defaultBundle: PolicyBundle;
  /** Tenant id to its own bundle; tenants not listed use the default. */
  readonly tenantBundles?: ReadonlyMap<string, PolicyBundle>;
  /** What an evaluation error decides. Default `closed`. */
  readonly failMode?: FailMode;
  /** Validate every input against policyInputSchema first (tests; costs a few microseconds). */
  readonly validateInput?: boolean;
  readonly onEvaluation?: (event: PolicyEvaluationEvent) => void;
}

/** Picks the tenant's bundle, evaluates, validates and types the decision, applies the fail mode. */
export class PolicyEngine implements PolicyEvaluator {
  readonly failMode: FailMode;
  private readonly defaultBundle: PolicyBundle;
  private readonly tenantBundles: ReadonlyMap<string, PolicyBundle>;

  constructor(private readonly options: PolicyEngineOptions) {
    this.failMode = options.failMode ?? 'closed';
    this.defaultBundle = options.defaultBundle;
    this.tenantBundles = options.tenantBundles ?? new Map();
  }

  bundleFor(tenant: string): PolicyBundle {
    return this.tenantBundles.get(tenant) ?? this.defaultBundle;
  }

  /** Every distinct bundle this engine holds (the default first). */
  bundles(): PolicyBundle[] {
    return [...new Set([this.defaultBundle, ...this.tenantBundles.values()])];
  }

  evaluate(input: PolicyInput): PolicyDecision {
    const bundle = this.bundleFor(input.tenant.id);
    const started = process.hrtime.bigint();
    const decision = this.decide(bundle, input);
    const onEvaluation = this.options.onEvaluation;
    if (onEvaluation) {
      onEvaluation({
        tenant: input.tenant.id,
        bundle: bundle.name,
        revision: bundle.revision,
        outcome: decision.outcome,
        allow: decision.allow,
        reasons: decision.reasons.map((r) => r.id),
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        ...(decision.error === undefined ? {} : { error: decision.error }),
      });
    }
    return decision;
  }

  private decide(bundle: PolicyBundle, input: PolicyInput): PolicyDecision {
    const decisionId = randomUUID();
    const bundleRef = { name: bundle.name, revision: bundle.revision };
    if (this.options.validateInput) {
      const checked = policyInputSchema.safeParse(input);
      if (!checked.success) return this.failure(decisionId, bundleRef, `invalid policy input: ${summarise(checked.error.issues)}`);
    }
    let raw: unknown;
    try {
      raw = bundle.evaluateRaw(input);
    } catch (error) {
      return this.failure(decisionId, bundleRef, `evaluation failed: ${errorText(error)}`);
    }
    const parsed = policyDecisionDocumentSchema.safeParse(raw);
    if (!parsed.success) return this.failure(decisionId, bundleRef, `the decision does not match the decision schema: ${summarise(parsed.error.issues)}`);
    const document = parsed.data;
    if (document.allow && document.reasons.length > 0) return this.failure(decisionId, bundleRef, 'the decision allows and gives denial reasons');
    // Sets come out of wasm in no particular order: sort, so equal decisions compare equal (canary, audit).
    const reasons = !document.allow && document.reasons.length === 0 ? [{ id: 'policy_denied', message: 'denied without a reason' }] : document.reasons.sort(byIdThenMessage);
    const labels = [...new Set(document.labels)].sort();
    return { allow: document.allow, reasons, obligations: document.obligations, labels, decisionId, bundle: bundleRef, outcome: 'evaluated' };
  }

  private failure(decisionId: string, bundle: PolicyDecision['bundle'], error: string): PolicyDecision {
    return this.failMode === 'open'
      ? { allow: true, reasons: [], obligations: {}, labels: [], decisionId, bundle, outcome: 'failed_open', error }
      : { allow: false, reasons: [{ id: POLICY_ERROR_REASON, message: 'policy evaluation failed' }], obligations: {}, labels: [], decisionId, bundle, outcome: 'failed_closed', error };
  }
}

function byIdThenMessage(a: { id: string; message: string }, b: { id: string; message: string }): number {
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

function summarise(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
