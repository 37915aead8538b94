/**
 * Response cache lookup cost with 10,000 entries in one tenant (`make bench`; alone:
 * `node dist/bench/cache.js`). Worst case for the index: every entry in ONE partition (same context, same
 * must-match features), so the similarity search sees all of them.
 *   lexical  the full `ResponseCache.lookup` (exact key, features, lexical embedding, inverted-index search,
 *            wording check, entry read) in the memory store
 *   index    the lexical partition search alone
 *   dense384 a dense partition of 10,000 unit vectors of 384 dimensions (an ONNX MiniLM-sized embedder;
 *            the provider endpoint's 1536 are printed too): search alone, the embedding call excluded
 *   redis    the full lookup against a throwaway redis-server (mirror synced; the exact GET and the entry
 *            GET are real round trips), when redis-server is installed
 * Settings: BENCH_CACHE_ENTRIES (10000), BENCH_CACHE_LOOKUPS (5000).
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseRequest, type CanonicalRequest } from '../src/llm';
import { evalPolicy } from '../src/cache/eval';
import { lexicalVector } from '../src/cache/embed/lexical';
import type { Vector } from '../src/cache/embed/types';
import { createResponseCache } from '../src/cache/setup';
import { cacheSchema } from '../src/cache/config';
import { ResponseCache } from '../src/cache/service';
import { MemoryCacheStore } from '../src/cache/store';
import { SemanticIndex } from '../src/cache/vector-index';
import { questionFeatures } from '../src/cache/text/features';
import { startTestRedis } from '../test/support/redis';

const ENTRIES = Number(process.env.BENCH_CACHE_ENTRIES ?? 10_000);
const LOOKUPS = Number(process.env.BENCH_CACHE_LOOKUPS ?? 5_000);

/** Deterministic pseudo-random numbers, so every run measures the same questions. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const NOUNS = 'account password order invoice refund shipment package subscription plan card address profile report export dashboard team user project file folder setting notification email phone device app browser cart wishlist coupon warranty battery screen charger cable printer router modem license seat workspace channel message calendar contact backup sync storage upload photo video playlist ticket agent feedback review rating store pickup locker'.split(' ');
const VERBS = 'reset change update cancel track find download view edit share move merge rename archive restore connect configure verify renew transfer upgrade schedule print scan pair replace repair return activate'.split(' ');
const MODIFIERS = 'my the our shared default primary secondary old current monthly weekly personal work mobile desktop wireless local remote'.split(' ');

/** Questions without numbers, names or contrast words: all in one partition. */
function question(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const opener = pick(['How do I', 'How can I', 'Can I', 'Is it possible to', 'Where do I', 'Help me']);
  return `${opener} ${pick(VERBS)} ${pick(MODIFIERS)} ${pick(NOUNS)} ${pick(['and', 'with', 'for', 'on'])} ${pick(NOUNS)} ${pick(NOUNS)}?`.replace('Where do I', 'How do I');
}

function request(text: string): CanonicalRequest {
  const parsed = parseRequest('openai.chat_completions', Buffer.from(JSON.stringify({ model: 'bench', temperature: 0, messages: [{ role: 'system', content: 'Support.' }, { role: 'user', content: text }] })));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.request;
}

interface Figures {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  /** CPU time of the lookup thread (getrusage), which a preempting neighbour does not inflate. */
  readonly cpuP50: number;
  readonly cpuP99: number;
}

async function measure(lookups: number, run: (i: number) => Promise<unknown> | unknown): Promise<Figures> {
  for (let i = 0; i < Math.min(500, lookups); i += 1) await run(i);
  const wall = new Float64Array(lookups);
  const cpu = new Float64Array(lookups);
  for (let i = 0; i < lookups; i += 1) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await run(i);
    wall[i] = performance.now() - started;
    const used = process.cpuUsage(cpuBefore);
    cpu[i] = (used.user + used.system) / 1000;
  }
  wall.sort();
  cpu.sort();
  const at = (samples: Float64Array, q: number): number => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] as number;
  return { p50: at(wall, 0.5), p99: at(wall, 0.99), mean: wall.reduce((a, b) => a + b, 0) / wall.length, cpuP50: at(cpu, 0.5), cpuP99: at(cpu, 0.99) };
}

function unitVector(random: () => number, dimensions: number): Vector {
  const values = new Float32Array(dimensions);
  let sum = 0;
  for (let i = 0; i < dimensions; i += 1) {
    const v = random() * 2 - 1;
    values[i] = v;
    sum += v * v;
  }
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < dimensions; i += 1) values[i] = (values[i] as number) * scale;
  return { kind: 'dense', values };
}

