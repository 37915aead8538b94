/**
 * Request-level metrics named after the OpenTelemetry GenAI semantic conventions, translated to
 * Prometheus the way the OTel Prometheus exporter does (dots to underscores, unit suffix):
 *   gen_ai.client.token.usage            -> gen_ai_client_token_usage (histogram, tokens per request)
 *   gen_ai.client.operation.duration     -> gen_ai_client_operation_duration_seconds
 *   gen_ai.server.time_to_first_token    -> gen_ai_server_time_to_first_token_seconds
 * Attribute names follow the convention too (gen_ai_operation_name, gen_ai_token_type, ...), with the
 * gateway's own `tenant` label, bounded by TenantLabels. Everything else is `llmgw_*`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seconds; LLM calls run from tens of milliseconds (embeddings, cache) to minutes (reasoning). */
const LATENCY_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68];
/** The buckets the GenAI convention recommends for token counts. */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

/** Circuit breaker states, in the order the gauge reports them. */

export interface GenAiMetrics {
  readonly tokenUsage: Histogram<'tenant' | 'gen_ai_request_model' | 'gen_ai_system' | 'gen_ai_operation_name' | 'gen_ai_token_type'>;
  readonly operationDuration: Histogram<'tenant' | 'gen_ai_request_model' | 'gen_ai_system' | 'gen_ai_operation_name' | 'outcome'>;
  readonly timeToFirstToken: Histogram<'tenant' | 'gen_ai_request_model' | 'gen_ai_system' | 'gen_ai_operation_name'>;
  /** Requests by tenant and outcome plus the stable error code (bounded vocabulary from src/llm/errors). */
  readonly requestsByOutcome: Counter<'tenant' | 'outcome' | 'code'>;
  /** Input detector findings by tenant, detector and entity (finding type), after tenant bounding. */
  readonly detections: Counter<'tenant' | 'detector' | 'entity'>;
  /** Requests answered from the gateway's cache, by tenant (set by the cache stage when it lands). */
  readonly cacheHits: Counter<'tenant'>;
  /** What is left of each budget limit at the last reservation that saw it (USD or tokens, see `unit`). */
  readonly budgetRemaining: Gauge<'tenant' | 'limit' | 'scope' | 'unit'>;
  /** Share of each budget limit used (0..1+), including what live reservations hold. */
  readonly budgetUsedRatio: Gauge<'tenant' | 'limit' | 'scope'>;
  /** When the window those two gauges describe ends (Unix seconds): past it, they are stale. */
  readonly budgetWindowEnd: Gauge<'tenant' | 'limit' | 'scope'>;
  /** Unix time of the last config load, by result. */
  readonly configLastLoad: Gauge<'result'>;
  /** Spans the trace exporter could not keep, by reason. */
  readonly traceSpansDropped: Counter<'reason'>;
  /** Audit body captures cut at the size limit, by direction. */
  readonly auditBodiesTruncated: Counter<'direction'>;
}

export function createGenAiMetrics(registry: Registry): GenAiMetrics {
  const registers = [registry];
  return {
    tokenUsage: new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens per request, by tenant, model, provider, operation and token type (input, output)',
      labelNames: ['tenant', 'gen_ai_request_model', 'gen_ai_system', 'gen_ai_operation_name', 'gen_ai_token_type'],
      buckets: TOKEN_BUCKETS,
      registers,
    }),
    operationDuration: new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'Whole request as the gateway saw it (first request byte to stream end), by tenant, model and outcome',
      labelNames: ['tenant', 'gen_ai_request_model', 'gen_ai_system', 'gen_ai_operation_name', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'gen_ai_server_time_to_first_token_seconds',
      help: 'Time from the request to the first response body byte from the provider, by tenant and model',
      labelNames: ['tenant', 'gen_ai_request_model', 'gen_ai_system', 'gen_ai_operation_name'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    requestsByOutcome: new Counter({
      name: 'llmgw_tenant_requests_total',
      help: 'Requests by tenant, outcome (completed, rejected, cancelled, failed) and error code ("" when none)',
      labelNames: ['tenant', 'outcome', 'code'],
      registers,
    }),
    detections: new Counter({
      name: 'llmgw_detections_total',
      help: 'Input detector findings that blocked or flagged a request, by tenant, detector and entity',
      labelNames: ['tenant', 'detector', 'entity'],
      registers,
    }),
    cacheHits: new Counter({ name: 'llmgw_cache_hits_total', help: 'Requests answered from the gateway cache, by tenant', labelNames: ['tenant'], registers }),
    budgetRemaining: new Gauge({
      name: 'llmgw_budget_remaining',
      help: 'Budget left in the current window at the last reservation, by tenant, limit, scope and unit (usd, tokens, requests)',
      labelNames: ['tenant', 'limit', 'scope', 'unit'],
      registers,
    }),
    budgetUsedRatio: new Gauge({
      name: 'llmgw_budget_used_ratio',
      help: 'Share of the budget limit used or held (1 = exhausted), by tenant, limit and scope',
      labelNames: ['tenant', 'limit', 'scope'],
      registers,
    }),
    budgetWindowEnd: new Gauge({
      name: 'llmgw_budget_window_end_timestamp_seconds',
      help: 'End of the budget window llmgw_budget_remaining and llmgw_budget_used_ratio describe (Unix seconds), by tenant, limit and scope',
      labelNames: ['tenant', 'limit', 'scope'],
      registers,
    }),
    configLastLoad: new Gauge({
      name: 'llmgw_config_last_load_timestamp_seconds',
      help: 'Unix time of the last config load, by result (ok, invalid)',
      labelNames: ['result'],
      registers,
    }),
    traceSpansDropped: new Counter({ name: 'llmgw_trace_spans_dropped_total', help: 'Spans not exported, by reason', labelNames: ['reason'], registers }),
    auditBodiesTruncated: new Counter({
      name: 'llmgw_audit_bodies_truncated_total',
      help: 'Request or response bodies cut at audit.bodies.maxBytes before encryption, by direction',
      labelNames: ['direction'],
      registers,
    }),
  };
}
