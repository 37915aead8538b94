/**
 * Where cached answers live: per tenant, with a TTL and a size bound (least recently used goes first).
 * Two implementations: in memory (one replica) and Redis (shared; src/cache/redis-store.ts). Both keep
 * semantic vectors in a SemanticIndex in this process; Redis is the source of truth for it.
 */
import type { CachedCompletion, SemanticRecord } from './entry';
import { SemanticIndex, type Candidate } from './vector-index';
import type { Vector } from './embed/types';

export interface PutOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export interface CacheStore {
  readonly kind: 'memory' | 'redis';
  get(tenant: string, id: string): Promise<CachedCompletion | undefined>;
  put(tenant: string, id: string, completion: CachedCompletion, semantic: SemanticRecord | undefined, options: PutOptions): Promise<void>;
  /** Semantic candidates of one partition with similarity >= minScore, best first. */
  search(tenant: string, partition: string, query: Vector, minScore: number, limit: number): Promise<Candidate[]>;
  /** An indexed entry turned out to be gone (expired, evicted by another replica): drop it from the index. */
  forget(tenant: string, id: string): void;
  /** Removes every entry of the tenant; resolves with how many there were. */
  purge(tenant: string): Promise<number>;
  /** Resolves true once the store answers (at once for memory), false after `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

interface MemoryEntry {
  readonly completion: CachedCompletion;
  readonly expiresAt: number;
}

interface MemoryTenant {
  /** Insertion order is recency order: a hit moves the entry to the end, eviction takes the first. */
  readonly entries: Map<string, MemoryEntry>;
  readonly index: SemanticIndex;
}

export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly tenants = new Map<string, MemoryTenant>();

  constructor(private readonly clock: () => number = Date.now) {}

  get(tenant: string, id: string): Promise<CachedCompletion | undefined> {
    const space = this.tenants.get(tenant);
    const entry = space?.entries.get(id);
    if (!space || !entry) return Promise.resolve(undefined);
    space.entries.delete(id);
    if (entry.expiresAt <= this.clock()) {
      space.index.remove(id);
      return Promise.resolve(undefined);
    }
    space.entries.set(id, entry);
    return Promise.resolve(entry.completion);
  }

  put(tenant: string, id: string, completion: CachedCompletion, semantic: SemanticRecord | undefined, options: PutOptions): Promise<void> {
    let space = this.tenants.get(tenant);
    if (!space) {
      space = { entries: new Map(), index: new SemanticIndex() };
      this.tenants.set(tenant, space);
    }
    space.entries.delete(id);
    space.entries.set(id, { completion, expiresAt: this.clock() + options.ttlMs });
    if (semantic) space.index.add({ id, ...semantic });
    else space.index.remove(id);
    while (space.entries.size > options.maxEntries) {
      const oldest = space.entries.keys().next().value as string;
      space.entries.delete(oldest);
      space.index.remove(oldest);
    }
    return Promise.resolve();
  }

  search(tenant: string, partition: string, query: Vector, minScore: number, limit: number): Promise<Candidate[]> {
    return Promise.resolve(this.tenants.get(tenant)?.index.search(partition, query, minScore, limit) ?? []);
  }

  forget(tenant: string, id: string): void {
    const space = this.tenants.get(tenant);
    space?.entries.delete(id);
    space?.index.remove(id);
  }

  purge(tenant: string): Promise<number> {
    const count = this.tenants.get(tenant)?.entries.size ?? 0;
    this.tenants.delete(tenant);
    return Promise.resolve(count);
  }

  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.tenants.clear();
    return Promise.resolve();
  }
}
