/**
 * Micro-benchmark of the budget check per request: one reserve + one settle against a tenant with
 * every kind of limit (tokens/requests per minute, tokens per day, USD per day and month, concurrency)
 * on the tenant and the caller (12 checks in one script call), in memory and, when a Redis is given,
 * over loopback. Sequential latency (p50/p99) and throughput with requests in flight. `make bench`
 * calls `benchBudgetCheck` (Redis: start a throwaway redis-server and pass its host/port).
 */
import { performance } from 'node:perf_hooks';
import type { CanonicalRequest } from '../llm/canonical';
import { estimateRequest, warmUpTokenizers } from './estimate';
import { budgetLimitsSchema, compileTenantBudget } from './limits';
import { createRedisClient, redisConnectionSchema, RedisBudgetStore, type RedisConnectionConfig } from './redis-store';
import { BudgetService } from './service';
import type { BudgetModel } from './service-types';

export interface BudgetBenchOptions {
  /** Sequential reserve+settle cycles measured (default 2000). */
  readonly iterations?: number;
  /** Requests in flight for the throughput figure (default 32). */
  readonly concurrency?: number;
  /** Cycles run first and not measured (default 200). */
  readonly warmup?: number;
  /** Also measure Redis (loopback): a connection, e.g. `{ host: '127.0.0.1', port: 6390 }`. */
  readonly redis?: Partial<RedisConnectionConfig>;
}

export interface BudgetBenchResult {
  readonly store: 'memory' | 'redis';
  readonly iterations: number;
  /** One reserve + settle, sequential, microseconds. */
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Reserve + settle cycles per second with `concurrency` in flight. */
  readonly cyclesPerSecond: number;
  readonly concurrency: number;
}

export interface BudgetBenchReport {
  readonly results: readonly BudgetBenchResult[];
  /** Prompt estimate of a ~2 KB chat request with o200k, microseconds (mean). */
  readonly estimateUs: number;
}

const MODEL: BudgetModel = { name: 'bench-model', pricing: { input: 2.5, output: 10, cachedInput: 1.25 }, maxOutputTokens: 16_384 };

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(store: 'memory' | 'redis', budgets: BudgetService, options: Required<Omit<BudgetBenchOptions, 'redis'>>): Promise<BudgetBenchResult> {
  const limits = { tokensPerMinute: 1e12, requestsPerMinute: 1e12, tokensPerDay: 1e15, usdPerDay: 1e6, usdPerMonth: 1e6, concurrentRequests: 1e6 };
  const tenant = compileTenantBudget(`bench-${store}-${process.pid}-${Date.now()}`, budgetLimitsSchema.parse({ tenant: limits, perCaller: limits }));
  const cycle = async (): Promise<void> => {
    const decision = await budgets.reserve({ tenant, caller: 'key:bench', model: MODEL, estimate: { promptTokens: 1200, requestedMaxOutputTokens: 800, n: 1, producesOutput: true } });
    if (!decision.ok) throw new Error(`bench reservation refused: ${decision.message}`);
    await budgets.settle(decision.reservation, { inputTokens: 1100, outputTokens: 400, cachedInputTokens: 300 });
  };
  for (let i = 0; i < options.warmup; i++) await cycle();
  const samples: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const start = performance.now();
    await cycle();
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.iterations) {
        next += 1;
        await cycle();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return {
    store,
    iterations: options.iterations,
    meanUs: Math.round(mean),
    p50Us: Math.round(percentile(samples, 50)),
    p99Us: Math.round(percentile(samples, 99)),
    cyclesPerSecond: Math.round(options.iterations / seconds),
    concurrency: options.concurrency,
  };
}

function benchRequest(): CanonicalRequest {
  const text = 'The gateway reserves an estimate before forwarding and settles with the reported usage. '.repeat(24);
  const body = { model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: text }] };
  return {
    api: 'openai.chat_completions',
    family: 'openai',
    model: 'gpt-4o',
    stream: false,
    tools: [],
    segments: [
      { index: 0, role: 'system', channel: 'system', text: 'Be brief.', pointer: ['messages', 0, 'content'], encoding: 'string', rewritable: true, turn: 0 },
      { index: 1, role: 'user', channel: 'user', text, pointer: ['messages', 1, 'content'], encoding: 'string', rewritable: true, turn: 1 },
    ],
    media: [],
    tokenInputCount: 0,
    unknownContent: [],
    body,
    raw: Buffer.from(JSON.stringify(body)),
  };
}

export async function benchBudgetCheck(options: BudgetBenchOptions = {}): Promise<BudgetBenchReport> {
  const settings = { iterations: options.iterations ?? 2000, concurrency: options.concurrency ?? 32, warmup: options.warmup ?? 200 };
  warmUpTokenizers();
  const request = benchRequest();
  const estimateRuns = 500;
  const estimateStart = performance.now();
  for (let i = 0; i < estimateRuns; i++) estimateRequest(request);
  const estimateUs = Math.round(((performance.now() - estimateStart) * 1000) / estimateRuns);

  const results: BudgetBenchResult[] = [];
  const memory = new BudgetService();
  try {
    results.push(await measure('memory', memory, settings));
  } finally {
    await memory.close();
  }
  if (options.redis) {
    const store = new RedisBudgetStore(createRedisClient(redisConnectionSchema.parse(options.redis)));
    const shared = new BudgetService({ shared: store, onSharedFailure: 'failClosed' });
    try {
      await store.ready();
      results.push(await measure('redis', shared, settings));
    } finally {
      await shared.close();
    }
  }
  return { results, estimateUs };
}
