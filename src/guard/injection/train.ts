/**
 * Training of the two linear models from corpus rows (the format of `injection-dev.jsonl`). Used by
 * `scripts/train-injection.ts` (writes the committed weights) and by the leave-one-source-out
 * evaluation (trains once per held-out source).
 *
 * - Rows are weighted so that every source weighs the same and both labels weigh the same: a source
 *   with a thousand near-duplicates does not drown one with a hundred varied rows.
 * - `prompt` model: user-channel rows whole; documents line by line (clean documents give benign lines;
 *   in an attacked document the planted line is found as the line the first-pass `task` model and the
 *   rules rank highest, a one-step multiple-instance choice, and the other lines are left out).
 * - `task` model: is this line an instruction to an assistant? Positive: sentences of every user-channel
 *   row (benign requests too) and the planted lines; negative: lines of documents.
 * - Surface features are dropped at random (`surfaceDropout`) so the language-neutral concept features
 *   carry weight on their own, which is what lets the model score languages it was not trained on.
 */
import { readFileSync } from 'node:fs';
import { tagConcepts } from './concepts';
import { dataLineRules, dataLines } from './detector';
import { copyFeatures, extractFeatures, type FeatureVector } from './features';
import { newModel, score, sigmoid, type LinearModel } from './model';
import { normalize } from './normalize';
import { syntheticRows } from './synthetic';

export interface CorpusRow {
  readonly id: string;
  readonly text: string;
  readonly label: 'attack' | 'benign';
  readonly category?: string;
  readonly source?: string;
  readonly channel?: string;
  readonly lang?: string;
}

export interface TrainOptions {
  readonly bits: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly surfaceDropout: number;
  readonly seed: number;
  /** Sentences of one user row used as `task` positives. */
  readonly taskSentencesPerRow: number;
  /** Characters of a user row featurised for the `prompt` model. */
  readonly maxRowChars: number;
  /** 1: add the synthetic multilingual rows (`synthetic.ts`) as one more source; 0: do not. */
  readonly synthetic: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  bits: 18,
  epochs: 8,
  learningRate: 0.2,
  l2: 1e-6,
  surfaceDropout: 0.7,
  seed: 7,
  taskSentencesPerRow: 4,
  maxRowChars: 8000,
  synthetic: 1,
};

export function readCorpus(path: string): CorpusRow[] {
  const rows: CorpusRow[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!line) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`${path}:${i + 1}: not JSON`);
    }
    const row = parsed as Partial<CorpusRow>;
    if (typeof row.text !== 'string' || (row.label !== 'attack' && row.label !== 'benign')) throw new Error(`${path}:${i + 1}: needs text and label (attack | benign)`);
    rows.push({ ...row, id: typeof row.id === 'string' ? row.id : `row-${i + 1}`, text: row.text, label: row.label });
  }
  return rows;
}

export function isDataRow(row: CorpusRow): boolean {
  return row.channel === 'document' || row.channel === 'tool_result';
}

interface Example {
  readonly f: FeatureVector;
  readonly y: 0 | 1;
  weight: number;
}

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function featurise(text: string, bits: number): FeatureVector {
  return copyFeatures(extractFeatures(tagConcepts(normalize(text).folded), bits));
}

/** A piece of data (or a sentence) as the detector featurises a data line, and how many rules fired on it. */
function featuriseLine(line: string, bits: number): { f: FeatureVector; rules: number } {
  const tokens = tagConcepts(line);
  return { f: copyFeatures(extractFeatures(tokens, bits)), rules: dataLineRules(line, tokens).length };
}

function sentences(text: string, max: number): string[] {
  const out: string[] = [];
  for (const line of dataLines(normalize(text).folded)) {
    if (line.trim().length < 8) continue;
    out.push(line);
    if (out.length >= max) break;
  }
  return out;
}

/** Logistic regression, AdaGrad, weighted examples, surface-group dropout. */
export function fit(examples: readonly Example[], options: TrainOptions): LinearModel {
  const model = newModel(options.bits);
  const g2 = new Float32Array(model.weights.length);
  let biasG2 = 0;
  const random = rng(options.seed);
  const order = examples.map((_, i) => i);
  const w = model.weights;
  const eps = 1e-6;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const index of order) {
      const ex = examples[index] as Example;
      const surface = random() >= options.surfaceDropout;
      const p = sigmoid(score(model, ex.f, surface));
      const g = (p - ex.y) * ex.weight;
      biasG2 += g * g;
      model.bias -= (options.learningRate * g) / (Math.sqrt(biasG2) + eps);
      const update = (idx: Uint32Array, count: number): void => {
        if (count === 0) return;
        const gi = g / Math.sqrt(count);
        for (let k = 0; k < count; k++) {
          const f = idx[k] as number;
          g2[f] = (g2[f] as number) + gi * gi;
          w[f] = (w[f] as number) * (1 - options.l2) - (options.learningRate * gi) / (Math.sqrt(g2[f] as number) + eps);
        }
      };
      if (surface) update(ex.f.surface, ex.f.surfaceCount);
      update(ex.f.concepts, ex.f.conceptCount);
    }
  }
  return model;
}

