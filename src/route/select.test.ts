/**
 * The `auto` table of docs/routing.md: request shape -> the model the documented rules pick. Requests
 * are real API bodies through the real parser, so what selection reads is what the gateway sees.
 */
import { parseConfigText } from '../config/load';
import { compileConfig } from '../config/runtime';
import { parseRequest, type ParseableApiId } from '../llm';
import { selectModel, sameApiOnly, type Selection } from './select';

const config = compileConfig(
  parseConfigText(
    `server: { tcp: { port: 1 } }
providers:
  oai: { api: openai, cluster: openai, auth: none }
  ant: { api: anthropic, cluster: anthropic, auth: none }
models:
  nano: { provider: oai, pricing: { input: 0.05, output: 0.2 }, contextWindow: 1000, maxOutputTokens: 2048, capabilities: { tools: false, jsonMode: false } }
  mini: { provider: oai, pricing: { input: 0.15, output: 0.6 }, contextWindow: 128000, maxOutputTokens: 16384, capabilities: { vision: true } }
  long: { provider: oai, pricing: { input: 0.5, output: 1.5 }, contextWindow: 1000000, maxOutputTokens: 8192 }
  big: { provider: oai, pricing: { input: 2.5, output: 10 }, contextWindow: 128000, maxOutputTokens: 16384, capabilities: { vision: true }, tier: advanced }
  embed: { provider: oai, kind: embedding, pricing: { input: 0.02, output: 0 } }
  claude: { provider: ant, pricing: { input: 0.8, output: 4 }, contextWindow: 200000, maxOutputTokens: 8192, tier: advanced }
aliases: { fast: nano, smart: big }
tenants:
  all: {}
  thrifty: { maxCostPerRequestUsd: 0.001 }
  no-nano: { models: { allow: ["*"], deny: [nano] }, aliases: { fast: mini } }
  broke: { maxCostPerRequestUsd: 0.000000001 }
`,
    'test.yaml',
  ),
);

const user = (text: string): object => ({ role: 'user', content: text });
const chat = (extra: object, text = 'Hello there'): [ParseableApiId, object] => ['openai.chat_completions', { model: 'auto', messages: [user(text)], ...extra }];
const tool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
const image = { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] };

function select(tenant: string, [api, body]: [ParseableApiId, object]): Selection {
  const parsed = parseRequest(api, Buffer.from(JSON.stringify(body)));
  if (!parsed.ok) throw new Error(`test body does not parse: ${parsed.error.message}`);
  const target = config.tenants.get(tenant);
  if (!target) throw new Error(`no tenant ${tenant}`);
  return selectModel(parsed.request, target, config, sameApiOnly);
}

describe('auto selection (the documented table)', () => {
  it.each<[string, string, [ParseableApiId, object], string, RegExp]>([
    ['short plain chat', 'all', chat({}), 'nano', /^auto: cheapest model that fits/],
    ['tools', 'all', chat({ tools: [tool] }), 'mini', /needs tools/],
    ['an image', 'all', ['openai.chat_completions', { model: 'auto', messages: [image] }], 'mini', /needs vision/],
    ['JSON mode', 'all', chat({ response_format: { type: 'json_object' } }), 'mini', /needs json/],
    ['output cap above nano\'s maximum', 'all', chat({ max_tokens: 4000 }), 'mini', /cheapest model that fits/],
    ['prompt beyond nano\'s context window (not yet complex)', 'all', chat({}, 'word '.repeat(1000)), 'mini', /~1250 prompt tokens/],
    ['reasoning keyword', 'all', chat({}, 'Explain step by step how tides work'), 'big', /complex \(keyword "step by step"\), cheapest advanced/],
    ['code block', 'all', chat({}, 'Why does this fail?\n```js\nlet x = 1;\n```'), 'big', /complex \(code block\)/],
    ['long prompt', 'all', chat({}, 'a'.repeat(40_000)), 'big', /complex \(prompt ~10000 tokens\)/],
    ['longer than any advanced window', 'all', chat({}, 'a'.repeat(600_000)), 'long', /no advanced model fits/],
    ['complex under a cost ceiling', 'thrifty', chat({}, 'Please debug my thinking'), 'nano', /no advanced model fits/],
    ['tenant denies the cheapest', 'no-nano', chat({}), 'mini', /cheapest model that fits/],
    ['embeddings', 'all', ['openai.embeddings', { model: 'auto', input: 'hello' }], 'embed', /cheapest model that fits/],
    ['Anthropic API (same-API serving)', 'all', ['anthropic.messages', { model: 'auto', max_tokens: 100, messages: [user('Hi')] }], 'claude', /cheapest model that fits/],
  ])('%s -> %s', (_name, tenant, request, expected, reason) => {
    const selection = select(tenant, request);
    expect(selection).toMatchObject({ ok: true, selectedBy: 'auto', model: { name: expected } });
    expect(selection.ok && selection.reason).toMatch(reason);
  });

  it('refuses when nothing fits, saying why per model', () => {
    const selection = select('broke', chat({}));
    expect(selection).toMatchObject({ ok: false, code: 'no_model_fits' });
    expect(!selection.ok && selection.reason).toContain('nano: over the cost ceiling');
  });
});

describe('explicit models and aliases', () => {
  it.each<[string, string, string, Partial<Selection>]>([
    ['explicit', 'all', 'mini', { ok: true, selectedBy: 'explicit', reason: 'explicit model mini' }],
    ['top-level alias', 'all', 'fast', { ok: true, selectedBy: 'alias', reason: 'alias fast -> nano' }],
    ['tenant alias wins', 'no-nano', 'fast', { ok: true, selectedBy: 'alias', reason: 'alias fast -> mini' }],
    ['unknown', 'all', 'gpt-9', { ok: false, code: 'model_not_found' }],
    ['denied model', 'no-nano', 'nano', { ok: false, code: 'model_not_allowed' }],
  ])('%s', (_name, tenant, model, expected) => {
    expect(select(tenant, chat({ model }))).toMatchObject(expected);
  });
});
