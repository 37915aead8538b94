import { ConfigError, parseConfigText, type ConfigProblem } from '../config/load';
import { compileConfig } from '../config/runtime';

function problemsOf(extra: string): ConfigProblem[] {
  const text = `server: { tcp: { port: 1 } }
providers:
  oai: { api: openai, cluster: openai, auth: none }
${extra}`;
  try {
    compileConfig(parseConfigText(text, 'test.yaml'));
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

const model = (fallbacks: string[]): string => `{ provider: oai, pricing: { input: 1, output: 1 }, fallbacks: [${fallbacks.join(', ')}] }`;

describe('route catalog cross-references', () => {
  it.each<[string, string, ConfigProblem[]]>([
    ['valid chain', `models: { a: ${model(['b'])}, b: ${model(['c'])}, c: ${model([])} }`, []],
    ['unknown fallback', `models: { a: ${model(['ghost'])} }`, [{ path: 'models.a.fallbacks.0', message: 'unknown model "ghost"' }]],
    ['self fallback', `models: { a: ${model(['a'])} }`, [{ path: 'models.a.fallbacks.0', message: 'a model cannot be its own fallback' }]],
    ['listed twice', `models: { a: ${model(['b', 'b'])}, b: ${model([])} }`, [{ path: 'models.a.fallbacks', message: 'a fallback is listed twice' }]],
    [
      'cycle of three',
      `models: { a: ${model(['b'])}, b: ${model(['c'])}, c: ${model(['a'])} }`,
      [{ path: 'models.a.fallbacks', message: 'fallback cycle: a -> b -> c -> a' }],
    ],
    ['alias to unknown model', `models: { a: ${model([])} }\naliases: { fast: nope }`, [{ path: 'aliases.fast', message: 'unknown model "nope"' }]],
    ['alias shadows a model', `models: { a: ${model([])}, b: ${model([])} }\naliases: { a: b }`, [{ path: 'aliases.a', message: 'alias "a" shadows a model of the same name' }]],
    ['alias named auto', `models: { a: ${model([])} }\naliases: { auto: a }`, [{ path: 'aliases.auto', message: '"auto" is the auto selector\'s name' }]],
    [
      'tenant alias to unknown model',
      `models: { a: ${model([])} }\ntenants: { t: { aliases: { smart: zz } } }`,
      [{ path: 'tenants.t.aliases.smart', message: 'unknown model "zz"' }],
    ],
    ['unknown capability', `models: { a: { provider: oai, pricing: { input: 1, output: 1 }, capabilities: { telepathy: true } } }`, [{ path: 'models.a.capabilities', message: 'unknown key(s): telepathy' }]],
  ])('%s', (_name, extra, expected) => {
    expect(problemsOf(extra)).toEqual(expected);
  });

  it('compiles aliases per tenant, the tenant one winning', () => {
    const config = compileConfig(
      parseConfigText(
        `server: { tcp: { port: 1 } }
providers: { oai: { api: openai, cluster: openai, auth: none } }
models: { a: ${model([])}, b: ${model([])} }
aliases: { fast: a, smart: b }
tenants: { t: { aliases: { fast: b }, maxCostPerRequestUsd: 0.5 } }
`,
        'test.yaml',
      ),
    );
    const tenant = config.tenants.get('t');
    expect(Object.fromEntries(tenant?.aliases ?? [])).toEqual({ fast: 'b', smart: 'b' });
    expect(tenant?.maxCostPerRequestUsd).toBe(0.5);
    expect(config.models.get('a')).toMatchObject({ kind: 'chat', tier: 'basic', capabilities: { tools: true, vision: false, jsonMode: true }, fallbacks: [] });
  });
});
