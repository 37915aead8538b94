/**
 * `llmgw eval cache FILE.jsonl [--threshold X] [--split NAME] [--verbose]`: the semantic cache's quality
 * on labelled question pairs. Each row is `{ "a": ..., "b": ..., "same": bool }` (optionally `kind` and
 * `split`): a's answer is stored, then b is looked up through the real lookup path (the canonical request
 * of an OpenAI chat body, the same system prompt, semantic mode, the built-in lexical embedder).
 *   hit rate   = hits / pairs with same=true   (b may be answered with a's answer)
 *   false hits = hits on pairs with same=false (near misses: must be 0)
 * Every pair gets its own tenant, so rows never see each other's entries. Lookup latency is measured
 * separately with every a stored in one tenant (the index a busy tenant would have).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseRequest, type CanonicalRequest } from '../llm';
import { cachePolicySchema, compileCachePolicies, type TenantCachePolicy } from './config';
import type { CachedCompletion } from './entry';
import { ResponseCache } from './service';
import { MemoryCacheStore } from './store';

export interface CachePair {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
  readonly kind?: string;
  readonly split?: string;
}

export interface PairOutcome {
  readonly pair: CachePair;
  readonly hit: boolean;
  readonly similarity?: number;
}

export interface CacheEvalReport {
  readonly pairs: number;
  readonly samePairs: number;
  readonly hits: number;
  readonly hitRate: number;
  readonly nearMissPairs: number;
  readonly falseHits: number;
  readonly byKind: ReadonlyMap<string, { readonly pairs: number; readonly hits: number }>;
  readonly lookupMs: { readonly p50: number; readonly p99: number; readonly cpuP99: number; readonly entries: number };
  readonly outcomes: readonly PairOutcome[];
}

const SYSTEM = 'You are the support assistant of an online shop.';

export function parsePairs(text: string): CachePair[] {
  return text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line.length > 0 && !line.startsWith('//'))
    .map(({ line, index }) => {
      const row = JSON.parse(line) as Partial<CachePair>;
      if (typeof row.a !== 'string' || typeof row.b !== 'string' || typeof row.same !== 'boolean') throw new Error(`line ${index + 1}: needs a, b (strings) and same (boolean)`);
      return { a: row.a, b: row.b, same: row.same, ...(typeof row.kind === 'string' ? { kind: row.kind } : {}), ...(typeof row.split === 'string' ? { split: row.split } : {}) };
    });
}

export function evalPolicy(threshold?: number): TenantCachePolicy {
  const defaults = cachePolicySchema.parse({ enabled: true, mode: 'semantic', ...(threshold === undefined ? {} : { threshold }) });
  const policies = compileCachePolicies({ defaults, tenants: {}, maxEntryBytes: 1 << 20 }, { tenantIds: new Set(['eval']), resolve: (f) => f, problem: () => undefined });
  return policies.get('eval') as TenantCachePolicy;
}

function request(question: string): CanonicalRequest {
  const body = Buffer.from(JSON.stringify({ model: 'eval-model', temperature: 0, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: question }] }));
  const parsed = parseRequest('openai.chat_completions', body);
  if (!parsed.ok) throw new Error(`cannot build a request: ${parsed.error.message}`);
  return parsed.request;
}

function completion(text: string): CachedCompletion {
  return { v: 1, api: 'openai.chat_completions', model: 'eval-model', text, finish: 'stop', storedAt: Date.now() };
}

export async function evaluatePairs(pairs: readonly CachePair[], policy: TenantCachePolicy): Promise<CacheEvalReport> {
  const cache = new ResponseCache(new MemoryCacheStore());
  const outcomes: PairOutcome[] = [];
  for (const [index, pair] of pairs.entries()) {
    const caller = { tenant: `pair-${index}` };
    const first = await cache.lookup({ policy, request: request(pair.a), servedModel: 'eval-model', caller });
    if (first.kind === 'miss') await cache.keep(first.plan, completion(`answer to: ${pair.a}`));
    const second = await cache.lookup({ policy, request: request(pair.b), servedModel: 'eval-model', caller });
    outcomes.push({ pair, hit: second.kind === 'hit', ...(second.kind === 'hit' && second.similarity !== undefined ? { similarity: second.similarity } : {}) });
  }
  const same = outcomes.filter((o) => o.pair.same);
  const near = outcomes.filter((o) => !o.pair.same);
  const byKind = new Map<string, { pairs: number; hits: number }>();
  for (const outcome of outcomes) {
    const kind = outcome.pair.kind ?? (outcome.pair.same ? 'same' : 'different');
    const entry = byKind.get(kind) ?? { pairs: 0, hits: 0 };
    entry.pairs += 1;
    if (outcome.hit) entry.hits += 1;
    byKind.set(kind, entry);
  }
  const hits = same.filter((o) => o.hit).length;
  return {
    pairs: outcomes.length,
    samePairs: same.length,
    hits,
    hitRate: same.length === 0 ? 0 : hits / same.length,
    nearMissPairs: near.length,
    falseHits: near.filter((o) => o.hit).length,
    byKind,
    lookupMs: await lookupLatency(pairs, policy),
    outcomes,
  };
}

/** Every a stored in one tenant, then every b looked up: per-lookup latency, embedding included. */
async function lookupLatency(pairs: readonly CachePair[], policy: TenantCachePolicy): Promise<CacheEvalReport['lookupMs']> {
  const cache = new ResponseCache(new MemoryCacheStore());
  const caller = { tenant: 'latency' };
  for (const pair of pairs) {
    const found = await cache.lookup({ policy, request: request(pair.a), servedModel: 'eval-model', caller });
    if (found.kind === 'miss') await cache.keep(found.plan, completion(pair.a));
  }
  const samples: number[] = [];
  const cpu: number[] = [];
  // Round 0 warms the JIT up and is not counted.
  for (let round = 0; round < 6; round += 1) {
    for (const pair of pairs) {
      const req = request(pair.b);
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await cache.lookup({ policy, request: req, servedModel: 'eval-model', caller });
      const used = process.cpuUsage(cpuBefore);
      if (round > 0) {
        samples.push(performance.now() - started);
        cpu.push((used.user + used.system) / 1000);
      }
    }
  }
  const at = (values: number[], q: number): number => [...values].sort((x, y) => x - y)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
  return { p50: at(samples, 0.5), p99: at(samples, 0.99), cpuP99: at(cpu, 0.99), entries: pairs.length };
}