async function fill(cache: ResponseCache, stored: readonly string[]): Promise<void> {
  const policy = evalPolicy();
  for (const text of stored) {
    const found = await cache.lookup({ policy, request: request(text), servedModel: 'bench', caller: { tenant: 'bench' } });
    if (found.kind === 'miss') await cache.keep(found.plan, { v: 1, api: 'openai.chat_completions', model: 'bench', text: `answer: ${text}`, finish: 'stop', storedAt: Date.now() });
  }
}

async function main(): Promise<void> {
  const random = rng(42);
  const stored = Array.from({ length: ENTRIES }, () => question(random));
  // Half the lookups ask a stored question again in other words (hits or near hits), half something new.
  const asked = Array.from({ length: LOOKUPS }, (_, i) => (i % 2 === 0 ? (stored[Math.floor(random() * stored.length)] as string).replace('How do I', 'How can I') : question(random)));
  const requests = asked.map(request);
  const policy = { ...evalPolicy(), maxEntries: ENTRIES * 2 };
  const rows: Array<[string, Figures, string]> = [];

  const memory = new ResponseCache(new MemoryCacheStore());
  await fill(memory, stored);
  let hits = 0;
  rows.push([
    'lexical',
    await measure(LOOKUPS, async (i) => {
      const found = await memory.lookup({ policy, request: requests[i % requests.length] as CanonicalRequest, servedModel: 'bench', caller: { tenant: 'bench' } });
      if (found.kind === 'hit') hits += 1;
    }),
    'full lookup, memory store',
  ]);

  const index = new SemanticIndex();
  stored.forEach((text, i) => {
    const features = questionFeatures(text);
    const vector = lexicalVector(features.contentWords);
    if (vector) index.add({ id: String(i), partition: 'one', vector, words: [], positions: [], connectors: [] });
  });
  const queries = asked.map((text) => lexicalVector(questionFeatures(text).contentWords)).filter((v): v is Vector => v !== undefined);
  rows.push(['index', await measure(LOOKUPS, (i) => index.search('one', queries[i % queries.length] as Vector, 0.8, 8)), 'lexical partition search only']);

  for (const dimensions of [384, 1536]) {
    const dense = new SemanticIndex();
    const vectors = rng(dimensions);
    for (let i = 0; i < ENTRIES; i += 1) dense.add({ id: String(i), partition: 'one', vector: unitVector(vectors, dimensions), words: [], positions: [], connectors: [] });
    const probes = Array.from({ length: 256 }, () => unitVector(vectors, dimensions));
    rows.push([`dense${dimensions}`, await measure(LOOKUPS, (i) => dense.search('one', probes[i % probes.length] as Vector, 0.8, 8)), 'dense partition search only (sign-hash ranking + exact rescoring of 128)']);
  }

  let redisNote = '';
  let redis: Awaited<ReturnType<typeof startTestRedis>> | undefined;
  try {
    redis = await startTestRedis();
  } catch (error) {
    redisNote = `redis: skipped (no redis-server: ${(error as Error).message})`;
  }
  if (redis) {
    const shared = createResponseCache(cacheSchema.parse({ redis: { host: redis.host, port: redis.port, keyPrefix: 'bench:', commandTimeoutMs: 2000 } }));
    try {
      if (!(await shared.ready(5000))) throw new Error('redis-server did not answer');
      await fill(shared, stored);
      let redisHits = 0;
      rows.push([
        'redis',
        await measure(Math.min(LOOKUPS, 2000), async (i) => {
          const found = await shared.lookup({ policy, request: requests[i % requests.length] as CanonicalRequest, servedModel: 'bench', caller: { tenant: 'bench' } });
          if (found.kind === 'hit') redisHits += 1;
        }),
        'full lookup, Redis store on loopback',
      ]);
      redisNote = `redis hits: ${redisHits} of ${Math.min(LOOKUPS, 2000) + Math.min(500, LOOKUPS)} lookups (measured and warm-up rounds)`;
    } finally {
      await shared.close();
      await redis.cleanup();
    }
  }

  process.stdout.write(`== response cache lookup, ${ENTRIES} entries in one tenant (one partition), ${LOOKUPS} lookups ==\n`);
  process.stdout.write(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs (wall-clock p99 includes preemption by other processes; CPU p99 does not)\n`);
  process.stdout.write('case         mean ms    p50 ms    p99 ms   cpu p50   cpu p99   what\n');
  for (const [name, f, what] of rows) {
    const cells = [f.mean, f.p50, f.p99, f.cpuP50, f.cpuP99].map((x) => x.toFixed(3).padStart(9)).join(' ');
    process.stdout.write(`${name.padEnd(10)} ${cells}   ${what}\n`);
  }
  process.stdout.write(`lexical hits: ${hits} of ${LOOKUPS} lookups (measured and warm-up rounds)\n`);
  if (redisNote) process.stdout.write(`${redisNote}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`cache bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
