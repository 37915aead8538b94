/**
 * The response cache inside one exchange: the lookup (after inspection and routing, so blocked requests
 * never reach it and the key names the model that will actually serve), the answer on a hit, the
 * recorder on a miss, and the decision to store at the end. Kept out of exchange.ts, which calls it in
 * a few lines.
 *
 * Never cached: requests the inspection blocked or flagged, requests with redactions (their placeholders
 * would leak one user's values to another), responses any stage flagged, modified or denied (output
 * guards with PII or secret findings record such decisions), error statuses, upstream errors, streams
 * that did not end cleanly, and answers the replay could not reproduce (tool calls, several choices).
 */
import type { Logger } from 'pino';
import type { AuditDecision } from '../audit/record';
import type { CanonicalRequest } from '../llm';
import type { TokenUsage } from '../llm';
import type { TenantCachePolicy } from '../cache/config';
import { CompletionRecorder } from '../cache/recorder';
import { replay } from '../cache/replay';
import type { CacheLookup, ResponseCache, StorePlan } from '../cache/service';
import type { Caller } from '../cache/key';
import type { SidecarMetrics } from '../telemetry/metrics';

export const CACHE_HEADER = 'x-llmgw-cache';

/** What the audit record says about the cache for this request. */
export interface CacheAudit {
  readonly result: 'hit' | 'miss' | 'skip';
  readonly how?: 'exact' | 'semantic';
  readonly similarity?: number;
  /** Why the request was not looked up, or why its answer was not stored. */
  readonly reason?: string;
  readonly stored?: boolean;
}

/** What the exchange knows at the end that decides whether the answer may be kept. */
export interface StoreVerdictInput {
  readonly outcome: string;
  readonly status: number | null;
  readonly upstreamError: boolean;
  readonly decisions: readonly AuditDecision[];
  readonly findings: number;
  /** Request redactions applied (placeholders): any makes the answer user-specific. */
  readonly redactions: number;
  /** The provider's usage, when the client-bound stream had it removed. */
  readonly usage?: TokenUsage;
  /** The model that actually answered (a per-attempt fallback may differ from the one looked up). */
  readonly servedModel?: string;
}

export class CacheStage {
  private recorder: CompletionRecorder | undefined;
  private audit: CacheAudit;

  private constructor(
    private readonly cache: ResponseCache,
    private readonly lookupResult: CacheLookup,
    private readonly tenant: string,
    /** The gateway model name the lookup (and so the key) was for. */
    private readonly lookedUpModel: string,
    private readonly metrics: SidecarMetrics,
    private readonly log: Logger,
  ) {
    const found = lookupResult;
    this.audit =
      found.kind === 'hit'
        ? { result: 'hit', how: found.how, ...(found.similarity === undefined ? {} : { similarity: Math.round(found.similarity * 1000) / 1000 }) }
        : found.kind === 'miss'
          ? { result: 'miss' }
          : { result: 'skip', reason: found.reason };
  }

  static async lookup(
    cache: ResponseCache,
    input: { policy: TenantCachePolicy; request: CanonicalRequest; servedModel: string; caller: Caller },
    metrics: SidecarMetrics,
    log: Logger,
    /** Bounded `tenant` label for metrics (telemetry.metrics.tenantLabels / maxTenantLabels). */
    tenantLabel: (tenant: string) => string = (tenant) => tenant,
  ): Promise<CacheStage | undefined> {
    if (!input.policy.enabled) return undefined;
    let found: CacheLookup;
    try {
      found = await cache.lookup(input);
    } catch (error) {
      // The cache is an optimisation: whatever fails in it, the request goes to the provider.
      log.warn({ err: error }, 'cache lookup failed');
      found = { kind: 'skip', reason: 'error' };
    }
    const label = found.kind === 'hit' ? `hit_${found.how}` : found.kind === 'miss' ? 'miss' : 'skip';
    metrics.cacheLookups.inc({ tenant: tenantLabel(input.caller.tenant), result: label });
    return new CacheStage(cache, found, input.caller.tenant, input.servedModel, metrics, log);
  }

