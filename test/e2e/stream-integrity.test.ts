/**
 * The sidecar reads streamed responses without changing them: with the provider splitting its SSE
 * writes down to single bytes, every chunk goes through ext_proc one message at a time (B3) and the
 * client receives exactly the bytes the provider sent, in order.
 */
import { TEST_KEYS } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.close();
});

it.each([
  // include_usage asked by the client: the gateway has nothing to take out (see the test below otherwise).
  ['OpenAI chat', '/v1/chat/completions', { authorization: `Bearer ${TEST_KEYS.acme}` }, { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'byte by byte' }] }],
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

it('OpenAI chat without include_usage: usage is asked upstream and taken out again, split at single bytes', async () => {
  gateway.edge.clearRecords();
  const response = await fetch(`${gateway.edge.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEYS.acme}`, 'content-type': 'application/json', 'x-mock-chunking': 'bytes' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'no usage please' }] }),
  });
  const received = Buffer.from(await response.arrayBuffer()).toString('utf8');
  await gateway.edge.settled();
  const record = gateway.edge.lastRecord();
  // Upstream was asked for usage...
  expect(JSON.parse(record?.upstream?.body.toString() ?? '{}')).toMatchObject({ stream_options: { include_usage: true } });
  // ...and the client sees a stream exactly as OpenAI sends it without include_usage.
  const events = received.split('\n\n').filter((event) => event.length > 0);
  expect(events.at(-1)).toBe('data: [DONE]');
  const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)) as Record<string, unknown>);
  expect(chunks.length).toBeGreaterThan(2);
  expect(chunks.every((chunk) => !('usage' in chunk) && Array.isArray(chunk.choices) && chunk.choices.length > 0)).toBe(true);
  // One answer per upstream chunk, still (B3).
  const sent = (record?.processor.sent ?? []).filter((m) => m.kind === 'response_body').length;
  expect((record?.processor.received ?? []).filter((m) => m.kind === 'response_body')).toHaveLength(sent);
  // The budget and audit still got the provider's usage.
  const audit = await auditOfLastRequest(gateway);
  expect(audit?.tokens).toMatchObject({ source: 'provider' });
  expect(audit?.tokens.output).toBeGreaterThan(0);
});
