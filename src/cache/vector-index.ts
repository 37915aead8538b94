/**
 * The similarity index of one tenant's semantic entries. Entries are partitioned by everything that must
 * match exactly (scope, API, model, embedder, digest of the earlier context, must-match features), so a
 * search only ever scores candidates that could be a hit. Within a partition:
 * - sparse vectors (lexical embedder): an inverted index; a query scores only entries sharing a feature;
 * - dense vectors (ONNX, provider): contiguous Float32Array rows with 64-bit sign hashes; the hashes rank
 *   every row cheaply and only the best RESCORE rows get an exact dot product.
 * Removal swaps the last row in (dense) or leaves a tombstone that compaction clears (sparse).
 */
import type { Vector } from './embed/types';
import { DensePartition } from './dense-partition';
import { SparsePartition } from './sparse-partition';

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

export interface Partition {
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
