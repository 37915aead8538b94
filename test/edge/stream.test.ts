/**
 * The gRPC stream between the edge and the processor: lifecycle (S1, S2, S4, S5, S6), spurious answers
 * (S3), timeouts (T1, R8) and stream endings (T2, T3).
 */
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEdge } from '../support/edge/edge';
import type { ProtoProcessingResponse } from '../../src/extproc/envoy-types';
import { answer, byKind, closeOk, delay, fail, kindOf, passThrough, send, startScriptedProcessor, waitFor } from '../support/edge/scripted-processor';
import { asWireStruct } from '../support/edge/wire-struct';
import { CHAT_BODY, closeHarnessesAfterEach, httpRequest, jsonHeaders, routed, sseHandler, startHarness, waitUntil, withFallbackRoute } from './helpers';

closeHarnessesAfterEach();

const post = { body: CHAT_BODY, headers: jsonHeaders(CHAT_BODY) };
const GATEWAY_TIMEOUT = { error: { message: 'The gateway timed out.', type: 'api_error', code: 'gateway_timeout' } };
const INTERNAL_ERROR = (message: string) => ({ error: { message, type: 'api_error', code: 'gateway_error' } });

describe('S1 one stream per request, opened lazily', () => {
  it('S1: each HTTP request gets its own stream, never reused', async () => {
    const h = await startHarness();
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams).toHaveLength(2);
    expect(h.edge.records.map((r) => r.processor.streamsOpened)).toEqual([1, 1]);
    const ids = h.processor.streams.map((s) => asWireStruct(s.requests[0].attributes?.['envoy.filters.http.ext_proc'])?.fields?.['request.id']?.stringValue);
    expect(ids).toEqual(h.edge.records.map((r) => r.requestId));
  });

  it('S1: the stream opens only when the first message must go out (request headers skipped)', async () => {
    // No request message, so nothing can route the request: the fallback-route variant lets it reach openai.
    const h = await startHarness({ envoyConfigPath: withFallbackRoute(), overrides: { processing_mode: { request_header_mode: 'SKIP', request_body_mode: 'NONE' } } });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams).toHaveLength(1);
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['response_headers']);
  });

  it('S1: the processor may listen on a Unix socket (unix:/path)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-uds-'));
    const processor = await startScriptedProcessor(routed(passThrough, 'openai'), { unixSocketPath: path.join(dir, 'extproc.sock') });
    const h = await startHarness();
    const edge = await startEdge({ extProc: { address: processor.address }, upstreams: { openai: h.upstreams.openai.url } });
    try {
      expect((await httpRequest(edge.url, post)).status).toBe(200);
      await edge.settled();
      expect(processor.streams).toHaveLength(1);
    } finally {
      await edge.close();
      await processor.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('S1: no message to send, no stream at all', async () => {
    const h = await startHarness({
      envoyConfigPath: withFallbackRoute(),
      overrides: { processing_mode: { request_header_mode: 'SKIP', request_body_mode: 'NONE', response_header_mode: 'SKIP', response_body_mode: 'NONE' } },
    });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams).toHaveLength(0);
    expect(h.edge.lastRecord()?.processor.streamsOpened).toBe(0);
  });
});

describe('S2 default processing mode', () => {
  it('S2: with Envoy defaults only headers are sent, no body, no trailers', async () => {
    const h = await startHarness({ overrides: { processing_mode: { request_body_mode: 'NONE', response_body_mode: 'NONE', request_trailer_mode: 'DEFAULT', response_trailer_mode: 'DEFAULT' } } });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'response_headers']);
  });

  it('S2: the shipped config departs from the default: the request body is sent (BUFFERED)', async () => {
    const h = await startHarness();
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'request_body', 'response_headers']);
  });
});

