/**
 * The similarity index of one tenant's semantic entries. Entries are partitioned by everything that must
 * match exactly (scope, API, model, embedder, digest of the earlier context, must-match features), so a
 * search only ever scores candidates that could be a hit. Within a partition:
 * - sparse vectors (lexical embedder): an inverted index; a query scores only entries sharing a feature;
 * - dense vectors (ONNX, provider): contiguous Float32Array rows; above PROJECT_FROM rows a 64-dimension
 *   random projection ranks all rows cheaply and only the best PREFILTER rows get an exact dot product.
 * Removal swaps the last row in (dense) or leaves a tombstone that compaction clears (sparse).
 */
import { dot, type Vector } from './embed/types';

export interface IndexedEntry {
  readonly id: string;
  readonly partition: string;
  readonly vector: Vector;
  /** Hashes of the question's content words in order and their token positions, for the word-order check. */
  readonly words: readonly number[];
  readonly positions: readonly number[];
  readonly connectors: readonly number[];
}

export interface Candidate {
  readonly entry: IndexedEntry;
  readonly score: number;
}

interface Partition {
  add(entry: IndexedEntry): void;
  remove(id: string): void;
  search(query: Vector, minScore: number, limit: number): Candidate[];
  readonly size: number;
}

export class SemanticIndex {
  private readonly partitions = new Map<string, Partition>();
  private readonly entries = new Map<string, IndexedEntry>();

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  add(entry: IndexedEntry): void {
    this.remove(entry.id);
    let partition = this.partitions.get(entry.partition);
    if (!partition) {
      partition = entry.vector.kind === 'sparse' ? new SparsePartition() : new DensePartition(entry.vector.values.length);
      this.partitions.set(entry.partition, partition);
    }
    if (partition instanceof DensePartition && (entry.vector.kind !== 'dense' || entry.vector.values.length !== partition.dimensions)) return;
    if (partition instanceof SparsePartition && entry.vector.kind !== 'sparse') return;
    partition.add(entry);
    this.entries.set(entry.id, entry);
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const partition = this.partitions.get(entry.partition);
    partition?.remove(id);
    if (partition && partition.size === 0) this.partitions.delete(entry.partition);
  }

  clear(): void {
    this.partitions.clear();
    this.entries.clear();
  }

  /** Entries of `partition` with similarity >= minScore, best first, at most `limit`. */
  search(partition: string, query: Vector, minScore: number, limit: number): Candidate[] {
    return this.partitions.get(partition)?.search(query, minScore, limit) ?? [];
  }
}