export interface EvalIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export async function runCacheEval(args: readonly string[], io: EvalIo): Promise<number> {
  const file = args.find((arg) => !arg.startsWith('--') && args[args.indexOf(arg) - 1] !== '--threshold' && args[args.indexOf(arg) - 1] !== '--split');
  if (!file) {
    io.stderr('usage: llmgw eval cache FILE.jsonl [--threshold X] [--split NAME] [--verbose]\n');
    return 2;
  }
  const thresholdArg = option(args, '--threshold');
  const threshold = thresholdArg === undefined ? undefined : Number(thresholdArg);
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) {
    io.stderr('--threshold must be in (0, 1]\n');
    return 2;
  }
  const split = option(args, '--split');
  let pairs: CachePair[];
  try {
    pairs = parsePairs(readFileSync(file, 'utf8'));
  } catch (error) {
    io.stderr(`${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (split !== undefined) pairs = pairs.filter((pair) => pair.split === split);
  const policy = evalPolicy(threshold);
  const report = await evaluatePairs(pairs, policy);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  io.stdout(`${file}${split ? ` (split ${split})` : ''}: ${report.pairs} pairs, threshold ${policy.threshold}, embedder ${policy.embedder.id}\n`);
  io.stdout(`hit rate     ${pct(report.hitRate)} (${report.hits}/${report.samePairs} same pairs)\n`);
  io.stdout(`false hits   ${report.falseHits}/${report.nearMissPairs} near-miss pairs\n`);
  io.stdout(`lookup       p50 ${report.lookupMs.p50.toFixed(3)} ms, p99 ${report.lookupMs.p99.toFixed(3)} ms, CPU p99 ${report.lookupMs.cpuP99.toFixed(3)} ms (${report.lookupMs.entries} entries in one tenant, embedding included)\n`);
  for (const [kind, entry] of [...report.byKind].sort()) io.stdout(`  ${kind.padEnd(14)} ${String(entry.hits).padStart(4)}/${entry.pairs} hit\n`);
  if (args.includes('--verbose')) {
    for (const outcome of report.outcomes) {
      const wrong = outcome.hit !== outcome.pair.same;
      if (wrong) io.stdout(`${outcome.pair.same ? 'MISS ' : 'FALSE'} ${outcome.similarity?.toFixed(3) ?? '-'}  ${outcome.pair.a}  |  ${outcome.pair.b}\n`);
    }
  }
  return report.falseHits === 0 ? 0 : 1;
}

function option(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}
