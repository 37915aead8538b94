/**
 * The response cache end to end: official SDKs -> test edge -> sidecar -> mock providers. A hit never
 * reaches the provider, replays in the client's own format (JSON or SSE the SDK stream helpers parse),
 * says so in a header and in the audit record; answers never cross tenants, nor users when the scope is
 * per user; near misses and answers that must not be kept go to the provider.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { createHash } from 'node:crypto';
import { TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

const ADMIN_TOKEN = 'admin-token-for-cache-tests';
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const openai = (gateway: Gateway, key: string = TEST_KEYS.acme) => new OpenAI({ apiKey: key, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
const anthropic = (gateway: Gateway) => new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: gateway.edge.url, maxRetries: 0 });

function ask(content: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'system', content: 'You are the Acme support desk.' }, { role: 'user', content }], ...extra };
}

/** The store runs when the exchange ends, a moment after the client has its answer. */
async function settled(gateway: Gateway): Promise<void> {
  await auditOfLastRequest(gateway);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('tenant scope, semantic mode', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    process.env.LLMGW_CACHE_TEST_ADMIN_TOKEN = ADMIN_TOKEN;
    gateway = await startGateway({
      admin: { host: '127.0.0.1', port: 0, token: { env: 'LLMGW_CACHE_TEST_ADMIN_TOKEN' } },
      cache: { defaults: { enabled: true, mode: 'semantic' } },
    });
  });
  afterAll(async () => {
    await gateway.close();
  });
  beforeEach(() => {
    gateway.mocks.openai.clearRequests();
    gateway.mocks.anthropic.clearRequests();
    gateway.mocks.gemini.clearRequests();
  });

  it('answers a repeated request from the cache, with the header and the audit saying so', async () => {
    const first = await openai(gateway).chat.completions.create(ask('How do I reset my password?')).withResponse();
    expect(first.response.headers.get('x-llmgw-cache')).toBe('miss');
    await settled(gateway);
    const second = await openai(gateway).chat.completions.create(ask('How do I reset my password?')).withResponse();
    expect(second.response.headers.get('x-llmgw-cache')).toBe('hit');
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(second.data.id).not.toBe(first.data.id);
    expect(gateway.mocks.openai.requests()).toHaveLength(1);
    expect(await auditOfLastRequest(gateway)).toMatchObject({ status: 200, outcome: 'completed', modelServed: 'gpt-4o-mini', cache: { result: 'hit', how: 'exact' }, tokens: { source: 'none' }, costUsd: 0 });
  });

  it('serves a paraphrase semantically, but never a near miss with another order number', async () => {
    await openai(gateway).chat.completions.create(ask('Can I get a refund for order 1234?'));
    await settled(gateway);
    const paraphrase = await openai(gateway).chat.completions.create(ask('Could I please get a refund for my order 1234')).withResponse();
    expect(paraphrase.response.headers.get('x-llmgw-cache')).toBe('hit');
    expect(paraphrase.data.choices[0]?.message.content).toContain('refund for order 1234');
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'hit', how: 'semantic' });
    const nearMiss = await openai(gateway).chat.completions.create(ask('Can I get a refund for order 1243?')).withResponse();
    expect(nearMiss.response.headers.get('x-llmgw-cache')).toBe('miss');
    expect(nearMiss.data.choices[0]?.message.content).toContain('order 1243');
    expect(gateway.mocks.openai.requests()).toHaveLength(2);
  });

  it('replays a hit as an SSE stream the openai SDK stream helper parses', async () => {
    const stored = await openai(gateway).chat.completions.create(ask('What are your support hours?'));
    await settled(gateway);
    const runner = openai(gateway).chat.completions.stream({ ...ask('What are your support hours?'), stream: true, stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(stored.choices[0]?.message.content);
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage?.completion_tokens).toBe(stored.usage?.completion_tokens);
    expect(gateway.mocks.openai.requests()).toHaveLength(1);
    expect(await auditOfLastRequest(gateway)).toMatchObject({ stream: true, cache: { result: 'hit' } });
  });

  it('stores a streamed answer reassembled from the stream and replays it as JSON', async () => {
    const stream = await openai(gateway).chat.completions.create({ ...ask('Where can I download my invoices?'), stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    await settled(gateway);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'miss', stored: true });
    const replayed = await openai(gateway).chat.completions.create(ask('Where can I download my invoices?'));
    expect(replayed.choices[0]?.message.content).toBe(text);
    expect(gateway.mocks.openai.requests()).toHaveLength(1);
  });

  it('replays a hit as an SSE stream the anthropic SDK stream helper parses', async () => {
    const params = { model: 'claude-haiku', max_tokens: 64, temperature: 0, messages: [{ role: 'user' as const, content: 'How long does shipping take?' }] };
    const stored = await anthropic(gateway).messages.create(params);
    await settled(gateway);
    const final = await anthropic(gateway).messages.stream(params).finalMessage();
    expect(final.content).toEqual(stored.content);
    expect(final.stop_reason).toBe('end_turn');
    expect(gateway.mocks.anthropic.requests()).toHaveLength(1);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'hit' });
  });

  it('replays a hit as the Gemini SSE stream @google/genai reads', async () => {
    const client = new GoogleGenAI({ apiKey: TEST_KEYS.acme, httpOptions: { baseUrl: gateway.edge.url } });
    const params = { model: 'gemini-flash', contents: 'Can I change my delivery address?', config: { temperature: 0 } };
    const stored = await client.models.generateContent(params);
    await settled(gateway);
    let text = '';
    for await (const chunk of await client.models.generateContentStream(params)) text += chunk.text ?? '';
    expect(text).toBe(stored.text);
    expect(gateway.mocks.gemini.requests()).toHaveLength(1);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'hit' });
  });

  it("never serves one tenant's answer to another", async () => {
    await openai(gateway).chat.completions.create(ask('What is the price of the team plan?'));
    await settled(gateway);
    const other = await openai(gateway, TEST_KEYS.globex).chat.completions.create(ask('What is the price of the team plan?')).withResponse();
    expect(other.response.headers.get('x-llmgw-cache')).toBe('miss');
    expect(gateway.mocks.openai.requests()).toHaveLength(2);
  });

  it('does not keep errors, streams that failed midway, or high-temperature answers', async () => {
    gateway.mocks.openai.queueFaults('status=500');
    await expect(openai(gateway).chat.completions.create(ask('Is the API down right now?'))).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await settled(gateway);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'miss', stored: false, reason: 'status' });

    gateway.mocks.openai.queueFaults('sse-error-after=2');
    const broken = await openai(gateway).chat.completions.create({ ...ask('Tell me about the data export'), stream: true });
    await expect((async () => {
      for await (const chunk of broken) void chunk;
    })()).rejects.toThrow();
    await settled(gateway);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'miss', stored: false });

    await openai(gateway).chat.completions.create(ask('Write me a poem about refunds', { temperature: 0.9 }));
    await settled(gateway);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'skip', reason: 'temperature' });

    await openai(gateway).chat.completions.create(ask('Is the API down right now?'));
    await openai(gateway).chat.completions.create(ask('Tell me about the data export'));
    await openai(gateway).chat.completions.create(ask('Write me a poem about refunds', { temperature: 0.9 }));
    // Every one of them went to the provider again.
    expect(gateway.mocks.openai.requests()).toHaveLength(6);
  });

  it('purges a tenant through the admin API', async () => {
    await openai(gateway).chat.completions.create(ask('Do you ship to Canada?'));
    await settled(gateway);
    const url = `${gateway.sidecar.adminUrl}/admin/v1/tenants/acme/cache`;
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(401);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await fetch(url, { headers: auth })).status).toBe(405);
    expect((await fetch(`${gateway.sidecar.adminUrl}/admin/v1/tenants/initech/cache`, { method: 'DELETE', headers: auth })).status).toBe(404);
    const purged = await fetch(url, { method: 'DELETE', headers: auth });
    expect(purged.status).toBe(200);
    const body = (await purged.json()) as { tenant: string; removed: number };
    expect(body.tenant).toBe('acme');
    expect(body.removed).toBeGreaterThan(0);
    const after = await openai(gateway).chat.completions.create(ask('Do you ship to Canada?')).withResponse();
    expect(after.response.headers.get('x-llmgw-cache')).toBe('miss');
  });
});

