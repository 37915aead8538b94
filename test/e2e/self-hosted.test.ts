/**
 * A self-hosted OpenAI-compatible server (vLLM, Ollama's /v1) as a provider: `api: openai`,
 * `auth: none`, `pathPrefix` for a server mounted under a path. The mock OpenAI server here answers
 * only under /ollama and accepts no credential at all; clients of every SDK reach it, the OpenAI one
 * as it is, the others through translation, and no client key ever reaches it. Ollama reads only
 * max_tokens (`maxTokensField: max_tokens`), so a translated cap must arrive there.
 */
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { startEdge, type Edge } from '../support/edge/edge';
import { startMockProvider } from '../support/providers';
import type { MockProviderHandle } from '../support/providers';
import { startTestSidecar, TEST_KEYS, type TestSidecar } from '../support/sidecar';

let selfHosted: MockProviderHandle;
let sidecar: TestSidecar;
let edge: Edge;

beforeAll(async () => {
  selfHosted = await startMockProvider({ flavor: 'openai', pathPrefix: '/ollama' });
  sidecar = await startTestSidecar({
    providers: { ollama: { api: 'openai', cluster: 'openai', auth: 'none', pathPrefix: '/ollama', maxTokensField: 'max_tokens' } },
    models: { llama3: { provider: 'ollama', upstreamModel: 'llama3.1:8b', maxOutputTokens: 2048, pricing: { input: 0, output: 0 } } },
  });
  // The shipped local Envoy config has an `openai` cluster; here it points at the self-hosted server.
  edge = await startEdge({ extProc: { address: sidecar.grpcAddress }, upstreams: { openai: selfHosted.url } });
});
afterAll(async () => {
  await edge.close();
  await sidecar.app.close();
  await selfHosted.close();
});
beforeEach(() => selfHosted.clearRequests());

function expectNoCredential(): void {
  const [received] = selfHosted.requests();
  expect(received?.headers.authorization).toBeUndefined();
  expect(received?.headers['x-api-key']).toBeUndefined();
  expect(received?.headers['x-goog-api-key']).toBeUndefined();
  expect(JSON.stringify(received?.headers)).not.toContain(TEST_KEYS.acme);
}

it('openai SDK: the path carries the prefix, the body the server model id, no credential is sent', async () => {
  const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${edge.url}/v1`, maxRetries: 0 });
  const completion = await client.chat.completions.create({ model: 'llama3', messages: [{ role: 'user', content: 'Hello llama' }] });
  expect(completion.choices[0]?.message.content).toBe('mock-openai reply to: Hello llama');
  const [received] = selfHosted.requests();
  expect(received?.path).toBe('/ollama/v1/chat/completions');
  expect((received?.json as { model?: string }).model).toBe('llama3.1:8b');
  expectNoCredential();
});

it('@anthropic-ai/sdk: finalMessage() through translation to the self-hosted server', async () => {
  const client = new Anthropic({ apiKey: TEST_KEYS.acme, baseURL: edge.url, maxRetries: 0 });
  const message = await client.messages.stream({ model: 'llama3', max_tokens: 100, messages: [{ role: 'user', content: 'Hello from Claude SDK' }] }).finalMessage();
  expect(message.content).toEqual([{ type: 'text', text: 'mock-openai reply to: Hello from Claude SDK' }]);
  expect(message.model).toBe('llama3');
  const [received] = selfHosted.requests();
  expect(received?.path).toBe('/ollama/v1/chat/completions');
  expect(received?.json).toMatchObject({ model: 'llama3.1:8b', stream: true, stream_options: { include_usage: true }, max_tokens: 100 });
  expect(received?.json).not.toHaveProperty('max_completion_tokens');
  expectNoCredential();
});

it('@google/genai: generateContent through translation to the self-hosted server', async () => {
  const client = new GoogleGenAI({ apiKey: TEST_KEYS.acme, httpOptions: { baseUrl: edge.url } });
  const response = await client.models.generateContent({ model: 'llama3', contents: 'Hello from Gemini SDK' });
  expect(response.text).toBe('mock-openai reply to: Hello from Gemini SDK');
  expect(selfHosted.requests()[0]?.path).toBe('/ollama/v1/chat/completions');
  expectNoCredential();
});
