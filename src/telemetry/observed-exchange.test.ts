/**
 * The observer around real GatewayExchanges: metrics named after the GenAI conventions with bounded
 * tenant labels, encrypted audit bodies of what went upstream and what the client got, and one span
 * per request (the OTLP/HTTP export itself: test/integration/otlp-traces.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import pino from 'pino';
import { AuditBodyEncryption, decryptBody, parseBodyKey } from '../audit/bodies';
import { auditRecordSchema, type AuditRecord } from '../audit/record';
import { MemorySink } from '../audit/sink';
import { budgetStoreSchema, createBudgetService } from '../budget';
import { parseConfigText } from '../config/load';
import { compileConfig, type RuntimeConfig } from '../config/runtime';
import { SecretStore } from '../config/secrets';
import { GatewayPipeline } from '../pipeline/gateway';
import type { Exchange, RequestHeaders } from '../pipeline/types';
import { sha256Hex } from '../tenant/identify';
import { createMetrics, type SidecarMetrics } from './metrics';
import { ExchangeObserver } from './observed-exchange';
import { TenantLabels } from './tenant-labels';
import { createRequestTracer, parentContext, type RequestTracer } from './tracing';
import { parseTelemetryForTest } from './test-config';

const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-observer-'));
writeFileSync(path.join(dir, 'openai.key'), 'sk-provider');
const secrets = new SecretStore(60_000);
const budgets = createBudgetService(budgetStoreSchema.parse({}));
afterAll(async () => {
  secrets.close();
  await budgets.close();
});

const BODY_KEY_HEX = 'a1'.repeat(32);
const config: RuntimeConfig = compileConfig(
  parseConfigText(
    `server: { tcp: { port: 1 } }
providers:
  openai: { api: openai, cluster: openai-cluster, auth: bearer, keys: [{ file: openai.key }] }
models:
  small: { provider: openai, upstreamModel: gpt-4o-mini, pricing: { input: 1, output: 2 } }
tenants:
  acme: { apiKeys: [{ id: acme-1, sha256: ${sha256Hex('sk-acme')} }] }
  globex: { apiKeys: [{ id: globex-1, sha256: ${sha256Hex('sk-globex')} }] }
telemetry: { metrics: { maxTenantLabels: 1 } }
`,
    path.join(dir, 'config.yaml'),
  ),
  secrets,
);

interface Harness {
  readonly metrics: SidecarMetrics;
  readonly audit: MemorySink;
  newExchange(requestId: string): Exchange;
}

function harness(options: { bodies?: AuditBodyEncryption; tracer?: RequestTracer } = {}): Harness {
  const metrics = createMetrics();
  const audit = new MemorySink();
  const pipeline = new GatewayPipeline({ config, secrets, audit, metrics, logger: pino({ level: 'silent' }), budgets });
  const observer = new ExchangeObserver({
    metrics,
    tenantLabels: new TenantLabels(() => config.telemetry.metrics),
    providerFamily: (provider) => config.providers.get(provider)?.api,
    ...options,
  });
  const wrapped = observer.wrap(pipeline, audit);
  return { metrics, audit, newExchange: (requestId) => wrapped.newExchange({ requestId, attributes: {}, metadata: {} }) };
}

const requestHeaders = (key: string, extra: Record<string, string> = {}): RequestHeaders => ({
  method: 'POST',
  path: '/v1/chat/completions',
  authority: 'gw',
  scheme: 'https',
  headers: new Map(Object.entries({ 'content-type': 'application/json', authorization: `Bearer ${key}`, ...extra })),
  endOfStream: false,
});

const CLIENT_REQUEST = JSON.stringify({ model: 'small', stream: true, messages: [{ role: 'user', content: 'hello there' }] });
const CONTENT_EVENT = 'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hey"},"finish_reason":null}]}\n\n';
const USAGE_EVENT = 'data: {"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}\n\n';
const DONE_EVENT = 'data: [DONE]\n\n';

/** A streamed chat completion where the gateway asks upstream for usage and strips it for the client. */
async function streamedCompletion(exchange: Exchange, key: string, extraHeaders: Record<string, string> = {}): Promise<void> {
  await exchange.onRequestHeaders(requestHeaders(key, extraHeaders));
  await exchange.onRequestBody(Buffer.from(CLIENT_REQUEST));
  await exchange.onResponseHeaders({ status: 200, headers: new Map([['content-type', 'text/event-stream']]), endOfStream: false });
  await exchange.onResponseBody(Buffer.from(CONTENT_EVENT), false);
  await exchange.onResponseBody(Buffer.from(USAGE_EVENT + DONE_EVENT), true);
  exchange.onEnd('completed');
}

