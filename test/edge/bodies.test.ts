/** Body modes: BUFFERED (B1, B2, B5), STREAMED (B3, B4, B5) and CONTINUE_AND_REPLACE (B6). */
import { answer, byKind, kindOf, send, setHeader, waitFor } from '../support/edge/scripted-processor';
import { CHAT_BODY, type Harness, type HarnessOptions, closeHarnessesAfterEach, httpRequest, jsonHeaders, received, sseHandler, startHarness, waitUntil } from './helpers';

closeHarnessesAfterEach();

const post = { body: CHAT_BODY, headers: jsonHeaders(CHAT_BODY) };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const streamResponses = { mode_override: { response_body_mode: 'STREAMED' as const } };
const bufferResponses = { mode_override: { response_body_mode: 'BUFFERED' as const } };

/** The edge has the processor's answer to this kind (so data sent from now on is not held with the headers). */
const answered = (h: Harness, kind: string) => () => h.edge.lastRecord()?.processor.received.some((r) => r.kind === kind) ?? false;

describe('B1 BUFFERED', () => {
  it('B1: the whole body goes in one message with end_of_stream, after the headers answer', async () => {
    const h = await startHarness({ script: byKind({ request_headers: (req) => [waitFor(sleep(50)), send(answer(req))] }) });
    const parts = [CHAT_BODY.slice(0, 10), CHAT_BODY.slice(10, 30), CHAT_BODY.slice(30)];
    const res = await httpRequest(h.edge.url, { headers: jsonHeaders(CHAT_BODY), chunks: parts, between: () => sleep(5) });
    expect(res.status).toBe(200);
    const stream = h.processor.streams[0];
    expect(stream.requests.map(kindOf)).toEqual(['request_headers', 'request_body', 'response_headers']);
    expect(Buffer.from(stream.requests[1].request_body?.body ?? []).toString()).toBe(CHAT_BODY);
    expect(stream.requests[1].request_body?.end_of_stream).toBe(true);
    const kinds = stream.events.map((e) => `${e.kind}:${e.detail}`);
    expect(kinds.indexOf('request:request_body')).toBeGreaterThan(kinds.indexOf('response:request_headers'));
  });

  it('B1: a header mutation in the body response still applies (headers are held with the body)', async () => {
    const h = await startHarness({ script: byKind({ request_body: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-from-body', '1')] } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].headers['x-from-body']).toBe('1');
  });

  it('B1: on the response path too (BUFFERED by mode_override): the client sees the body response header', async () => {
    const h = await startHarness({
      script: byKind({
        response_headers: (req) => answer(req, {}, bufferResponses),
        response_body: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-scanned', 'yes')] } }),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.headers['x-scanned']).toBe('yes');
    expect(res.json()).toEqual({ cluster: 'openai' });
  });
});

describe('B2 buffer limit', () => {
  const big = 'x'.repeat(4096);

  it('B2: a buffered request body over the limit -> 413 with the local_reply JSON body', async () => {
    const h = await startHarness({ overrides: { buffer_limit_bytes: 1024 } });
    const chunks = [big.slice(0, 1024), big.slice(1024, 2048), big.slice(2048)];
    const res = await httpRequest(h.edge.url, { headers: { 'content-type': 'application/json', 'content-length': big.length }, chunks, between: (i) => (i === 0 ? waitUntil(answered(h, 'request_headers'), 'headers answered') : sleep(5)) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ error: { message: 'Request body is larger than the gateway accepts.', type: 'invalid_request_error', code: 'request_too_large' } });
    await h.edge.settled();
    const rec = h.edge.lastRecord();
    expect(rec?.localReply).toMatchObject({ decidedBy: 'B2', status: 413, mapper: 0, path: 'filter_chain' });
    expect(rec?.processor.sent.map((m) => m.kind)).toEqual(['request_headers', 'response_headers']);
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('B2: a body at the limit passes', async () => {
    const body = 'y'.repeat(1024);
    const h = await startHarness({ overrides: { buffer_limit_bytes: 1024 } });
    const res = await httpRequest(h.edge.url, { body, headers: { 'content-type': 'text/plain', 'content-length': body.length } });
    expect(res.status).toBe(200);
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(body);
  });

  it('B2: STREAMED bodies are not limited that way', async () => {
    const h = await startHarness({ overrides: { buffer_limit_bytes: 1024, processing_mode: { request_body_mode: 'STREAMED' } } });
    const res = await httpRequest(h.edge.url, { headers: { 'content-type': 'text/plain' }, chunks: [big, big], between: () => waitUntil(answered(h, 'request_headers'), 'headers answered') });
    expect(res.status).toBe(200);
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(big + big);
  });

  it('B2: a buffered response body over the limit -> 500 (its headers have not left yet)', async () => {
    // The body is written after the headers answer switched the response to BUFFERED: data held while
    // the headers are with the processor (body mode still NONE) is only flow-controlled, as in Envoy.
    let h: Harness | undefined;
    const isAnswered = (): boolean => (h ? answered(h, 'response_headers')() : false);
    h = await startHarness({
      overrides: { buffer_limit_bytes: 1024 },
      handlers: {
        openai: async (_request, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': 4 * 1024 });
          res.flushHeaders();
          await waitUntil(isAnswered, 'response headers answered');
          for (let i = 0; i < 4; i++) {
            res.write('z'.repeat(1024));
            await sleep(5);
          }
          res.end();
        },
      },
      script: byKind({ response_headers: (req) => answer(req, {}, bufferResponses) }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ error: { message: 'Internal Server Error', type: 'api_error', code: 'gateway_error' } });
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'B2', path: 'direct' });
  });
});

describe('B3 STREAMED', () => {
  const events = ['data: {"n":0}\n\n', 'data: {"n":1}\n\n', 'data: {"n":2}\n\n'];

  /** Upstream writes event i only after the edge sent the previous one to the processor. */
  async function streamedHarness(script: HarnessOptions['script']): Promise<Harness> {
    let harness: Harness | undefined;
    const gate = (i: number): Promise<void> =>
      i === 0
        ? waitUntil(() => (harness ? answered(harness, 'response_headers')() : false), 'response headers answered')
        : waitUntil(() => (harness ? received(harness, 'response_body') >= i : false), `chunk ${i - 1} at the processor`);
    harness = await startHarness({ handlers: { openai: sseHandler(events, gate) }, script });
    return harness;
  }

  it('B3: exactly one response per chunk, in order; chunks replaced, cleared or passed', async () => {
    const h = await streamedHarness(
      byKind({
        response_headers: (req) => answer(req, {}, streamResponses),
        response_body: (req, ctx) => {
          const index = ctx.messageIndex - 3; // request_headers, request_body, response_headers come first
          if (index === 1) return answer(req, { body_mutation: { clear_body: true } });
          if (index === 0) return answer(req, { body_mutation: { body: Buffer.from('data: {"n":"zero"}\n\n') } });
          return answer(req);
        },
      }),
    );
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(true);
    expect(res.body.toString()).toBe('data: {"n":"zero"}\n\ndata: {"n":2}\n\n');
    const bodies = h.processor.streams[0].requests.filter((r) => r.response_body).map((r) => Buffer.from(r.response_body?.body ?? []).toString());
    expect(bodies).toEqual([...events, '']);
    const rec = h.edge.lastRecord();
    expect(rec?.bodyMutations.map((m) => [m.chunk, m.kind])).toEqual([
      [0, 'replace'],
      [1, 'clear'],
    ]);
    expect(rec?.processor.received.filter((m) => m.kind === 'response_body').every((m) => m.handling === 'handled')).toBe(true);
    expect(res.headers['content-length']).toBeUndefined();
  });

  it('B3: an extra response for a chunk is spurious: the response already started, so the client is reset', async () => {
    const h = await streamedHarness(
      byKind({
        response_headers: (req) => answer(req, {}, streamResponses),
        response_body: (req) => [send(answer(req)), send(answer(req))],
      }),
    );
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(h.edge.lastRecord()?.reset).toMatchObject({ decidedBy: 'S3' });
  });

  it('B3: data that arrived while the headers were with the processor goes out as one message', async () => {
    // The headers are answered only once the whole upstream response, end included, has reached the
    // edge (the upstream having written it is not enough: it is still on the socket).
    let h: Harness | undefined;
    const arrived = (): boolean => h?.edge.lastRecord()?.upstream?.responseEnded === true;
    h = await startHarness({
      handlers: { openai: sseHandler(events) },
      script: byKind({ response_headers: (req) => [waitFor(waitUntil(arrived, 'the upstream response at the edge')), send(answer(req, {}, streamResponses))] }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.body.toString()).toBe(events.join(''));
    const bodies = h.processor.streams[0].requests.filter((r) => r.response_body);
    expect(bodies).toHaveLength(1);
    expect(bodies[0].response_body?.end_of_stream).toBe(true);
  });
});

describe('B4 STREAMED header mutations', () => {
  const events = ['data: {"n":0}\n\n', 'data: [DONE]\n\n'];

  it('B4: a header mutation sent with a STREAMED body response is dropped', async () => {
    let h: Harness | undefined;
    h = await startHarness({
      handlers: { openai: sseHandler(events, () => waitUntil(() => (h ? answered(h, 'response_headers')() : false), 'headers answered')) },
      script: byKind({
        response_headers: (req) => answer(req, {}, streamResponses),
        response_body: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-late', '1'), setHeader(':status', '418')] } }),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.headers['x-late']).toBeUndefined();
    const dropped = h.edge.lastRecord()?.mutations.filter((m) => m.outcome === 'dropped') ?? [];
    expect(dropped.length).toBeGreaterThanOrEqual(2);
    expect(dropped.every((m) => m.reason?.startsWith('B4'))).toBe(true);
  });

  it('B4: the same mutation in the response headers answer applies', async () => {
    const h = await startHarness({
      handlers: { openai: sseHandler(events) },
      script: byKind({ response_headers: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-late', '1')] } }, streamResponses) }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.headers['x-late']).toBe('1');
  });
});

describe('B5 Content-Length', () => {
  const replaced = '{"model":"gpt-4o","messages":[]}';

  it('B5: body replaced without a matching content-length -> 500', async () => {
    const h = await startHarness({ script: byKind({ request_body: (req) => answer(req, { body_mutation: { body: Buffer.from(replaced) } }) }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(500);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'B5' });
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('B5: body replaced with a matching content-length in the same response -> passes', async () => {
    const h = await startHarness({
      script: byKind({
        request_body: (req) => answer(req, { header_mutation: { set_headers: [setHeader('content-length', String(replaced.length))] }, body_mutation: { body: Buffer.from(replaced) } }),
      }),
    });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(replaced);
    expect(h.upstreams.openai.requests[0].headers['content-length']).toBe(String(replaced.length));
  });

  it('B5: clear_body with a non-zero content-length -> 500', async () => {
    const h = await startHarness({ script: byKind({ request_body: (req) => answer(req, { body_mutation: { clear_body: true } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(500);
  });

  it('B5: the response path in BUFFERED mode follows the same rule', async () => {
    const body = '{"choices":[]}';
    const h = await startHarness({
      script: byKind({
        response_headers: (req) => answer(req, {}, bufferResponses),
        response_body: (req) => answer(req, { header_mutation: { set_headers: [setHeader('content-length', String(body.length))] }, body_mutation: { body: Buffer.from(body) } }),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(body);
  });

  it('B5: in STREAMED mode Content-Length is removed (the processor still sees it)', async () => {
    const h = await startHarness({ overrides: { processing_mode: { request_body_mode: 'STREAMED' } } });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.processor.streams[0].requests[0].request_headers?.headers?.headers?.some((x) => x.key === 'content-length')).toBe(true);
    const upstream = h.upstreams.openai.requests[0];
    expect(upstream.headers['content-length']).toBeUndefined();
    expect(upstream.headers['transfer-encoding']).toBe('chunked');
    expect(upstream.body.toString()).toBe(CHAT_BODY);
  });

  it('B5: Content-Length is decided when the headers arrive: a mode_override to STREAMED keeps the upstream one', async () => {
    // Envoy removes Content-Length in encodeHeaders, before the processor answers; the override comes
    // later, so the header stays and a content-length set in that answer is skipped.
    const h = await startHarness({ script: byKind({ response_headers: (req) => answer(req, { header_mutation: { set_headers: [setHeader('content-length', '5')] } }, streamResponses) }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String('{"cluster":"openai"}'.length));
    expect(h.edge.lastRecord()?.mutations.find((m) => m.name === 'content-length')).toMatchObject({ phase: 'response_headers', outcome: 'dropped' });
  });

  it('B5: ... so a processor that resizes streamed chunks must remove Content-Length itself', async () => {
    const h = await startHarness({
      script: byKind({
        response_headers: (req) => answer(req, { header_mutation: { remove_headers: ['content-length'] } }, streamResponses),
        response_body: (req) => (req.response_body?.body?.length ? answer(req, { body_mutation: { body: Buffer.from('{"cluster":"redacted!"}') } }) : answer(req)),
      }),
    });
    const res = await httpRequest(h.edge.url, post);
    expect(res.complete).toBe(true);
    expect(res.body.toString()).toBe('{"cluster":"redacted!"}');
    expect(res.headers['content-length']).toBeUndefined();
  });
});

describe('B6 CONTINUE_AND_REPLACE', () => {
  it('B6: replaces the body from the headers answer; no body message follows; Content-Length removed', async () => {
    const replacement = '{"replaced":true}';
    const h = await startHarness({ script: byKind({ request_headers: (req) => answer(req, { status: 'CONTINUE_AND_REPLACE', body_mutation: { body: Buffer.from(replacement) } }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    const upstream = h.upstreams.openai.requests[0];
    expect(upstream.body.toString()).toBe(replacement);
    expect(upstream.headers['content-length']).toBeUndefined();
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'response_headers']);
    expect(h.edge.lastRecord()?.bodyMutations).toEqual([{ phase: 'request_headers', kind: 'replace', before: expect.any(Number), after: replacement.length, via: 'continue_and_replace' }]);
  });

  it('B6: without a body_mutation the original body passes, unprocessed', async () => {
    const h = await startHarness({ script: byKind({ request_headers: (req) => answer(req, { status: 'CONTINUE_AND_REPLACE' }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    await h.edge.settled();
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(CHAT_BODY);
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'response_headers']);
  });

  it('B6: on the response path the client gets the replacement', async () => {
    const h = await startHarness({ script: byKind({ response_headers: (req) => answer(req, { status: 'CONTINUE_AND_REPLACE', body_mutation: { body: Buffer.from('replaced') } }) }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.body.toString()).toBe('replaced');
  });
});

describe('B5 BUFFERED_PARTIAL', () => {
  it('B5: BUFFERED_PARTIAL removes Content-Length; a body under the limit goes in one message', async () => {
    const h = await startHarness({ overrides: { processing_mode: { request_body_mode: 'BUFFERED_PARTIAL' } } });
    const res = await httpRequest(h.edge.url, { headers: jsonHeaders(CHAT_BODY), chunks: [CHAT_BODY], between: () => waitUntil(answered(h, 'request_headers'), 'headers answered') });
    expect(res.status).toBe(200);
    await h.edge.settled();
    const bodies = h.processor.streams[0].requests.filter((r) => r.request_body);
    expect(bodies).toHaveLength(1);
    expect(bodies[0].request_body?.end_of_stream).toBe(true);
    expect(h.upstreams.openai.requests[0].headers['content-length']).toBeUndefined();
    expect(h.upstreams.openai.requests[0].body.toString()).toBe(CHAT_BODY);
  });
});
