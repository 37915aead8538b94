/**
 * The response cache: looks a request up (exact key first, then, in semantic mode, similar questions
 * behind identical must-match features and context) and keeps completed answers. Knows nothing of
 * Envoy or the exchange: it is given a canonical request, the served model and the caller.
 */
import type { CanonicalRequest } from '../llm';
import type { TenantCachePolicy } from './config';
import type { Vector } from './embed/types';
import type { CachedCompletion, SemanticRecord } from './entry';
import { cacheKeys, digest, type CacheKeys, type Caller } from './key';
import type { CacheStore } from './store';
import { questionFeatures, wordHash } from './text/features';
import { compatibleWording } from './text/wording';

/** Semantic candidates checked per lookup (best first) before giving up. */
const CANDIDATES = 8;

export interface StorePlan {
  readonly tenant: string;
  readonly keys: CacheKeys;
  readonly policy: TenantCachePolicy;
  readonly semantic?: SemanticRecord;
}

export type CacheLookup =
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'hit'; readonly how: 'exact' | 'semantic'; readonly completion: CachedCompletion; readonly similarity?: number }
  | { readonly kind: 'miss'; readonly plan: StorePlan };

export interface LookupInput {
  readonly policy: TenantCachePolicy;
  readonly request: CanonicalRequest;
  /** The model routing chose (the gateway's name): answers of one model never serve another. */
  readonly servedModel: string;
  readonly caller: Caller;
}

export class ResponseCache {
  constructor(readonly backend: CacheStore) {}

  async lookup(input: LookupInput): Promise<CacheLookup> {
    const { policy, request, servedModel, caller } = input;
    if (!policy.enabled) return { kind: 'skip', reason: 'disabled' };
    const keyed = cacheKeys(request, servedModel, caller, policy);
    if (!keyed.ok) return { kind: 'skip', reason: keyed.reason };
    const { keys } = keyed;
    const exact = await this.backend.get(caller.tenant, keys.exact);
    if (exact) return { kind: 'hit', how: 'exact', completion: exact };
    if (policy.mode !== 'semantic' || !keys.semantic) return { kind: 'miss', plan: { tenant: caller.tenant, keys, policy } };

    const features = questionFeatures(keys.semantic.question);
    const vector: Vector | undefined = await policy.embedder.embed(keys.semantic.question);
    if (!vector) return { kind: 'miss', plan: { tenant: caller.tenant, keys, policy } };
    const record: SemanticRecord = {
      // Only entries with the same context, embedder and must-match features share a partition.
      partition: digest({ context: keys.semantic.context, embedder: policy.embedder.id, features: features.signature }),
      vector,
      words: features.contentWords.map(wordHash),
      positions: features.positions,
      connectors: features.connectors,
    };
    const candidates = await this.backend.search(caller.tenant, record.partition, vector, policy.threshold, CANDIDATES);
    for (const candidate of candidates) {
      if (!compatibleWording(record, candidate.entry)) continue;
      const completion = await this.backend.get(caller.tenant, candidate.entry.id);
      if (!completion) {
        this.backend.forget(caller.tenant, candidate.entry.id);
        continue;
      }
      return { kind: 'hit', how: 'semantic', completion, similarity: candidate.score };
    }
    return { kind: 'miss', plan: { tenant: caller.tenant, keys, policy, semantic: record } };
  }

  /** Keeps an answer for the request planned at lookup. Never throws (the stores swallow their failures). */
  async keep(plan: StorePlan, completion: CachedCompletion): Promise<'stored' | 'too_large'> {
    if (Buffer.byteLength(JSON.stringify(completion)) > plan.policy.maxEntryBytes) return 'too_large';
    await this.backend.put(plan.tenant, plan.keys.exact, completion, plan.semantic, { ttlMs: plan.policy.ttlMs, maxEntries: plan.policy.maxEntries });
    return 'stored';
  }

  /** Waits for the store (Redis) to answer; false after `timeoutMs` (lookups then miss until it does). */
  ready(timeoutMs = 5000): Promise<boolean> {
    return this.backend.ready(timeoutMs);
  }

  purge(tenant: string): Promise<number> {
    return this.backend.purge(tenant);
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
