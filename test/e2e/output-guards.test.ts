/**
 * Output guards and redaction through the whole path (official SDK -> test edge -> sidecar -> mock
 * provider): a provider streams an email address and an API key cut into single-byte chunks, and the
 * client never receives either while its SDK finishes normally; a tenant that blocks secrets gets the
 * documented in-band error (the SDK's APIError, code output_blocked) and nothing after it; a reversible
 * placeholder sent upstream comes back restored to the exact original.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { TEST_KEYS, testGatewayConfig } from '../support/sidecar';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

const EMAIL = 'jane.doe@example.com';
const API_KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd';
const LEAKY_REPLY = `Sure. Write to ${EMAIL} and authenticate with ${API_KEY} when you call the service. Anything else?`;
const LEAK_HEADERS = { 'x-mock-reply': LEAKY_REPLY, 'x-mock-chunking': 'bytes' };

let gateway: Gateway;
beforeAll(async () => {
  const base = testGatewayConfig(mkdtempSync(path.join(tmpdir(), 'llmgw-output-')));
  const tenants = base.tenants ?? {};
  gateway = await startGateway({
    // An OpenAI-API model served by Anthropic: output stages run after translation, on the client's API.
    models: { ...base.models, 'served-by-anthropic': { provider: 'anthropic', upstreamModel: 'claude-3-5-haiku-20241022', pricing: { input: 1, output: 1 } } },
    tenants: {
      ...tenants,
      // acme: leaks are masked, contact details go upstream as reversible placeholders.
      acme: { ...tenants.acme, guards: { output: [{ id: 'output.pii' }], holdBackChars: 64 }, redaction: { actions: { EMAIL_ADDRESS: 'reversible', 'secret.*': 'mask', CREDIT_CARD: 'block' } } },
      // globex: a secret in a response stops it.
      globex: { ...tenants.globex, models: { allow: ['*'], deny: [] }, maxRequestBytes: 65536, guards: { output: [{ id: 'output.pii', params: { actions: { 'secret.*': 'block' } } }] } },
    },
  });
});
afterAll(async () => {
  await gateway.close();
});

const openai = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
async function settledRecord() {
  await gateway.edge.settled();
  return gateway.edge.lastRecord();
}
const genai = (key: string) => new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: gateway.edge.url, headers: LEAK_HEADERS } });
const anthropic = (key: string) => new Anthropic({ apiKey: key, baseURL: gateway.edge.url, maxRetries: 0 });

describe('a leak split across single-byte chunks is masked before any of it reaches the client', () => {
  it('OpenAI chat (SDK stream)', async () => {
    const stream = await openai(TEST_KEYS.acme).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { headers: LEAK_HEADERS });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Sure. Write to [REDACTED] and authenticate with [REDACTED] when you call the service. Anything else?');
    const received = (await settledRecord())?.response.body.toString() ?? '';
    expect(received).not.toContain('jane');
    expect(received).not.toContain('AbCdEf');
    const audit = await auditOfLastRequest(gateway);
    expect(audit?.findings).toEqual(expect.arrayContaining([expect.objectContaining({ detector: 'output.pii', type: 'EMAIL_ADDRESS', channel: 'output', count: 1 })]));
    expect(audit?.redactions).toEqual(
      expect.arrayContaining([
        { direction: 'response', type: 'EMAIL_ADDRESS', action: 'redact', count: 1 },
        { direction: 'response', type: 'secret.openai_key', action: 'redact', count: 1 },
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain(EMAIL);
    // The last answer's dynamic metadata carries the same counts for Envoy's access log.
    expect(JSON.stringify(gateway.edge.lastRecord()?.dynamicMetadata.kept)).toContain('"direction":"response"');
  });

  it('OpenAI Responses (SDK stream)', async () => {
    const stream = await openai(TEST_KEYS.acme).responses.create({ model: 'gpt-4o-mini', stream: true, input: 'hi' }, { headers: LEAK_HEADERS });
    let text = '';
    let final = '';
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') final = event.response.output_text ?? JSON.stringify(event.response.output);
    }
    expect(text).toContain('[REDACTED]');
    expect(`${text}${final}`).not.toContain('jane');
    expect(`${text}${final}`).not.toContain('AbCdEf');
  });

  it('Anthropic messages (SDK stream helper)', async () => {
    const stream = anthropic(TEST_KEYS.acme).messages.stream({ model: 'claude-haiku', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] }, { headers: LEAK_HEADERS });
    const message = await stream.finalMessage();
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(text).toBe('Sure. Write to [REDACTED] and authenticate with [REDACTED] when you call the service. Anything else?');
  });

  it('Gemini (SDK stream)', async () => {
    let text = '';
    for await (const chunk of await genai(TEST_KEYS.acme).models.generateContentStream({ model: 'gemini-flash', contents: 'hi' })) text += chunk.text ?? '';
    expect(text).toBe('Sure. Write to [REDACTED] and authenticate with [REDACTED] when you call the service. Anything else?');
  });
});

describe('a tenant that blocks secrets', () => {
  it('Gemini stream: the SDK raises its ApiError', async () => {
    const error: unknown = await (async () => {
      for await (const chunk of await genai(TEST_KEYS.globex).models.generateContentStream({ model: 'gemini-flash', contents: 'hi' })) expect(chunk.text ?? '').not.toContain('AbCdEf');
    })().catch((e: unknown) => e);
    expect(String(error)).toContain('output_blocked');
  });

  it('OpenAI chat stream: the SDK raises the documented error (output_blocked) and nothing of the key arrives', async () => {
    const stream = await openai(TEST_KEYS.globex).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { headers: LEAK_HEADERS });
    let text = '';
    const error: unknown = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('output_blocked');
    expect(text).not.toContain('AbCdEf');
    await gateway.edge.settled();
    const record = gateway.edge.lastRecord();
    const received = record?.response.body.toString() ?? '';
    expect(received).not.toContain('AbCdEf');
    expect(received.endsWith('data: [DONE]\n\n')).toBe(true);
    // One answer per chunk (B3); after the error event every answer empties its chunk.
    const answers = (record?.processor.received ?? []).filter((m) => m.kind === 'response_body');
    const sent = (record?.processor.sent ?? []).filter((m) => m.kind === 'response_body');
    const tripped = answers.findIndex((m) => m.message.response_body?.response?.body_mutation?.body?.toString().includes('output_blocked'));
    expect(tripped).toBeGreaterThan(0);
    // The SDK hangs up once it has read the error, so the last chunk or two may find the client gone.
    expect(answers.length).toBeLessThanOrEqual(sent.length);
    expect(answers.length).toBeGreaterThan(tripped);
    expect(answers.slice(tripped + 1).every((m) => m.message.response_body?.response?.body_mutation?.clear_body === true)).toBe(true);
    const audit = await auditOfLastRequest(gateway);
    expect(audit).toMatchObject({ errorCode: 'output_blocked', status: 200 });
  });

  it('OpenAI Responses stream: the SDK raises APIError from the error event', async () => {
    const stream = await openai(TEST_KEYS.globex).responses.create({ model: 'gpt-4o-mini', stream: true, input: 'hi' }, { headers: LEAK_HEADERS });
    let text = '';
    const error: unknown = await (async () => {
      for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('output_blocked');
    expect(text).not.toContain('AbCdEf');
  });

  it('Anthropic stream: the SDK raises its APIError', async () => {
    const stream = anthropic(TEST_KEYS.globex).messages.stream({ model: 'claude-haiku', max_tokens: 256, messages: [{ role: 'user', content: 'hi' }] }, { headers: LEAK_HEADERS });
    const error: unknown = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(JSON.stringify((error as InstanceType<typeof Anthropic.APIError>).error)).toContain('output_blocked');
  });

  it('buffered JSON: the whole response becomes a 400 in the API shape (headers were still held)', async () => {
    const error: unknown = await openai(TEST_KEYS.globex)
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-mock-reply': LEAKY_REPLY } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('output_blocked');
    const audit = await auditOfLastRequest(gateway);
    expect(audit).toMatchObject({ outcome: 'rejected', status: 400, errorCode: 'output_blocked' });
  });
});

it('a redaction block refuses the request before it leaves: 400 pii_detected, nothing forwarded', async () => {
  gateway.mocks.openai.clearRequests();
  const error: unknown = await openai(TEST_KEYS.acme)
    .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Charge 4111 1111 1111 1111 please' }] })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('pii_detected');
  expect(gateway.mocks.openai.requests()).toHaveLength(0);
  const audit = await auditOfLastRequest(gateway);
  expect(audit?.redactions).toEqual([{ direction: 'request', type: 'CREDIT_CARD', action: 'block', count: 1 }]);
  expect(JSON.stringify(audit)).not.toContain('4111');
});

describe('through translation (OpenAI client, Anthropic provider)', () => {
  it('a streamed leak is masked on the translated stream', async () => {
    const stream = await openai(TEST_KEYS.acme).chat.completions.create({ model: 'served-by-anthropic', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { headers: LEAK_HEADERS });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Sure. Write to [REDACTED] and authenticate with [REDACTED] when you call the service. Anything else?');
  });

  it('the redacted request is what gets translated, and the placeholder comes back restored', async () => {
    const prompt = `Mail O'Brien at ${EMAIL} today`;
    const stream = await openai(TEST_KEYS.acme).chat.completions.create({ model: 'served-by-anthropic', stream: true, messages: [{ role: 'user', content: prompt }] }, { headers: { 'x-mock-chunking': 'bytes' } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const upstream = (await settledRecord())?.upstream?.body.toString() ?? '';
    expect(upstream).toContain('[EMAIL_1]');
    expect(upstream).not.toContain(EMAIL);
    expect(text).toBe(`mock-anthropic reply to: ${prompt}`);
  });
});

describe('reversible placeholders', () => {
  const prompt = `Mail O'Brien at ${EMAIL} today`;

  it.each([
    ['streamed, single-byte chunks', true],
    ['buffered JSON', false],
  ])('%s: upstream sees [EMAIL_1], the client gets the exact original back', async (_name, stream) => {
    const client = openai(TEST_KEYS.acme);
    let text = '';
    if (stream) {
      const events = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] }, { headers: { 'x-mock-chunking': 'bytes' } });
      for await (const chunk of events) text += chunk.choices[0]?.delta.content ?? '';
    } else {
      text = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] })).choices[0]?.message.content ?? '';
    }
    await gateway.edge.settled();
    const upstream = gateway.edge.lastRecord()?.upstream?.body.toString() ?? '';
    expect(upstream).toContain('[EMAIL_1]');
    expect(upstream).not.toContain(EMAIL);
    expect(text).toBe(`mock-openai reply to: ${prompt}`);
    const audit = await auditOfLastRequest(gateway);
    expect(audit?.redactions).toEqual([{ direction: 'request', type: 'EMAIL_ADDRESS', action: 'reversible', count: 1 }]);
  });

  it('Anthropic stream: restored in the SDK final message', async () => {
    const message = await anthropic(TEST_KEYS.acme).messages.stream({ model: 'claude-haiku', max_tokens: 256, messages: [{ role: 'user', content: prompt }] }, { headers: { 'x-mock-chunking': 'bytes' } }).finalMessage();
    expect(message.content.map((block) => (block.type === 'text' ? block.text : '')).join('')).toBe(`mock-anthropic reply to: ${prompt}`);
  });
});
