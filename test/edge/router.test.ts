/**
 * Envoy around the ext_proc filter: the router (clusters, host rewrite, local replies) and what the
 * edge records about the upstream request. Not ext_proc rules, but every later test relies on them.
 */
import * as net from 'node:net';
import { startEdge } from '../support/edge/edge';
import { parseArgs } from '../support/edge/main';
import { answer, byKind, kindOf, setHeader } from '../support/edge/scripted-processor';
import { CHAT_BODY, closeHarnessesAfterEach, httpRequest, jsonHeaders, startHarness } from './helpers';

closeHarnessesAfterEach();

const post = { body: CHAT_BODY, headers: jsonHeaders(CHAT_BODY) };
const toCluster = (cluster: string) => byKind({ request_headers: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-llmgw-cluster', cluster)] }, clear_route_cache: true }) });

describe('router', () => {
  it('forwards to the cluster endpoint with auto_host_rewrite and the route timeout header', async () => {
    const h = await startHarness();
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    const upstream = h.upstreams.openai.requests[0];
    expect(upstream.headers.host).toBe('api.openai.local');
    expect(upstream.headers['x-envoy-expected-rq-timeout-ms']).toBe('600000');
    expect(upstream.headers['x-request-id']).toBe(h.edge.lastRecord()?.requestId);
    expect(upstream.headers['x-forwarded-proto']).toBe('http');
    const record = h.edge.lastRecord()?.upstream;
    expect(record).toMatchObject({ cluster: 'openai', host: 'api.openai.local', method: 'POST', path: '/v1/chat/completions', url: h.upstreams.openai.url, status: 200 });
    expect(record?.body.toString()).toBe(CHAT_BODY);
    expect(record?.headers).toContainEqual(['content-length', String(CHAT_BODY.length)]);
  });

  it.each(['anthropic', 'gemini'] as const)('a request the processor routes to %s reaches that cluster, with its hostname', async (cluster) => {
    const h = await startHarness({ route: cluster });
    expect((await httpRequest(h.edge.url, post)).status).toBe(200);
    expect(h.upstreams[cluster].requests).toHaveLength(1);
    expect(h.upstreams.openai.requests).toHaveLength(0);
    expect(h.edge.lastRecord()?.upstream).toMatchObject({ cluster, host: cluster === 'anthropic' ? 'api.anthropic.local' : 'generativelanguage.googleapis.local' });
  });

  it('a request the processor does not route reaches no provider: 404 direct_response, as local_reply JSON, through the response path', async () => {
    const h = await startHarness({ route: false });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json()).toEqual({ error: { message: 'The gateway has no route for this request.', type: 'invalid_request_error', code: 'not_found' } });
    expect(Object.values(h.upstreams).map((upstream) => upstream.requests.length)).toEqual([0, 0, 0]);
    await h.edge.settled();
    const rec = h.edge.lastRecord();
    expect(rec?.route).toMatchObject({ initial: { clusterFrom: 'direct_response' }, final: { clusterFrom: 'direct_response' } });
    expect(rec?.localReply).toMatchObject({ decidedBy: 'router', details: 'direct_response', status: 404, body: expect.stringContaining('not_found') as unknown, path: 'filter_chain' });
    expect(rec?.upstream).toBeNull();
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'request_body', 'response_headers']);
  });

  it('an unknown cluster -> 503 with the local_reply JSON; the reply passes through the response path', async () => {
    const h = await startHarness({ script: toCluster('nowhere') });
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ error: { message: 'No upstream is available for this request.', type: 'api_error', code: 'upstream_unavailable' } });
    await h.edge.settled();
    const rec = h.edge.lastRecord();
    expect(rec?.localReply).toMatchObject({ decidedBy: 'router', details: 'cluster_not_found', path: 'filter_chain' });
    // Envoy runs encoder filters on its own local replies: the processor sees the 503's headers.
    expect(h.processor.streams[0].requests.map(kindOf)).toEqual(['request_headers', 'request_body', 'response_headers']);
  });

  it('an upstream that refuses connections -> 503', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const h = await startHarness();
    // A second edge whose openai endpoint is a closed port.
    const edge = await startEdge({ extProc: { address: h.processor.address }, upstreams: { openai: `http://127.0.0.1:${closedPort}` } });
    try {
      const res = await httpRequest(edge.url, post);
      expect(res.status).toBe(503);
      expect(edge.lastRecord()?.localReply?.details).toBe('upstream_reset_before_response_started{connection_failure}');
    } finally {
      await edge.close();
    }
  });

  it('records the downstream response as sent', async () => {
    const h = await startHarness();
    const res = await httpRequest(h.edge.url, post);
    await h.edge.settled();
    const rec = h.edge.lastRecord();
    expect(rec?.response).toMatchObject({ status: 200, complete: true });
    expect(rec?.response.body.toString()).toBe(res.body.toString());
    expect(rec?.response.headers).toContainEqual(['server', 'envoy']);
    expect(rec?.done).toBe(true);
  });
});

describe('main', () => {
  it('parses the command line', () => {
    expect(parseArgs(['--config', 'envoy/envoy-local.yaml', '--extproc', '127.0.0.1:50051', '--port', '10000', '--upstream', 'openai=http://127.0.0.1:18081'])).toEqual({
      config: 'envoy/envoy-local.yaml',
      extproc: '127.0.0.1:50051',
      port: 10000,
      upstreams: { openai: 'http://127.0.0.1:18081' },
    });
    expect(() => parseArgs(['--upstream', 'openai'])).toThrow(/cluster=/);
    expect(() => parseArgs(['--bogus', 'x'])).toThrow(/unknown option/);
  });
});