class SparsePartition implements Partition {
  private readonly slots: (IndexedEntry | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Feature -> [slot, weight, slot, weight...]. */
  private readonly postings = new Map<number, number[]>();
  private dead = 0;

  get size(): number {
    return this.slotOf.size;
  }

  add(entry: IndexedEntry): void {
    if (entry.vector.kind !== 'sparse') return;
    const slot = this.slots.length;
    this.slots.push(entry);
    this.slotOf.set(entry.id, slot);
    const { indices, values } = entry.vector;
    for (let i = 0; i < indices.length; i += 1) {
      const feature = indices[i] as number;
      let list = this.postings.get(feature);
      if (!list) {
        list = [];
        this.postings.set(feature, list);
      }
      list.push(slot, values[i] as number);
    }
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
    if (query.kind !== 'sparse') return [];
    const scores = new Map<number, number>();
    for (let i = 0; i < query.indices.length; i += 1) {
      const list = this.postings.get(query.indices[i] as number);
      if (!list) continue;
      const weight = query.values[i] as number;
      for (let k = 0; k < list.length; k += 2) {
        const slot = list[k] as number;
        scores.set(slot, (scores.get(slot) ?? 0) + weight * (list[k + 1] as number));
      }
    }
    const found: Candidate[] = [];
    for (const [slot, score] of scores) {
      const entry = this.slots[slot];
      if (entry && score >= minScore) found.push({ entry, score });
    }
    return found.sort((a, b) => b.score - a.score).slice(0, limit);
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

const PROJECTED = 64;
const PROJECT_FROM = 512;
const PREFILTER = 64;

class DensePartition implements Partition {
  private rows = new Float32Array(0);
  private projected = new Float32Array(0);
  private readonly ids: IndexedEntry[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly projection: Float32Array;

  constructor(readonly dimensions: number) {
    this.projection = gaussianMatrix(PROJECTED, dimensions, 0x5eed);
  }

  get size(): number {
    return this.ids.length;
  }

  add(entry: IndexedEntry): void {
    if (entry.vector.kind !== 'dense') return;
    const row = this.ids.length;
    if ((row + 1) * this.dimensions > this.rows.length) this.grow(Math.max(64, row * 2));
    this.rows.set(entry.vector.values, row * this.dimensions);
    this.projected.set(this.project(entry.vector.values), row * PROJECTED);
    this.ids.push(entry);
    this.rowOf.set(entry.id, row);
  }

  remove(id: string): void {
    const row = this.rowOf.get(id);
    if (row === undefined) return;
    this.rowOf.delete(id);
    const last = this.ids.length - 1;
    if (row !== last) {
      const moved = this.ids[last] as IndexedEntry;
      this.rows.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.projected.copyWithin(row * PROJECTED, last * PROJECTED, (last + 1) * PROJECTED);
      this.ids[row] = moved;
      this.rowOf.set(moved.id, row);
    }
    this.ids.pop();
  }

  search(query: Vector, minScore: number, limit: number): Candidate[] {
    if (query.kind !== 'dense' || query.values.length !== this.dimensions) return [];
    const count = this.ids.length;
    let rowsToScore: number[];
    if (count <= PROJECT_FROM) {
      rowsToScore = Array.from({ length: count }, (_, i) => i);
    } else {
      const q = this.project(query.values);
      const approx = new Float32Array(count);
      for (let r = 0; r < count; r += 1) approx[r] = dotAt(this.projected, r * PROJECTED, q, PROJECTED);
      rowsToScore = topRows(approx, PREFILTER);
    }
    const found: Candidate[] = [];
    for (const r of rowsToScore) {
      const score = dotAt(this.rows, r * this.dimensions, query.values, this.dimensions);
      if (score >= minScore) found.push({ entry: this.ids[r] as IndexedEntry, score });
    }
    return found.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  private grow(rows: number): void {
    const next = new Float32Array(rows * this.dimensions);
    next.set(this.rows);
    this.rows = next;
    const nextProjected = new Float32Array(rows * PROJECTED);
    nextProjected.set(this.projected);
    this.projected = nextProjected;
  }

  private project(values: Float32Array): Float32Array {
    const out = new Float32Array(PROJECTED);
    for (let p = 0; p < PROJECTED; p += 1) out[p] = dotAt(this.projection, p * this.dimensions, values, this.dimensions);
    return out;
  }
}

function dotAt(matrix: Float32Array, offset: number, vector: Float32Array, length: number): number {
  let a = 0;
  let b = 0;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    a += (matrix[offset + i] as number) * (vector[i] as number) + (matrix[offset + i + 1] as number) * (vector[i + 1] as number);
    b += (matrix[offset + i + 2] as number) * (vector[i + 2] as number) + (matrix[offset + i + 3] as number) * (vector[i + 3] as number);
  }
  for (; i < length; i += 1) a += (matrix[offset + i] as number) * (vector[i] as number);
  return a + b;
}

/** Indices of the `k` largest values (a partial selection: one pass with a small sorted buffer). */
function topRows(values: Float32Array, k: number): number[] {
  const best: number[] = [];
  let floor = -Infinity;
  for (let r = 0; r < values.length; r += 1) {
    const v = values[r] as number;
    if (best.length >= k && v <= floor) continue;
    let at = best.length;
    while (at > 0 && (values[best[at - 1] as number] as number) < v) at -= 1;
    best.splice(at, 0, r);
    if (best.length > k) best.pop();
    floor = values[best[best.length - 1] as number] as number;
  }
  return best;
}

/** Deterministic N(0,1) matrix (xorshift + Box-Muller): every process projects the same way. */
function gaussianMatrix(rows: number, columns: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 1) / 4294967297;
  };
  const out = new Float32Array(rows * columns);
  for (let i = 0; i < out.length; i += 1) out[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}

export { dot };
