import pino from 'pino';
import { ExtProcSession, type SessionTransport } from './session';
import type { ProtoProcessingRequest, ProtoProcessingResponse } from './envoy-types';
import type { Decision, Exchange, ExchangeContext, ExchangeEnd, Pipeline } from '../pipeline/types';
import { createMetrics } from '../telemetry/metrics';
import { toProtoStruct } from './struct';

const raw = (key: string, value: string) => ({ key, raw_value: Buffer.from(value) });

function requestHeaders(extra: { key: string; raw_value: Buffer }[] = [], endOfStream = false): ProtoProcessingRequest {
  return {
    request: 'request_headers',
    request_headers: {
      headers: { headers: [raw(':method', 'POST'), raw(':path', '/v1/chat/completions'), raw(':authority', 'gw'), raw(':scheme', 'https'), ...extra] },
      end_of_stream: endOfStream,
    },
  };
}

const responseHeaders = (contentType: string, endOfStream = false): ProtoProcessingRequest => ({
  request: 'response_headers',
  response_headers: { headers: { headers: [raw(':status', '200'), raw('content-type', contentType)] }, end_of_stream: endOfStream },
});

/** A scripted exchange: each hook returns what the test says and records what it saw. */
class ScriptedExchange implements Exchange {
  readonly seen: string[] = [];
  ends: ExchangeEnd[] = [];
  constructor(private readonly script: Partial<Record<'reqH' | 'reqB' | 'resH' | 'resB', Decision | (() => Decision | Promise<Decision>)>>) {}
  private run(key: 'reqH' | 'reqB' | 'resH' | 'resB'): Decision | Promise<Decision> {
    const entry = this.script[key];
    if (entry === undefined) return { kind: 'continue' };
    return typeof entry === 'function' ? entry() : entry;
  }
  onRequestHeaders() {
    this.seen.push('reqH');
    return this.run('reqH');
  }
  onRequestBody(body: Buffer) {
    this.seen.push(`reqB:${body.toString()}`);
    return this.run('reqB');
  }
  onResponseHeaders() {
    this.seen.push('resH');
    return this.run('resH');
  }
  onResponseBody(chunk: Buffer, end: boolean) {
    this.seen.push(`resB:${chunk.toString()}:${end}`);
    return this.run('resB');
  }
  onEnd(outcome: ExchangeEnd) {
    this.ends.push(outcome);
  }
}

function harness(script: ConstructorParameters<typeof ScriptedExchange>[0] = {}) {
  const exchange = new ScriptedExchange(script);
  const contexts: ExchangeContext[] = [];
  const pipeline: Pipeline = {
    newExchange: (context) => {
      contexts.push(context);
      return exchange;
    },
  };
  const sent: ProtoProcessingResponse[] = [];
  const failures: string[] = [];
  const transport: SessionTransport = { send: (r) => sent.push(r), fail: (m) => failures.push(m) };
  const metrics = createMetrics();
  const session = new ExtProcSession({ pipeline, logger: pino({ level: 'silent' }), metrics }, transport);
  return { session, exchange, sent, failures, contexts, metrics };
}

