/**
 * Redaction and output-guard costs on the PII dev corpus, and `@openai/guardrails`' PII check on the same
 * corpus in the same run as a reference (its regex check runs locally: no model, no network).
 *
 *   make build && node dist/bench/output.js [--corpus ../shared/corpus/pii-dev.jsonl] [--json out.json]
 *
 * Measures, single-threaded, after a warm-up:
 * - detection quality (overlap P/R per type, as `llmgw eval pii`) and MB/s, ours and guardrails', on the
 *   entity types both support;
 * - request redaction (recognizers + actions + body re-serialisation) in MB/s of prompt text;
 * - output guards on a buffered JSON response (output.pii, output.urls, output.code, output.banned_terms)
 *   in MB/s of response text;
 * - the same guards (and placeholder restoration) on an SSE stream of ~4-character deltas, one event per
 *   chunk: MB/s and the time the output stages add to each chunk (mean, p50, p99).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pii as guardrailsPii, PIIEntity } from '@openai/guardrails';
import { builtinGuards } from '../src/guard/builtin';
import { PiiAnalyzer } from '../src/guard/pii/analyzer';
import { corpusType, evaluatePii, parseEvalRows, scoreSpans, type EvalRow, type EvalSpan, type TypeMetrics } from '../src/guard/pii/eval';
import { RECOMMENDED_PII_ACTIONS } from '../src/guard/pii/redact';
import { compileRedaction, redactionBaseSchema, redactRequest } from '../src/guard/pii/request-redaction';
import type { OutputGuard } from '../src/guard/registry';
import { parseRequest, rewriteRequest, type CanonicalRequest } from '../src/llm';
import { providerStream } from '../src/pipeline/output/fixtures.test-util';
import { outputStages } from '../src/pipeline/output/setup';
import { runTransforms } from '../src/pipeline/transform';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? (process.argv[at + 1] as string) : fallback;
}

/** The types both detectors support, as the corpus names them; guardrails' name where it differs. */
const SHARED: ReadonlyArray<readonly [string, PIIEntity]> = [
  ['EMAIL_ADDRESS', PIIEntity.EMAIL_ADDRESS],
  ['PHONE_NUMBER', PIIEntity.PHONE_NUMBER],
  ['CREDIT_CARD', PIIEntity.CREDIT_CARD],
  ['US_SSN', PIIEntity.US_SSN],
  ['IBAN_CODE', PIIEntity.IBAN_CODE],
  ['IP_ADDRESS', PIIEntity.IP_ADDRESS],
  ['US_DRIVER_LICENSE', PIIEntity.US_DRIVER_LICENSE],
  ['DATE_TIME', PIIEntity.DATE_TIME],
  ['LOCATION', PIIEntity.LOCATION],
  ['DOMAIN_NAME', PIIEntity.URL],
];
const SHARED_TYPES = new Set(SHARED.map(([ours]) => ours));
const FROM_GUARDRAILS = new Map<string, string>(SHARED.map(([ours, theirs]) => [theirs, ours]));

const mb = (bytes: number): number => bytes / 1e6;
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const onlyShared = (spans: readonly EvalSpan[]): EvalSpan[] => spans.filter((s) => SHARED_TYPES.has(s.type));

/** Every occurrence of each value guardrails reports (it returns values, not offsets). */
function guardrailsSpans(text: string, detected: Record<string, string[]>): EvalSpan[] {
  const spans: EvalSpan[] = [];
  for (const [entity, values] of Object.entries(detected)) {
    const type = FROM_GUARDRAILS.get(entity) ?? entity;
    for (const value of new Set(values)) {
      if (!value) continue;
      for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) spans.push({ type, start: at, end: at + value.length });
    }
  }
  return spans;
}