  get hit(): boolean {
    return this.lookupResult.kind === 'hit';
  }

  get policy(): TenantCachePolicy | undefined {
    return this.lookupResult.kind === 'miss' ? this.lookupResult.plan.policy : undefined;
  }

  /** The cached usage (for a budget charge on hit). */
  get hitUsage(): TokenUsage | undefined {
    return this.lookupResult.kind === 'hit' ? this.lookupResult.completion.usage : undefined;
  }

  /** The body and headers of the answer on a hit, JSON or SSE as the request wants. */
  answer(request: CanonicalRequest): { readonly headers: Array<readonly [string, string]>; readonly body: Buffer } | undefined {
    if (this.lookupResult.kind !== 'hit') return undefined;
    const replayed = replay(this.lookupResult.completion, { stream: request.stream, includeUsage: request.includeUsage === true });
    return {
      headers: [['content-type', replayed.contentType], ['cache-control', 'no-cache'], [CACHE_HEADER, 'hit']],
      body: replayed.body,
    };
  }

  /** Response headers on a miss: say so, and start recording when the answer may be kept. */
  onResponse(mode: 'buffered' | 'streamed' | 'none', status: number, fallbackModel: string): Array<readonly [string, string]> {
    if (this.lookupResult.kind !== 'miss') return [];
    const plan = this.lookupResult.plan;
    if (mode !== 'none' && status === 200) this.recorder = new CompletionRecorder(plan.keys.api, mode, fallbackModel, plan.policy.maxEntryBytes);
    return [[CACHE_HEADER, 'miss']];
  }

  /** The recorder to append last to the response chain (it sees what the client receives). */
  get transform(): CompletionRecorder | undefined {
    return this.recorder;
  }

  /** At the end of the exchange: store when everything says the answer is clean and complete. Returns the audit view. */
  finish(input: StoreVerdictInput): CacheAudit {
    if (this.lookupResult.kind !== 'miss') return this.audit;
    // The key names the model looked up; an answer from a fallback model must never stand in for it.
    const fallback = input.servedModel !== undefined && input.servedModel !== this.lookedUpModel ? 'served_by_fallback' : undefined;
    const reason = refusal(input) ?? fallback ?? (this.recorder ? undefined : 'no_body');
    const recording = reason === undefined ? this.recorder?.result() : undefined;
    if (reason !== undefined || !recording || !recording.ok) {
      const why = reason ?? (recording && !recording.ok ? recording.reason : 'no_body');
      this.metrics.cacheStores.inc({ result: why });
      this.audit = { ...this.audit, stored: false, reason: why };
      return this.audit;
    }
    const completion = recording.completion.usage || !input.usage ? recording.completion : { ...recording.completion, usage: input.usage };
    this.keep(this.lookupResult.plan, completion);
    this.audit = { ...this.audit, stored: true };
    return this.audit;
  }

  private keep(plan: StorePlan, completion: Parameters<ResponseCache['keep']>[1]): void {
    this.cache.keep(plan, completion).then(
      (result) => this.metrics.cacheStores.inc({ result }),
      (error: unknown) => {
        this.metrics.cacheStores.inc({ result: 'error' });
        this.log.warn({ err: error, tenant: this.tenant }, 'cache store failed');
      },
    );
  }
}

/** Why the exchange's own state forbids keeping the answer (before looking at the answer itself). */
function refusal(input: StoreVerdictInput): string | undefined {
  if (input.outcome !== 'completed') return input.outcome;
  if (input.status !== 200) return 'status';
  if (input.upstreamError) return 'upstream_error';
  if (input.redactions > 0) return 'redacted';
  if (input.findings > 0) return 'findings';
  if (input.decisions.some((decision) => decision.action !== 'allow')) return 'decisions';
  return undefined;
}