async function metricText(metrics: SidecarMetrics): Promise<string> {
  return metrics.registry.metrics();
}

/** The value of one series (name as exposed, e.g. with _sum or _count), found by its labels. */
async function seriesValue(metrics: SidecarMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const family = (await metrics.registry.getMetricsAsJSON()).find((metric) => name.startsWith(metric.name));
  const values = (family?.values ?? []) as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>;
  const found = values.find(
    (value) => (value.metricName ?? family?.name) === name && Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
  );
  return found?.value;
}

describe('request metrics', () => {
  it('names token usage, duration and time to first token after the GenAI conventions', async () => {
    const { metrics, newExchange } = harness();
    await streamedCompletion(newExchange('r-1'), 'sk-acme');
    const labels = { tenant: 'acme', gen_ai_request_model: 'small', gen_ai_system: 'openai', gen_ai_operation_name: 'chat' };
    expect(await seriesValue(metrics, 'gen_ai_client_token_usage_sum', { ...labels, gen_ai_token_type: 'input' })).toBe(7);
    expect(await seriesValue(metrics, 'gen_ai_client_token_usage_sum', { ...labels, gen_ai_token_type: 'output' })).toBe(3);
    expect(await seriesValue(metrics, 'gen_ai_server_time_to_first_token_seconds_count', labels)).toBe(1);
    expect(await seriesValue(metrics, 'gen_ai_client_operation_duration_seconds_count', { ...labels, outcome: 'completed' })).toBe(1);
    const text = await metricText(metrics);
    expect(text).toContain('llmgw_tenant_requests_total{tenant="acme",outcome="completed",code="",service="llmgw"} 1');
    expect(text).toContain('gen_ai_client_token_usage_total{tenant="acme",model="small",type="output",service="llmgw"} 3');
    expect(text).toContain('llmgw_cost_usd_total{tenant="acme",model="small",service="llmgw"} 0.000013');
  });

  it('counts tenants past maxTenantLabels as `other`, and a refused request has no model label from the client', async () => {
    const { metrics, newExchange } = harness();
    await streamedCompletion(newExchange('r-1'), 'sk-acme');
    await streamedCompletion(newExchange('r-2'), 'sk-globex');
    const refused = newExchange('r-3');
    await refused.onRequestHeaders(requestHeaders('sk-globex'));
    await refused.onRequestBody(Buffer.from(JSON.stringify({ model: 'made-up-by-the-client', messages: [{ role: 'user', content: 'x' }] })));
    refused.onEnd('rejected');
    const text = await metricText(metrics);
    expect(text).toContain('llmgw_tenant_requests_total{tenant="other",outcome="completed",code="",service="llmgw"} 1');
    expect(text).toContain('llmgw_tenant_requests_total{tenant="other",outcome="rejected",code="model_not_found",service="llmgw"} 1');
    expect(text).not.toContain('globex');
    expect(text).not.toContain('made-up-by-the-client');
    expect(text).toContain('llmgw_requests_total{tenant="other",api="openai.chat_completions",model="none",outcome="rejected",service="llmgw"} 1');
  });

  it('counts detections by detector and entity, and cache hits from the cache decision', () => {
    const metrics = createMetrics();
    const observer = new ExchangeObserver({ metrics, tenantLabels: new TenantLabels(() => config.telemetry.metrics), providerFamily: () => 'openai' });
    const base = auditRecordSchema.parse({
      kind: 'llmgw.audit', version: 1, requestId: 'r', time: '2026-01-01T00:00:00.000Z', tenant: 'acme', keyId: null, user: null, clientAddress: null,
      api: 'openai.chat_completions', method: 'POST', path: '/v1/chat/completions', stream: false, modelRequested: 'small', modelServed: 'gpt-4o-mini',
      provider: 'openai', cluster: 'openai-cluster', tokens: { input: 0, output: 0, source: 'none' }, costUsd: 0, latencyMs: { total: 1, firstByte: null },
      status: 200, outcome: 'completed', errorCode: null, decisions: [{ stage: 'cache', action: 'allow', code: 'cache_hit' }],
      findings: [{ detector: 'pii', type: 'EMAIL_ADDRESS', count: 2 }, { detector: 'prompt_injection', type: 'injection' }],
    });
    observer.recordMetrics(base);
    observer.recordMetrics({ ...base, decisions: [] });
    return Promise.all([metrics.genai.detections.get(), metrics.genai.cacheHits.get()]).then(([detections, hits]) => {
      expect(detections.values.map((value) => [value.labels.detector, value.labels.entity, value.value])).toEqual([
        ['pii', 'EMAIL_ADDRESS', 4],
        ['prompt_injection', 'injection', 2],
      ]);
      expect(hits.values.map((value) => [value.labels.tenant, value.value])).toEqual([['acme', 1]]);
    });
  });

  it('bounds labels by an explicit list, following reloads', () => {
    let list = ['acme'];
    const labels = new TenantLabels(() => parseTelemetryForTest({ metrics: { tenantLabels: list } }).metrics);
    expect([labels.label('acme'), labels.label('globex'), labels.label(null)]).toEqual(['acme', 'other', 'unknown']);
    list = ['globex'];
    expect([labels.label('acme'), labels.label('globex')]).toEqual(['other', 'globex']);
  });
});

