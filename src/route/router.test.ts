import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfigText } from '../config/load';
import { compileConfig } from '../config/runtime';
import { SecretStore } from '../config/secrets';
import { BasicRouter } from './router';

const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-router-'));
writeFileSync(path.join(dir, 'k1'), 'sk-one');
writeFileSync(path.join(dir, 'k2'), 'sk-two');
writeFileSync(path.join(dir, 'g'), 'g-key');
const secrets = new SecretStore(60_000);
afterAll(() => secrets.close());
const config = compileConfig(
  parseConfigText(
    `server: { tcp: { port: 1 } }
providers:
  oai: { api: openai, cluster: openai, auth: bearer, keys: [{ file: k1 }, { file: k2 }] }
  ant: { api: anthropic, cluster: anthropic, auth: x-api-key, keys: [{ file: k1 }], headers: { anthropic-version: "2023-06-01" } }
  gem: { api: gemini, cluster: gemini, auth: x-goog-api-key, keys: [{ file: g }], pathPrefix: /google }
  local: { api: openai, cluster: vllm, auth: none }
models:
  gpt-mini: { provider: oai, upstreamModel: gpt-4o-mini, pricing: { input: 1, output: 2 } }
  claude: { provider: ant, pricing: { input: 1, output: 2 } }
  flash: { provider: gem, upstreamModel: gemini-2.0-flash, pricing: { input: 1, output: 2 } }
  llama: { provider: local, pricing: { input: 0, output: 0 } }
tenants:
  t: { models: { allow: ["*"], deny: [llama] } }
`,
    path.join(dir, 'c.yaml'),
  ),
  secrets,
);
const tenant = config.tenants.get('t')!;
const router = new BasicRouter(config, secrets);
const none = new Map<string, string>();

describe('BasicRouter', () => {
  it('routes to the provider cluster with its credential and the upstream model id', () => {
    const result = router.route({ family: 'openai', model: 'gpt-mini', tenant, path: '/v1/chat/completions' }, none);
    expect(result).toMatchObject({ ok: true, target: { cluster: 'openai', upstreamPath: '/v1/chat/completions', bodyModel: 'gpt-4o-mini' } });
    if (!result.ok) throw new Error('unreachable');
    expect(result.target.setHeaders).toEqual([
      ['x-llmgw-cluster', 'openai'],
      ['authorization', 'Bearer sk-one'],
    ]);
  });

  it('spreads requests across a pool of keys', () => {
    const keys = [0, 1, 2, 3].map(() => {
      const result = router.route({ family: 'openai', model: 'gpt-mini', tenant, path: '/v1/chat/completions' }, none);
      return result.ok ? result.target.keyIndex : -1;
    });
    expect(new Set(keys)).toEqual(new Set([0, 1]));
  });

  it('adds provider headers the client did not send, and keeps the ones it did', () => {
    const added = router.route({ family: 'anthropic', model: 'claude', tenant, path: '/v1/messages' }, none);
    const kept = router.route({ family: 'anthropic', model: 'claude', tenant, path: '/v1/messages' }, new Map([['anthropic-version', '2024-01-01']]));
    expect(added.ok && added.target.setHeaders).toContainEqual(['anthropic-version', '2023-06-01']);
    expect(kept.ok && kept.target.setHeaders.some(([name]) => name === 'anthropic-version')).toBe(false);
    expect(added.ok && added.target.bodyModel).toBeUndefined();
  });

  it('rewrites the Gemini model in the path, adds the prefix and drops a key query parameter', () => {
    const result = router.route({ family: 'gemini', model: 'flash', tenant, path: '/v1beta/models/flash:streamGenerateContent?alt=sse&key=client-key' }, none);
    expect(result.ok && result.target.upstreamPath).toBe('/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(result.ok && result.target.setHeaders).toContainEqual(['x-goog-api-key', 'g-key']);
  });

  it('routes a model whose provider speaks another API (the pipeline translates)', () => {
    const result = router.route({ family: 'openai', model: 'claude', tenant, path: '/v1/chat/completions' }, none);
    expect(result).toMatchObject({ ok: true, target: { cluster: 'anthropic' } });
    expect(result.ok && result.target.setHeaders).toContainEqual(['anthropic-version', '2023-06-01']);
  });

  it.each([
    ['unknown model', { family: 'openai' as const, model: 'gpt-9' }, 'model_not_found'],
    ['denied model', { family: 'openai' as const, model: 'llama' }, 'model_not_allowed'],
  ])('refuses an %s', (_name, request, code) => {
    const result = router.route({ ...request, tenant, path: '/v1/chat/completions' }, none);
    expect(result.ok ? undefined : result.failure.code).toBe(code);
  });
});