describe('S3 spurious responses', () => {
  it('S3: a response of the wrong kind fails the request with 500 (failure_mode_allow false)', async () => {
    const h = await startHarness({ script: byKind({ request_headers: () => ({ response_body: { response: {} } }) }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(500);
    expect(res.json()).toEqual(INTERNAL_ERROR(''));
    const rec = h.edge.lastRecord();
    expect(rec?.localReply).toMatchObject({ decidedBy: 'S3', status: 500 });
    expect(rec?.processor.received[0].handling).toBe('spurious');
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('S3: an extra answer is spurious too: 500', async () => {
    const h = await startHarness({
      handlers: { openai: () => new Promise<void>(() => undefined) },
      script: byKind({ request_headers: (req) => [send(answer(req)), send(answer(req))] }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(500);
    expect(h.edge.lastRecord()?.processor.received.map((r) => r.handling)).toEqual(['handled', 'spurious']);
  });

  it('S3: with failure_mode_allow the spurious response is ignored and the request passes unprocessed', async () => {
    // Unprocessed means unrouted too: only the fallback-route variant sends it to a provider (see T2).
    const h = await startHarness({
      envoyConfigPath: withFallbackRoute(),
      overrides: { failure_mode_allow: true },
      script: byKind({ request_headers: () => ({ response_body: { response: { header_mutation: { remove_headers: ['content-type'] } } } }) }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(CHAT_BODY);
    expect(h.upstreams.openai.requests[0].headers['content-type']).toBe('application/json');
    const rec = h.edge.lastRecord();
    expect(rec?.processor.received[0].handling).toBe('spurious');
    expect(rec?.processor.sent.map((m) => m.kind)).toEqual(['request_headers']);
  });
});

describe('S4 end_of_stream', () => {
  it('S4: a request without a body has end_of_stream on its headers and no body message', async () => {
    const h = await startHarness();
    expect((await httpRequest(h.edge.url, { method: 'GET', path: '/v1/models' })).status).toBe(200);
    await h.edge.settled();
    const [headers, ...rest] = h.processor.streams[0].requests;
    expect(headers.request_headers?.end_of_stream).toBe(true);
    expect(rest.map(kindOf)).toEqual(['response_headers']);
  });

  it('S4: a request with a body has end_of_stream false on its headers', async () => {
    const h = await startHarness();
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.processor.streams[0].requests[0].request_headers?.end_of_stream).toBe(false);
    expect(h.processor.streams[0].requests[1].request_body?.end_of_stream).toBe(true);
  });

  it('S4: a streamed body ends with an empty chunk carrying end_of_stream', async () => {
    const h = await startHarness({ overrides: { processing_mode: { request_body_mode: 'STREAMED' } } });
    // The body is sent after the headers were answered: data that arrives while the headers are with
    // the processor is held and goes out as one message (see B3).
    const answered = (): boolean => (h.edge.lastRecord()?.processor.received.length ?? 0) >= 1;
    const res = await httpRequest(h.edge.url, { headers: { 'content-type': 'application/json' }, chunks: [CHAT_BODY], between: () => waitUntil(answered, 'request_headers answered') });
    expect(res.status).toBe(200);
    await h.edge.settled();
    const bodies = h.processor.streams[0].requests.filter((r) => r.request_body).map((r) => r.request_body);
    expect(bodies.at(-1)).toMatchObject({ end_of_stream: true });
    expect(bodies.at(-1)?.body ?? Buffer.alloc(0)).toHaveLength(0);
    expect(bodies.slice(0, -1).every((b) => b?.end_of_stream !== true)).toBe(true);
  });
});

describe('S5 stream end', () => {
  it('S5: the server sees a half-close then CANCELLED after the last response', async () => {
    const h = await startHarness();
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.processor.waitForEndedStreams(1);
    const stream = h.processor.streams[0];
    expect(stream.cancelled).toBe(true);
    expect(stream.halfClosed).toBe(true);
    const kinds = stream.events.map((e) => e.kind);
    expect(kinds.lastIndexOf('cancelled')).toBeGreaterThan(kinds.lastIndexOf('response'));
    expect(h.edge.lastRecord()?.processor.closedBy).toBe('edge');
  });

  it('S5: the stream is not cancelled while the edge still waits for an answer', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const h = await startHarness({ script: byKind({ response_headers: (req) => [waitFor(gate), send(answer(req))] }) });
    const pending = httpRequest(h.edge.url, post);
    await waitUntil(() => h.processor.streams[0]?.requests.some((r) => r.response_headers) ?? false, 'response_headers at the processor');
    expect(h.processor.streams[0].cancelled).toBe(false);
    release();
    expect((await pending).status).toBe(200);
    await h.processor.waitForEndedStreams(1);
    expect(h.processor.streams[0].cancelled).toBe(true);
  });
});

describe('S6 observability mode', () => {
  it('S6: nothing waits for the processor and its answers are ignored', async () => {
    // The processor's answers are ignored, routing included: the fallback-route variant sends the request on.
    const h = await startHarness({
      envoyConfigPath: withFallbackRoute(),
      overrides: { observability_mode: true, deferred_close_timeout_ms: 20 },
      script: (req) => (kindOf(req) === 'request_headers' ? { immediate_response: { status: { code: 403 } } } : undefined),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    await h.processor.waitForEndedStreams(1);
    const rec = h.edge.lastRecord();
    expect(rec?.processor.sent.every((m) => m.message.observability_mode === true)).toBe(true);
    expect(rec?.processor.sent.map((m) => m.kind)).toEqual(['request_headers', 'response_headers']);
    expect(rec?.processor.received.map((m) => m.handling)).toEqual(['ignored']);
    expect(rec?.processor.closedBy).toBe('edge-deferred');
  });

  it('S6: without observability mode the same silent processor is waited for (504)', async () => {
    const h = await startHarness({ overrides: { message_timeout_ms: 100 }, script: () => undefined });
    expect((await httpRequest(h.edge.url, post)).status).toBe(504);
  });
});

describe('T1 message timeout', () => {
  it('T1: no answer within message_timeout -> 504 with the local_reply JSON', async () => {
    const h = await startHarness({ overrides: { message_timeout_ms: 100 }, script: byKind({ request_body: (req) => [delay(1000), send(answer(req))] }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(504);
    expect(res.json()).toEqual(GATEWAY_TIMEOUT);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'T1', details: 'ext_proc_error_per-message_timeout_exceeded' });
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('T1: an answer within message_timeout passes', async () => {
    const h = await startHarness({ overrides: { message_timeout_ms: 1000 }, script: byKind({ request_body: (req) => [delay(20), send(answer(req))] }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
  });

  it('T1: the timer restarts per message: each answer within the timeout passes', async () => {
    // Three answers, each 400 ms late, add up to more than one 1 s timeout. Each still has 600 ms to spare
    // for the round trip, which a loaded machine can need (the case is about the restart, not a near miss).
    const h = await startHarness({ overrides: { message_timeout_ms: 1000 }, script: (req) => [delay(400), send(answer(req))] });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.edge.lastRecord()?.processor.received).toHaveLength(3);
  });

  it('T1: with failure_mode_allow a timeout continues unprocessed', async () => {
    const h = await startHarness({
      overrides: { message_timeout_ms: 100, failure_mode_allow: true },
      script: byKind({ request_body: (req) => [delay(1000), send(answer(req, { body_mutation: { body: Buffer.from('changed') } }))] }),
    });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(CHAT_BODY);
  });
});

describe('R8 override_message_timeout', () => {
  const slowBody = (extension: ProtoProcessingResponse['override_message_timeout']) =>
    byKind({ request_body: (req) => [send({ override_message_timeout: extension }), delay(300), send(answer(req))] });

  it('R8: an extension within max_message_timeout keeps the request alive', async () => {
    const h = await startHarness({ overrides: { message_timeout_ms: 100 }, script: slowBody({ seconds: 2 }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.edge.lastRecord()?.timeoutOverrides).toEqual([{ requestedMs: 2000, outcome: 'applied', reason: 'R8: timer restarted' }]);
  });

  it('R8: an extension over max_message_timeout is ignored (504)', async () => {
    const h = await startHarness({ overrides: { message_timeout_ms: 100 }, script: slowBody({ seconds: 60 }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(504);
    expect(h.edge.lastRecord()?.timeoutOverrides[0]).toMatchObject({ outcome: 'ignored' });
  });

  it('R8: without max_message_timeout every extension is ignored', async () => {
    const h = await startHarness({ overrides: { message_timeout_ms: 100, max_message_timeout_ms: 0 }, script: slowBody({ seconds: 1 }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(504);
  });

  it('R8: the other fields of an extension message are ignored (it is not an answer)', async () => {
    const h = await startHarness({
      script: byKind({
        request_body: () => ({ override_message_timeout: { nanos: 300_000_000 }, request_body: { response: { body_mutation: { body: Buffer.from('{}') } } } }),
        response_headers: (req) => answer(req),
      }),
      overrides: { message_timeout_ms: 100 },
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(504);
    expect(h.edge.lastRecord()?.processor.received[1]).toMatchObject({ kind: 'request_body', handling: 'ignored' });
  });
});

describe('T2 server closes with OK', () => {
  it('T2: after OK the rest passes unmodified', async () => {
    const h = await startHarness({
      script: byKind({
        request_headers: (req) => [send(answer(req, { header_mutation: { set_headers: [{ header: { key: 'x-seen', raw_value: Buffer.from('1') } }] } })), closeOk()],
      }),
    });
    // The body leaves the client only once the edge saw the close, so no body message can race it.
    const closed = (): boolean => h.edge.lastRecord()?.processor.closedBy === 'server-ok';
    const res = await httpRequest(h.edge.url, { headers: { 'content-type': 'application/json' }, chunks: [CHAT_BODY], between: () => waitUntil(closed, 'stream closed by the server') });
    expect(res.status).toBe(200);
    const upstream = h.upstreams.openai.requests[0];
    expect(upstream.headers['x-seen']).toBe('1');
    expect(upstream.body.toString()).toBe(CHAT_BODY);
    const rec = h.edge.lastRecord();
    expect(rec?.processor.sent.map((m) => m.kind)).toEqual(['request_headers']);
    expect(rec?.processor.closedBy).toBe('server-ok');
  });

  it('T2: closing before any answer lets the request through untouched', async () => {
    const h = await startHarness({ envoyConfigPath: withFallbackRoute(), script: () => [closeOk()] });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(CHAT_BODY);
    expect(h.edge.lastRecord()?.route.final).toMatchObject({ cluster: 'openai', clusterFrom: 'cluster' });
  });

  it('T2: ... but with the shipped config (no fallback route) that unrouted request gets the JSON 404 and reaches no provider', async () => {
    const h = await startHarness({ script: () => [closeOk()] });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: { message: 'The gateway has no route for this request.', type: 'invalid_request_error', code: 'not_found' } });
    expect(Object.values(h.upstreams).map((upstream) => upstream.requests.length)).toEqual([0, 0, 0]);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'router', details: 'direct_response' });
  });
});

describe('T3 stream failure', () => {
  const failing = byKind({ request_body: () => [fail(grpc.status.INTERNAL, 'boom')] });

  it('T3: a stream error with failure_mode_allow false -> 500', async () => {
    const h = await startHarness({ script: failing });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(500);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'T3', details: 'ext_proc_error_gRPC_error_13{boom}' });
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('T3: a stream error with failure_mode_allow true passes unprocessed', async () => {
    const h = await startHarness({ script: failing, overrides: { failure_mode_allow: true } });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(CHAT_BODY);
  });

  it('T3: an unreachable processor -> 500, or pass-through with failure_mode_allow', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const closed = await startHarness({ extProcAddress: `127.0.0.1:${closedPort}` });
    expect((await httpRequest(closed.edge.url, post)).status).toBe(500);
    // Fail-open with no processor at all: nothing routes the request, so the shipped config answers 404...
    const open = await startHarness({ extProcAddress: `127.0.0.1:${closedPort}`, overrides: { failure_mode_allow: true } });
    expect((await httpRequest(open.edge.url, post)).status).toBe(404);
    expect(open.upstreams.openai.requests).toHaveLength(0);
    // ...and the fallback-route variant passes it through to its provider.
    const fallback = await startHarness({ envoyConfigPath: withFallbackRoute(), extProcAddress: `127.0.0.1:${closedPort}`, overrides: { failure_mode_allow: true } });
    expect((await httpRequest(fallback.edge.url, post)).status).toBe(200);
    expect(fallback.upstreams.openai.requests).toHaveLength(1);
  });

  it('T3: a stream error after the response headers left resets the client connection', async () => {
    const events = ['data: {"a":1}\n\n', 'data: {"a":2}\n\n', 'data: [DONE]\n\n'];
    let h: Awaited<ReturnType<typeof startHarness>> | undefined;
    h = await startHarness({
      handlers: { openai: sseHandler(events, (i) => waitUntil(() => (h?.edge.lastRecord()?.processor.sent.filter((m) => m.kind === 'response_body').length ?? 0) >= i, `chunk ${i}`)) },
      script: byKind({
        response_headers: (req) => answer(req, {}, { mode_override: { response_body_mode: 'STREAMED' } }),
        response_body: (req, ctx) => (ctx.messageIndex >= 4 ? [fail(grpc.status.UNAVAILABLE, 'gone')] : answer(req)),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(h.edge.lastRecord()?.reset).toMatchObject({ decidedBy: 'T3' });
  });
});
