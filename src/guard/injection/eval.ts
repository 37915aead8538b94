/**
 * `llmgw eval injection FILE.jsonl [--out VERDICTS.jsonl] [--loso] [--model MODEL.json] [--threshold T] [--data-threshold T]`
 *
 * Scores corpus rows (`id`, `text`, `label`, `category`, `channel`, optional `source`) and prints recall
 * per category and per source, the false-positive rate on benign rows (and on clean BIPIA documents on
 * its own line), precision, F1, balanced accuracy and prompts/s. `--out` writes one JSON line per row:
 * `{"id","score","verdict"}`. `--loso` is leave-one-source-out cross-validation: for each source, the
 * models are trained on the other sources and predict that source's rows; all predictions are pooled and
 * scored together (most sources hold one label only, so per-fold scores mean little).
 */
import { writeFileSync } from 'node:fs';
import type { SegmentChannel } from '../../llm';
import { InjectionDetector, type DetectorOptions } from './detector';
import { loadModels, type InjectionModels } from './model';
import { readCorpus, trainModels, DEFAULT_TRAIN_OPTIONS, type CorpusRow } from './train';

export interface EvalIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const EVAL_USAGE = 'usage: llmgw eval injection FILE.jsonl [--out VERDICTS.jsonl] [--loso] [--model MODEL.json] [--threshold T] [--data-threshold T]\n';

export interface Prediction {
  readonly row: CorpusRow;
  readonly score: number;
  readonly attack: boolean;
}

export interface EvalMetrics {
  readonly attacks: number;
  readonly benign: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly recall: number;
  readonly falsePositiveRate: number;
  readonly precision: number;
  readonly f1: number;
  readonly balancedAccuracy: number;
  readonly recallByCategory: ReadonlyMap<string, { hit: number; total: number }>;
  readonly bySource: ReadonlyMap<string, { flagged: number; total: number; label: string }>;
  readonly bipiaClean: { flagged: number; total: number };
}

export function metrics(predictions: readonly Prediction[]): EvalMetrics {
  let tp = 0;
  let fp = 0;
  let attacks = 0;
  let benign = 0;
  const byCategory = new Map<string, { hit: number; total: number }>();
  const bySource = new Map<string, { flagged: number; total: number; label: string }>();
  const bipiaClean = { flagged: 0, total: 0 };
  for (const p of predictions) {
    const source = p.row.source ?? 'unknown';
    const s = bySource.get(source) ?? { flagged: 0, total: 0, label: p.row.label };
    s.total++;
    if (p.attack) s.flagged++;
    if (s.label !== p.row.label) s.label = 'mixed';
    bySource.set(source, s);
    if (p.row.label === 'attack') {
      attacks++;
      if (p.attack) tp++;
      const category = p.row.category ?? 'attack';
      const c = byCategory.get(category) ?? { hit: 0, total: 0 };
      c.total++;
      if (p.attack) c.hit++;
      byCategory.set(category, c);
    } else {
      benign++;
      if (p.attack) fp++;
      if (source.startsWith('bipia')) {
        bipiaClean.total++;
        if (p.attack) bipiaClean.flagged++;
      }
    }
  }
  const recall = attacks ? tp / attacks : 0;
  const fpr = benign ? fp / benign : 0;
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { attacks, benign, truePositives: tp, falsePositives: fp, recall, falsePositiveRate: fpr, precision, f1, balancedAccuracy: (recall + (1 - fpr)) / 2, recallByCategory: byCategory, bySource, bipiaClean };
}

function channelOf(row: CorpusRow): SegmentChannel {
  switch (row.channel) {
    case 'document':
    case 'tool_result':
    case 'system':
    case 'assistant':
      return row.channel;
    default:
      return 'user';
  }
}

/** Scores rows with one detector; returns predictions and the time spent, in nanoseconds, per row. */
export function predict(detector: InjectionDetector, rows: readonly CorpusRow[]): { predictions: Prediction[]; nanos: number[] } {
  const predictions: Prediction[] = [];
  const nanos: number[] = [];
  for (const row of rows) {
    const t0 = process.hrtime.bigint();
    const result = detector.analyse(row.text, channelOf(row));
    nanos.push(Number(process.hrtime.bigint() - t0));
    predictions.push({ row, score: result.score, attack: result.attack });
  }
  return { predictions, nanos };
}

/** Leave-one-source-out: per source, models trained without it predict its rows; predictions pooled. */
export function leaveOneSourceOut(rows: readonly CorpusRow[], options: Partial<DetectorOptions>, log: (line: string) => void = () => {}): { predictions: Prediction[]; nanos: number[] } {
  const sources = [...new Set(rows.map((r) => r.source ?? 'unknown'))].sort();
  const predictions: Prediction[] = [];
  const nanos: number[] = [];
  for (const source of sources) {
    const train = rows.filter((r) => (r.source ?? 'unknown') !== source);
    const test = rows.filter((r) => (r.source ?? 'unknown') === source);
    const t0 = Date.now();
    const trained = trainModels(train, DEFAULT_TRAIN_OPTIONS);
    const models: InjectionModels = { ...trained, source: `trained without ${source}` };
    const out = predict(new InjectionDetector({ ...options, models }), test);
    predictions.push(...out.predictions);
    nanos.push(...out.nanos);
    const flagged = out.predictions.filter((p) => p.attack).length;
    log(`  fold ${source}: trained on ${train.length} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s; flagged ${flagged}/${test.length}\n`);
  }
  return { predictions, nanos };
}

