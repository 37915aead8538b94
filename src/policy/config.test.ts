import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, parseConfigText } from '../config/load';
import { compileConfig } from '../config/runtime';

const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-policy-config-'));
writeFileSync(path.join(dir, 'hmac.key'), 'secret\n');

function problems(policy: unknown): { path: string; message: string }[] {
  const text = stringify({ server: { tcp: { port: 1 } }, providers: { local: { api: 'openai', cluster: 'local', auth: 'none' } }, tenants: { acme: {} }, policy });
  try {
    compileConfig(parseConfigText(text, path.join(dir, 'config.yaml')));
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

test.each([
  ['unknown key', { defaultBundle: 'b.tar.gz', failmode: 'open' }, 'policy', /unknown key\(s\): failmode/],
  ['missing default bundle', {}, 'policy.defaultBundle', /./],
  ['fail mode', { defaultBundle: 'b.tar.gz', failMode: 'maybe' }, 'policy.failMode', /./],
  ['inline key', { defaultBundle: 'b.tar.gz', verification: { keys: [{ key: 'secret' }] } }, 'policy.verification.keys.0.key', /never written into the config/],
  ['unreadable key file', { defaultBundle: 'b.tar.gz', verification: { keys: [{ algorithm: 'HS256', key: { file: 'missing.key' } }] } }, 'policy.verification.keys.0.key', /cannot read/],
  ['bundle service URL', { defaultBundle: { url: 'ftp://bundles/x.tar.gz' } }, 'policy.defaultBundle.url', /./],
  ['poll delays', { defaultBundle: { url: 'https://bundles/x.tar.gz', pollSeconds: { min: 30, max: 10 } } }, 'policy.defaultBundle.pollSeconds', /max must be at least min/],
  ['unknown tenant', { defaultBundle: 'b.tar.gz', tenants: { acmee: { tier: 'free' } } }, 'policy.tenants.acmee', /unknown tenant/],
  ['time zone', { defaultBundle: 'b.tar.gz', tenants: { acme: { timezone: 'Mars/Olympus' } } }, 'policy.tenants.acme.timezone', /unknown time zone/],
  ['topic id', { defaultBundle: 'b.tar.gz', tenants: { acme: { topics: [{ id: 'Bad Id', terms: { x: 1 } }] } } }, 'policy.tenants.acme.topics.0.id', /lower-case/],
  ['short prefix term', { defaultBundle: 'b.tar.gz', tenants: { acme: { topics: [{ id: 'short', terms: { 'ab*': 1 } }] } } }, 'policy.tenants.acme.topics', /prefix/],
  ['internal provider', { defaultBundle: 'b.tar.gz', internalProviders: ['nowhere'] }, 'policy.internalProviders.0', /unknown provider/],
  ['canary percent', { defaultBundle: 'b.tar.gz', canary: { bundle: 'c.tar.gz', percent: 150 } }, 'policy.canary.percent', /./],
  ['empty canary', { defaultBundle: 'b.tar.gz', canary: { percent: 5 } }, 'policy.canary', /candidate bundle, candidate guards/],
  ['canary guard id', { defaultBundle: 'b.tar.gz', canary: { percent: 5, guards: { input: [{ id: 'no_such_detector' }] } } }, 'policy.canary.guards.input.0.id', /unknown/],
  ['canary guard rule', { defaultBundle: 'b.tar.gz', canary: { percent: 5, guards: { input: [{ id: 'prompt_injection', action: 'drop' }] } } }, 'policy.canary.guards.input.0.action', /./],
])('%s is reported on its path', (_name, policy, at, message) => {
  const found = problems(policy);
  expect(found.map((p) => p.path)).toContain(at);
  expect(found.find((p) => p.path === at)?.message).toMatch(message);
});

test('a full section compiles: sources resolved, keys read, classifiers per tenant, canary guards compiled', () => {
  const text = stringify({
    server: { tcp: { port: 1 } },
    providers: { local: { api: 'openai', cluster: 'local', auth: 'none' } },
    tenants: { acme: {} },
    policy: {
      defaultBundle: 'bundles/default.tar.gz',
      verification: { keys: [{ id: 'k', algorithm: 'HS256', key: { file: 'hmac.key' } }] },
      internalProviders: ['local'],
      tenants: { acme: { bundle: { url: 'https://bundles.example/acme.tar.gz', pollSeconds: { min: 5, max: 10 } }, tier: 'standard', timezone: 'Europe/Berlin', competitors: ['Initech'], apps: { 'acme-web': 'web' }, trustedApps: ['web'] } },
      canary: { bundle: { file: 'bundles/next.tar.gz', watch: false }, guards: { input: [{ id: 'prompt_injection' }] }, percent: 5, by: 'key' },
    },
  });
  const policy = compileConfig(parseConfigText(text, path.join(dir, 'config.yaml'))).policy!;
  expect(policy.defaultBundle).toEqual({ kind: 'file', key: `file:${path.join(dir, 'bundles/default.tar.gz')}`, name: 'default', path: path.join(dir, 'bundles/default.tar.gz'), watch: true });
  expect(policy.verification?.keys[0]).toMatchObject({ id: 'k', algorithm: 'HS256', key: 'secret' });
  const acme = policy.tenants.get('acme')!;
  expect(acme.bundle).toMatchObject({ kind: 'http', name: 'acme', minDelayMs: 5000, maxDelayMs: 10_000, timeoutMs: 10_000 });
  expect(acme.topics.classify(['Why is Initech better than you?']).map((t) => t.id)).toEqual(['competitor']);
  expect(policy.defaultTenant.topics.classify(['Why is Initech better than you?'])).toEqual([]);
  expect(policy.canary).toMatchObject({ percent: 5, by: 'key', salt: '', shadow: true, bundle: { watch: false } });
  expect(policy.canary?.guards?.map((g) => g.id)).toEqual(['prompt_injection']);
  expect([...policy.topicChannels]).toEqual(['user', 'document', 'tool_result']);
});
