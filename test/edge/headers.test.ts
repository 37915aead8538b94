/**
 * Headers the edge sends (H1, H2, H3) and header mutations it receives (R1, R2, R3), including route
 * re-selection (R4).
 */
import type { ProtoHeaderMutation, ProtoProcessingRequest } from '../../src/extproc/envoy-types';
import { answer, byKind, headerValue, setHeader } from '../support/edge/scripted-processor';
import { asWireStruct, fromWireStruct } from '../support/edge/wire-struct';
import type * as YAML from 'yaml';
import { CHAT_BODY, HCM_PATH, closeHarnessesAfterEach, envoyVariant, httpRequest, jsonHeaders, startHarness } from './helpers';

closeHarnessesAfterEach();

const post = { body: CHAT_BODY, headers: jsonHeaders(CHAT_BODY) };

function headerKeys(request: ProtoProcessingRequest | undefined): string[] {
  const headers = request?.request_headers ?? request?.response_headers;
  return (headers?.headers?.headers ?? []).map((h) => h.key);
}

/**
 * A script that answers request_headers with `mutation` (and passes everything else). Without
 * `clearRouteCache` the harness adds the routing to openai to the same answer (see `routed`).
 */
function mutateRequestHeaders(mutation: ProtoHeaderMutation, clearRouteCache?: boolean) {
  return byKind({
    request_headers: (req) => answer(req, { header_mutation: mutation, ...(clearRouteCache === undefined ? {} : { clear_route_cache: clearRouteCache }) }),
  });
}

describe('H1 header keys', () => {
  it('H1: keys arrive lower-case with the pseudo-headers; responses carry :status', async () => {
    const h = await startHarness();
    await httpRequest(h.edge.url, { ...post, headers: { ...post.headers, 'X-Custom-Header': 'Value' } });
    await h.edge.settled();
    const [request, , response] = h.processor.streams[0].requests;
    expect(headerValue(request, ':method')).toBe('POST');
    expect(headerValue(request, ':path')).toBe('/v1/chat/completions');
    expect(headerValue(request, ':authority')).toBe(h.edge.url.replace('http://', ''));
    expect(headerValue(request, ':scheme')).toBe('http');
    expect(headerValue(request, 'x-custom-header')).toBe('Value');
    expect(headerValue(response, ':status')).toBe('200');
  });

  it('H1: no mixed-case key, no Host (it became :authority), no hop-by-hop header', async () => {
    const h = await startHarness();
    await httpRequest(h.edge.url, { ...post, headers: { ...post.headers, 'X-Custom-Header': 'Value', Connection: 'keep-alive' } });
    await h.edge.settled();
    const keys = headerKeys(h.processor.streams[0].requests[0]);
    expect(keys.filter((k) => k !== k.toLowerCase())).toEqual([]);
    expect(keys).not.toContain('host');
    expect(keys).not.toContain('connection');
  });
});

