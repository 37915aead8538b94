/**
 * Watches each exchange from outside (a decorator around the Exchange contract), so request metrics,
 * the trace span and the audit body capture need nothing from the exchange's own code:
 *  - phase timestamps become span events;
 *  - the request body the exchange forwarded upstream is the request-body decision's body (or the body
 *    unchanged when it continued), i.e. after any redaction; the response the client received is each
 *    response-body decision's body (or the chunk unchanged);
 *  - the audit record is caught on its way to the sink: the encrypted bodies are added to it, and the
 *    metrics and the span are derived from it, so the three always agree.
 */
import type { AuditRecord } from '../audit/record';
import type { AuditSink } from '../audit/sink';
import { BodyCollector, type AuditBodyEncryption } from '../audit/bodies';
import type { ApiFamily } from '../config/runtime';
import type { Decision, Exchange, ExchangeContext, ExchangeEnd, RequestHeaders, ResponseHeaders } from '../pipeline/types';
import type { SidecarMetrics } from './metrics';
import type { TenantLabels } from './tenant-labels';
import type { RequestSpan, RequestTracer, SpanSummary } from './tracing';

/** A pipeline that can build an exchange writing to a given audit sink (GatewayPipeline). */
export interface AuditablePipeline {
  newExchange(context: ExchangeContext, audit: AuditSink): Exchange;
}

export interface ExchangeObserverOptions {
  readonly metrics: SidecarMetrics;
  readonly tenantLabels: TenantLabels;
  /** The API family of a provider in the current config (for gen_ai.system). */
  readonly providerFamily: (provider: string) => ApiFamily | undefined;
  /** Whether a name is a model of the current config (only those become label values). */
  readonly isConfiguredModel?: (model: string) => boolean;
  readonly tracer?: RequestTracer;
  readonly bodies?: AuditBodyEncryption;
  /** Wall clock in ms (span start times). */
  readonly now?: () => number;
}

/** gen_ai.system values of the GenAI conventions for the three wire formats. */
const SYSTEM_BY_FAMILY: Record<ApiFamily, string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gcp.gemini' };

/** gen_ai.operation.name for an API id (chat, embeddings, generate_content...). */
export function operationName(api: string | null): string {
  if (!api) return 'unknown';
  if (api.includes('embeddings')) return 'embeddings';
  if (api.includes('count_tokens')) return 'count_tokens';
  if (api.includes('models.')) return 'list_models';
  if (api.startsWith('gemini.')) return 'generate_content';
  return 'chat';
}

export class ExchangeObserver {
  constructor(readonly options: ExchangeObserverOptions) {}

  /** Wraps a pipeline: every exchange it builds is observed. */
  wrap(pipeline: AuditablePipeline, audit: AuditSink): { newExchange(context: ExchangeContext): Exchange } {
    return { newExchange: (context) => new ObservedExchange(this, audit, (tee) => pipeline.newExchange(context, tee)) };
  }

  /** Metrics for a finished request, from its audit record. Tenant labels are bounded. */
  recordMetrics(record: AuditRecord): void {
    const { metrics, tenantLabels, providerFamily } = this.options;
    const tenant = tenantLabels.label(record.tenant);
    // Only a routed request's model is a configured name; before routing it is whatever the client sent.
    // Should routing ever accept names that are not config keys (aliases), they count as the served model.
    const requested = record.modelRequested;
    const isConfigured = this.options.isConfiguredModel ?? (() => true);
    const model = record.provider === null ? 'none' : requested !== null && isConfigured(requested) ? requested : (record.modelServed ?? 'unknown');
    const family = record.provider !== null ? providerFamily(record.provider) : undefined;
    const system = family ? SYSTEM_BY_FAMILY[family] : 'none';
    const operation = operationName(record.api);
    metrics.requests.inc({ tenant, api: record.api ?? 'unknown', model, outcome: record.outcome });
    metrics.genai.requestsByOutcome.inc({ tenant, outcome: record.outcome, code: record.errorCode ?? '' });
    const labels = { tenant, gen_ai_request_model: model, gen_ai_system: system, gen_ai_operation_name: operation };
    metrics.genai.operationDuration.observe({ ...labels, outcome: record.outcome }, record.latencyMs.total / 1000);
    if (record.latencyMs.firstByte !== null && record.provider !== null) metrics.genai.timeToFirstToken.observe(labels, record.latencyMs.firstByte / 1000);
    if (record.tokens.source !== 'none') {
      metrics.tokens.inc({ tenant, model, type: 'input' }, record.tokens.input);
      metrics.tokens.inc({ tenant, model, type: 'output' }, record.tokens.output);
      metrics.genai.tokenUsage.observe({ ...labels, gen_ai_token_type: 'input' }, record.tokens.input);
      metrics.genai.tokenUsage.observe({ ...labels, gen_ai_token_type: 'output' }, record.tokens.output);
    }
    if (record.costUsd > 0) metrics.costUsd.inc({ tenant, model }, record.costUsd);
    for (const finding of record.findings) metrics.genai.detections.inc({ tenant, detector: finding.detector, entity: finding.type }, finding.count ?? 1);
    // The cache stage records its hit as a decision (stage `cache`, code `cache_hit`): counted here, so
    // the cache itself needs no metrics code and the tenant label stays bounded.
    if (record.decisions.some((decision) => decision.stage === 'cache' && decision.code === 'cache_hit')) metrics.genai.cacheHits.inc({ tenant });
  }

