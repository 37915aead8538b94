/** Router + breakers + cool-downs: which model and key serve while a model fails or its keys are rate limited. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfigText } from '../config/load';
import { compileConfig } from '../config/runtime';
import { SecretStore } from '../config/secrets';
import { BreakerBoard } from './breaker';
import { AttemptRegistry } from './attempts';
import { KeyCooldowns } from './cooldown';
import { Router, inMemoryRouteHealth, type RouteResult } from './router';
import { sameApiOnly } from './select';

const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-failover-'));
writeFileSync(path.join(dir, 'k1'), 'sk-one');
writeFileSync(path.join(dir, 'k2'), 'sk-two');
writeFileSync(path.join(dir, 'b'), 'sk-backup');
const secrets = new SecretStore(60_000);
afterAll(() => secrets.close());
const configText = `server: { tcp: { port: 1 } }
providers:
  oai: { api: openai, cluster: openai, auth: bearer, keys: [{ file: k1 }, { file: k2 }] }
  backup: { api: openai, cluster: openai-backup, auth: bearer, keys: [{ file: b }] }
  ant: { api: anthropic, cluster: anthropic, auth: none }
models:
  primary: { provider: oai, upstreamModel: gpt-4o, pricing: { input: 1, output: 2 }, fallbacks: [secondary, claude] }
  secondary: { provider: backup, upstreamModel: gpt-4o-mini, pricing: { input: 1, output: 2 }, fallbacks: [tertiary] }
  tertiary: { provider: backup, pricing: { input: 1, output: 2 } }
  claude: { provider: ant, pricing: { input: 1, output: 2 } }
routing: { breaker: { consecutiveFailures: 2, openSeconds: 10, failFast: true }, cooldown: { defaultSeconds: 5 } }
tenants:
  t: {}
  no-secondary: { models: { allow: ["*"], deny: [secondary] } }
`;
const config = compileConfig(parseConfigText(configText, path.join(dir, 'c.yaml')), secrets);
let now = 1_000_000;
const clock = (): number => now;
const health = { breakers: new BreakerBoard(() => config.routing.breaker, { clock }), cooldowns: new KeyCooldowns(clock), attempts: new AttemptRegistry() };
// Same-API serving only here, so a fallback in another API is skipped (translation is tested elsewhere).
const router = new Router(config, secrets, { health, compatible: sameApiOnly });
const none = new Map<string, string>();
const route = (model = 'primary', tenant = 't'): RouteResult =>
  router.route({ family: 'openai', model, tenant: config.tenants.get(tenant)!, path: '/v1/chat/completions' }, none);
const served = (result: RouteResult): string => (result.ok ? result.target.model.name : result.failure.code);
const fail = (result: RouteResult, status = 503): void => {
  if (result.ok) result.target.ticket.observe(status, none);
};

describe('failover through the fallback chain', () => {
  it('serves the primary with the rest of the chain as alternatives, depth first', () => {
    const result = route();
    expect(result.ok && result.target.alternatives.map((model) => model.name)).toEqual(['secondary', 'tertiary', 'claude']);
    if (result.ok) result.target.ticket.observe(200, none);
  });

  it('moves to the fallback once the breaker opens, and back after a successful probe', () => {
    fail(route());
    fail(route());
    const fallback = route();
    expect(served(fallback)).toBe('secondary');
    expect(fallback.ok && fallback.target.reason).toBe('explicit model primary; fallback secondary (primary: breaker open)');
    expect(fallback.ok && fallback.target.setHeaders).toEqual([
      ['x-llmgw-cluster', 'openai-backup'],
      ['authorization', 'Bearer sk-backup'],
    ]);
    expect(fallback.ok && fallback.target.bodyModel).toBe('gpt-4o-mini');
    fallback.ok && fallback.target.ticket.observe(200, none);
    now += 10_000;
    const probe = route();
    expect(served(probe)).toBe('primary');
    expect(probe.ok && probe.target.reason).toContain('half-open probe');
    // While the probe is out, others still go to the fallback.
    expect(served(route())).toBe('secondary');
    probe.ok && probe.target.ticket.observe(200, none);
    expect(served(route())).toBe('primary');
  });

  it('skips fallbacks the tenant may not use, and answers model_unavailable when the chain is exhausted', () => {
    fail(route());
    fail(route());
    expect(served(route('primary', 'no-secondary'))).toBe('tertiary');
    now += 1; // claude speaks another API (no translation here) and is skipped too
    for (const model of ['secondary', 'tertiary']) {
      fail(route(model));
      fail(route(model));
    }
    const result = route();
    expect(result).toMatchObject({ ok: false, failure: { code: 'model_unavailable', model: 'primary' } });
    expect(!result.ok && result.failure.code === 'model_unavailable' && result.failure.reason).toBe(
      'primary: breaker open; secondary: breaker open; tertiary: breaker open; claude: served through the anthropic API',
    );
    now += 10_000;
    for (const model of ['primary', 'secondary', 'tertiary']) {
      const probe = route(model);
      probe.ok && probe.target.ticket.observe(200, none);
    }
  });

  it('a 429 cools that key (not the breaker); the pool goes on with the other key, then the fallback', () => {
    const first = route();
    expect(first.ok && first.target.keyIndex).toBeGreaterThanOrEqual(0);
    if (!first.ok) throw new Error('unreachable');
    first.target.ticket.observe(429, new Map([['retry-after', '3']]));
    const cooledIndex = first.target.keyIndex;
    for (let i = 0; i < 3; i += 1) {
      const next = route();
      expect(next.ok && next.target.keyIndex).toBe(1 - cooledIndex);
      next.ok && next.target.ticket.release();
    }
    const second = route();
    second.ok && second.target.ticket.observe(429, none);
    const fallback = route();
    expect(served(fallback)).toBe('secondary');
    expect(fallback.ok && fallback.target.reason).toContain('every oai key cooling down after 429');
    expect(health.breakers.phase('oai/primary')).toBe('closed');
    fallback.ok && fallback.target.ticket.release();
    now += 5_000;
    expect(served(route())).toBe('primary');
    expect(JSON.stringify(health.cooldowns.cooling())).not.toContain('sk-');
  });

  it('without failFast, a model kept out by its breaker or cooling keys, with no fallback left, is still tried', () => {
    const lenient = compileConfig(parseConfigText(configText.replace('failFast: true', 'failFast: false'), path.join(dir, 'c.yaml')), secrets);
    const own = new Router(lenient, secrets, { health: inMemoryRouteHealth(lenient, clock), compatible: sameApiOnly });
    const ask = (): RouteResult => own.route({ family: 'openai', model: 'tertiary', tenant: lenient.tenants.get('t')!, path: '/v1/chat/completions' }, none);
    fail(ask());
    fail(ask());
    const opened = ask();
    expect(served(opened)).toBe('tertiary');
    expect(opened.ok && opened.target.reason).toBe('explicit model tertiary; no fallback available (tertiary: breaker open)');
    // secondary and its fallback tertiary share the backup provider's one key: a 429 cools it for both.
    const askSecondary = (): RouteResult => own.route({ family: 'openai', model: 'secondary', tenant: lenient.tenants.get('t')!, path: '/v1/chat/completions' }, none);
    const limited = askSecondary();
    if (limited.ok) limited.target.ticket.observe(429, new Map([['retry-after', '30']]));
    const cooled = askSecondary();
    expect(served(cooled)).toBe('secondary');
    expect(cooled.ok && cooled.target.reason).toBe('explicit model secondary; no fallback available (secondary: every backup key cooling down after 429; tertiary: every backup key cooling down after 429)');
  });

  it('a ticket counts once, whatever is reported after', () => {
    const result = route('tertiary');
    if (!result.ok) throw new Error('unreachable');
    result.target.ticket.observe(503, none);
    result.target.ticket.observe(503, none);
    result.target.ticket.release();
    expect(health.breakers.views().find((view) => view.key === 'backup/tertiary')?.consecutiveFailures).toBe(1);
  });
});
