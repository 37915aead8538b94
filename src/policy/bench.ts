/**
 * Policy evaluation benchmark: evaluates one bundle many times with varying inputs and reports the cost per
 * evaluation (mean, p50, p99) and memory before and after (wasm linear memory, V8 heap after GC, RSS),
 * showing that reusing one instance keeps memory flat.
 */
import { PolicyBundle, PolicyEngine } from './engine';
import type { PolicyInput } from './types';

export interface PolicyBenchOptions {
  readonly bundlePath: string;
  readonly evaluations?: number;
  /** Evaluations before measuring (JIT warm-up). */
  readonly warmup?: number;
  /** Every n-th evaluation is timed on its own for the percentiles. */
  readonly sampleEvery?: number;
  /** Inputs to cycle through; default: a few typical requests (allowed, denied, with findings and topics). */
  readonly inputs?: readonly PolicyInput[];
}

export interface MemorySnapshot {
  readonly wasmBytes: number;
  readonly heapUsedBytes: number;
  readonly rssBytes: number;
}

export interface PolicyBenchResult {
  readonly evaluations: number;
  readonly totalSeconds: number;
  readonly meanMicros: number;
  readonly p50Micros: number;
  readonly p99Micros: number;
  readonly evaluationsPerSecond: number;
  readonly allowed: number;
  readonly denied: number;
  readonly failed: number;
  readonly before: MemorySnapshot;
  readonly after: MemorySnapshot;
  /** Memory at each tenth of the run (after GC when exposed): flat when nothing leaks. */
  readonly checkpoints: readonly MemorySnapshot[];
}

function snapshot(bundle: PolicyBundle): MemorySnapshot {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const usage = process.memoryUsage();
  return { wasmBytes: bundle.memoryBytes(), heapUsedBytes: usage.heapUsed, rssBytes: usage.rss };
}

/** Typical inputs for the default bundle. */
export function sampleInputs(count = 64): PolicyInput[] {
  const tiers = ['free', 'standard', 'enterprise', 'trial'];
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4', 'gemini-2.5-flash', 'o3'];
  const inputs: PolicyInput[] = [];
  for (let i = 0; i < count; i++) {
    inputs.push({
      version: 1,
      request_id: `bench-${i}`,
      time: { now_ms: 1767690000000 + i * 3_600_000, timezone: 'UTC', weekday: 1 + (i % 7), hour: i % 24, minute: 0, date: '2026-01-06' },
      tenant: { id: `tenant-${i % 8}`, tier: tiers[i % tiers.length]!, attributes: i % 5 === 0 ? { business_hours_keys: [`key-${i % 3}`] } : {} },
      principal: { via: 'api_key', key_id: `key-${i % 3}`, app: i % 2 ? 'web' : 'batch', trusted_app: i % 4 === 0, claims: {} },
      api: { id: 'openai.chat_completions', family: 'openai' },
      model: { requested: models[i % models.length]!, routed: models[i % models.length]!, provider: 'openai', external: i % 3 !== 0 },
      stream: i % 2 === 0,
      tokens: { input_estimate: 100 + i * 50, max_output: 256 * (1 + (i % 8)) },
      tools: i % 6 === 0 ? [{ name: 'web_search', kind: 'builtin' }] : [{ name: 'lookup', kind: 'function' }],
      response_format: 'text',
      findings: [
        { detector: 'prompt_injection', type: 'prompt_injection', score: (i % 10) / 10, channel: 'user' },
        ...(i % 4 === 0 ? [{ detector: 'pii', type: 'EMAIL_ADDRESS', score: 0.95, channel: 'user' }] : []),
      ],
      topics: i % 7 === 0 ? [{ id: 'weapons', score: 0.7 }] : [{ id: 'financial_advice', score: 0.3 }],
    });
  }
  return inputs;
}

export async function benchPolicyEvaluation(options: PolicyBenchOptions): Promise<PolicyBenchResult> {
  const bundle = await PolicyBundle.fromFile(options.bundlePath, {});
  const engine = new PolicyEngine({ defaultBundle: bundle });
  const inputs = options.inputs ?? sampleInputs();
  const evaluations = options.evaluations ?? 1_000_000;
  const sampleEvery = options.sampleEvery ?? 100;
  for (let i = 0; i < (options.warmup ?? 10_000); i++) engine.evaluate(inputs[i % inputs.length]!);
  const before = snapshot(bundle);
  const checkpoints: MemorySnapshot[] = []; // at most 10 entries
  // Preallocated, so the bookkeeping itself does not grow the heap during the run.
  const samples = new Float64Array(Math.ceil(evaluations / sampleEvery));
  let sampled = 0;
  let allowed = 0;
  let denied = 0;
  let failed = 0;
  const tenth = Math.max(1, Math.floor(evaluations / 10));
  const started = process.hrtime.bigint();
  for (let i = 0; i < evaluations; i++) {
    const input = inputs[i % inputs.length]!;
    let decision;
    if (i % sampleEvery === 0) {
      const t0 = process.hrtime.bigint();
      decision = engine.evaluate(input);
      samples[sampled++] = Number(process.hrtime.bigint() - t0) / 1000;
    } else {
      decision = engine.evaluate(input);
    }
    if (decision.outcome !== 'evaluated') failed++;
    else if (decision.allow) allowed++;
    else denied++;
    if ((i + 1) % tenth === 0 && checkpoints.length < 10) checkpoints.push(snapshot(bundle));
  }
  // The mean includes the checkpoints' forced GCs (ten over the run) and the engine's own GC: the honest cost.
  const totalSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = snapshot(bundle);
  const sorted = samples.subarray(0, sampled).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    evaluations,
    totalSeconds: round(totalSeconds),
    meanMicros: round((totalSeconds * 1e6) / evaluations),
    p50Micros: round(at(0.5)),
    p99Micros: round(at(0.99)),
    evaluationsPerSecond: Math.round(evaluations / totalSeconds),
    allowed,
    denied,
    failed,
    before,
    after,
    checkpoints,
  };
}