describe('ExtProcSession', () => {
  it('answers each message with the response of the matching kind, in order (S3)', async () => {
    const { session, sent, exchange } = harness();
    session.receive(requestHeaders());
    session.receive({ request: 'request_body', request_body: { body: Buffer.from('{}'), end_of_stream: true } });
    session.receive(responseHeaders('application/json'));
    session.receive({ request: 'response_body', response_body: { body: Buffer.from('{"ok":1}'), end_of_stream: true } });
    await session.whenIdle();
    expect(sent.map((r) => r.response)).toEqual(['request_headers', 'request_body', 'response_headers', 'response_body']);
    expect(exchange.seen).toEqual(['reqH', 'reqB:{}', 'resH', 'resB:{"ok":1}:true']);
  });

  it('keeps arrival order even when an earlier hook is slower than a later one (B3)', async () => {
    let call = 0;
    const { session, sent } = harness({
      resB: async () => {
        call += 1;
        const mine = call;
        await new Promise((resolve) => setTimeout(resolve, mine === 1 ? 30 : 0));
        return { kind: 'mutate', body: Buffer.from(`chunk${mine}`) };
      },
    });
    session.receive(requestHeaders([], true));
    session.receive(responseHeaders('text/event-stream'));
    session.receive({ request: 'response_body', response_body: { body: Buffer.from('a') } });
    session.receive({ request: 'response_body', response_body: { body: Buffer.from('b'), end_of_stream: true } });
    await session.whenIdle();
    const bodies = sent.filter((r) => r.response === 'response_body').map((r) => r.response_body?.response?.body_mutation?.body?.toString());
    expect(bodies).toEqual(['chunk1', 'chunk2']);
  });

  it('sets header values only in raw_value (R2)', async () => {
    const { session, sent } = harness({ reqH: { kind: 'mutate', headers: { set: [['x-llmgw-cluster', 'openai']] }, clearRouteCache: true } });
    session.receive(requestHeaders());
    await session.whenIdle();
    const set = sent[0].request_headers?.response?.header_mutation?.set_headers ?? [];
    expect(set).toHaveLength(1);
    expect(set[0].header.value).toBeUndefined();
    expect(Buffer.from(set[0].header.raw_value ?? []).toString()).toBe('openai');
    expect(sent[0].request_headers?.response?.clear_route_cache).toBe(true);
  });

  it('drops clear_route_cache when there is no header mutation to go with it (R4)', async () => {
    const { session, sent } = harness({ reqH: { kind: 'mutate', clearRouteCache: true } });
    session.receive(requestHeaders());
    await session.whenIdle();
    expect(sent[0].request_headers?.response?.clear_route_cache).toBeUndefined();
  });

  it('adds a matching content-length to a replaced buffered body (B5)', async () => {
    const { session, sent } = harness({ reqB: { kind: 'mutate', body: Buffer.from('{"model":"x"}') } });
    session.receive(requestHeaders());
    session.receive({ request: 'request_body', request_body: { body: Buffer.from('{}'), end_of_stream: true } });
    await session.whenIdle();
    const common = sent[1].request_body?.response;
    expect(common?.body_mutation?.body?.toString()).toBe('{"model":"x"}');
    const length = common?.header_mutation?.set_headers?.find((h) => h.header.key === 'content-length');
    expect(Buffer.from(length?.header.raw_value ?? []).toString()).toBe('13');
  });

  it('adds no content-length to a replaced streamed chunk, and clears an emptied one (B3, B4)', async () => {
    const { session, sent } = harness({
      resH: { kind: 'continue', responseBodyMode: 'streamed' },
      resB: { kind: 'mutate', body: Buffer.alloc(0) },
    });
    session.receive(requestHeaders([], true));
    session.receive(responseHeaders('text/event-stream'));
    session.receive({ request: 'response_body', response_body: { body: Buffer.from('data: x\n\n') } });
    await session.whenIdle();
    const common = sent[2].response_body?.response;
    expect(common?.header_mutation).toBeUndefined();
    expect(common?.body_mutation).toEqual({ clear_body: true });
  });

  it.each([
    ['streamed', 'STREAMED'],
    ['buffered', 'BUFFERED'],
    ['none', 'NONE'],
  ] as const)('switches the response body to %s with mode_override on the headers response (R6)', async (mode, expected) => {
    const { session, sent } = harness({ resH: { kind: 'continue', responseBodyMode: mode } });
    session.receive(requestHeaders([], true));
    session.receive(responseHeaders('application/json'));
    await session.whenIdle();
    expect(sent[1].mode_override?.response_body_mode).toBe(expected);
    expect(sent[0].mode_override).toBeUndefined();
  });

  it('removes content-length when switching the response to STREAMED, so resized chunks stay valid (B5)', async () => {
    const { session, sent } = harness({ resH: { kind: 'continue', responseBodyMode: 'streamed' } });
    session.receive(requestHeaders([], true));
    session.receive(responseHeaders('text/event-stream'));
    await session.whenIdle();
    expect(sent[1].response_headers?.response?.header_mutation?.remove_headers).toEqual(['content-length']);
  });

  it('maps a reject to an immediate_response with status, headers, body and details (R5)', async () => {
    const body = Buffer.from('{"error":{"message":"no","type":"invalid_request_error","code":"bad"}}');
    const { session, sent } = harness({
      reqB: { kind: 'reject', status: 400, headers: [['content-type', 'application/json']], body, details: 'bad' },
    });
    session.receive(requestHeaders());
    session.receive({ request: 'request_body', request_body: { body: Buffer.from('{'), end_of_stream: true } });
    await session.whenIdle();
    expect(sent[1].response).toBe('immediate_response');
    expect(sent[1].immediate_response?.status).toEqual({ code: 400 });
    expect(sent[1].immediate_response?.body).toEqual(body);
    expect(sent[1].immediate_response?.details).toBe('bad');
  });

  it('puts pipeline metadata under the llmgw namespace (R7)', async () => {
    const { session, sent } = harness({ reqH: { kind: 'continue', metadata: { tenant: 'acme' } } });
    session.receive(requestHeaders());
    await session.whenIdle();
    expect(sent[0].dynamic_metadata).toEqual(toProtoStruct({ llmgw: { tenant: 'acme' } }));
  });

  it('passes attributes and forwarded metadata to the exchange context (H3)', async () => {
    const { session, contexts } = harness();
    session.receive({
      ...requestHeaders([raw('x-request-id', 'from-header')]),
      attributes: { 'envoy.filters.http.ext_proc': toProtoStruct({ 'request.id': 'rid-1', 'source.address': '10.0.0.1:5555' }) },
      metadata_context: { filter_metadata: { 'envoy.filters.http.jwt_authn': toProtoStruct({ sub: 'u1', tenant: 't1' }) } },
    });
    await session.whenIdle();
    expect(contexts[0].requestId).toBe('rid-1');
    expect(contexts[0].attributes['source.address']).toBe('10.0.0.1:5555');
    expect(contexts[0].metadata).toEqual({ 'envoy.filters.http.jwt_authn': { sub: 'u1', tenant: 't1' } });
  });

  it('reads legacy `value` headers when raw_value is empty (H2)', async () => {
    const seen: string[] = [];
    const exchange: Exchange = {
      onRequestHeaders: (h) => {
        seen.push(h.path, h.headers.get('x-a') ?? '');
        return { kind: 'continue' };
      },
      onRequestBody: () => ({ kind: 'continue' }),
      onResponseHeaders: () => ({ kind: 'continue' }),
      onResponseBody: () => ({ kind: 'continue' }),
      onEnd: () => undefined,
    };
    const sent: ProtoProcessingResponse[] = [];
    const session = new ExtProcSession(
      { pipeline: { newExchange: () => exchange }, logger: pino({ level: 'silent' }), metrics: createMetrics() },
      { send: (r) => sent.push(r), fail: () => undefined },
    );
    session.receive({ request: 'request_headers', request_headers: { headers: { headers: [{ key: ':path', value: '/old' }, { key: 'X-A', value: '1' }] } } });
    await session.whenIdle();
    expect(seen).toEqual(['/old', '1']);
  });

  it('answers an internal error before the response with a generic 500 that leaks nothing', async () => {
    const { session, sent, metrics } = harness({
      reqB: () => {
        throw new Error('secret detail sk-live-123');
      },
    });
    session.receive(requestHeaders());
    session.receive({ request: 'request_body', request_body: { body: Buffer.from('{}'), end_of_stream: true } });
    await session.whenIdle();
    expect(sent[1].immediate_response?.status).toEqual({ code: 500 });
    expect(sent[1].immediate_response?.body?.toString()).not.toContain('secret');
    expect((await metrics.internalErrors.get()).values[0].value).toBe(1);
  });

  it('fails the stream on an internal error once the response has started (T3: Envoy resets)', async () => {
    const { session, failures } = harness({
      resB: () => {
        throw new Error('boom');
      },
    });
    session.receive(requestHeaders([], true));
    session.receive(responseHeaders('text/event-stream'));
    session.receive({ request: 'response_body', response_body: { body: Buffer.from('x') } });
    await session.whenIdle();
    expect(failures).toEqual(['internal error']);
  });

  it.each([
    ['completed after the response body ends', true, 'cancelled', 'completed'],
    ['cancelled when the stream is reset mid-response', false, 'cancelled', 'cancelled'],
    ['failed when the stream errors mid-response', false, 'errored', 'failed'],
  ] as const)('reports the outcome exactly once: %s (S5)', async (_name, finished, how, expected) => {
    const { session, exchange } = harness();
    session.receive(requestHeaders([], true));
    session.receive(responseHeaders('application/json'));
    session.receive({ request: 'response_body', response_body: { body: Buffer.from('{}'), end_of_stream: finished } });
    session.close(how);
    session.close('cancelled');
    await session.whenIdle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exchange.ends).toEqual([expected]);
  });

  it('answers trailers even though the shipped config skips them (S3)', async () => {
    const { session, sent } = harness();
    session.receive(requestHeaders());
    session.receive({ request: 'request_trailers', request_trailers: { trailers: { headers: [] } } });
    await session.whenIdle();
    expect(sent[1].response).toBe('request_trailers');
  });
});