  spanSummary(record: AuditRecord): SpanSummary {
    const family = record.provider !== null ? this.options.providerFamily(record.provider) : undefined;
    return {
      requestId: record.requestId,
      tenant: record.tenant,
      operation: operationName(record.api),
      system: family ? SYSTEM_BY_FAMILY[family] : null,
      provider: record.provider,
      requestModel: record.modelRequested,
      responseModel: record.modelServed,
      ...(record.tokens.source === 'none' ? {} : { inputTokens: record.tokens.input, outputTokens: record.tokens.output }),
      outcome: record.outcome,
      decision: record.decisions.some((decision) => decision.action === 'deny') ? 'deny' : 'allow',
      status: record.status,
      errorCode: record.errorCode,
      costUsd: record.costUsd,
      stream: record.stream,
      decisions: record.decisions,
    };
  }
}

function forwardedBody(decision: Decision, original: Buffer): Buffer | undefined {
  if (decision.kind === 'reject' || decision.kind === 'respond') return undefined;
  return decision.kind === 'mutate' && decision.body ? decision.body : original;
}

class ObservedExchange implements Exchange {
  private readonly inner: Exchange;
  private span: RequestSpan | undefined;
  private readonly startedWallMs: number;
  private requestBody: BodyCollector | undefined;
  private responseBody: BodyCollector | undefined;
  private sawFirstByte = false;
  private record: AuditRecord | undefined;

  constructor(
    private readonly observer: ExchangeObserver,
    audit: AuditSink,
    create: (audit: AuditSink) => Exchange,
  ) {
    this.startedWallMs = (observer.options.now ?? Date.now)();
    const tee: AuditSink = {
      write: (record) => {
        const sealed = this.seal(record);
        this.record = sealed;
        audit.write(sealed);
      },
      flush: () => audit.flush(),
    };
    this.inner = create(tee);
  }

  onRequestHeaders(headers: RequestHeaders): Promise<Decision> | Decision {
    this.span ??= this.observer.options.tracer?.start(this.startedWallMs, headers.headers.get('traceparent'));
    return then(this.inner.onRequestHeaders(headers), (decision) => {
      this.span?.event('request_headers', { 'llmgw.decision': decision.kind });
      return decision;
    });
  }

  onRequestBody(body: Buffer): Promise<Decision> | Decision {
    return then(this.inner.onRequestBody(body), (decision) => this.afterRequestBody(body, decision));
  }

  private afterRequestBody(body: Buffer, decision: Decision): Decision {
    this.span?.event('request_body', { 'llmgw.decision': decision.kind, 'llmgw.request_bytes': body.length });
    const bodies = this.observer.options.bodies;
    if (bodies?.appliesTo(this.tenant())) {
      const forwarded = forwardedBody(decision, body);
      if (forwarded) {
        this.requestBody = new BodyCollector(bodies.maxBytes);
        this.requestBody.add(forwarded);
      }
    }
    return decision;
  }

  onResponseHeaders(headers: ResponseHeaders): Promise<Decision> | Decision {
    return then(this.inner.onResponseHeaders(headers), (decision) => {
      this.span?.event('response_headers', { 'http.response.status_code': headers.status });
      const bodies = this.observer.options.bodies;
      if (bodies?.appliesTo(this.tenant()) && !headers.endOfStream) this.responseBody = new BodyCollector(bodies.maxBytes);
      return decision;
    });
  }

  onResponseBody(chunk: Buffer, endOfStream: boolean): Promise<Decision> | Decision {
    if (!this.sawFirstByte) {
      this.sawFirstByte = true;
      this.span?.event('first_byte');
    }
    return then(this.inner.onResponseBody(chunk, endOfStream), (decision) => {
      if (this.responseBody) {
        const delivered = forwardedBody(decision, chunk);
        if (delivered) this.responseBody.add(delivered);
      }
      if (endOfStream) this.span?.event('response_end');
      return decision;
    });
  }

  onEnd(outcome: ExchangeEnd): void {
    this.inner.onEnd(outcome);
    const record = this.record;
    if (!record) return;
    this.observer.recordMetrics(record);
    this.span?.end(this.observer.spanSummary(record));
  }

  logContext(): ReturnType<NonNullable<Exchange['logContext']>> {
    return this.inner.logContext?.() ?? {};
  }

  private tenant(): string | undefined {
    const tenant = this.inner.logContext?.().tenant;
    return typeof tenant === 'string' ? tenant : undefined;
  }

  /** The record with the encrypted bodies, when its tenant keeps them. */
  private seal(record: AuditRecord): AuditRecord {
    const bodies = this.observer.options.bodies;
    if (!bodies || record.tenant === null || !bodies.appliesTo(record.tenant)) return record;
    for (const [direction, collector] of [['request', this.requestBody], ['response', this.responseBody]] as const) {
      if (collector?.truncated) this.observer.options.metrics.genai.auditBodiesTruncated.inc({ direction });
    }
    if (!this.requestBody && !this.responseBody) return record;
    return { ...record, bodies: bodies.seal(record.requestId, record.tenant, this.requestBody, this.responseBody) };
  }
}

/** Runs `after` on the decision without turning a synchronous answer into a promise (hot path). */
function then(result: Promise<Decision> | Decision, after: (decision: Decision) => Decision): Promise<Decision> | Decision {
  return result instanceof Promise ? result.then(after) : after(result);
}
