/**
 * Per-attempt fallback across providers, with the real pipeline: the router-level exchange sends the
 * request to the failover cluster with an attempt token; each attempt's upstream exchange learns its
 * provider from the host metadata attribute and adapts model, path and credential; the router-level
 * exchange meters and audits the model that served.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { MemorySink } from '../audit/sink';
import { parseConfigText } from '../config/load';
import { compileConfig } from '../config/runtime';
import { SecretStore } from '../config/secrets';
import { sha256Hex } from '../tenant/identify';
import { createMetrics } from '../telemetry/metrics';
import { GatewayPipeline } from './gateway';
import { budgetStoreSchema, createBudgetService } from '../budget';
import { inMemoryRouteHealth } from '../route/router';
import type { Decision, Exchange, ExchangeContext } from './types';

const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-attempts-'));
writeFileSync(path.join(dir, 'primary.key'), 'sk-primary');
writeFileSync(path.join(dir, 'backup.key'), 'sk-backup');
const secrets = new SecretStore(60_000);
afterAll(() => secrets.close());
const config = compileConfig(
  parseConfigText(
    `server: { tcp: { port: 1 } }
providers:
  primary: { api: openai, cluster: primary, auth: bearer, keys: [{ file: primary.key }], failoverCluster: llm_failover }
  backup: { api: openai, cluster: backup, auth: bearer, keys: [{ file: backup.key }], pathPrefix: /openai }
  ant: { api: anthropic, cluster: anthropic, auth: none }
models:
  big: { provider: primary, upstreamModel: gpt-4o, pricing: { input: 1, output: 2 }, fallbacks: [spare, claude] }
  spare: { provider: backup, upstreamModel: spare-model-v2, pricing: { input: 10, output: 20 } }
  claude: { provider: ant, pricing: { input: 1, output: 2 } }
  solo: { provider: primary, pricing: { input: 1, output: 2 } }
tenants:
  acme: { apiKeys: [{ id: acme-1, sha256: ${sha256Hex('sk-acme')} }] }
`,
    path.join(dir, 'config.yaml'),
  ),
  secrets,
);
const budgets = createBudgetService(budgetStoreSchema.parse({}));
afterAll(() => budgets.close());
const audit = new MemorySink();
const health = inMemoryRouteHealth(config);
const pipeline = new GatewayPipeline({ config, secrets, audit, metrics: createMetrics(), logger: pino({ level: 'silent' }), budgets, routeHealth: health });

const exchangeFor = (ctx: ExchangeContext): Exchange => pipeline.attemptExchange(ctx) ?? pipeline.newExchange(ctx);
const hostMetadata = (provider: string): string => `filter_metadata { key: "llmgw" value { fields { key: "provider" value { string_value: "${provider}" } } } }`;
const context = (requestId: string, provider?: string): ExchangeContext => ({ requestId, attributes: provider === undefined ? {} : { 'xds.upstream_host_metadata': hostMetadata(provider) }, metadata: {} });
const request = (extra: Record<string, string> = {}, requestPath = '/v1/chat/completions') => ({
  method: 'POST',
  path: requestPath,
  authority: 'gw',
  scheme: 'https',
  headers: new Map(Object.entries({ 'content-type': 'application/json', ...extra })),
  endOfStream: false,
});
const set = (decision: Decision): Map<string, string> => new Map(decision.kind === 'mutate' ? (decision.headers?.set ?? []).map(([k, v]) => [k, v] as [string, string]) : []);
const json = (decision: Decision): unknown => (decision.kind === 'mutate' && decision.body ? JSON.parse(decision.body.toString()) : undefined);
const body = (model: string): Buffer => Buffer.from(JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }));
const usageReply = Buffer.from(JSON.stringify({ id: 'x', object: 'chat.completion', model: 'm', choices: [], usage: { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 } }));

/** The router-level exchange up to the request body, and what it sent Envoy. */
async function routed(model: string, requestId: string): Promise<{ exchange: Exchange; decision: Decision }> {
  const exchange = exchangeFor(context(requestId));
  await exchange.onRequestHeaders(request({ authorization: 'Bearer sk-acme' }));
  return { exchange, decision: await exchange.onRequestBody(body(model)) };
}