describe('encrypted audit bodies', () => {
  const key = parseBodyKey(BODY_KEY_HEX);
  const bodies = new AuditBodyEncryption(key, ['acme'], 1024 * 1024);

  function sealedRecord(records: readonly AuditRecord[]): AuditRecord & { bodies: NonNullable<AuditRecord['bodies']> } {
    const record = records[0];
    if (!record?.bodies) throw new Error('no bodies in the record');
    return record as AuditRecord & { bodies: NonNullable<AuditRecord['bodies']> };
  }

  it('keeps what went upstream and what the client received, encrypted, for a listed tenant', async () => {
    const { audit, newExchange } = harness({ bodies });
    await streamedCompletion(newExchange('r-1'), 'sk-acme');
    const record = sealedRecord(audit.records);
    expect(auditRecordSchema.safeParse(record).success).toBe(true);
    expect(record.bodies).toMatchObject({ alg: 'AES-256-GCM', keyId: bodies.keyId });
    // Nothing readable in the record itself.
    expect(JSON.stringify(record)).not.toContain('hello there');
    const binding = { requestId: 'r-1', tenant: 'acme' };
    const request = JSON.parse(decryptBody(key, record.bodies.request!, { ...binding, direction: 'request' }).toString()) as { model: string; stream_options?: unknown };
    // Forwarded upstream: the provider's model id and the usage request the gateway added.
    expect(request).toMatchObject({ model: 'gpt-4o-mini', stream_options: { include_usage: true } });
    // Delivered to the client: the usage chunk the client did not ask for is gone.
    expect(decryptBody(key, record.bodies.response!, { ...binding, direction: 'response' }).toString()).toBe(CONTENT_EVENT + DONE_EVENT);
  });

  it('keeps nothing for a tenant that is not listed', async () => {
    const { audit, newExchange } = harness({ bodies });
    await streamedCompletion(newExchange('r-1'), 'sk-globex');
    expect(audit.records[0]?.bodies).toBeUndefined();
  });

  it('refuses a wrong key, a changed ciphertext and a body moved to another record', async () => {
    const { audit, newExchange } = harness({ bodies });
    await streamedCompletion(newExchange('r-1'), 'sk-acme');
    const record = sealedRecord(audit.records);
    const request = record.bodies.request!;
    const binding = { requestId: 'r-1', tenant: 'acme', direction: 'request' as const };
    expect(() => decryptBody(parseBodyKey('b2'.repeat(32)), request, binding)).toThrow();
    const flipped = Buffer.from(request.ciphertext, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => decryptBody(key, { ...request, ciphertext: flipped.toString('base64') }, binding)).toThrow();
    expect(() => decryptBody(key, request, { ...binding, requestId: 'r-2' })).toThrow();
    expect(() => decryptBody(key, request, { ...binding, tenant: 'globex' })).toThrow();
    expect(() => decryptBody(key, request, { ...binding, direction: 'response' })).toThrow();
  });

  it('cuts a body at maxBytes and says so', async () => {
    const { audit, metrics, newExchange } = harness({ bodies: new AuditBodyEncryption(key, ['acme'], 16) });
    await streamedCompletion(newExchange('r-1'), 'sk-acme');
    const record = sealedRecord(audit.records);
    expect(record.bodies.request).toMatchObject({ truncated: true });
    expect(decryptBody(key, record.bodies.request!, { requestId: 'r-1', tenant: 'acme', direction: 'request' })).toHaveLength(16);
    expect(await metricText(metrics)).toContain('llmgw_audit_bodies_truncated_total{direction="request",service="llmgw"} 1');
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => parseBodyKey('abcd')).toThrow(/32 bytes/);
  });
});

