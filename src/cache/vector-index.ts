/**
 * The similarity index of one tenant's semantic entries. Entries are partitioned by everything that must
 * match exactly (scope, API, model, embedder, digest of the earlier context, must-match features), so a
 * search only ever scores candidates that could be a hit. Within a partition:
 * - sparse vectors (lexical embedder): an inverted index; a query scores only entries sharing a feature;
 * - dense vectors (ONNX, provider): contiguous Float32Array rows with 64-bit sign hashes; the hashes rank
 *   every row cheaply and only the best RESCORE rows get an exact dot product.
 * Removal swaps the last row in (dense) or leaves a tombstone that compaction clears (sparse).
 */
import { dot, LIGHT_FEATURE_BIT, type Vector } from './embed/types';

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

/**
 * Inverted index over sparse unit vectors, exact. Features are heavy (words, word pairs) or light
 * (character n-grams, LIGHT_FEATURE_BIT set). A search adds up query x entry weights along the postings
 * of the query's heavy features only (short sequential scans into one accumulator), then bounds what
 * the light features could add (|q_light| x |x_light|, Cauchy-Schwarz) and computes the exact score only
 * for entries whose bound reaches minScore. An entry sharing no heavy feature scores at most |q_light|,
 * which is below any useful threshold; when it is not, every light list is scanned too.
 */
class SparsePartition implements Partition {
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

const HASH_BITS = 64;
/** Rows rescored exactly per search: the best by Hamming distance of their sign hashes. */
const RESCORE = 128;

/**
 * Dense vectors in one Float32Array (rows of `dimensions`), each with a 64-bit sign hash (SimHash: the
 * signs of 64 fixed random projections). A search hashes the query, ranks every row by Hamming distance
 * (two XORs and popcounts per row), and computes exact dot products only for the RESCORE nearest rows.
 * Two vectors at angle θ differ in each bit with probability θ/π, so a row similar enough to be a hit
 * (cos >= 0.8: θ <= 37°, about 13 bits of 64) ranks far ahead of unrelated rows (about 32 bits).
 */
class DensePartition implements Partition {
  private rows = new Float32Array(0);
  private hashes = new Uint32Array(0);
  private readonly ids: IndexedEntry[] = [];
  private readonly rowOf = new Map<string, number>();
  private readonly projection: Float32Array;

  constructor(readonly dimensions: number) {
    this.projection = gaussianMatrix(HASH_BITS, dimensions, 0x5eed);
  }

  get size(): number {
    return this.ids.length;
  }

  add(entry: IndexedEntry): void {
    if (entry.vector.kind !== 'dense') return;
    const row = this.ids.length;
    if ((row + 1) * this.dimensions > this.rows.length) this.grow(Math.max(64, row * 2));
    this.rows.set(entry.vector.values, row * this.dimensions);
    const [low, high] = this.hash(entry.vector.values);
    this.hashes[row * 2] = low;
    this.hashes[row * 2 + 1] = high;
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
      this.hashes.copyWithin(row * 2, last * 2, last * 2 + 2);
      this.ids[row] = moved;
      this.rowOf.set(moved.id, row);
    }
    this.ids.pop();
  }

  search(query: Vector, minScore: number, limit: number): Candidate[] {
    if (query.kind !== 'dense' || query.values.length !== this.dimensions) return [];
    const count = this.ids.length;
    const found: Candidate[] = [];
    const rescore = (r: number): void => {
      const score = dotAt(this.rows, r * this.dimensions, query.values, this.dimensions);
      if (score >= minScore) found.push({ entry: this.ids[r] as IndexedEntry, score });
    };
    if (count <= RESCORE) {
      for (let r = 0; r < count; r += 1) rescore(r);
    } else {
      const [low, high] = this.hash(query.values);
      const distances = new Uint8Array(count);
      const histogram = new Uint32Array(HASH_BITS + 1);
      for (let r = 0; r < count; r += 1) {
        const d = popcount(((this.hashes[r * 2] as number) ^ low) >>> 0) + popcount(((this.hashes[r * 2 + 1] as number) ^ high) >>> 0);
        distances[r] = d;
        histogram[d] = (histogram[d] as number) + 1;
      }
      let cutoff = 0;
      for (let taken = 0; cutoff <= HASH_BITS; cutoff += 1) {
        taken += histogram[cutoff] as number;
        if (taken >= RESCORE) break;
      }
      let budget = RESCORE;
      for (let r = 0; r < count && budget > 0; r += 1) {
        if ((distances[r] as number) > cutoff) continue;
        rescore(r);
        budget -= 1;
      }
    }
    return found.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  private grow(rows: number): void {
    const next = new Float32Array(rows * this.dimensions);
    next.set(this.rows);
    this.rows = next;
    const nextHashes = new Uint32Array(rows * 2);
    nextHashes.set(this.hashes);
    this.hashes = nextHashes;
  }

  private hash(values: Float32Array): [number, number] {
    let low = 0;
    let high = 0;
    for (let bit = 0; bit < HASH_BITS; bit += 1) {
      if (dotAt(this.projection, bit * this.dimensions, values, this.dimensions) < 0) continue;
      if (bit < 32) low |= 1 << bit;
      else high |= 1 << (bit - 32);
    }
    return [low >>> 0, high >>> 0];
  }
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
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