describe('per-attempt fallback (upstream filter)', () => {
  it('attempt 1 on the primary fails, attempt 2 on the backup is adapted, the router-level exchange audits the backup', async () => {
    const { exchange, decision } = await routed('big', 'r-1');
    const sent = set(decision);
    expect(sent.get('x-llmgw-cluster')).toBe('llm_failover');
    const token = sent.get('x-llmgw-attempt') ?? '';
    expect(token).toMatch(/^[0-9a-f]{32}$/);

    // Attempt 1: the primary's endpoint; the router-level work stands, only the token is taken out.
    const first = exchangeFor(context('r-1', 'primary'));
    expect(await first.onRequestHeaders(request({ 'x-llmgw-attempt': token, authorization: 'Bearer sk-primary' }))).toEqual({ kind: 'mutate', headers: { remove: ['x-llmgw-attempt'] } });
    expect(await first.onRequestBody(body('gpt-4o'))).toEqual({ kind: 'continue' });
    await first.onResponseHeaders({ status: 503, headers: new Map(), endOfStream: false });
    first.onEnd('completed');

    // Attempt 2: the backup's endpoint: its key, its path, its model id.
    const second = exchangeFor(context('r-1', 'backup'));
    const headers = await second.onRequestHeaders(request({ 'x-llmgw-attempt': token, authorization: 'Bearer sk-primary' }));
    expect(headers).toMatchObject({ kind: 'mutate', headers: { remove: expect.arrayContaining(['x-llmgw-attempt', 'authorization', 'x-api-key']) as unknown } });
    expect(set(headers)).toEqual(new Map([['authorization', 'Bearer sk-backup'], [':path', '/openai/v1/chat/completions']]));
    expect(json(await second.onRequestBody(body('gpt-4o')))).toMatchObject({ model: 'spare-model-v2', messages: [{ role: 'user', content: 'hi' }] });
    expect(await second.onResponseHeaders({ status: 200, headers: new Map([['content-type', 'application/json']]), endOfStream: false })).toMatchObject({ kind: 'continue', responseBodyMode: 'none' });
    second.onEnd('completed');

    // The router-level exchange sees the final answer and prices it on the model that served.
    await exchange.onResponseHeaders({ status: 200, headers: new Map([['content-type', 'application/json']]), endOfStream: false });
    const end = await exchange.onResponseBody(usageReply, true);
    expect(end.kind !== 'reject' && end.metadata).toMatchObject({ model: 'spare', provider: 'backup', cost_usd: 0.03 });
    exchange.onEnd('completed');
    expect(audit.records.at(-1)).toMatchObject({
      modelRequested: 'big',
      modelServed: 'spare-model-v2',
      provider: 'backup',
      costUsd: 0.03,
      route: { selected: 'big', model: 'spare', skipped: ['big: attempt failed'], reason: 'explicit model big; per-attempt fallback spare' },
    });
    expect(health.breakers.views().find((view) => view.key === 'primary/big')?.consecutiveFailures).toBe(1);
    expect(health.attempts.size).toBe(0);
  });

  it.each<[string, string | undefined, boolean, number, string]>([
    ['no token (not prepared by the router-level exchange)', 'backup', false, 500, 'internal_error'],
    ['no llmgw.provider host metadata', 'nobody-knows', true, 503, 'upstream_unavailable'],
    ['a provider in another API without translation', 'ant', true, 503, 'upstream_unavailable'],
  ])('refuses an attempt: %s', async (_name, provider, withToken, status, code) => {
    const { exchange, decision } = await routed('big', 'r-2');
    const token = set(decision).get('x-llmgw-attempt') ?? '';
    const attempt = exchangeFor(context('r-2', provider));
    const refused = await attempt.onRequestHeaders(request(withToken ? { 'x-llmgw-attempt': token } : { 'x-llmgw-attempt': 'f'.repeat(32) }));
    expect(refused).toMatchObject({ kind: 'reject', status });
    expect(refused.kind === 'reject' && JSON.parse(refused.body.toString())).toMatchObject({ error: { code } });
    attempt.onEnd('rejected');
    exchange.onEnd('cancelled');
    expect(health.attempts.size).toBe(0);
  });

  it('a model without fallbacks on other providers stays on its own cluster, without a token', async () => {
    const { exchange, decision } = await routed('solo', 'r-3');
    expect(set(decision).get('x-llmgw-cluster')).toBe('primary');
    expect(set(decision).has('x-llmgw-attempt')).toBe(false);
    exchange.onEnd('cancelled');
  });
});