function pct(x: number): string {
  return (100 * x).toFixed(2) + '%';
}

export function formatReport(m: EvalMetrics, nanos: readonly number[], bytes: number): string {
  const lines: string[] = [];
  lines.push('recall per category:');
  for (const [category, c] of [...m.recallByCategory].sort()) lines.push(`  ${category.padEnd(12)} ${pct(c.hit / c.total).padStart(8)}  (${c.hit}/${c.total})`);
  lines.push('flagged per source:');
  for (const [source, s] of [...m.bySource].sort()) lines.push(`  ${source.padEnd(20)} ${s.label.padEnd(7)} ${pct(s.flagged / s.total).padStart(8)}  (${s.flagged}/${s.total})`);
  lines.push(`false-positive rate on benign rows: ${pct(m.falsePositiveRate)} (${m.falsePositives}/${m.benign})`);
  if (m.bipiaClean.total > 0) lines.push(`false-positive rate on clean BIPIA documents: ${pct(m.bipiaClean.flagged / m.bipiaClean.total)} (${m.bipiaClean.flagged}/${m.bipiaClean.total})`);
  lines.push(`recall: ${pct(m.recall)} (${m.truePositives}/${m.attacks})`);
  lines.push(`precision: ${m.precision.toFixed(4)}  F1: ${m.f1.toFixed(4)}  balanced accuracy: ${m.balancedAccuracy.toFixed(4)}`);
  const total = nanos.reduce((s, n) => s + n, 0);
  const sorted = [...nanos].sort((a, b) => a - b);
  const median = sorted.length ? (sorted[Math.floor(sorted.length / 2)] as number) : 0;
  if (total > 0) lines.push(`throughput: ${((nanos.length * 1e9) / total).toFixed(0)} prompts/s, ${((bytes / total) * 1e3).toFixed(2)} MB/s, median ${(median / 1000).toFixed(1)} µs per prompt (one core, detection only)`);
  return lines.join('\n') + '\n';
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

function numberOption(args: readonly string[], name: string): number | undefined {
  const v = option(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${name} must be a number between 0 and 1`);
  return n;
}

/**
 * Entry point for `llmgw eval injection ...`: `argv` is what follows `injection`. Returns the exit code
 * (0 done, 2 usage or input error).
 */
export async function runInjectionEval(argv: readonly string[], io: EvalIo): Promise<number> {
  const valueFlags = new Set(['--out', '--model', '--threshold', '--data-threshold']);
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (valueFlags.has(a)) i++;
    else if (!a.startsWith('--')) positional.push(a);
  }
  const file = positional[0];
  if (!file || argv.includes('--help') || argv.includes('-h')) {
    io.stderr(EVAL_USAGE);
    return file ? 0 : 2;
  }
  let rows: CorpusRow[];
  let options: Partial<DetectorOptions>;
  try {
    rows = readCorpus(file);
    const threshold = numberOption(argv, '--threshold');
    const dataThreshold = numberOption(argv, '--data-threshold');
    options = { ...(threshold !== undefined ? { threshold } : {}), ...(dataThreshold !== undefined ? { dataThreshold } : {}) };
  } catch (error) {
    io.stderr(`eval injection: ${(error as Error).message}\n`);
    return 2;
  }
  const out = option(argv, '--out');
  const loso = argv.includes('--loso');
  const attacks = rows.filter((r) => r.label === 'attack').length;
  io.stdout(`injection eval: ${file}: ${rows.length} rows (${attacks} attack, ${rows.length - attacks} benign)\n`);
  let result: { predictions: Prediction[]; nanos: number[] };
  if (loso) {
    io.stdout('leave-one-source-out cross-validation: per source, trained on the other sources; predictions pooled\n');
    result = leaveOneSourceOut(rows, options, io.stdout);
  } else {
    const modelPath = option(argv, '--model');
    let models: InjectionModels;
    try {
      models = loadModels(modelPath);
    } catch (error) {
      io.stderr(`eval injection: ${(error as Error).message}\n`);
      return 2;
    }
    io.stdout(`model: ${models.source}\n`);
    result = predict(new InjectionDetector({ ...options, models }), rows);
  }
  const bytes = rows.reduce((s, r) => s + Buffer.byteLength(r.text), 0);
  io.stdout(formatReport(metrics(result.predictions), result.nanos, bytes));
  if (out) {
    // In file order, whatever order the folds predicted in.
    const order = new Map(rows.map((r, i) => [r, i]));
    const sorted = [...result.predictions].sort((a, b) => (order.get(a.row) as number) - (order.get(b.row) as number));
    const byId = sorted.map((p) => JSON.stringify({ id: p.row.id, score: Number(p.score.toFixed(6)), verdict: p.attack ? 'attack' : 'benign' }));
    writeFileSync(out, byId.join('\n') + '\n');
    io.stdout(`verdicts: ${out} (${byId.length} lines)\n`);
  }
  return 0;
}