/** Every source weighs 1, then both labels weigh the same, then the mean weight is 1. */
function balance(groups: { source: string; y: 0 | 1; examples: Example[] }[]): Example[] {
  const perSource = new Map<string, number>();
  for (const g of groups) perSource.set(g.source, (perSource.get(g.source) ?? 0) + 1);
  for (const g of groups) {
    const share = sourceWeight(g.source) / (perSource.get(g.source) as number);
    for (const ex of g.examples) ex.weight *= share;
  }
  const all = groups.flatMap((g) => g.examples);
  const total = [0, 0];
  for (const ex of all) total[ex.y] = (total[ex.y] as number) + ex.weight;
  for (const ex of all) ex.weight *= 0.5 / ((total[ex.y] as number) || 1);
  const mean = all.reduce((s, ex) => s + ex.weight, 0) / Math.max(1, all.length);
  for (const ex of all) ex.weight /= mean;
  return all;
}

/**
 * Every source weighs the same, except the hand-written synthetic documents: a few dozen lines against corpus sources of hundreds
 * of documents; at full weight they moved the task model far enough to lose held-out attacks.
 */
const SYNTHETIC_DOCUMENT_WEIGHT = 0.25;

function sourceWeight(source: string): number {
  return source === 'doc:synthetic' ? SYNTHETIC_DOCUMENT_WEIGHT : 1;
}

export interface TrainedModels {
  readonly prompt: LinearModel;
  readonly task: LinearModel;
}

export function trainModels(corpusRows: readonly CorpusRow[], options: TrainOptions = DEFAULT_TRAIN_OPTIONS): TrainedModels {
  const bits = options.bits;
  const rows = options.synthetic > 0 ? [...corpusRows, ...syntheticRows()] : corpusRows;
  const userRows = rows.filter((r) => !isDataRow(r));
  const docRows = rows.filter((r) => isDataRow(r));
  // Lines of every document, featurised once.
  const docLines = docRows.map((r) => {
    const lines = sentences(r.text, 400);
    const featurised = lines.map((l) => featuriseLine(l, bits));
    return { row: r, lines, features: featurised.map((x) => x.f), rules: featurised.map((x) => x.rules) };
  });
  const userFeatures = userRows.map((r) => featurise(r.text.slice(0, options.maxRowChars), bits));
  const userSentences = userRows.map((r) => sentences(r.text, options.taskSentencesPerRow).map((s) => featuriseLine(s, bits).f));

  const taskGroups = (planted: Map<string, number>): { source: string; y: 0 | 1; examples: Example[] }[] => {
    const groups: { source: string; y: 0 | 1; examples: Example[] }[] = [];
    userRows.forEach((r, i) => {
      const feats = userSentences[i] as FeatureVector[];
      if (feats.length === 0) return;
      groups.push({ source: `user:${r.source ?? 'unknown'}`, y: 1, examples: feats.map((f) => ({ f, y: 1 as const, weight: 1 / feats.length })) });
    });
    for (const d of docLines) {
      const top = planted.get(d.row.id);
      const neg = d.features.filter((_, i) => i !== top);
      if (neg.length > 0) groups.push({ source: `doc:${d.row.source ?? 'unknown'}`, y: 0, examples: neg.map((f) => ({ f, y: 0 as const, weight: 1 })) });
      if (top !== undefined) groups.push({ source: `planted:${d.row.source ?? 'unknown'}`, y: 1, examples: [{ f: d.features[top] as FeatureVector, y: 1, weight: 1 }] });
    }
    return groups;
  };

  // First pass: the task model without planted lines; then pick each attacked document's planted line.
  const first = fit(balance(taskGroups(new Map())), { ...options, epochs: Math.max(2, Math.floor(options.epochs / 2)) });
  const planted = new Map<string, number>();
  for (const d of docLines) {
    if (d.row.label !== 'attack' || d.features.length === 0) continue;
    let best = 0;
    let bestZ = -Infinity;
    d.features.forEach((f, i) => {
      const z = score(first, f) + 3 * (d.rules[i] as number);
      if (z > bestZ) {
        bestZ = z;
        best = i;
      }
    });
    planted.set(d.row.id, best);
  }
  const task = fit(balance(taskGroups(planted)), options);

  const promptGroups: { source: string; y: 0 | 1; examples: Example[] }[] = [];
  userRows.forEach((r, i) => {
    const y = r.label === 'attack' ? 1 : 0;
    promptGroups.push({ source: `${r.source ?? 'unknown'}:${y}`, y, examples: [{ f: userFeatures[i] as FeatureVector, y, weight: 1 }] });
  });
  for (const d of docLines) {
    if (d.features.length === 0) continue;
    // Lines other than the planted one are benign content, in attacked documents too.
    const top = d.row.label === 'attack' ? (planted.get(d.row.id) as number) : -1;
    if (top >= 0) promptGroups.push({ source: `${d.row.source ?? 'unknown'}:1`, y: 1, examples: [{ f: d.features[top] as FeatureVector, y: 1, weight: 1 }] });
    const benignLines = d.features.filter((_, i) => i !== top);
    if (benignLines.length > 0) promptGroups.push({ source: `doc-lines:0`, y: 0, examples: benignLines.map((f) => ({ f, y: 0 as const, weight: 1 })) });
  }
  const prompt = fit(balance(promptGroups), options);
  return { prompt, task };
}