describe('H2 header values', () => {
  it('H2: values arrive in raw_value, value stays empty', async () => {
    const h = await startHarness();
    await httpRequest(h.edge.url, post);
    await h.edge.settled();
    const headers = h.processor.streams[0].requests[0].request_headers?.headers?.headers ?? [];
    expect(headers.length).toBeGreaterThan(4);
    for (const header of headers) {
      expect(header.value ?? '').toBe('');
      expect(header.raw_value).toBeDefined();
    }
  });

  it('H2: a mutation written in `value` (not raw_value) sets an empty header', async () => {
    const h = await startHarness({ script: mutateRequestHeaders({ set_headers: [{ header: { key: 'x-tenant', value: 'acme' } }] }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].headers['x-tenant']).toBe('');
    expect(h.edge.lastRecord()?.mutations[0].reason).toMatch(/H2/);
  });
});

describe('H3 attributes, metadata and forward_rules', () => {
  it('H3: attributes come on the first message of each direction only', async () => {
    const h = await startHarness({ overrides: { response_attributes: ['response.code'], processing_mode: { response_body_mode: 'BUFFERED' } } });
    await httpRequest(h.edge.url, post);
    await h.edge.settled();
    const [reqHeaders, reqBody, respHeaders, respBody] = h.processor.streams[0].requests;
    const attrs = (r: ProtoProcessingRequest) => fromWireStruct(asWireStruct(r.attributes?.['envoy.filters.http.ext_proc']));
    expect(Object.keys(attrs(reqHeaders)).sort()).toEqual(['connection.mtls', 'request.id', 'request.time', 'source.address']);
    expect(attrs(reqHeaders)).toMatchObject({ 'connection.mtls': false, 'request.id': h.edge.lastRecord()?.requestId });
    expect(attrs(reqHeaders)['source.address']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(attrs(reqHeaders)['request.time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
    expect(reqBody.attributes).toBeUndefined();
    expect(attrs(respHeaders)).toEqual({ 'response.code': '200' });
    expect(respBody.attributes).toBeUndefined();
  });

  it('H3: no response_attributes configured, no attributes on the response path', async () => {
    const h = await startHarness();
    await httpRequest(h.edge.url, post);
    await h.edge.settled();
    const response = h.processor.streams[0].requests.find((r) => r.response_headers);
    expect(response?.attributes).toBeUndefined();
  });

  it('H3: metadata_context carries the forwarding namespaces on every message, and only those', async () => {
    const h = await startHarness({
      dynamicMetadata: () => ({ 'envoy.filters.http.jwt_authn': { sub: 'user-1', tenant: 'acme' }, 'other.filter': { secret: 'x' } }),
    });
    await httpRequest(h.edge.url, post);
    await h.edge.settled();
    const requests = h.processor.streams[0].requests;
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      const namespaces = request.metadata_context?.filter_metadata ?? {};
      expect(Object.keys(namespaces)).toEqual(['envoy.filters.http.jwt_authn']);
      expect(fromWireStruct(asWireStruct(namespaces['envoy.filters.http.jwt_authn']))).toEqual({ sub: 'user-1', tenant: 'acme' });
    }
  });

  it('H3: forward_rules keep disallowed headers from the processor, not from the upstream', async () => {
    const h = await startHarness({ overrides: { forward_rules: { allowed: [], disallowed: [{ kind: 'exact', value: 'authorization', ignoreCase: false }] } } });
    await httpRequest(h.edge.url, { ...post, headers: { ...post.headers, authorization: 'Bearer sk-1' } });
    await h.edge.settled();
    expect(headerKeys(h.processor.streams[0].requests[0])).not.toContain('authorization');
    expect(headerKeys(h.processor.streams[0].requests[0])).toContain('content-type');
    expect(h.upstreams.openai.requests[0].headers.authorization).toBe('Bearer sk-1');
  });
});

describe('R1 order and append', () => {
  it('R1: remove_headers apply before set_headers', async () => {
    const h = await startHarness({ script: mutateRequestHeaders({ remove_headers: ['x-a'], set_headers: [setHeader('x-a', 'new')] }) });
    await httpRequest(h.edge.url, { ...post, headers: { ...post.headers, 'x-a': 'old' } });
    expect(h.upstreams.openai.requests[0].headers['x-a']).toBe('new');
  });

  it('R1: append true adds a value; the default overwrites; append_action is ignored', async () => {
    const h = await startHarness({
      script: mutateRequestHeaders({
        set_headers: [
          setHeader('x-append', 'two', true),
          setHeader('x-overwrite', 'two'),
          { header: { key: 'x-action', raw_value: Buffer.from('two') }, append_action: 'APPEND_IF_EXISTS_OR_ADD' },
        ],
      }),
    });
    await httpRequest(h.edge.url, { ...post, headers: { ...post.headers, 'x-append': 'one', 'x-overwrite': 'one', 'x-action': 'one' } });
    const upstream = h.upstreams.openai.requests[0].headers;
    expect(upstream['x-append']).toBe('one, two');
    expect(upstream['x-overwrite']).toBe('two');
    expect(upstream['x-action']).toBe('two');
  });
});

describe('R2 raw_value only', () => {
  it('R2: value and raw_value both set -> 500', async () => {
    const h = await startHarness({ script: mutateRequestHeaders({ set_headers: [{ header: { key: 'x-a', value: 'v', raw_value: Buffer.from('v') } }] }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(500);
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'R2' });
    expect(h.edge.lastRecord()?.mutations[0]).toMatchObject({ name: 'x-a', outcome: 'rejected' });
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('R2: raw_value alone is applied', async () => {
    const h = await startHarness({ script: mutateRequestHeaders({ set_headers: [setHeader('x-a', 'v')] }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].headers['x-a']).toBe('v');
  });
});

describe('R3 mutation rules', () => {
  it('R3: changes to host, :authority, :method, :scheme and x-envoy-* are skipped and the request proceeds', async () => {
    const h = await startHarness({
      script: mutateRequestHeaders({
        remove_headers: ['x-envoy-bar'],
        set_headers: [setHeader(':authority', 'evil.example'), setHeader('host', 'evil.example'), setHeader(':method', 'DELETE'), setHeader(':scheme', 'https'), setHeader('x-envoy-foo', '1')],
      }),
    });
    const res = await httpRequest(h.edge.url, { ...post, headers: { ...post.headers, 'x-envoy-bar': 'keep' } });
    expect(res.status).toBe(200);
    const upstream = h.upstreams.openai.requests[0];
    expect(upstream.method).toBe('POST');
    expect(upstream.headers['x-envoy-foo']).toBeUndefined();
    expect(upstream.headers['x-envoy-bar']).toBe('keep');
    expect(upstream.headers.host).toBe('api.openai.local');
    const outcomes = h.edge.lastRecord()?.mutations.map((m) => [m.name, m.outcome]);
    expect(outcomes).toEqual([
      ['x-envoy-bar', 'refused'],
      [':authority', 'refused'],
      ['host', 'refused'],
      [':method', 'refused'],
      [':scheme', 'refused'],
      ['x-envoy-foo', 'refused'],
      // The harness's routing (see `routed`), after the script's own mutations.
      ['x-llmgw-cluster', 'applied'],
    ]);
    expect(h.edge.lastRecord()?.mutations.filter((m) => m.outcome === 'refused').every((m) => /^R3:/.test(m.reason ?? ''))).toBe(true);
  });

  it('R3: removing a pseudo-header or host is refused; the request proceeds unchanged', async () => {
    const h = await startHarness({ script: mutateRequestHeaders({ remove_headers: [':path', ':method', 'host'] }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].url).toBe('/v1/chat/completions');
    expect(h.edge.lastRecord()?.mutations.map((m) => [m.name, m.outcome])).toEqual([
      [':path', 'refused'],
      [':method', 'refused'],
      ['host', 'refused'],
      ['x-llmgw-cluster', 'applied'],
    ]);
  });

  it('R3: :path may change', async () => {
    const h = await startHarness({ script: mutateRequestHeaders({ set_headers: [setHeader(':path', '/v1/responses?x=1')] }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.openai.requests[0].url).toBe('/v1/responses?x=1');
    expect(h.edge.lastRecord()?.mutations[0]).toMatchObject({ name: ':path', outcome: 'applied' });
  });

  it('R3: with disallow_is_error a refused change fails the request (500)', async () => {
    const h = await startHarness({ overrides: { mutation_rules: { disallow_is_error: true } }, script: mutateRequestHeaders({ set_headers: [setHeader('x-envoy-foo', '1')] }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(500);
    expect(h.upstreams.openai.requests).toHaveLength(0);
  });

  it('R3: an invalid header name or value fails the request (500)', async () => {
    const badName = await startHarness({ script: mutateRequestHeaders({ set_headers: [setHeader('bad header', 'v')] }) });
    expect((await httpRequest(badName.edge.url, post)).status).toBe(500);
    const badValue = await startHarness({ script: mutateRequestHeaders({ set_headers: [setHeader('x-a', 'line\r\nx-injected: 1')] }) });
    expect((await httpRequest(badValue.edge.url, post)).status).toBe(500);
    expect(badValue.upstreams.openai.requests).toHaveLength(0);
  });
});

describe('R4 clear_route_cache', () => {
  const toAnthropic = { set_headers: [setHeader('x-llmgw-cluster', 'anthropic')] };
  const NOT_ROUTED = { error: { message: 'The gateway has no route for this request.', type: 'invalid_request_error', code: 'not_found' } };

  // These tests route by hand (route: false): before the processor names a cluster, the cached route of
  // envoy-local.yaml is the 404 direct_response, so a re-selection shows as a request that reaches a provider.
  it('R4: clear_route_cache with a header_mutation re-selects the route (cluster_header)', async () => {
    const h = await startHarness({ route: false, script: mutateRequestHeaders(toAnthropic, true) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.anthropic.requests).toHaveLength(1);
    expect(h.upstreams.openai.requests).toHaveLength(0);
    expect(h.upstreams.anthropic.requests[0].headers.host).toBe('api.anthropic.local');
    const route = h.edge.lastRecord()?.route;
    expect(route).toMatchObject({ reselected: true, initial: { clusterFrom: 'direct_response' }, final: { cluster: 'anthropic', clusterFrom: 'cluster_header' } });
  });

  it('R4: clear_route_cache without a header_mutation does not re-route: the cached 404 stays', async () => {
    const h = await startHarness({ route: false, script: byKind({ request_headers: (req) => answer(req, { clear_route_cache: true }) }) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(404);
    expect(res.json()).toEqual(NOT_ROUTED);
    expect(Object.values(h.upstreams).map((upstream) => upstream.requests.length)).toEqual([0, 0, 0]);
    expect(h.edge.lastRecord()?.route.cache).toEqual([{ phase: 'request_headers', outcome: 'ignored', reason: 'R4: no header_mutation in the same response' }]);
  });

  it('R4: a header_mutation without clear_route_cache keeps the cached route (the cluster header is not read again)', async () => {
    const h = await startHarness({ route: false, script: mutateRequestHeaders(toAnthropic, false) });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(404);
    expect(res.json()).toEqual(NOT_ROUTED);
    expect(h.upstreams.anthropic.requests).toHaveLength(0);
    expect(h.edge.lastRecord()?.route).toMatchObject({ reselected: false, final: { clusterFrom: 'direct_response' } });
    expect(h.edge.lastRecord()?.localReply).toMatchObject({ decidedBy: 'router', details: 'direct_response', status: 404 });
  });

  it('R4: a body response on the request path may re-route too', async () => {
    const h = await startHarness({ route: false, script: byKind({ request_body: (req) => answer(req, { header_mutation: toAnthropic, clear_route_cache: true }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams.anthropic.requests).toHaveLength(1);
    expect(h.edge.lastRecord()?.route.cache).toEqual([{ phase: 'request_body', outcome: 'cleared', reason: 'R4: clear_route_cache with a header_mutation' }]);
  });

  it('R4: clear_route_cache on the response path is ignored', async () => {
    const h = await startHarness({ script: byKind({ response_headers: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-a', '1')] }, clear_route_cache: true }) }) });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.edge.lastRecord()?.route.cache).toEqual([
      { phase: 'request_headers', outcome: 'cleared', reason: 'R4: clear_route_cache with a header_mutation' },
      { phase: 'response_headers', outcome: 'ignored', reason: 'R4: only on the request path' },
    ]);
  });

  describe('client-sent x-llmgw-cluster', () => {
    const clientPicksAnthropic = { ...post, headers: { ...post.headers, 'x-llmgw-cluster': 'anthropic' } };
    /**
     * envoy-local.yaml as it was: the strip in a header_mutation HTTP filter ahead of ext_proc, which runs
     * after Envoy selected the route. Shows what the early strip of the shipped config prevents.
     */
    const stripAfterRouting = (): string =>
      envoyVariant((doc) => {
        const removals = (doc.getIn([...HCM_PATH, 'early_header_mutation_extensions', 0, 'typed_config', 'mutations']) as YAML.YAMLSeq).toJSON() as unknown[];
        doc.deleteIn([...HCM_PATH, 'early_header_mutation_extensions']);
        const filters = doc.getIn([...HCM_PATH, 'http_filters']) as YAML.YAMLSeq;
        filters.items.unshift(
          doc.createNode({
            name: 'llmgw.strip_internal_headers',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation',
              mutations: { request_mutations: removals },
            },
          }),
        );
      });

    it('R4: the shipped config strips it before routing: a client cannot pick the cluster, even when the processor does not clear the route cache', async () => {
      const h = await startHarness({ route: false });
      const res = await httpRequest(h.edge.url, clientPicksAnthropic);
      expect(res.status).toBe(404);
      expect(res.json()).toEqual(NOT_ROUTED);
      expect(Object.values(h.upstreams).map((upstream) => upstream.requests.length)).toEqual([0, 0, 0]);
      expect(headerKeys(h.processor.streams[0].requests[0])).not.toContain('x-llmgw-cluster');
      expect(h.edge.lastRecord()?.route.initial).toMatchObject({ clusterFrom: 'direct_response' });
      expect(h.edge.lastRecord()?.requestHeaders.map(([name]) => name)).not.toContain('x-llmgw-cluster');
    });

    it('R4: the shipped config: the processor alone chooses the cluster', async () => {
      const h = await startHarness({ route: 'gemini' });
      expect((await httpRequest(h.edge.url, clientPicksAnthropic)).status).toBe(200);
      expect(h.upstreams.gemini.requests).toHaveLength(1);
      expect(h.upstreams.anthropic.requests).toHaveLength(0);
      expect(h.edge.lastRecord()?.route).toMatchObject({ initial: { clusterFrom: 'direct_response' }, final: { cluster: 'gemini' } });
    });

    it('R4: with the strip in an HTTP filter (after routing), the route is chosen from the client headers and kept without a clear', async () => {
      // Envoy selects the route before any HTTP filter: the client's x-llmgw-cluster picks the cluster even
      // though the header_mutation filter strips it before ext_proc (the processor never sees it).
      const h = await startHarness({ route: false, envoyConfigPath: stripAfterRouting() });
      expect((await httpRequest(h.edge.url, clientPicksAnthropic)).status).toBe(200);
      expect(headerKeys(h.processor.streams[0].requests[0])).not.toContain('x-llmgw-cluster');
      expect(h.upstreams.anthropic.requests).toHaveLength(1);
      expect(h.upstreams.anthropic.requests[0].headers['x-llmgw-cluster']).toBeUndefined();
      expect(h.edge.lastRecord()?.route.initial).toMatchObject({ cluster: 'anthropic', clusterFrom: 'cluster_header' });
    });

    it('R4: with the strip in an HTTP filter, the processor overrides a client-chosen cluster only with a header mutation and clear_route_cache', async () => {
      const h = await startHarness({ route: false, envoyConfigPath: stripAfterRouting(), script: mutateRequestHeaders({ set_headers: [setHeader('x-llmgw-cluster', 'gemini')] }, true) });
      expect((await httpRequest(h.edge.url, clientPicksAnthropic)).status).toBe(200);
      expect(h.upstreams.gemini.requests).toHaveLength(1);
      expect(h.upstreams.anthropic.requests).toHaveLength(0);
    });
  });
});