describe('budget on a hit', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    // frugal: 200 tokens a day. acme keeps the default (a hit costs nothing); frugal pays the replayed usage.
    gateway = await startGateway({
      cache: { defaults: { enabled: true }, tenants: { frugal: { chargeOnHit: 'usage' } } },
      tenants: {
        acme: { apiKeys: [{ id: 'acme-key', sha256: sha256(TEST_KEYS.acme) }], budget: { tenant: { tokensPerDay: 100_000 } } },
        frugal: { apiKeys: [{ id: 'frugal-key', sha256: sha256(TEST_KEYS.frugal) }], budget: { defaultMaxOutputTokens: 64, tenant: { tokensPerDay: 100_000 } } },
      },
    });
  });
  afterAll(async () => {
    await gateway.close();
  });
  const used = async (tenant: string): Promise<number> => {
    const budget = gateway.sidecar.app.config.tenants.get(tenant)?.budget;
    if (!budget) throw new Error('no tenant');
    const [limit] = await gateway.sidecar.app.budgets.usage(budget);
    return limit?.used ?? -1;
  };

  it.each([
    ['acme', 'nothing by default', false],
    ['frugal', 'the replayed usage when the tenant says so', true],
  ])('%s: a hit costs %s', async (tenant, _what, charged) => {
    const key = tenant === 'acme' ? TEST_KEYS.acme : TEST_KEYS.frugal;
    const first = await openai(gateway, key).chat.completions.create(ask('How much is express delivery?'));
    await settled(gateway);
    const afterMiss = await used(tenant);
    expect(afterMiss).toBe((first.usage?.prompt_tokens ?? 0) + (first.usage?.completion_tokens ?? 0));
    const hit = await openai(gateway, key).chat.completions.create(ask('How much is express delivery?')).withResponse();
    expect(hit.response.headers.get('x-llmgw-cache')).toBe('hit');
    await settled(gateway);
    expect(await used(tenant)).toBe(charged ? afterMiss * 2 : afterMiss);
  });
});

