/**
 * Prometheus metrics of the sidecar. One registry per process (not the prom-client global), so tests
 * can build several apps side by side without duplicate-registration errors.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createGenAiMetrics, type GenAiMetrics } from './genai-metrics';

export interface SidecarMetrics {
  readonly registry: Registry;
  /** ext_proc streams currently open. */
  readonly openStreams: Gauge<string>;
  /** ProcessingRequests by kind (request_headers, response_body...). */
  readonly messages: Counter<'kind'>;
  /** Time from a ProcessingRequest's arrival to its response being written, by kind. */
  readonly messageSeconds: Histogram<'kind'>;
  /** Streams by how they ended: completed, rejected, cancelled, failed. */
  readonly streamsEnded: Counter<'outcome'>;
  /** Internal errors by where they happened; never user errors. */
  readonly internalErrors: Counter<'stage'>;
  /** Config loads by result (ok, invalid) and trigger (startup, reload). */
  readonly configLoads: Counter<'result' | 'trigger'>;
  /**
   * LLM requests by tenant, API, model and outcome. Label values come from config (tenant ids, model
   * names) or a fixed vocabulary, never from the client, so a caller cannot blow up cardinality.
   */
  readonly requests: Counter<'tenant' | 'api' | 'model' | 'outcome'>;
  /** Pipeline stage durations (parse, route, rewrite, response_parse...). */
  readonly stageSeconds: Histogram<'stage'>;
  /** Tokens by tenant, model and type (input, output), after the provider's usage report. */
  readonly tokens: Counter<'tenant' | 'model' | 'type'>;
  /** Spend in USD by tenant and model. */
  readonly costUsd: Counter<'tenant' | 'model'>;
  /** Detector findings by guard, finding type and the action taken (block, flag, shadow). */
  readonly guardFindings: Counter<'guard' | 'type' | 'action'>;
  /** Detector failures, by guard and the fail mode applied. */
  readonly guardErrors: Counter<'guard' | 'fail_mode'>;
  /** Budget reservations by where they were decided (shared, local, none) and whether they were admitted. */
  readonly budgetDecisions: Counter<'outcome' | 'allowed'>;
  /** Budget thresholds crossed, by tenant, limit and threshold (first crossing per window and process). */
  readonly budgetAlerts: Counter<'tenant' | 'limit' | 'threshold'>;
  /** Alert webhook calls given up or dropped, by reason. */
  readonly budgetAlertWebhookErrors: Counter<'reason'>;
  /** 1 while the shared budget store (Redis) answers, 0 while the failure mode is in force. */
  readonly budgetStoreUp: Gauge<string>;
  /** Budget settlements that could not be applied (dropped from the replay queue, or failed). */
  readonly budgetSettleErrors: Counter<'reason'>;
  /** Audit records a sink could not keep, by sink and reason (queue_full, closed, flush_timeout). */
  readonly auditDropped: Counter<'sink' | 'reason'>;
  readonly auditQueueDepth: Gauge<'sink'>;
  readonly auditWritten: Counter<'sink'>;
  readonly auditErrors: Counter<'sink' | 'op'>;
  /** Final policy decisions by tenant, canary side and result (allow, deny, failed_closed, failed_open). */
  readonly policyDecisions: Counter<'tenant' | 'side' | 'result'>;
  /** Bundle loads by bundle, trigger and result: `invalid` counts rejected bundles (the old one stays). */
  readonly policyBundleLoads: Counter<'bundle' | 'trigger' | 'result'>;
  /** Canary shadow evaluations that disagreed with the enforced decision, per tenant and rule. */
  readonly policyShadowDisagreements: Counter<'tenant' | 'rule'>;
  /** Request metrics after the OpenTelemetry GenAI conventions, budgets left, breakers (genai-metrics.ts). */
  readonly genai: GenAiMetrics;
  /** Response cache lookups by tenant and result (hit_exact, hit_semantic, miss, skip). */
  readonly cacheLookups: Counter<'tenant' | 'result'>;
  /** Answers kept in the cache (stored) or not, by reason (a fixed vocabulary). */
  readonly cacheStores: Counter<'result'>;
}

