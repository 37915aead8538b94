/**
 * Aliases and `auto` end to end with the official SDKs: the provider receives the chosen model's id (in
 * the body, or in the path for Gemini), and the audit record says how it was chosen.
 */
import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import { TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({ aliases: { fast: 'gpt-4o-mini' } });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.mocks.openai.clearRequests();
  gateway.mocks.gemini.clearRequests();
});

const openai = (key: string = TEST_KEYS.acme): OpenAI => new OpenAI({ apiKey: key, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });

describe('model selection through the gateway', () => {
  it('an alias reaches the provider as the model it names', async () => {
    await openai().chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hello there' }] });
    expect((gateway.mocks.openai.requests()[0]?.json as { model?: string }).model).toBe('gpt-4o-mini');
    expect(await auditOfLastRequest(gateway)).toMatchObject({ modelRequested: 'fast', route: { selectedBy: 'alias', model: 'gpt-4o-mini', reason: 'alias fast -> gpt-4o-mini' } });
    expect(gateway.edge.lastRecord()?.dynamicMetadata.kept.llmgw).toMatchObject({ route_selected_by: 'alias', route_reason: 'alias fast -> gpt-4o-mini' });
  });

  it('auto picks the cheapest model that fits, across APIs through translation (OpenAI client, Gemini model)', async () => {
    const completion = await openai().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.choices[0]?.message.content).toContain('Hello there');
    expect(gateway.mocks.openai.requests()).toHaveLength(0);
    expect(gateway.mocks.gemini.requests()[0]?.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    const record = await auditOfLastRequest(gateway);
    expect(record).toMatchObject({ modelRequested: 'auto', modelServed: 'gemini-2.0-flash', route: { selectedBy: 'auto', model: 'gemini-flash' } });
    expect(record?.route?.reason).toMatch(/^auto: cheapest model that fits/);
  });

  it('auto for a tenant limited to gpt-* picks among the models it may use', async () => {
    await openai(TEST_KEYS.globex).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there' }] });
    expect((gateway.mocks.openai.requests()[0]?.json as { model?: string }).model).toBe('gpt-4o-mini');
  });

  it('auto on the Gemini API: the model in the path is rewritten', async () => {
    const genai = new GoogleGenAI({ apiKey: TEST_KEYS.acme, httpOptions: { baseUrl: gateway.edge.url } });
    await genai.models.generateContent({ model: 'auto', contents: 'Hello there' });
    expect(gateway.mocks.gemini.requests()[0]?.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(await auditOfLastRequest(gateway)).toMatchObject({ route: { selectedBy: 'auto', model: 'gemini-flash' } });
  });

  it('a tenant that may not use the aliased model gets 403 in the API\'s shape', async () => {
    // globex may use gpt-* only: the alias is allowed, a Gemini model is not.
    await expect(openai(TEST_KEYS.globex).chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 403,
      error: { code: 'model_not_allowed' },
    });
  });
});