describe('flagged requests', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway({
      cache: { defaults: { enabled: true, mode: 'exact' } },
      guards: { input: [{ id: 'pii', action: 'flag' }] },
    });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('never keeps the answer to a request an input guard flagged', async () => {
    const request = ask('My email is jane.doe@example.com, why was I charged twice?');
    await openai(gateway).chat.completions.create(request);
    await settled(gateway);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'miss', stored: false, reason: 'findings' });
    await openai(gateway).chat.completions.create(request);
    expect(gateway.mocks.openai.requests()).toHaveLength(2);
  });
});

describe('per-user scope', () => {
  let gateway: Gateway;
  let claims: { tenant: string; sub: string } | undefined;
  beforeAll(async () => {
    gateway = await startGateway(
      { auth: { jwt: { tenantClaim: 'tenant', userClaim: 'sub' } }, cache: { defaults: { enabled: true, mode: 'semantic' }, tenants: { acme: { scope: 'user' } } } },
      { dynamicMetadata: () => (claims ? { 'envoy.filters.http.jwt_authn': { jwt_payload: claims } } : undefined) },
    );
  });
  afterAll(async () => {
    await gateway.close();
  });
  const client = () => new OpenAI({ apiKey: 'eyJhbGciOiJSUzI1NiJ9.e30.signature', baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });

  it("never serves one user's answer to another user of the same tenant", async () => {
    claims = { tenant: 'acme', sub: 'alice' };
    await client().chat.completions.create(ask('What is my account balance?'));
    await settled(gateway);
    const again = await client().chat.completions.create(ask('What is my account balance?')).withResponse();
    expect(again.response.headers.get('x-llmgw-cache')).toBe('hit');

    claims = { tenant: 'acme', sub: 'bob' };
    const bob = await client().chat.completions.create(ask('What is my account balance?')).withResponse();
    expect(bob.response.headers.get('x-llmgw-cache')).toBe('miss');
    expect(gateway.mocks.openai.requests()).toHaveLength(2);
    expect(await auditOfLastRequest(gateway)).toMatchObject({ user: 'bob', cache: { result: 'miss' } });
  });

  it('without a user the per-user cache is skipped (never shared by accident)', async () => {
    claims = undefined;
    await openai(gateway).chat.completions.create(ask('What is my account balance?'));
    await settled(gateway);
    expect((await auditOfLastRequest(gateway))?.cache).toMatchObject({ result: 'skip', reason: 'scope' });
  });
});
