/**
 * UPSTREAM-RULES.md U1-U9: the router's attempts over a failover cluster's priorities, each through the
 * cluster's upstream ext_proc filter, driven by a scripted processor (no sidecar): what each stream
 * receives, when the router retries and when it does not.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ProtoProcessingRequest } from '../../src/extproc/envoy-types';
import { fromProtoStruct } from '../../src/extproc/struct';
import { startEdge, type Edge } from '../support/edge/edge';
import { defaultEnvoyConfigPath, loadEnvoyConfig } from '../support/edge/envoy-config';
import { answer, byKind, kindOf, setHeader, startScriptedProcessor, type ScriptedProcessor, type Script } from '../support/edge/scripted-processor';
import { CHAT_BODY, httpRequest, jsonHeaders, startUpstream, type TestUpstream, type UpstreamHandler } from './helpers';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const status = (code: number): UpstreamHandler => (_request, res) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: code }));
};

function hostMetadata(request: ProtoProcessingRequest): unknown {
  const struct = request.attributes?.['envoy.filters.http.ext_proc'];
  return struct ? fromProtoStruct(struct)['xds.upstream_host_metadata'] : undefined;
}

/** The router-level stream routes to the failover cluster; upstream streams run `upstream`. */
function script(upstream: Script = (request) => answer(request)): Script {
  return (request, ctx) => {
    const isAttempt = ctx.stream.requests.some((first) => hostMetadata(first) !== undefined);
    if (isAttempt) return upstream(request, ctx);
    return byKind({
      request_headers: (req) => answer(req, { header_mutation: { set_headers: [setHeader('x-llmgw-cluster', 'openai_failover'), setHeader('x-llmgw-attempt', 'token-1')] }, clear_route_cache: true }),
    })(request, ctx);
  };
}

async function start(handlers: [UpstreamHandler, UpstreamHandler, UpstreamHandler], upstreamScript?: Script): Promise<{ edge: Edge; processor: ScriptedProcessor; upstreams: TestUpstream[] }> {
  const processor = await startScriptedProcessor(script(upstreamScript));
  cleanups.push(() => processor.close());
  const upstreams = [await startUpstream('p0', handlers[0]), await startUpstream('p1', handlers[1]), await startUpstream('p2', handlers[2])];
  for (const upstream of upstreams) cleanups.push(() => upstream.close());
  const edge = await startEdge({
    extProc: { address: processor.address },
    upstreams: { 'openai_failover@0': upstreams[0].url, 'openai_failover@1': upstreams[1].url, 'openai_failover@2': upstreams[2].url },
  });
  cleanups.push(() => edge.close());
  return { edge, processor, upstreams };
}

const post = { body: CHAT_BODY, headers: jsonHeaders(CHAT_BODY) };

describe('upstream ext_proc filter per attempt', () => {
  it('U2 U4 U5 U6 U7: a 503 on priority 0 is retried on priority 1; each attempt has its own stream, with that host\'s metadata and the whole body', async () => {
    const h = await start([status(503), status(200), status(200)]);
    const res = await httpRequest(h.edge.url, post);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 200 });
    expect(h.upstreams.map((upstream) => upstream.requests.length)).toEqual([1, 1, 0]);
    await h.edge.settled();
    await h.processor.waitForEndedStreams(3);
    const [router, first, second] = h.processor.streams;
    expect(hostMetadata(router.requests[0])).toBeUndefined();
    expect(hostMetadata(first.requests[0])).toBe('filter_metadata { key: "llmgw" value { fields { key: "provider" value { string_value: "openai" } } } }');
    expect(hostMetadata(second.requests[0])).toBe('filter_metadata { key: "llmgw" value { fields { key: "provider" value { string_value: "anthropic" } } } }');
    for (const attempt of [first, second]) {
      expect(attempt.requests.map(kindOf)).toEqual(['request_headers', 'request_body', 'response_headers']);
      expect(attempt.requests[1].request_body?.body?.toString()).toBe(CHAT_BODY);
    }
    // The router-level filter sees only the answer that went downstream.
    expect(router.requests.filter((request) => kindOf(request) === 'response_headers')).toHaveLength(1);
    expect(h.edge.lastRecord()?.attempts?.map((attempt) => [attempt.priority, attempt.status, attempt.retried === true])).toEqual([
      [0, 503, true],
      [1, 200, false],
    ]);
    // U9: auto_host_rewrite writes each attempt's endpoint hostname.
    expect(h.upstreams[0].requests[0].headers.host).toBe('api.openai.local');
    expect(h.upstreams[1].requests[0].headers.host).toBe('api.anthropic.local');
  });

  it('U3: a status outside retriable_status_codes is not retried', async () => {
    const h = await start([status(500), status(200), status(200)]);
    expect((await httpRequest(h.edge.url, post)).status).toBe(500);
    expect(h.upstreams.map((upstream) => upstream.requests.length)).toEqual([1, 0, 0]);
  });

  it('U3: a local reply of the upstream filter is final, never retried', async () => {
    const refuse: Script = byKind({ request_headers: () => ({ immediate_response: { status: { code: 503 }, body: Buffer.from('no') } }) });
    const h = await start([status(200), status(200), status(200)], refuse);
    expect((await httpRequest(h.edge.url, post)).status).toBe(503);
    expect(h.upstreams.map((upstream) => upstream.requests.length)).toEqual([0, 0, 0]);
    expect(h.edge.lastRecord()?.attempts).toHaveLength(1);
  });

  it('U4: previous_priorities starts over when every priority was tried', async () => {
    const h = await start([status(503), status(503), status(503)]);
    // num_retries 2: three attempts, one per priority, then the last answer goes downstream.
    expect((await httpRequest(h.edge.url, post)).status).toBe(503);
    expect(h.upstreams.map((upstream) => upstream.requests.length)).toEqual([1, 1, 1]);
    expect(h.edge.lastRecord()?.attempts?.map((attempt) => attempt.priority)).toEqual([0, 1, 2]);
  });

  it('U1: upstream HTTP filters must end with upstream_codec', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'edge-upstream-'));
    const file = path.join(dir, 'envoy.yaml');
    const yaml = readFileSync(defaultEnvoyConfigPath(), 'utf8');
    const broken = yaml.replace(/\n {12}- name: envoy\.filters\.http\.upstream_codec\n {14}typed_config:\n {16}"@type": type\.googleapis\.com\/envoy\.extensions\.filters\.http\.upstream_codec\.v3\.UpstreamCodec/, '');
    expect(broken).not.toBe(yaml);
    writeFileSync(file, broken);
    expect(() => loadEnvoyConfig(file)).toThrow(/upstream_codec/);
  });
});
