/**
 * The `telemetry:` section of the gateway config: how metrics label tenants, and optional OpenTelemetry
 * traces. Process-wide like the audit sinks (built from the startup config; a reload does not move the
 * trace exporter), except the tenant label list, which follows reloads.
 *
 *   telemetry:
 *     metrics:
 *       tenantLabels: [acme, globex]   # only these tenants get their own label value; the rest: `other`
 *       maxTenantLabels: 100           # without a list: the first 100 tenants seen, then `other`
 *     traces:
 *       enabled: true
 *       endpoint: http://otel-collector.monitoring:4318/v1/traces
 *       headers: { x-api-key: { env: OTLP_TOKEN } }
 *       sampleRatio: 0.1
 */
import { z } from 'zod';

const tenantId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a tenant id');
const secretSource = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') })], {
  error: 'a header value is { file: PATH } or { env: VARIABLE }; never inline',
});

export const OTHER_TENANT_LABEL = 'other';

export const metricsTelemetrySchema = z.strictObject({
  /**
   * Tenants that get their own `tenant` label value; every other tenant is counted as `other`. Unset:
   * tenants get their own value in the order they are first seen, up to maxTenantLabels.
   */
  tenantLabels: z.array(tenantId).optional(),
  /** Upper bound of distinct tenant label values per process (the `other` value not counted). */
  maxTenantLabels: z.number().int().min(0).max(10_000).default(100),
});

export const tracesTelemetrySchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** OTLP/HTTP (protobuf) traces endpoint, the full URL: usually http://COLLECTOR:4318/v1/traces. */
    endpoint: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'http(s)://host[:port]/path').optional(),
    /** Headers for the collector (an auth token, say), each from a file or an environment variable. */
    headers: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case header name'), secretSource).default({}),
    /** service.name of the resource. */
    serviceName: z.string().min(1).default('llmgw'),
    /** Share of requests traced (head sampling by trace id). */
    sampleRatio: z.number().min(0).max(1).default(1),
    /** Spans buffered for export; past this, new spans are dropped (counted), never the request. */
    maxQueued: z.number().int().positive().default(2048),
    exportTimeoutMs: z.number().int().positive().default(10_000),
    /** Batch delay: how long a span may wait before it is sent. */
    scheduledDelayMs: z.number().int().positive().default(2000),
  })
  .superRefine((traces, ctx) => {
    if (traces.enabled && !traces.endpoint) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'traces.enabled needs an endpoint' });
  });

export const telemetrySchema = z.strictObject({
  metrics: metricsTelemetrySchema.prefault({}),
  traces: tracesTelemetrySchema.prefault({}),
});

export type TelemetryConfig = z.output<typeof telemetrySchema>;
export type TracesConfig = z.output<typeof tracesTelemetrySchema>;
export type MetricsTelemetryConfig = z.output<typeof metricsTelemetrySchema>;