export function createMetrics(): SidecarMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'llmgw' });
  // Includes nodejs_eventloop_lag_seconds and friends: the first signal that the event loop is saturated.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  return {
    registry,
    openStreams: new Gauge({ name: 'llmgw_extproc_open_streams', help: 'ext_proc streams currently open', registers: [registry] }),
    messages: new Counter({
      name: 'llmgw_extproc_messages_total',
      help: 'ext_proc ProcessingRequests received, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    messageSeconds: new Histogram({
      name: 'llmgw_extproc_message_duration_seconds',
      help: 'Time to answer one ext_proc message, by kind',
      labelNames: ['kind'],
      // Envoy's message_timeout is the ceiling that matters; buckets resolve the sub-millisecond range too.
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    }),
    streamsEnded: new Counter({
      name: 'llmgw_extproc_streams_ended_total',
      help: 'ext_proc streams ended, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    internalErrors: new Counter({
      name: 'llmgw_internal_errors_total',
      help: 'Internal errors (bugs or dependency failures), by stage',
      labelNames: ['stage'],
      registers: [registry],
    }),
    configLoads: new Counter({
      name: 'llmgw_config_loads_total',
      help: 'Config loads, by result and trigger',
      labelNames: ['result', 'trigger'],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'llmgw_requests_total',
      help: 'LLM API requests, by tenant, API, model and outcome',
      labelNames: ['tenant', 'api', 'model', 'outcome'],
      registers: [registry],
    }),
    stageSeconds: new Histogram({
      name: 'llmgw_pipeline_stage_duration_seconds',
      help: 'Time spent in each pipeline stage',
      labelNames: ['stage'],
      buckets: [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1],
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'gen_ai_client_token_usage_total',
      help: 'Tokens used, by tenant, model and type (OpenTelemetry GenAI naming)',
      labelNames: ['tenant', 'model', 'type'],
      registers: [registry],
    }),
    costUsd: new Counter({
      name: 'llmgw_cost_usd_total',
      help: 'Spend in USD, by tenant and model',
      labelNames: ['tenant', 'model'],
      registers: [registry],
    }),
    guardFindings: new Counter({
      name: 'llmgw_guard_findings_total',
      help: 'Detector findings, by guard, finding type and action',
      labelNames: ['guard', 'type', 'action'],
      registers: [registry],
    }),
    guardErrors: new Counter({
      name: 'llmgw_guard_errors_total',
      help: 'Detector failures, by guard and fail mode',
      labelNames: ['guard', 'fail_mode'],
      registers: [registry],
    }),
    budgetDecisions: new Counter({
      name: 'llmgw_budget_decisions_total',
      help: 'Budget reservations, by where they were decided and whether they were admitted',
      labelNames: ['outcome', 'allowed'],
      registers: [registry],
    }),
    budgetAlerts: new Counter({
      name: 'llmgw_budget_alerts_total',
      help: 'Budget thresholds crossed, by tenant, limit and threshold',
      labelNames: ['tenant', 'limit', 'threshold'],
      registers: [registry],
    }),
    budgetAlertWebhookErrors: new Counter({
      name: 'llmgw_budget_alert_webhook_errors_total',
      help: 'Budget alert webhook calls given up or dropped, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    budgetStoreUp: new Gauge({ name: 'llmgw_budget_store_up', help: '1 while the shared budget store answers', registers: [registry] }),
    budgetSettleErrors: new Counter({
      name: 'llmgw_budget_settle_errors_total',
      help: 'Budget settlements lost or failed, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    auditDropped: new Counter({
      name: 'llmgw_audit_dropped_total',
      help: 'Audit records a sink could not keep, by sink and reason',
      labelNames: ['sink', 'reason'],
      registers: [registry],
    }),
    auditQueueDepth: new Gauge({ name: 'llmgw_audit_queue_depth', help: 'Audit records waiting to be written, by sink', labelNames: ['sink'], registers: [registry] }),
    auditWritten: new Counter({ name: 'llmgw_audit_written_total', help: 'Audit records written, by sink', labelNames: ['sink'], registers: [registry] }),
    auditErrors: new Counter({ name: 'llmgw_audit_errors_total', help: 'Audit sink errors, by sink and operation', labelNames: ['sink', 'op'], registers: [registry] }),
    policyDecisions: new Counter({
      name: 'llmgw_policy_decisions_total',
      help: 'Final policy decisions, by tenant, canary side and result',
      labelNames: ['tenant', 'side', 'result'],
      registers: [registry],
    }),
    policyBundleLoads: new Counter({
      name: 'llmgw_policy_bundle_loads_total',
      help: 'Policy bundle loads, by bundle, trigger and result (invalid: rejected, the previous bundle kept)',
      labelNames: ['bundle', 'trigger', 'result'],
      registers: [registry],
    }),
    policyShadowDisagreements: new Counter({
      name: 'llmgw_policy_shadow_disagreements_total',
      help: 'Canary shadow decisions that differ from the enforced one, by tenant and rule',
      labelNames: ['tenant', 'rule'],
      registers: [registry],
    }),
    genai: createGenAiMetrics(registry),
    cacheLookups: new Counter({ name: 'llmgw_cache_lookups_total', help: 'Response cache lookups, by tenant and result', labelNames: ['tenant', 'result'], registers: [registry] }),
    cacheStores: new Counter({ name: 'llmgw_cache_stores_total', help: 'Answers stored in the response cache, or why not', labelNames: ['result'], registers: [registry] }),
  };
}
