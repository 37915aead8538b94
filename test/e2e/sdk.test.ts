/**
 * End to end with the official SDKs, unchanged but for the base URL: openai, @anthropic-ai/sdk and
 * @google/genai -> test edge -> sidecar -> mock providers. Asserts what the SDK returned and what the
 * provider received: the client's key gone, the provider's key present, the right Host and cluster.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { PROVIDER_KEYS, TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.close();
});
beforeEach(() => {
  gateway.mocks.openai.clearRequests();
  gateway.mocks.anthropic.clearRequests();
  gateway.mocks.gemini.clearRequests();
  gateway.edge.clearRecords();
});

const openai = () => new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: gateway.edge.url, maxRetries: 0 });
const genai = () => new GoogleGenAI({ apiKey: TEST_KEYS.acme, httpOptions: { baseUrl: gateway.edge.url } });

/** What the provider saw must carry its own key and never the client's. */
function expectProviderCredential(headers: Record<string, string | string[] | undefined>, expected: Record<string, string>): void {
  for (const [name, value] of Object.entries(expected)) expect(headers[name]).toBe(value);
  expect(JSON.stringify(headers)).not.toContain(TEST_KEYS.acme);
}

const lastAudit = () => auditOfLastRequest(gateway);

describe('openai SDK', () => {
  it('chat.completions.create', async () => {
    const completion = await openai().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.choices[0]?.message.content).toBe('mock-openai reply to: Hello there');
    const [received] = gateway.mocks.openai.requests();
    expect(received?.path).toBe('/v1/chat/completions');
    expectProviderCredential(received?.headers ?? {}, { authorization: `Bearer ${PROVIDER_KEYS.openai}` });
    expect(received?.headers.host).toBe('api.openai.local');
    expect(received?.headers['accept-encoding']).toBe('identity');
    const record = gateway.edge.lastRecord();
    expect(record?.route.final?.cluster).toBe('openai');
    expect(record?.route.reselected).toBe(true);
    // Dynamic metadata reached Envoy intact (R7), for its access log and rate limits.
    expect(record?.dynamicMetadata.kept.llmgw).toMatchObject({ tenant: 'acme', model: 'gpt-4o-mini', provider: 'openai', api: 'openai.chat_completions' });
    expect(await lastAudit()).toMatchObject({
      tenant: 'acme',
      keyId: 'acme-key',
      api: 'openai.chat_completions',
      modelServed: 'gpt-4o-mini',
      provider: 'openai',
      outcome: 'completed',
      status: 200,
      tokens: { input: completion.usage?.prompt_tokens, output: completion.usage?.completion_tokens, source: 'provider' },
      clientAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown as string,
    });
  });

  it('chat.completions.create with stream: true, SSE split at awkward places', async () => {
    const stream = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream me' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('mock-openai reply to: Stream me');
    expect(gateway.edge.lastRecord()?.modeOverrides.some((m) => m.outcome === 'accepted' && m.requested.response_body_mode === 'STREAMED')).toBe(true);
    expect(await lastAudit()).toMatchObject({ stream: true, tokens: { output: usage?.completion_tokens, source: 'provider' } });
  });

  it('responses.create', async () => {
    const response = await openai().responses.create({ model: 'gpt-4o-mini', input: 'Say hi' });
    expect(response.output_text).toBe('mock-openai reply to: Say hi');
    expect(await lastAudit()).toMatchObject({ api: 'openai.responses', tokens: { input: response.usage?.input_tokens } });
  });

  it('embeddings.create', async () => {
    const embedding = await openai().embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    expect(embedding.data).toHaveLength(2);
    expect(embedding.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(await lastAudit()).toMatchObject({ api: 'openai.embeddings', tokens: { input: embedding.usage.prompt_tokens } });
  });

  it('models.list shows only what the tenant may use', async () => {
    const models: string[] = [];
    for await (const model of (await new OpenAI({ apiKey: TEST_KEYS.globex, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 }).models.list())) {
      models.push(model.id);
    }
    expect(models).toEqual(['gpt-4o-mini']);
    expect(gateway.mocks.openai.requests()).toHaveLength(0);
  });
});

describe('@anthropic-ai/sdk', () => {
  it('messages.create', async () => {
    const message = await anthropic().messages.create({ model: 'claude-haiku', max_tokens: 64, messages: [{ role: 'user', content: 'Hi Claude' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'mock-anthropic reply to: Hi Claude' });
    const [received] = gateway.mocks.anthropic.requests();
    expectProviderCredential(received?.headers ?? {}, { 'x-api-key': PROVIDER_KEYS.anthropic });
    expect(received?.headers.authorization).toBeUndefined();
    expect(received?.headers.host).toBe('api.anthropic.local');
    expect((received?.json as { model?: string }).model).toBe('claude-3-5-haiku-20241022');
    // The SDK's own anthropic-version goes through; the configured one only fills in when it is missing.
    const sentBySdk = gateway.edge.lastRecord()?.requestHeaders.find(([name]) => name === 'anthropic-version')?.[1];
    expect(sentBySdk).toBeDefined();
    expect(received?.headers['anthropic-version']).toBe(sentBySdk);
    expect(await lastAudit()).toMatchObject({ modelRequested: 'claude-haiku', modelServed: 'claude-3-5-haiku-20241022', provider: 'anthropic' });
  });

  it('messages.create with stream: true', async () => {
    const stream = await anthropic().messages.create({ model: 'claude-haiku', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Stream it' }] });
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    expect(text).toBe('mock-anthropic reply to: Stream it');
  });

  it('messages.stream().finalMessage()', async () => {
    const message = await anthropic().messages.stream({ model: 'claude-haiku', max_tokens: 64, messages: [{ role: 'user', content: 'Final please' }] }).finalMessage();
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'mock-anthropic reply to: Final please' });
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(await lastAudit()).toMatchObject({ stream: true, tokens: { output: message.usage.output_tokens, source: 'provider' } });
  });
});

describe('@google/genai', () => {
  it('models.generateContent', async () => {
    const response = await genai().models.generateContent({ model: 'gemini-flash', contents: 'Hello Gemini' });
    expect(response.text).toBe('mock-gemini reply to: Hello Gemini');
    const [received] = gateway.mocks.gemini.requests();
    expect(received?.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expectProviderCredential(received?.headers ?? {}, { 'x-goog-api-key': PROVIDER_KEYS.gemini });
    expect(received?.headers.host).toBe('generativelanguage.googleapis.local');
    expect(await lastAudit()).toMatchObject({ api: 'gemini.generate_content', modelServed: 'gemini-2.0-flash', tokens: { source: 'provider' } });
  });

  it('models.generateContentStream', async () => {
    let text = '';
    for await (const chunk of await genai().models.generateContentStream({ model: 'gemini-flash', contents: 'Stream Gemini' })) text += chunk.text ?? '';
    expect(text).toBe('mock-gemini reply to: Stream Gemini');
    expect(gateway.mocks.gemini.requests()[0]?.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent');
    expect(await lastAudit()).toMatchObject({ api: 'gemini.stream_generate_content', stream: true, tokens: { source: 'provider' } });
  });
});
