/**
 * Budgets through the whole path: the client sees OpenAI-style x-ratelimit headers, and once the
 * tenant's day budget is spent the SDK gets a 429 in the API's own shape; usage is settled with what
 * the provider reported.
 */
import OpenAI from 'openai';
import { TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.close();
});

it('counts down the day budget in x-ratelimit headers, then refuses with 429', async () => {
  const client = new OpenAI({ apiKey: TEST_KEYS.frugal, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
  const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }).withResponse();

  const first = await ask();
  expect(first.response.headers.get('x-ratelimit-limit-tokens')).toBe('200');
  const afterFirst = Number(first.response.headers.get('x-ratelimit-remaining-tokens'));
  expect(afterFirst).toBeLessThan(200);
  const audit = await auditOfLastRequest(gateway);
  expect(audit?.tokens).toMatchObject({ input: first.data.usage?.prompt_tokens, output: first.data.usage?.completion_tokens, source: 'provider' });

  let refused: unknown;
  // Settled at the provider's usage (about 10 tokens each), so about 20 requests fit in 200 tokens.
  for (let i = 0; i < 60 && !refused; i += 1) refused = await ask().then(() => undefined, (error: unknown) => error);
  expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  const error = refused as InstanceType<typeof OpenAI.RateLimitError>;
  expect(error.code).toBe('budget_exceeded');
  expect(error.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(error.headers.get('x-ratelimit-remaining-tokens')).toBeDefined();
});
