/** The sparse (lexical) partition of the semantic index: see vector-index.ts. */
import { LIGHT_FEATURE_BIT, type Vector } from './embed/types';
import type { Candidate, IndexedEntry, Partition } from './vector-index';

/**
 * Inverted index over sparse unit vectors, exact. Features are heavy (words, word pairs) or light
 * (character n-grams, LIGHT_FEATURE_BIT set). A search adds up query x entry weights along the postings
 * of the query's heavy features only (short sequential scans into one accumulator), then bounds what
 * the light features could add (|q_light| x |x_light|, Cauchy-Schwarz) and computes the exact score only
 * for entries whose bound reaches minScore. An entry sharing no heavy feature scores at most |q_light|,
 * which is below any useful threshold; when it is not, every light list is scanned too.
 */
export class SparsePartition implements Partition {
  private readonly slots: (IndexedEntry | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Feature -> slots that have it and their weights (append-only; dead slots are skipped and compacted away). */
  private readonly postings = new Map<number, Postings>();
  private dead = 0;
  /** Per slot: partial score of the running search, the search that set it, and the entry's light norm. */
  private scores = new Float32Array(64);
  private seen = new Uint32Array(64);
  private lightNorms = new Float32Array(64);
  private epoch = 0;

  get size(): number {
    return this.slotOf.size;
  }

  add(entry: IndexedEntry): void {
    if (entry.vector.kind !== 'sparse' || !inSparseSpace(entry.vector.indices)) return;
    const slot = this.slots.length;
    this.slots.push(entry);
    this.slotOf.set(entry.id, slot);
    if (slot >= this.seen.length) this.grow();
    const { indices, values } = entry.vector;
    let light = 0;
    for (let i = 0; i < indices.length; i += 1) {
      const feature = indices[i] as number;
      const weight = values[i] as number;
      if ((feature & LIGHT_FEATURE_BIT) !== 0) light += weight * weight;
      let list = this.postings.get(feature);
      if (!list) {
        list = new Postings();
        this.postings.set(feature, list);
      }
      list.push(slot, weight);
    }
    this.lightNorms[slot] = Math.sqrt(light);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.slots[slot] = undefined;
    this.dead += 1;
    if (this.dead > 64 && this.dead * 2 > this.slots.length) this.compact();
  }

  search(query: Vector, minScore: number, limit: number): Candidate[] {
    if (query.kind !== 'sparse' || !inSparseSpace(query.indices)) return [];
    let lightMass = 0;
    for (let i = 0; i < query.indices.length; i += 1) {
      if (((query.indices[i] as number) & LIGHT_FEATURE_BIT) !== 0) lightMass += (query.values[i] as number) ** 2;
    }
    const queryLight = Math.sqrt(lightMass);
    const scanLight = queryLight >= minScore;
    this.epoch = (this.epoch + 1) >>> 0 || 1;
    const touched: number[] = [];
    for (let i = 0; i < query.indices.length; i += 1) {
      const feature = query.indices[i] as number;
      if (!scanLight && (feature & LIGHT_FEATURE_BIT) !== 0) continue;
      const list = this.postings.get(feature);
      if (!list) continue;
      const weight = query.values[i] as number;
      const { slots, weights, length } = list;
      for (let k = 0; k < length; k += 1) {
        const slot = slots[k] as number;
        const product = weight * (weights[k] as number);
        if (this.seen[slot] === this.epoch) {
          this.scores[slot] = (this.scores[slot] as number) + product;
        } else {
          this.seen[slot] = this.epoch;
          this.scores[slot] = product;
          touched.push(slot);
        }
      }
    }
    const found: Candidate[] = [];
    let table: QueryTable | undefined;
    for (const slot of touched) {
      const entry = this.slots[slot];
      if (!entry || entry.vector.kind !== 'sparse') continue;
      const partial = this.scores[slot] as number;
      if (!scanLight && partial + queryLight * (this.lightNorms[slot] as number) < minScore) continue;
      let score = partial;
      if (!scanLight) {
        table ??= QueryTable.of(query);
        const { indices, values } = entry.vector;
        for (let f = 0; f < indices.length; f += 1) {
          const feature = indices[f] as number;
          if ((feature & LIGHT_FEATURE_BIT) !== 0) score += (values[f] as number) * table.weight(feature);
        }
      }
      if (score >= minScore) found.push({ entry, score });
    }
    return found.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  private grow(): void {
    const size = this.seen.length * 2;
    const scores = new Float32Array(size);
    scores.set(this.scores);
    this.scores = scores;
    const seen = new Uint32Array(size);
    seen.set(this.seen);
    this.seen = seen;
    const lightNorms = new Float32Array(size);
    lightNorms.set(this.lightNorms);
    this.lightNorms = lightNorms;
  }

  private compact(): void {
    const live = this.slots.filter((entry): entry is IndexedEntry => entry !== undefined);
    this.slots.length = 0;
    this.slotOf.clear();
    this.postings.clear();
    this.dead = 0;
    for (const entry of live) this.add(entry);
  }
}

/** Sparse features live in [0, 2^20) (the lexical embedder's hash space); larger indices wrap. */
const SPARSE_SPACE = 1 << 20;

/** Feature -> weight of one query, open addressing in power-of-two arrays at most half full. */
class QueryTable {
  private constructor(
    private readonly keys: Int32Array,
    private readonly weights: Float32Array,
    private readonly mask: number,
  ) {}

  static of(query: { readonly indices: Uint32Array; readonly values: Float32Array }): QueryTable {
    let size = 16;
    while (size < query.indices.length * 2) size *= 2;
    const table = new QueryTable(new Int32Array(size).fill(-1), new Float32Array(size), size - 1);
    for (let i = 0; i < query.indices.length; i += 1) {
      const key = query.indices[i] as number;
      let at = Math.imul(key, 0x9e3779b1) >>> 0 & table.mask;
      while (table.keys[at] !== -1 && table.keys[at] !== key) at = (at + 1) & table.mask;
      table.keys[at] = key;
      table.weights[at] = query.values[i] as number;
    }
    return table;
  }

  weight(key: number): number {
    let at = Math.imul(key, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const found = this.keys[at] as number;
      if (found === key) return this.weights[at] as number;
      if (found === -1) return 0;
      at = (at + 1) & this.mask;
    }
  }
}

function inSparseSpace(indices: Uint32Array): boolean {
  for (let i = 0; i < indices.length; i += 1) if ((indices[i] as number) >= SPARSE_SPACE) return false;
  return true;
}

/** Growable parallel arrays of slots and weights. */
class Postings {
  slots = new Int32Array(4);
  weights = new Float32Array(4);
  length = 0;

  push(slot: number, weight: number): void {
    if (this.length === this.slots.length) {
      const slots = new Int32Array(this.slots.length * 2);
      slots.set(this.slots);
      this.slots = slots;
      const weights = new Float32Array(this.weights.length * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.slots[this.length] = slot;
    this.weights[this.length] = weight;
    this.length += 1;
  }
}
