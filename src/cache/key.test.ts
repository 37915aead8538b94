import { parseRequest, type CanonicalRequest, type ParseableApiId } from '../llm';
import { cachePolicySchema, compileCachePolicies, type TenantCachePolicy } from './config';
import { cacheKeys } from './key';

function policy(overrides: object = {}): TenantCachePolicy {
  const defaults = cachePolicySchema.parse({ enabled: true, mode: 'semantic', ...overrides });
  return compileCachePolicies({ defaults, tenants: {}, maxEntryBytes: 1 << 20 }, { tenantIds: new Set(['t']), resolve: (f) => f, problem: () => undefined }).get('t') as TenantCachePolicy;
}

function chat(body: object, api: ParseableApiId = 'openai.chat_completions'): CanonicalRequest {
  const parsed = parseRequest(api, Buffer.from(JSON.stringify(body)));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.request;
}

const base = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'How do I reset my password?' }] };
const caller = { tenant: 'acme', keyId: 'k1', user: 'alice' };
const keysOf = (body: object, p = policy(), who: typeof caller | { tenant: string } = caller) => {
  const result = cacheKeys(chat(body), 'gpt-4o-mini', who, p);
  if (!result.ok) throw new Error(result.reason);
  return result.keys;
};

describe('what may be cached', () => {
  it.each([
    ['a temperature above the policy', { ...base, temperature: 0.7 }, policy(), 'temperature'],
    ['no temperature, by default', { ...base, temperature: undefined }, policy(), 'temperature'],
    ['several choices', { ...base, n: 2 }, policy(), 'n'],
    ['tools', { ...base, tools: [{ type: 'function', function: { name: 'lookup', parameters: {} } }] }, policy(), 'tools'],
    ['logprobs', { ...base, logprobs: true }, policy(), 'unreplayable'],
    ['per-user scope without a user', base, policy({ scope: 'user' }), 'scope'],
  ])('not %s', (_name, body, p, reason) => {
    const who = reason === 'scope' ? { tenant: 'acme' } : caller;
    expect(cacheKeys(chat(body), 'gpt-4o-mini', who, p)).toEqual({ ok: false, reason });
  });

  it('no temperature when the policy says so, and tools when allowed', () => {
    expect(cacheKeys(chat({ ...base, temperature: undefined }), 'gpt-4o-mini', caller, policy({ unsetTemperature: 'cacheable' })).ok).toBe(true);
    expect(cacheKeys(chat({ ...base, tools: [{ type: 'function', function: { name: 'x', parameters: {} } }] }), 'gpt-4o-mini', caller, policy({ tools: true })).ok).toBe(true);
  });

  it('not the Responses or embeddings APIs (no replay for them)', () => {
    expect(cacheKeys(chat({ model: 'm', input: 'hi', temperature: 0 }, 'openai.responses'), 'm', caller, policy())).toEqual({ ok: false, reason: 'api' });
  });
});

describe('exact key', () => {
  const key = keysOf(base).exact;
  it('ignores key order, streaming and bookkeeping fields', () => {
    expect(keysOf({ messages: base.messages, temperature: 0, model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, user: 'x', metadata: { a: '1' } }).exact).toBe(key);
  });
  it.each([
    ['the question', { ...base, messages: [base.messages[0], { role: 'user', content: 'How do I reset my PIN?' }] }],
    ['the system prompt', { ...base, messages: [{ role: 'system', content: 'Be verbose.' }, base.messages[1]] }],
    ['a parameter', { ...base, max_tokens: 20 }],
    ['the seed', { ...base, seed: 7 }],
  ])('changes with %s', (_name, body) => {
    expect(keysOf(body).exact).not.toBe(key);
  });
  it('changes with the served model and the scope', () => {
    const other = cacheKeys(chat(base), 'gpt-4o', caller, policy());
    expect(other.ok && other.keys.exact).not.toBe(key);
    expect(keysOf(base, policy({ scope: 'user' })).exact).not.toBe(keysOf(base, policy({ scope: 'user' }), { ...caller, user: 'bob' }).exact);
    expect(keysOf(base, policy({ scope: 'key' })).exact).not.toBe(keysOf(base, policy({ scope: 'key' }), { ...caller, keyId: 'k2' }).exact);
  });
});

describe('semantic parts', () => {
  it('the question is the final user turn; the context covers everything else', () => {
    const a = keysOf(base).semantic;
    const b = keysOf({ ...base, messages: [base.messages[0], { role: 'user', content: 'I forgot my password' }] }).semantic;
    expect(a?.question).toBe('How do I reset my password?');
    expect(a?.context).toBe(b?.context);
    const otherSystem = keysOf({ ...base, messages: [{ role: 'system', content: 'Answer in French.' }, base.messages[1]] }).semantic;
    expect(otherSystem?.context).not.toBe(a?.context);
    expect(keysOf({ ...base, temperature: 0.1 }).semantic?.context).not.toBe(a?.context);
  });

  it('none for a long final turn (exact cache only)', () => {
    expect(keysOf({ ...base, messages: [{ role: 'user', content: 'word '.repeat(500) }] }).semantic).toBeUndefined();
  });

  it('none when the conversation does not end with plain user text', () => {
    expect(keysOf({ ...base, messages: [...base.messages, { role: 'assistant', content: 'Sure.' }] }).semantic).toBeUndefined();
    expect(keysOf({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }).semantic).toBeUndefined();
  });
});
