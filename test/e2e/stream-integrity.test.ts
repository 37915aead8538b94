/**
 * The sidecar reads streamed responses without changing them: with the provider splitting its SSE
 * writes down to single bytes, every chunk goes through ext_proc one message at a time (B3) and the
 * client receives exactly the bytes the provider sent, in order.
 */
import { TEST_KEYS } from '../support/sidecar';
import { startGateway, type Gateway } from './harness';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.close();
});

it.each([
  ['OpenAI chat', '/v1/chat/completions', { authorization: `Bearer ${TEST_KEYS.acme}` }, { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'byte by byte' }] }],
  ['Anthropic messages', '/v1/messages', { 'x-api-key': TEST_KEYS.acme, 'anthropic-version': '2023-06-01' }, { model: 'claude-haiku', max_tokens: 32, stream: true, messages: [{ role: 'user', content: 'byte by byte' }] }],
  ['Gemini', '/v1beta/models/gemini-flash:streamGenerateContent?alt=sse', { 'x-goog-api-key': TEST_KEYS.acme }, { contents: [{ parts: [{ text: 'byte by byte' }] }] }],
])('%s: the client gets the provider bytes unchanged, chunk by chunk', async (_name, path, auth, body) => {
  gateway.edge.clearRecords();
  const response = await fetch(`${gateway.edge.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'x-mock-chunking': 'bytes' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const received = Buffer.from(await response.arrayBuffer());
  await gateway.edge.settled();
  const record = gateway.edge.lastRecord();
  const chunks = (record?.processor.sent ?? []).filter((m) => m.kind === 'response_body').map((m) => Buffer.from(m.message.response_body?.body ?? []));
  expect(chunks.length).toBeGreaterThan(20);
  expect(Buffer.concat(chunks).equals(received)).toBe(true);
  // Exactly one answer per chunk, none replacing it.
  const answers = (record?.processor.received ?? []).filter((m) => m.kind === 'response_body');
  expect(answers).toHaveLength(chunks.length);
  expect(answers.every((m) => m.message.response_body?.response?.body_mutation === undefined)).toBe(true);
  expect(received.toString()).toContain('mock-');
});