async function detection(rows: readonly EvalRow[]): Promise<Record<string, unknown>> {
  const ours = evaluatePii(rows, new PiiAnalyzer());
  const oursShared = scoreSpans(rows.map((row, i) => ({ gold: onlyShared(row.spans), predicted: onlyShared(ours.predictions[i]?.spans ?? []) })));

  const config = { entities: SHARED.map(([, theirs]) => theirs), block: false, detect_encoded_pii: false };
  for (const row of rows.slice(0, 200)) await guardrailsPii({}, row.text, config);
  let elapsed = 0;
  const predicted: EvalSpan[][] = [];
  for (const row of rows) {
    const t0 = performance.now();
    const result = await guardrailsPii({}, row.text, config);
    elapsed += performance.now() - t0;
    predicted.push(guardrailsSpans(row.text, (result.info?.detected_entities ?? {}) as Record<string, string[]>));
  }
  const theirs = scoreSpans(rows.map((row, i) => ({ gold: onlyShared(row.spans), predicted: predicted[i] ?? [] })));
  const theirsMbps = mb(ours.bytes) / (elapsed / 1000);

  const table = (metrics: readonly TypeMetrics[]) => Object.fromEntries(metrics.map((m) => [m.type, { gold: m.gold, predicted: m.predicted, precision: round(m.precision), recall: round(m.recall) }]));
  console.log('\nPII detection on the same corpus (overlap match; types both detectors support)');
  console.log(`${'type'.padEnd(18)} ${'gold'.padStart(5)}   ${'ours P'.padStart(7)} ${'ours R'.padStart(7)}   ${'guardrails P'.padStart(12)} ${'guardrails R'.padStart(12)}`);
  for (const m of oursShared) {
    const t = theirs.find((x) => x.type === m.type);
    console.log(`${m.type.padEnd(18)} ${String(m.gold).padStart(5)}   ${m.precision.toFixed(3).padStart(7)} ${m.recall.toFixed(3).padStart(7)}   ${(t?.precision ?? 0).toFixed(3).padStart(12)} ${(t?.recall ?? 0).toFixed(3).padStart(12)}`);
  }
  console.log(`throughput (all ${rows.length} rows, ${mb(ours.bytes).toFixed(3)} MB): ours ${ours.mbPerSecond.toFixed(2)} MB/s (every entity type), guardrails ${theirsMbps.toFixed(2)} MB/s (${config.entities.length} types)`);
  return { ours: { mbPerSecond: round(ours.mbPerSecond), types: table(oursShared) }, guardrails: { version: guardrailsVersion(), mbPerSecond: round(theirsMbps), types: table(theirs) } };
}

function guardrailsVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('@openai/guardrails/package.json'), 'utf8')) as { version: string }).version;
}

/** Runs `work` until `seconds` have passed (at least once); returns runs per second. */
function timed(seconds: number, work: () => void): number {
  work();
  const deadline = performance.now() + seconds * 1000;
  let runs = 0;
  const t0 = performance.now();
  while (runs === 0 || performance.now() < deadline) {
    work();
    runs++;
  }
  return runs / ((performance.now() - t0) / 1000);
}

function redaction(rows: readonly EvalRow[], seconds: number): Record<string, unknown> {
  // One chat request per 20 corpus rows (one user message each), parsed before timing, as the exchange has it.
  const requests: CanonicalRequest[] = [];
  let bytes = 0;
  for (let i = 0; i < rows.length; i += 20) {
    const messages = rows.slice(i, i + 20).map((row) => ({ role: 'user', content: row.text }));
    const parsed = parseRequest('openai.chat_completions', Buffer.from(JSON.stringify({ model: 'm', messages })));
    if (!parsed.ok) throw new Error(parsed.error.message);
    requests.push(parsed.request);
    bytes += messages.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
  }
  const compiled = compileRedaction(redactionBaseSchema.parse({ actions: RECOMMENDED_PII_ACTIONS }), () => 'bench-key').redaction;
  let changed = 0;
  const perSecond = timed(seconds, () => {
    for (const request of requests) {
      const result = redactRequest(request, compiled);
      changed += result.segments.size;
      rewriteRequest(request, { segments: result.segments });
    }
  });
  const mbps = mb(bytes) * perSecond;
  console.log(`\nrequest redaction (recommended actions, parse excluded, re-serialisation included): ${mbps.toFixed(2)} MB/s of prompt text`);
  return { mbPerSecond: round(mbps), segmentsChanged: changed > 0 };
}

function guards(): OutputGuard[] {
  const make = (id: string, params: Record<string, unknown>): OutputGuard => {
    const created = builtinGuards().createOutputGuard(id, params, 'bench');
    if (!created.ok) throw new Error(JSON.stringify(created.problems));
    return created.value;
  };
  return [make('output.pii', {}), make('output.urls', { allowDomains: ['example.com'] }), make('output.code', {}), make('output.banned_terms', { terms: ['project falcon', 'acme internal'] })];
}

const REQUEST = { family: 'openai' as const, model: 'm', tools: [], segments: [], media: [], tokenInputCount: 0, unknownContent: [], body: {}, raw: Buffer.alloc(0) };