describe('traces', () => {
  function attributesOf(span: ReadableSpan): Record<string, unknown> {
    return { ...span.attributes };
  }

  it('makes one span per request with gen_ai.* and llmgw.* attributes and phase events', async () => {
    const exporter = new InMemorySpanExporter();
    const traces = parseTelemetryForTest({ traces: { enabled: true, endpoint: 'http://127.0.0.1:9/v1/traces', scheduledDelayMs: 50 } }).traces;
    const tracer = createRequestTracer(traces, {}, {}, exporter);
    if (!tracer) throw new Error('tracer not built');
    try {
      const { newExchange } = harness({ tracer });
      const parentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      await streamedCompletion(newExchange('r-1'), 'sk-acme', { traceparent: `00-${parentTrace}-00f067aa0ba902b7-01` });
      const refused = newExchange('r-2');
      await refused.onRequestHeaders(requestHeaders('sk-wrong'));
      refused.onEnd('rejected');
      await tracer.forceFlush();
      const spans = exporter.getFinishedSpans();
      expect(spans).toHaveLength(2);
      const span = spans.find((item) => item.attributes['llmgw.request_id'] === 'r-1');
      if (!span) throw new Error('no span for r-1');
      expect(span.name).toBe('chat small');
      expect(span.spanContext().traceId).toBe(parentTrace);
      expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      expect(attributesOf(span)).toMatchObject({
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'small',
        'gen_ai.response.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 7,
        'gen_ai.usage.output_tokens': 3,
        'llmgw.tenant': 'acme',
        'llmgw.decision': 'allow',
        'llmgw.outcome': 'completed',
      });
      const phases = span.events.map((event) => event.name).filter((name) => name !== 'llmgw.decision');
      expect(phases).toEqual(['request_headers', 'request_body', 'response_headers', 'first_byte', 'response_end']);
      const denied = spans.find((item) => item.attributes['llmgw.request_id'] === 'r-2');
      expect(denied && attributesOf(denied)).toMatchObject({ 'llmgw.decision': 'deny', 'error.type': 'invalid_api_key' });
      // A client's forged or malformed traceparent starts a new trace instead.
      expect(denied?.parentSpanContext).toBeUndefined();
      // Never any text of the conversation.
      expect(JSON.stringify(spans.map((item) => [item.attributes, item.events]))).not.toContain('hello there');
    } finally {
      await tracer.shutdown();
    }
  });

  it('is off by default', () => {
    expect(createRequestTracer(parseTelemetryForTest({}).traces, {})).toBeUndefined();
  });

  it('ignores a malformed traceparent', () => {
    expect(trace.getSpanContext(parentContext('00-zz-00f067aa0ba902b7-01'))).toBeUndefined();
    expect(trace.getSpanContext(parentContext(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`))).toBeUndefined();
    expect(trace.getSpanContext(parentContext('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'))?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
