/**
 * Where the per-attempt upstream filter meets the router-level stages: a fallback that Envoy's retry
 * sends to another provider must not escape the policy's final decision, must be charged at its own
 * price, and must never fill the cache under the model that was looked up.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { MemorySink } from '../audit/sink';
import type { AuditRecord } from '../audit/record';
import { budgetStoreSchema, createBudgetService, type BudgetService } from '../budget';
import { ResponseCache } from '../cache/service';
import { MemoryCacheStore } from '../cache/store';
import { parseConfigText } from '../config/load';
import { compileConfig, type RuntimeInputGuard } from '../config/runtime';
import { SecretStore } from '../config/secrets';
import type { PolicyService } from '../policy/service';
import type { PolicyInput } from '../policy';
import { inMemoryRouteHealth } from '../route/router';
import { createMetrics } from '../telemetry/metrics';
import { sha256Hex } from '../tenant/identify';
import { GatewayPipeline } from './gateway';
import type { Decision, Exchange, ExchangeContext, RequestHeaders } from './types';

const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-seams-'));
writeFileSync(path.join(dir, 'primary.key'), 'sk-primary');
writeFileSync(path.join(dir, 'backup.key'), 'sk-backup');
const secrets = new SecretStore(60_000);
const config = compileConfig(
  parseConfigText(
    `server: { tcp: { port: 1 } }
providers:
  primary: { api: openai, cluster: primary, auth: bearer, keys: [{ file: primary.key }], failoverCluster: llm_failover, headers: { openai-organization: org-primary } }
  backup: { api: openai, cluster: backup, auth: bearer, keys: [{ file: backup.key }], pathPrefix: /openai }
models:
  big: { provider: primary, upstreamModel: gpt-4o, pricing: { input: 1, output: 2 }, fallbacks: [spare] }
  spare: { provider: backup, upstreamModel: spare-model-v2, pricing: { input: 10, output: 20 } }
cache:
  defaults: { enabled: true, unsetTemperature: cacheable }
tenants:
  acme: { apiKeys: [{ id: acme-1, sha256: ${sha256Hex('sk-acme')} }] }
`,
    path.join(dir, 'config.yaml'),
  ),
  secrets,
);

let budgets: BudgetService;
const settledPricing: Array<{ input: number; output: number }> = [];
beforeEach(() => {
  budgets = createBudgetService(budgetStoreSchema.parse({}));
  const settle = budgets.settle.bind(budgets);
  settledPricing.length = 0;
  budgets.settle = (reservation, usage) => {
    settledPricing.push({ input: reservation.pricing.input, output: reservation.pricing.output });
    return settle(reservation, usage);
  };
});
afterEach(() => budgets.close());
afterAll(() => secrets.close());

/** A stand-in for a loaded bundle: "the trial tier is forced onto `big`; external providers only after irreversible redaction". */
function forcingPolicy(): { service: PolicyService<RuntimeInputGuard>; evaluated: Array<{ routed: string | undefined; external: boolean | undefined }> } {
  const evaluated: Array<{ routed: string | undefined; external: boolean | undefined }> = [];
  const tenant = { timeZone: 'UTC', attributes: {}, topics: { classify: () => [] }, trustedApps: new Set(), apps: new Map() };
  const snapshot = {
    policy: { tenants: new Map(), defaultTenant: tenant, topicChannels: new Set(), internalProviders: new Set(['primary']), canary: undefined },
    rollout: {
      side: () => 'stable',
      evaluate: (input: PolicyInput) => {
        evaluated.push({ routed: input.model.routed, external: input.model.external });
        return {
          allow: true,
          reasons: [],
          labels: [],
          decisionId: `d${evaluated.length}`,
          bundle: { name: 'b', revision: '1' },
          outcome: 'evaluated',
          obligations: { model: { force: 'big' }, ...(input.model.external ? { redaction: 'irreversible' } : {}) },
        };
      },
    },
  };
  return { service: { snapshot: () => snapshot } as unknown as PolicyService<RuntimeInputGuard>, evaluated };
}

function gateway(options: { policy?: PolicyService<RuntimeInputGuard> }) {
  const audit = new MemorySink();
  const cache = new ResponseCache(new MemoryCacheStore());
  const pipeline = new GatewayPipeline({ config, secrets, audit, metrics: createMetrics(), logger: pino({ level: 'silent' }), budgets, routeHealth: inMemoryRouteHealth(config), cache, ...options });
  const exchange = (context: ExchangeContext): Exchange => pipeline.attemptExchange(context) ?? pipeline.newExchange(context);
  return { audit, exchange };
}

