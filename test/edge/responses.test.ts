/** What the processor may answer: immediate_response (R5), mode_override (R6), dynamic_metadata (R7), and mutation errors (T4). */
import type { JsonObject } from '../../src/extproc/struct';
import { answer, byKind, kindOf, send, setHeader } from '../support/edge/scripted-processor';
import { asProtoStruct, toWireStruct } from '../support/edge/wire-struct';
import { CHAT_BODY, HCM_PATH, type Harness, closeHarnessesAfterEach, envoyVariant, httpRequest, jsonHeaders, received, sseHandler, startHarness, waitUntil } from './helpers';

closeHarnessesAfterEach();

const post = { body: CHAT_BODY, headers: jsonHeaders(CHAT_BODY) };
const metadata = (value: JsonObject) => asProtoStruct(toWireStruct(value));

describe('R5 immediate_response', () => {
  const blocked = JSON.stringify({ error: { message: 'blocked by policy', type: 'invalid_request_error', code: 'policy_violation' } });

  it('R5: before the response starts: the local reply carries its status, headers and body; a JSON reply passes local_reply_config untouched', async () => {
    const h = await startHarness({
      script: byKind({
        request_headers: () => ({
          immediate_response: {
            status: { code: 'Forbidden' },
            headers: { set_headers: [setHeader('content-type', 'application/json'), setHeader('x-llmgw-reason', 'policy')] },
            body: Buffer.from(blocked),
            details: 'policy violation',
          },
        }),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(403);
    expect(res.headers['x-llmgw-reason']).toBe('policy');
    expect(res.headers['content-type']).toBe('application/json');
    // Every mapper of envoy-local.yaml skips replies that are application/json already (CEL filter), and
    // there is no top-level body_format: the processor's body arrives byte for byte.
    expect(res.body.toString()).toBe(blocked);
    await h.edge.settled();
    const rec = h.edge.lastRecord();
    expect(rec?.localReply).toMatchObject({ decidedBy: 'R5', status: 403, details: 'policy_violation', format: 'none', mapper: -1, path: 'filter_chain' });
    expect(rec?.processor.sent.map((m) => m.kind)).toEqual(['request_headers']);
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('R5: a reply without a JSON content-type is one of Envoy\'s own: the default mapper wraps its body as the message', async () => {
    const h = await startHarness({
      script: byKind({ request_headers: () => ({ immediate_response: { status: { code: 'Forbidden' }, headers: { set_headers: [setHeader('x-llmgw-reason', 'policy')] }, body: Buffer.from(blocked) } }) }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(403);
    expect(res.headers['x-llmgw-reason']).toBe('policy');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ error: { message: blocked, type: 'api_error', code: 'gateway_error' } });
    const mappers = h.edge.config.hcm.localReply.mappers.length;
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'R5', status: 403, format: 'mapper', mapper: mappers - 1 });
  });

  it('R5: a content-type that is not JSON (text/plain) is wrapped too', async () => {
    const h = await startHarness({
      script: byKind({ request_headers: () => ({ immediate_response: { status: { code: 'Forbidden' }, headers: { set_headers: [setHeader('content-type', 'text/plain')] }, body: Buffer.from('no') } }) }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ error: { message: 'no', type: 'api_error', code: 'gateway_error' } });
  });

  it('R5: a status below 200 (or none) becomes 200', async () => {
    const informational = await startHarness({ script: byKind({ request_headers: () => ({ immediate_response: { status: { code: 'Continue' }, body: Buffer.from('hi') } }) }) });
    expect((await httpRequest(informational.edge.url, post)).status).toBe(200);
    expect(informational.edge.lastRecord()?.localReply).toMatchObject({ requestedStatus: 100, status: 200 });
    const missing = await startHarness({ script: byKind({ request_headers: () => ({ immediate_response: {} }) }) });
    expect((await httpRequest(missing.edge.url, post)).status).toBe(200);
  });

  it('R5: a status with a local_reply mapper gets the mapper body (429 here) when the reply is not JSON', async () => {
    const h = await startHarness({ script: byKind({ request_body: () => ({ immediate_response: { status: { code: 429 }, body: Buffer.from('{"error":"tenant budget"}') } }) }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(429);
    expect(res.json()).toEqual({ error: { message: 'Rate limit exceeded at the gateway.', type: 'rate_limit_error', code: 'rate_limited' } });
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ format: 'mapper', mapper: 1 });
  });

  it('R5: the same 429 as JSON (an API-shaped error, here Anthropic\'s) passes untouched: the 429 mapper skips it', async () => {
    const anthropicError = JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'Tenant budget exhausted.' } });
    const h = await startHarness({
      script: byKind({
        request_body: () => ({
          immediate_response: {
            status: { code: 429 },
            headers: { set_headers: [setHeader('content-type', 'application/json; charset=utf-8'), setHeader('retry-after', '30')] },
            body: Buffer.from(anthropicError),
          },
        }),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(429);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body.toString()).toBe(anthropicError);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ format: 'none', mapper: -1 });
  });

  it('R5: in answer to the response headers (not yet sent): the client gets the immediate response', async () => {
    const h = await startHarness({ script: byKind({ response_headers: () => ({ immediate_response: { status: { code: 'BadGateway' } } }) }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(502);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'R5', path: 'direct' });
  });

  it('R5: after the response headers left, only a reset is possible: the client sees a truncated response', async () => {
    let h: Harness | undefined;
    const events = ['data: {"n":0}\n\n', 'data: {"n":1}\n\n', 'data: [DONE]\n\n'];
    h = await startHarness({
      handlers: { openai: sseHandler(events, (i) => waitUntil(() => (h ? received(h, 'response_body') >= i : false), `chunk ${i}`)) },
      script: byKind({
        response_headers: (req) => answer(req, {}, { mode_override: { response_body_mode: 'STREAMED' } }),
        response_body: (req, ctx) => (ctx.messageIndex === 4 ? { immediate_response: { status: { code: 'Forbidden' } } } : answer(req)),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.body.toString()).toBe(events[0]);
    expect(h.edge.lastRecord()?.reset).toMatchObject({ decidedBy: 'R5' });
    expect(h.edge.lastRecord()?.localReply).toBeNull();
  });
});

describe('R6 mode_override', () => {
  const toBuffered = (req: Parameters<typeof answer>[0]) => answer(req, {}, { mode_override: { response_body_mode: 'BUFFERED' } });

  it('R6: honoured in a headers answer with allow_mode_override: the response body is sent', async () => {
    const h = await startHarness({ script: byKind({ response_headers: toBuffered }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'request_body', 'response_headers', 'response_body']);
    expect(h.edge.lastRecord()?.modeOverrides[0]).toMatchObject({ phase: 'response_headers', outcome: 'accepted' });
  });

  it('R6: ignored when allow_mode_override is false', async () => {
    const h = await startHarness({ overrides: { allow_mode_override: false }, script: byKind({ response_headers: toBuffered }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests.map(kindOf)).not.toContain('response_body');
    expect(h.edge.lastRecord()?.modeOverrides[0]).toMatchObject({ outcome: 'ignored', reason: 'R6: allow_mode_override is false' });
  });

  it('R6: ignored when sent in a body response', async () => {
    const h = await startHarness({ script: byKind({ request_body: (req) => answer(req, {}, { mode_override: { response_body_mode: 'BUFFERED' } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests.map(kindOf)).not.toContain('response_body');
    expect(h.edge.lastRecord()?.modeOverrides[0]).toMatchObject({ phase: 'request_body', outcome: 'ignored' });
  });

  it('R6: body modes are literal: an override that only names the response body turns the request body off', async () => {
    const h = await startHarness({ script: byKind({ request_headers: (req) => answer(req, {}, { mode_override: { response_body_mode: 'STREAMED' } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests.map(kindOf)).not.toContain('request_body');
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(CHAT_BODY);
    expect(h.edge.lastRecord()?.modeOverrides[0].effective).toMatchObject({ request_body_mode: 'NONE', response_body_mode: 'STREAMED', response_header_mode: 'SEND' });
  });

  it('R6: header modes left DEFAULT keep the configured ones; SKIP is honoured', async () => {
    const h = await startHarness({ script: byKind({ request_headers: (req) => answer(req, {}, { mode_override: { request_body_mode: 'BUFFERED', response_header_mode: 'SKIP' } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'request_body']);
  });
});

describe('R7 dynamic_metadata', () => {
  it('R7: only namespaces in receiving_namespaces are kept; others are dropped silently', async () => {
    const h = await startHarness({
      script: byKind({ request_body: (req) => answer(req, {}, { dynamic_metadata: metadata({ llmgw: { tenant: 'acme', tokens: 12 }, 'envoy.filters.http.ratelimit': { hits: 1 } }) }) }),
    });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    const rec = h.edge.lastRecord();
    expect(rec?.dynamicMetadata.kept).toEqual({ llmgw: { tenant: 'acme', tokens: 12 } });
    expect(rec?.dynamicMetadata.received.map((m) => [m.namespace, m.kept])).toEqual([
      ['llmgw', true],
      ['envoy.filters.http.ratelimit', false],
    ]);
  });

  it('R7: later receipts merge into the namespace', async () => {
    const h = await startHarness({
      script: byKind({
        request_body: (req) => answer(req, {}, { dynamic_metadata: metadata({ llmgw: { tenant: 'acme' } }) }),
        response_headers: (req) => answer(req, {}, { dynamic_metadata: metadata({ llmgw: { tokens: 30 } }) }),
      }),
    });
    await httpRequest(h.edge.url, post);
    await h.edge.settled();
    expect(h.edge.lastRecord()?.dynamicMetadata.kept).toEqual({ llmgw: { tenant: 'acme', tokens: 30 } });
  });

  it('R7: without receiving_namespaces everything is dropped', async () => {
    const h = await startHarness({ overrides: { receiving_namespaces: [] }, script: byKind({ request_body: (req) => answer(req, {}, { dynamic_metadata: metadata({ llmgw: { tenant: 'acme' } }) }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    const rec = h.edge.lastRecord();
    expect(rec?.dynamicMetadata.kept).toEqual({});
    expect(rec?.dynamicMetadata.received[0]).toMatchObject({ namespace: 'llmgw', kept: false, reason: 'R7: no receiving_namespaces configured' });
  });
});

describe('T4 mutation errors', () => {
  const badHeader = byKind({ request_headers: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-a', 'bad\nvalue')] } }) });

  it('T4: an invalid header fails the request even with failure_mode_allow', async () => {
    const h = await startHarness({ overrides: { failure_mode_allow: true }, script: badHeader });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(500);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'T4' });
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('T4: a content-length mismatch fails the request even with failure_mode_allow', async () => {
    const h = await startHarness({ overrides: { failure_mode_allow: true }, script: byKind({ request_body: (req) => answer(req, { body_mutation: { body: Buffer.from('{}') } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(500);
  });

  it('T4: a mutation over the header count limit fails the request', async () => {
    const many = Array.from({ length: 101 }, (_, i) => setHeader(`x-h${i}`, 'v'));
    const h = await startHarness({ script: byKind({ request_headers: (req) => answer(req, { header_mutation: { set_headers: many } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(500);
  });

  it('T4: a valid mutation with failure_mode_allow passes', async () => {
    const h = await startHarness({ overrides: { failure_mode_allow: true }, script: byKind({ request_headers: (req) => [send(answer(req, { header_mutation: { set_headers: [setHeader('x-a', 'ok')] } }))] }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].headers['x-a']).toBe('ok');
  });
});

describe('R5 immediate_response without any local_reply_config', () => {
  const withoutLocalReplyConfig = () => envoyVariant((doc) => doc.deleteIn([...HCM_PATH, 'local_reply_config']));

  it('R5: the processor\'s body and content-type pass untouched', async () => {
    const json = '{"error":{"message":"blocked","type":"invalid_request_error","code":"policy_violation"}}';
    const h = await startHarness({
      envoyConfigPath: withoutLocalReplyConfig(),
      script: byKind({ request_headers: () => ({ immediate_response: { status: { code: 'Forbidden' }, headers: { set_headers: [setHeader('content-type', 'application/json')] }, body: Buffer.from(json) } }) }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.toString()).toBe(json);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ format: 'none', mapper: -1 });
  });

  it('R5: without a content-type from the processor the reply is text/plain', async () => {
    const h = await startHarness({
      envoyConfigPath: withoutLocalReplyConfig(),
      script: byKind({ request_headers: () => ({ immediate_response: { status: { code: 'Forbidden' }, body: Buffer.from('no') } }) }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.body.toString()).toBe('no');
  });
});
