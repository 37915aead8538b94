/**
 * `llmgw eval pii FILE.jsonl [--out FILE]`: precision, recall and F2 per entity type on a labelled corpus
 * (one JSON object a line: `id`, `text`, `spans` with `type`, `start`, `end`), overlap-based with exact-match
 * figures beside, the number of gold spans per type, and throughput in MB/s (after a short warm-up). With `--out`, one JSON line per
 * row with `id` and the predicted `spans`, types named as in the corpus.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PiiAnalyzer } from './analyzer';
import type { EntityType } from './types';

export interface PiiEvalIo {
  readFile(path: string): string;
  writeFile(path: string, data: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Milliseconds, monotonic. */
  now(): number;
}

export const defaultPiiEvalIo: PiiEvalIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, data) => writeFileSync(path, data),
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  now: () => performance.now(),
};

/** Our entity names that the corpus (Presidio's generator) names differently. */
export const CORPUS_TYPE_NAMES: Readonly<Record<string, string>> = {
  DATE_OF_BIRTH: 'DATE_TIME',
  URL: 'DOMAIN_NAME',
};

export function corpusType(type: EntityType): string {
  return CORPUS_TYPE_NAMES[type] ?? type;
}

export interface EvalSpan {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

export interface EvalRow {
  readonly id: string;
  readonly text: string;
  readonly spans: readonly EvalSpan[];
}

export interface TypeMetrics {
  readonly type: string;
  readonly gold: number;
  readonly predicted: number;
  readonly precision: number;
  readonly recall: number;
  readonly f2: number;
  readonly exactPrecision: number;
  readonly exactRecall: number;
  readonly exactF2: number;
}

export interface PiiEvalResult {
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly mbPerSecond: number;
  /** Sorted by gold count (descending), then name; `ALL` (micro-average over all types) last. */
  readonly types: readonly TypeMetrics[];
  readonly predictions: readonly { readonly id: string; readonly spans: readonly EvalSpan[] }[];
}

export function fBeta(precision: number, recall: number, beta: number): number {
  const b2 = beta * beta;
  const denominator = b2 * precision + recall;
  return denominator === 0 ? 0 : ((1 + b2) * precision * recall) / denominator;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

interface Counts {
  gold: number;
  predicted: number;
  predictedHit: number;
  goldHit: number;
  exact: number;
}

const overlaps = (a: EvalSpan, b: EvalSpan): boolean => a.start < b.end && b.start < a.end;

/** Scores predictions against gold: a predicted span counts when it overlaps a gold span of the same type. */
export function scoreSpans(rows: readonly { readonly gold: readonly EvalSpan[]; readonly predicted: readonly EvalSpan[] }[]): TypeMetrics[] {
  const counts = new Map<string, Counts>();
  const get = (type: string): Counts => {
    let c = counts.get(type);
    if (!c) counts.set(type, (c = { gold: 0, predicted: 0, predictedHit: 0, goldHit: 0, exact: 0 }));
    return c;
  };
  for (const row of rows) {
    for (const g of row.gold) {
      const c = get(g.type);
      c.gold++;
      if (row.predicted.some((p) => p.type === g.type && overlaps(p, g))) c.goldHit++;
    }
    for (const p of row.predicted) {
      const c = get(p.type);
      c.predicted++;
      if (row.gold.some((g) => g.type === p.type && overlaps(p, g))) c.predictedHit++;
      if (row.gold.some((g) => g.type === p.type && g.start === p.start && g.end === p.end)) c.exact++;
    }
  }
  const all: Counts = { gold: 0, predicted: 0, predictedHit: 0, goldHit: 0, exact: 0 };
  const metrics = (type: string, c: Counts): TypeMetrics => {
    const precision = ratio(c.predictedHit, c.predicted);
    const recall = ratio(c.goldHit, c.gold);
    const exactPrecision = ratio(c.exact, c.predicted);
    const exactRecall = ratio(c.exact, c.gold);
    return { type, gold: c.gold, predicted: c.predicted, precision, recall, f2: fBeta(precision, recall, 2), exactPrecision, exactRecall, exactF2: fBeta(exactPrecision, exactRecall, 2) };
  };
  const out: TypeMetrics[] = [];
  for (const [type, c] of counts) {
    out.push(metrics(type, c));
    all.gold += c.gold;
    all.predicted += c.predicted;
    all.predictedHit += c.predictedHit;
    all.goldHit += c.goldHit;
    all.exact += c.exact;
  }
  out.sort((a, b) => b.gold - a.gold || a.type.localeCompare(b.type));
  out.push(metrics('ALL', all));
  return out;
}

/** Parses the corpus format; throws with the line number on a bad line. */
export function parseEvalRows(jsonl: string): EvalRow[] {
  const rows: EvalRow[] = [];
  const lines = jsonl.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1}: not JSON`);
    }
    if (typeof value !== 'object' || value === null) throw new Error(`line ${i + 1}: not an object`);
    const record = value as Record<string, unknown>;
    if (typeof record.text !== 'string') throw new Error(`line ${i + 1}: "text" must be a string`);
    const spans: EvalSpan[] = [];
    if (record.spans !== undefined) {
      if (!Array.isArray(record.spans)) throw new Error(`line ${i + 1}: "spans" must be an array`);
      for (const span of record.spans as unknown[]) {
        const s = span as Record<string, unknown> | null;
        if (!s || typeof s.type !== 'string' || typeof s.start !== 'number' || typeof s.end !== 'number') throw new Error(`line ${i + 1}: each span needs "type", "start" and "end"`);
        spans.push({ type: s.type, start: s.start, end: s.end });
      }
    }
    rows.push({ id: typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : String(rows.length + 1), text: record.text, spans });
  }
  return rows;
}

/** Runs the analyser over every row and scores it. */
export function evaluatePii(rows: readonly EvalRow[], analyzer: PiiAnalyzer = new PiiAnalyzer(), now: () => number = () => performance.now()): PiiEvalResult {
  // Warm up (JIT, lazily loaded phone metadata) so MB/s is the steady state, not start-up.
  for (const row of rows.slice(0, 200)) analyzer.analyze(row.text);
  const predictions: { id: string; spans: EvalSpan[] }[] = [];
  let bytes = 0;
  let elapsed = 0;
  for (const row of rows) {
    bytes += Buffer.byteLength(row.text, 'utf8');
    const t0 = now();
    const spans = analyzer.analyze(row.text);
    elapsed += now() - t0;
    predictions.push({ id: row.id, spans: spans.map((s) => ({ type: corpusType(s.type), start: s.start, end: s.end })) });
  }
  const types = scoreSpans(rows.map((row, i) => ({ gold: row.spans, predicted: predictions[i]!.spans })));
  const seconds = elapsed / 1000;
  return { rows: rows.length, bytes, seconds, mbPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0, types, predictions };
}

export function formatPiiReport(result: PiiEvalResult): string {
  const f = (x: number): string => x.toFixed(3);
  const header = ['type', 'gold', 'pred', 'P', 'R', 'F2', 'exact P', 'exact R', 'exact F2'];
  const lines = result.types.map((t) => [t.type, String(t.gold), String(t.predicted), f(t.precision), f(t.recall), f(t.f2), f(t.exactPrecision), f(t.exactRecall), f(t.exactF2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    render(header),
    ...lines.map(render),
    '',
    `${result.rows} rows, ${(result.bytes / 1e6).toFixed(3)} MB in ${result.seconds.toFixed(3)} s: ${result.mbPerSecond.toFixed(2)} MB/s`,
    '',
  ].join('\n');
}

const USAGE = 'usage: llmgw eval pii FILE.jsonl [--out FILE]\n';

/** `argv` is what follows `eval pii`. Exit code 0, 1 on an unreadable or malformed file, 2 on bad usage. */
export async function runPiiEval(argv: readonly string[], io: PiiEvalIo = defaultPiiEvalIo): Promise<number> {
  let file: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out') {
      out = argv[++i];
      if (!out) {
        io.stderr(USAGE);
        return 2;
      }
    } else if (arg.startsWith('--out=')) {
      out = arg.slice('--out='.length);
    } else if (arg === '-h' || arg === '--help') {
      io.stdout(USAGE);
      return 0;
    } else if (arg.startsWith('-') || file !== undefined) {
      io.stderr(`unexpected argument: ${arg}\n${USAGE}`);
      return 2;
    } else {
      file = arg;
    }
  }
  if (!file) {
    io.stderr(USAGE);
    return 2;
  }
  let rows: EvalRow[];
  try {
    rows = parseEvalRows(io.readFile(file));
  } catch (error) {
    io.stderr(`${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const result = evaluatePii(rows, new PiiAnalyzer(), () => io.now());
  io.stdout(formatPiiReport(result));
  if (out) {
    try {
      io.writeFile(out, result.predictions.map((p) => JSON.stringify({ id: p.id, spans: p.spans.map((s) => ({ type: s.type, start: s.start, end: s.end })) })).join('\n') + (result.predictions.length ? '\n' : ''));
    } catch (error) {
      io.stderr(`${out}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  return 0;
}