const hostMetadata = (provider: string) => `filter_metadata { key: "llmgw" value { fields { key: "provider" value { string_value: "${provider}" } } } }`;
const context = (requestId: string, provider?: string): ExchangeContext => ({ requestId, attributes: provider === undefined ? {} : { 'xds.upstream_host_metadata': hostMetadata(provider) }, metadata: {} });
const headers = (extra: Record<string, string>): RequestHeaders => ({
  method: 'POST',
  path: '/v1/chat/completions',
  authority: 'gw',
  scheme: 'https',
  headers: new Map(Object.entries({ 'content-type': 'application/json', ...extra })),
  endOfStream: false,
});
const setHeaders = (decision: Decision) => new Map(decision.kind === 'mutate' ? (decision.headers?.set ?? []).map(([k, v]) => [k, v] as [string, string]) : []);
const body = Buffer.from(JSON.stringify({ model: 'big', messages: [{ role: 'user', content: 'my ssn is 123-45-6789' }] }));
const reply = Buffer.from(
  JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'spare-model-v2', choices: [{ index: 0, message: { role: 'assistant', content: 'answer from SPARE' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 } }),
);
const json = new Map([['content-type', 'application/json']]);

it('a fallback the final policy decision would not allow is never offered to the upstream filter', async () => {
  const { service, evaluated } = forcingPolicy();
  const { exchange } = gateway({ policy: service });
  const router = exchange(context('r-1'));
  await router.onRequestHeaders(headers({ authorization: 'Bearer sk-acme' }));
  const decision = await router.onRequestBody(body);
  // The policy forced `big`: no attempt token, so Envoy's retries cannot switch to `spare` (external, unredacted).
  expect(setHeaders(decision).get('x-llmgw-attempt')).toBeUndefined();
  expect(setHeaders(decision).get('x-llmgw-cluster')).toBe('primary');
  expect(evaluated.every((e) => e.routed !== 'spare')).toBe(true);
  router.onEnd('cancelled');
});

it('without a policy the fallback serves: charged at its own price, and its answer is not cached as the primary\'s', async () => {
  const { exchange, audit } = gateway({});
  const router = exchange(context('r-2'));
  await router.onRequestHeaders(headers({ authorization: 'Bearer sk-acme' }));
  const token = setHeaders(await router.onRequestBody(body)).get('x-llmgw-attempt') ?? '';
  expect(token).not.toBe('');

  const first = exchange(context('r-2', 'primary'));
  await first.onRequestHeaders(headers({ 'x-llmgw-attempt': token }));
  await first.onRequestBody(body);
  await first.onResponseHeaders({ status: 503, headers: new Map(), endOfStream: false });
  first.onEnd('completed');
  const second = exchange(context('r-2', 'backup'));
  const switched = await second.onRequestHeaders(headers({ 'x-llmgw-attempt': token, 'openai-organization': 'org-primary' }));
  // The primary provider's own headers do not follow the request to the fallback provider.
  expect(switched.kind === 'mutate' ? switched.headers?.remove : []).toContain('openai-organization');
  expect(setHeaders(switched).get('authorization')).toBe('Bearer sk-backup');
  await second.onRequestBody(body);
  await second.onResponseHeaders({ status: 200, headers: json, endOfStream: false });
  second.onEnd('completed');

  await router.onResponseHeaders({ status: 200, headers: json, endOfStream: false });
  await router.onResponseBody(reply, true);
  router.onEnd('completed');
  const record = audit.records.at(-1) as AuditRecord;
  expect(record.route).toMatchObject({ model: 'spare' });
  expect(settledPricing).toEqual([{ input: 10, output: 20 }]);
  expect(record.cache).toMatchObject({ result: 'miss', stored: false, reason: 'served_by_fallback' });

  // The same request again, primary healthy: it goes upstream, it is not answered with spare's text.
  const again = exchange(context('r-3'));
  await again.onRequestHeaders(headers({ authorization: 'Bearer sk-acme' }));
  expect((await again.onRequestBody(body)).kind).toBe('mutate');
  again.onEnd('cancelled');
});
