/**
 * The config reader: what the edge takes from envoy/envoy-local.yaml, and Envoy's defaults where the
 * YAML is silent (S2, T1, B2).
 */
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { JsonObject } from '../../src/extproc/struct';
import { CelExpression } from '../support/edge/cel-lite';
import { parseDurationMs } from '../support/edge/config-access';
import {
  DEFAULT_BUFFER_LIMIT_BYTES,
  DEFAULT_PROCESSING_MODE,
  EnvoyConfigError,
  applyOverrides,
  loadEnvoyConfig,
  readEnvoyConfig,
} from '../support/edge/envoy-config';

/** A minimal bootstrap: one listener, ext_proc with nothing but its gRPC service, one route. */
function minimal(extProc: JsonObject = {}, listener: JsonObject = {}, route: JsonObject = { cluster: 'a' }): JsonObject {
  return YAML.parse(
    YAML.stringify({
      static_resources: {
        listeners: [
          {
            name: 'l',
            address: { socket_address: { address: '127.0.0.1', port_value: 1 } },
            ...listener,
            filter_chains: [
              {
                filters: [
                  {
                    name: 'hcm',
                    typed_config: {
                      '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                      route_config: { virtual_hosts: [{ name: 'v', domains: ['*'], routes: [{ match: { prefix: '/' }, route }] }] },
                      http_filters: [
                        {
                          name: 'envoy.filters.http.ext_proc',
                          typed_config: {
                            '@type': 'type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor',
                            grpc_service: { envoy_grpc: { cluster_name: 'sidecar' } },
                            ...extProc,
                          },
                        },
                        { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
        clusters: [],
      },
    }),
  ) as JsonObject;
}

describe('shipped envoy-local.yaml', () => {
  const config = loadEnvoyConfig();

  it('reads the ext_proc filter settings the sidecar relies on', () => {
    expect(config.extProc.processing_mode).toEqual({
      request_header_mode: 'SEND',
      request_body_mode: 'BUFFERED',
      response_header_mode: 'SEND',
      response_body_mode: 'NONE',
      request_trailer_mode: 'SKIP',
      response_trailer_mode: 'SKIP',
    });
    expect(config.extProc).toMatchObject({
      message_timeout_ms: 2000,
      max_message_timeout_ms: 10000,
      failure_mode_allow: false,
      allow_mode_override: true,
      observability_mode: false,
      request_attributes: ['source.address', 'request.id', 'request.time', 'connection.mtls'],
      forwarding_namespaces: ['envoy.filters.http.jwt_authn'],
      receiving_namespaces: ['llmgw'],
      route_cache_action: 'DEFAULT',
      grpc_cluster: 'llmgw_sidecar',
    });
    expect(config.extProc.mutation_rules).toMatchObject({ disallow_all: false, disallow_is_error: false, allow_all_routing: false, allow_envoy: false });
  });

  it('B2: reads the listener buffer limit (32 MiB in the shipped file)', () => {
    expect(config.listener.bufferLimitBytes).toBe(32 * 1024 * 1024);
  });

  it('reads the internal-header strip as an early header mutation (before routing), the routes and the clusters', () => {
    const internal = ['x-llmgw-cluster', 'x-llmgw-tenant', 'x-llmgw-attempt', 'x-llmgw-provider', 'x-llmgw-internal', 'x-llmgw-model', 'x-llmgw-route'];
    expect(config.hcm.earlyHeaderEdits).toEqual(internal.map((name) => ({ op: 'remove', name })));
    // One mechanism: no HTTP filter ahead of ext_proc edits headers (it would run after route selection).
    expect(config.hcm.preExtProcFilters.filter((f) => f.requestEdits.length > 0)).toEqual([]);
    const routes = config.hcm.routes.virtualHosts[0].routes;
    expect(routes).toHaveLength(3);
    // Per-attempt fallback (UPSTREAM-RULES.md): retries walk the failover cluster's priorities.
    expect(routes[0].match.headers.map((header) => header.name)).toEqual(['x-llmgw-cluster', 'x-llmgw-attempt']);
    expect(routes[0].retryPolicy).toEqual({ numRetries: 2, retryOn: ['connect-failure', 'refused-stream', 'retriable-status-codes'], retriableStatusCodes: [429, 503], previousPriorities: true });
    expect(routes[1].action).toEqual({ kind: 'cluster_header', header: 'x-llmgw-cluster' });
    expect(routes[1].match.headers).toEqual([{ name: 'x-llmgw-cluster', kind: 'present', present: true, invert: false }]);
    expect(routes[1]).toMatchObject({ autoHostRewrite: true, timeoutMs: 600000, retryPolicy: { previousPriorities: false, retriableStatusCodes: [503] } });
    // No fallback provider: what the sidecar did not route gets a 404.
    expect(routes[2].action).toEqual({ kind: 'direct_response', status: 404, body: 'No provider was selected for this request.' });
    const failover = config.clusters.get('openai_failover');
    expect(failover?.endpoints.map((endpoint) => [endpoint.priority, endpoint.filterMetadata?.llmgw?.provider])).toEqual([
      [0, 'openai'],
      [1, 'anthropic'],
      [2, 'gemini'],
    ]);
    expect(failover?.upstreamExtProc).toMatchObject({ request_attributes: ['xds.upstream_host_metadata'], failure_mode_allow: false });
    expect(config.clusters.get('openai')?.endpoints[0]).toEqual({ hostname: 'api.openai.local', address: '127.0.0.1', port: 18081, priority: 0 });
    expect(config.clusters.get('llmgw_sidecar')?.endpoints[0]).toMatchObject({ address: '127.0.0.1', port: 50051 });
  });

  it('reads local_reply_config as envoy.yaml has it: status mappers and a default, each skipping JSON replies, no body_format', () => {
    const { mappers, bodyFormat } = config.hcm.localReply;
    expect(bodyFormat).toBeUndefined();
    const notJson = "!('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')";
    const statuses = mappers.map((m) => (m.filter.kind === 'and' ? m.filter.filters.find((f) => f.kind === 'status_code') : undefined));
    expect(statuses.map((f) => (f?.kind === 'status_code' ? [f.op, f.value] : undefined))).toEqual([['EQ', 413], ['EQ', 429], ['EQ', 503], ['EQ', 504], ['EQ', 404], undefined]);
    // The default mapper also leaves SSE alone: a cached answer the sidecar replays as a stream.
    const notJsonNorSse = "!('content-type' in response.headers) || !(response.headers['content-type'].startsWith('application/json') || response.headers['content-type'].startsWith('text/event-stream'))";
    mappers.forEach((mapper, index) => {
      const guards = mapper.filter.kind === 'and' ? mapper.filter.filters : [mapper.filter];
      expect(guards.filter((f) => f.kind === 'cel').map((f) => (f.kind === 'cel' ? f.expression.source : ''))).toEqual([index === mappers.length - 1 ? notJsonNorSse : notJson]);
    });
    expect(mappers[0].bodyFormat).toEqual({
      kind: 'json',
      contentType: 'application/json',
      template: { error: { message: 'Request body is larger than the gateway accepts.', type: 'invalid_request_error', code: 'request_too_large' } },
    });
    expect(mappers[5].bodyFormat).toEqual({ kind: 'json', contentType: 'application/json', template: { error: { message: '%LOCAL_REPLY_BODY%', type: 'api_error', code: 'gateway_error' } } });
  });

  it('local_reply_config is the same as envoy.yaml\'s', () => {
    const production = loadEnvoyConfig(path.join(path.dirname(config.sourcePath), 'envoy.yaml'), { listenerName: 'llm_gateway' });
    const comparable = (c: typeof config.hcm.localReply) => JSON.parse(JSON.stringify(c, (key, value: unknown) => (value instanceof CelExpression ? value.source : value))) as unknown;
    expect(comparable(config.hcm.localReply)).toEqual(comparable(production.hcm.localReply));
    expect(config.hcm.earlyHeaderEdits).toEqual(production.hcm.earlyHeaderEdits);
  });
});

describe('Envoy defaults where the YAML is silent', () => {
  it('S2: headers SEND, bodies NONE, trailers SKIP without a processing_mode', () => {
    const config = readEnvoyConfig(minimal(), 'inline');
    expect(config.extProc.processing_mode).toEqual(DEFAULT_PROCESSING_MODE);
    expect(config.extProc.processing_mode.request_header_mode).not.toBe('SKIP');
    expect(config.extProc.processing_mode.request_trailer_mode).not.toBe('SEND');
  });

  it('S2: an explicit processing_mode replaces the defaults field by field', () => {
    const config = readEnvoyConfig(minimal({ processing_mode: { response_body_mode: 'STREAMED' } }), 'inline');
    expect(config.extProc.processing_mode).toEqual({ ...DEFAULT_PROCESSING_MODE, response_body_mode: 'STREAMED' });
  });

  it('T1: message_timeout defaults to 200 ms; an explicit value is read', () => {
    expect(readEnvoyConfig(minimal(), 'inline').extProc.message_timeout_ms).toBe(200);
    expect(readEnvoyConfig(minimal({ message_timeout: '0.350s' }), 'inline').extProc.message_timeout_ms).toBe(350);
  });

  it('B2: the buffer limit defaults to 1 MiB; a route may override it', () => {
    const config = readEnvoyConfig(minimal({}, {}, { cluster: 'a' }), 'inline');
    expect(config.listener.bufferLimitBytes).toBe(DEFAULT_BUFFER_LIMIT_BYTES);
    const doc = minimal();
    const routes = (((((doc.static_resources as JsonObject).listeners as JsonObject[])[0].filter_chains as JsonObject[])[0].filters as JsonObject[])[0]
      .typed_config as JsonObject).route_config as JsonObject;
    ((routes.virtual_hosts as JsonObject[])[0].routes as JsonObject[])[0].per_request_buffer_limit_bytes = 4096;
    expect(readEnvoyConfig(doc, 'inline').hcm.routes.virtualHosts[0].routes[0].perRequestBufferLimitBytes).toBe(4096);
  });

  it('R3: mutation rules default to all false; configured flags are read', () => {
    expect(readEnvoyConfig(minimal(), 'inline').extProc.mutation_rules).toMatchObject({ disallow_is_error: false, allow_envoy: false });
    const rules = readEnvoyConfig(minimal({ mutation_rules: { disallow_is_error: true, allow_all_routing: true } }), 'inline').extProc.mutation_rules;
    expect(rules).toMatchObject({ disallow_is_error: true, allow_all_routing: true, disallow_all: false });
  });

  it('R4: disable_clear_route_cache maps to RETAIN; it cannot be combined with route_cache_action', () => {
    expect(readEnvoyConfig(minimal({ disable_clear_route_cache: true }), 'inline').extProc.route_cache_action).toBe('RETAIN');
    expect(() => readEnvoyConfig(minimal({ disable_clear_route_cache: true, route_cache_action: 'CLEAR' }), 'inline')).toThrow(EnvoyConfigError);
  });
});

describe('durations and refusals', () => {
  it('reads protobuf JSON durations', () => {
    expect(parseDurationMs('2s', 'x')).toBe(2000);
    expect(parseDurationMs('0.200s', 'x')).toBe(200);
    expect(parseDurationMs({ seconds: 1, nanos: 500_000_000 }, 'x')).toBe(1500);
  });

  it('refuses what Envoy refuses: "200ms" is not a Duration', () => {
    expect(() => parseDurationMs('200ms', 'x')).toThrow(/invalid google.protobuf.Duration/);
    expect(() => readEnvoyConfig(minimal({ message_timeout: '200ms' }), 'inline')).toThrow(EnvoyConfigError);
  });

  it('refuses a local reply operator it cannot render instead of rendering it wrongly', () => {
    const doc = minimal();
    const hcm = ((((doc.static_resources as JsonObject).listeners as JsonObject[])[0].filter_chains as JsonObject[])[0].filters as JsonObject[])[0].typed_config as JsonObject;
    hcm.local_reply_config = { body_format: { text_format: '%UPSTREAM_HOST%' } };
    expect(() => readEnvoyConfig(doc, 'inline')).toThrow(/not rendered by the test edge/);
  });
});

describe('test overrides', () => {
  it('merge into the YAML settings field by field', () => {
    const config = applyOverrides(loadEnvoyConfig(), { failure_mode_allow: true, message_timeout_ms: 50, processing_mode: { response_body_mode: 'STREAMED' }, buffer_limit_bytes: 1024 });
    expect(config.extProc.failure_mode_allow).toBe(true);
    expect(config.extProc.message_timeout_ms).toBe(50);
    expect(config.extProc.processing_mode.request_body_mode).toBe('BUFFERED');
    expect(config.extProc.processing_mode.response_body_mode).toBe('STREAMED');
    expect(config.listener.bufferLimitBytes).toBe(1024);
    expect(config.extProc.receiving_namespaces).toEqual(['llmgw']);
  });
});