function outputGuards(rows: readonly EvalRow[], seconds: number): Record<string, unknown> {
  const all = guards();
  // Buffered: one chat completion per 20 rows.
  const bodies: Buffer[] = [];
  let bytes = 0;
  for (let i = 0; i < rows.length; i += 20) {
    const text = rows.slice(i, i + 20).map((row) => row.text).join('\n');
    bytes += Buffer.byteLength(text);
    bodies.push(Buffer.from(JSON.stringify({ id: 'c', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] })));
  }
  const buffered = timed(seconds, () => {
    for (const body of bodies) {
      const stages = outputStages({ request: { ...REQUEST, api: 'openai.chat_completions', stream: false }, mode: 'buffered', guards: { guards: all, holdBackChars: 256 }, restore: new Map(), requestId: 'b' });
      runTransforms(stages.transforms, body, true);
    }
  });
  const bufferedMbps = mb(bytes) * buffered;
  console.log(`\noutput guards, buffered JSON (pii, urls, code, banned terms): ${bufferedMbps.toFixed(2)} MB/s of response text`);

  // Streamed: the same text as ~4-character deltas, one SSE event per chunk.
  const streams = bodies.map((_, b) => {
    const text = rows.slice(b * 20, b * 20 + 20).map((row) => row.text).join('\n');
    const deltas: string[] = [];
    for (let i = 0; i < text.length; i += 4) deltas.push(text.slice(i, i + 4));
    return providerStream('openai.chat_completions', deltas).split(/(?<=\n\n)/).map((event) => Buffer.from(event));
  });
  const restore = new Map([['[EMAIL_1]', 'jane.doe@example.com']]);
  const measure = (name: string, withGuards: boolean, withRestore: boolean): Record<string, number> => {
    const perChunk: number[] = [];
    let total = 0;
    let streamBytes = 0;
    const run = (record: boolean): void => {
      for (const chunks of streams) {
        const stages = outputStages({
          request: { ...REQUEST, api: 'openai.chat_completions', stream: true },
          mode: 'streamed',
          guards: { guards: withGuards ? all : [], holdBackChars: 256 },
          restore: withRestore ? restore : new Map(),
          requestId: 's',
        });
        chunks.forEach((chunk, i) => {
          const t0 = performance.now();
          runTransforms(stages.transforms, chunk, i === chunks.length - 1);
          const dt = performance.now() - t0;
          if (record) {
            perChunk.push(dt);
            total += dt;
          }
        });
      }
    };
    run(false);
    const deadline = performance.now() + seconds * 1000;
    do {
      run(true);
      streamBytes += bytes;
    } while (performance.now() < deadline);
    perChunk.sort((a, b) => a - b);
    const figures = { mbPerSecond: round(mb(streamBytes) / (total / 1000)), chunkMeanUs: round((total / perChunk.length) * 1000), chunkP50Us: round(percentile(perChunk, 0.5) * 1000), chunkP99Us: round(percentile(perChunk, 0.99) * 1000) };
    console.log(`${name.padEnd(34)} ${String(figures.mbPerSecond).padStart(7)} MB/s   per chunk: mean ${figures.chunkMeanUs} µs, p50 ${figures.chunkP50Us} µs, p99 ${figures.chunkP99Us} µs`);
    return figures;
  };
  console.log('\nstreamed SSE, ~4-character deltas, one event per chunk, hold-back 256 (time the stages add per chunk)');
  return {
    bufferedMbPerSecond: round(bufferedMbps),
    streamed: {
      guards: measure('output guards', true, false),
      restore: measure('placeholder restoration', false, true),
      guardsAndRestore: measure('output guards + restoration', true, true),
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

async function main(): Promise<void> {
  const corpus = resolve(option('--corpus', '../shared/corpus/pii-dev.jsonl'));
  const seconds = Number(option('--seconds', '3'));
  const rows = parseEvalRows(readFileSync(corpus, 'utf8'));
  console.log(`redaction and output guards: ${rows.length} rows of ${corpus}`);
  const report = {
    corpus,
    detection: await detection(rows),
    redaction: redaction(rows, seconds),
    outputGuards: outputGuards(rows, seconds),
    corpusTypes: [...new Set(rows.flatMap((row) => row.spans.map((s) => corpusType(s.type))))].sort(),
  };
  const json = option('--json', '');
  if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
