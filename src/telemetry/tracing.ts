/**
 * Optional OpenTelemetry traces: one span per request, exported over OTLP/HTTP (JSON) to a collector.
 * Off by default (telemetry.traces.enabled). The provider is private to the sidecar (never registered
 * as the global one), so nothing else in the process starts exporting by accident.
 *
 * The span follows the GenAI semantic conventions where they fit: name "{gen_ai.operation.name}
 * {gen_ai.request.model}", attributes gen_ai.system, gen_ai.operation.name, gen_ai.request.model,
 * gen_ai.response.model, gen_ai.usage.input_tokens / output_tokens; plus llmgw.* (tenant, decision,
 * outcome, request id). Phases are span events with their own timestamps. No prompt or completion text
 * is ever put on a span.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracesConfig } from './config';

/** What a finished request tells its span (taken from the audit record, so both always agree). */
export interface SpanSummary {
  readonly requestId: string;
  readonly tenant: string | null;
  readonly operation: string;
  readonly system: string | null;
  readonly provider: string | null;
  readonly requestModel: string | null;
  readonly responseModel: string | null;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly outcome: string;
  readonly decision: 'allow' | 'deny';
  readonly status: number | null;
  readonly errorCode: string | null;
  readonly costUsd: number;
  readonly stream: boolean;
  readonly decisions: ReadonlyArray<{ readonly stage: string; readonly action: string; readonly code?: string }>;
}

export interface RequestSpan {
  /** A phase event at the current time. */
  event(name: string, attributes?: Attributes): void;
  end(summary: SpanSummary): void;
}

export interface RequestTracer {
  /** Starts a span at `startTimeMs` (wall clock), child of the W3C `traceparent` the client sent, if valid. */
  start(startTimeMs: number, traceparent: string | undefined): RequestSpan;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TracerHooks {
  readonly exportFailed?: (spans: number, error: Error | undefined) => void;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The remote parent from a `traceparent` header (W3C Trace Context, version 00), or the root. */
export function parentContext(traceparent: string | undefined): Context {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!match) return ROOT_CONTEXT;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true });
}

/** Counts failed exports (the collector down, say) instead of losing them silently. */
class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly hooks: TracerHooks,
  ) {}

  export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans, (result) => {
      if (result.code !== 0) this.hooks.exportFailed?.(spans.length, result.error);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/**
 * `exporter` replaces the OTLP one (unit tests: the OTLP exporter loads node:http with a dynamic import,
 * which Jest's module sandbox refuses; test/integration/otlp-traces.test.ts covers it in a real process).
 */
export function createRequestTracer(
  config: TracesConfig,
  headers: Readonly<Record<string, string>>,
  hooks: TracerHooks = {},
  exporter?: SpanExporter,
): RequestTracer | undefined {
  if (!config.enabled || !config.endpoint) return undefined;
  const counting = new CountingExporter(exporter ?? new OTLPTraceExporter({ url: config.endpoint, headers: { ...headers }, timeoutMillis: config.exportTimeoutMs }), hooks);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [
      new BatchSpanProcessor(counting, {
        maxQueueSize: config.maxQueued,
        maxExportBatchSize: Math.min(512, config.maxQueued),
        scheduledDelayMillis: config.scheduledDelayMs,
        exportTimeoutMillis: config.exportTimeoutMs,
      }),
    ],
  });
  const tracer = provider.getTracer('llmgw');
  return {
    start: (startTimeMs, traceparent) => new OtelRequestSpan(tracer, startTimeMs, parentContext(traceparent)),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

class OtelRequestSpan implements RequestSpan {
  private readonly span: Span;

  constructor(tracer: Tracer, startTimeMs: number, parent: Context) {
    this.span = tracer.startSpan('llmgw request', { kind: SpanKind.SERVER, startTime: startTimeMs }, parent);
  }

  event(name: string, attributes?: Attributes): void {
    this.span.addEvent(name, attributes);
  }

  end(summary: SpanSummary): void {
    const span = this.span;
    span.updateName(summary.requestModel ? `${summary.operation} ${summary.requestModel}` : summary.operation);
    const attributes: Attributes = {
      'gen_ai.operation.name': summary.operation,
      'llmgw.request_id': summary.requestId,
      'llmgw.outcome': summary.outcome,
      'llmgw.decision': summary.decision,
      'llmgw.stream': summary.stream,
      'llmgw.cost_usd': summary.costUsd,
    };
    if (summary.tenant) attributes['llmgw.tenant'] = summary.tenant;
    if (summary.system) attributes['gen_ai.system'] = summary.system;
    if (summary.provider) attributes['llmgw.provider'] = summary.provider;
    if (summary.requestModel) attributes['gen_ai.request.model'] = summary.requestModel;
    if (summary.responseModel) attributes['gen_ai.response.model'] = summary.responseModel;
    if (summary.inputTokens !== undefined) attributes['gen_ai.usage.input_tokens'] = summary.inputTokens;
    if (summary.outputTokens !== undefined) attributes['gen_ai.usage.output_tokens'] = summary.outputTokens;
    if (summary.status !== null) attributes['http.response.status_code'] = summary.status;
    if (summary.errorCode) attributes['error.type'] = summary.errorCode;
    span.setAttributes(attributes);
    for (const decision of summary.decisions) {
      span.addEvent('llmgw.decision', { 'llmgw.stage': decision.stage, 'llmgw.action': decision.action, ...(decision.code ? { 'llmgw.code': decision.code } : {}) });
    }
    // Refusals are the gateway working as intended; only failures and upstream 5xx are errors.
    if (summary.outcome === 'failed' || (summary.status !== null && summary.status >= 500)) {
      span.setStatus({ code: SpanStatusCode.ERROR, ...(summary.errorCode ? { message: summary.errorCode } : {}) });
    }
    span.end();
  }
}
