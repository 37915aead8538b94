/** The dense (ONNX, provider embeddings) partition of the semantic index: see vector-index.ts. */
import type { Vector } from './embed/types';
import type { Candidate, IndexedEntry, Partition } from './vector-index';

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
export class DensePartition implements Partition {
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
