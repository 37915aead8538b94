/**
 * Every shipped Envoy config must load as an `envoy.config.bootstrap.v3.Bootstrap` with Envoy's own
 * strictness (unknown fields, bad enums, unknown @type, oneof clashes and PGV rules are errors), and
 * must keep the invariants the sidecar relies on (DESIGN.md "Envoy wiring", envoy-ext-proc.md).
 * Envoy cannot be installed here, so this is the check that stands in for `envoy --mode validate`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ENVOY_DIR,
  TYPE_DOWNSTREAM_TLS,
  TYPE_EARLY_HEADER_MUTATION,
  TYPE_EXT_PROC,
  TYPE_HEADER_MUTATION,
  TYPE_HTTP_PROTOCOL_OPTIONS,
  TYPE_JWT_AUTHN,
  TYPE_ROUTER,
  TYPE_UPSTREAM_TLS,
  allStrings,
  cluster,
  clusters,
  connectionManagers,
  durationSeconds,
  earlyHeaderMutations,
  envoyBootstrapFiles,
  filterChains,
  httpFilters,
  list,
  listener,
  loadYamlFile,
  mapObjects,
  mapperSkipsJsonReplies,
  mapperStatus,
  obj,
  routes,
  str,
  typeOf,
} from './bootstrap-queries';
import { MIN_SUPPORTED_ENVOY, NEWER_ENVOY_API, compareEnvoyVersions } from './newer-api';
import { EnvoyProtoRegistry, formatIssues, isJsonObject, parseEnvoyYaml, type JsonObject, type JsonValue, type StrictResult } from './strict-proto';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';
const DISCOVERY_RESPONSE = 'envoy.service.discovery.v3.DiscoveryResponse';
const FIXTURES = path.join(__dirname, 'fixtures');
const BUFFER_LIMIT = 32 * 1024 * 1024;
/** Header-name-like tokens of the gateway's internal namespace, as they appear in a config. */
const INTERNAL_HEADER_RE = /x-llmgw-[a-z0-9-]+/gi;

const registry = new EnvoyProtoRegistry();

function validateFile(file: string, typeName: string): StrictResult {
  const parsed = parseEnvoyYaml(fs.readFileSync(file, 'utf8'));
  const result = registry.validate(typeName, parsed.value, { allowNewer: NEWER_ENVOY_API });
  return { ...result, errors: [...parsed.issues, ...result.errors] };
}

function validateFixture(name: string, allowNewer = NEWER_ENVOY_API): StrictResult {
  const parsed = parseEnvoyYaml(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
  return registry.validate(BOOTSTRAP, parsed.value, { allowNewer });
}

function expectClean(result: StrictResult, file: string): void {
  if (result.errors.length > 0) throw new Error(`${file} is not a valid ${BOOTSTRAP}:\n${formatIssues(result.errors)}`);
}

/** Request headers removed by the HCM's early header mutations (the only strip that precedes routing). */
function stripsBeforeRouting(hcm: JsonObject): string[] {
  return earlyHeaderMutations(hcm)
    .filter((extension) => extension.type === TYPE_EARLY_HEADER_MUTATION)
    .flatMap((extension) => list(extension.config.mutations, 'mutations'))
    .map((mutation) => obj(mutation, 'mutation').remove)
    .filter((value): value is string => typeof value === 'string')
    .map((name) => name.toLowerCase());
}

/**
 * Why a bootstrap would let a client steer the gateway with an x-llmgw-* request header ([] if it cannot).
 * Envoy selects the route, reading the route's cluster_header, when the request headers arrive, before any
 * HTTP filter runs; only early_header_mutation_extensions run before that. So the strip must happen there,
 * must cover the cluster header and every x-llmgw-* name the config mentions, and must be the only strip
 * (a second list in a header_mutation HTTP filter would drift from it).
 */
function internalHeaderStripProblems(bootstrap: JsonObject): string[] {
  const problems: string[] = [];
  const hcm = connectionManagers(listener(bootstrap, 'llm_gateway'))[0];
  const early = stripsBeforeRouting(hcm);
  if (early.length === 0) problems.push('no early_header_mutation_extensions strip: x-llmgw-* headers reach route selection');
  const clusterHeaders = routes(hcm)
    .map((route) => (isJsonObject(route.route) ? route.route.cluster_header : undefined))
    .filter((value): value is string => typeof value === 'string')
    .map((name) => name.toLowerCase());
  const mentioned = allStrings(bootstrap).flatMap((text) => text.match(INTERNAL_HEADER_RE) ?? []).map((header) => header.toLowerCase());
  for (const header of new Set(['x-llmgw-cluster', ...clusterHeaders, ...mentioned])) {
    if (!early.includes(header)) problems.push(`${header} is not removed before route selection`);
  }
  for (const filter of httpFilters(hcm).filter((candidate) => candidate.type === TYPE_HEADER_MUTATION)) {
    const mutations = isJsonObject(filter.config.mutations) ? filter.config.mutations.request_mutations : undefined;
    const removed = Array.isArray(mutations) ? mutations.map((mutation) => (isJsonObject(mutation) ? mutation.remove : undefined)) : [];
    const internal = removed.filter((name): name is string => typeof name === 'string' && /^x-llmgw-/i.test(name));
    if (internal.length > 0) problems.push(`HTTP filter ${filter.name} strips ${internal.join(', ')} after route selection (a second list to drift)`);
  }
  return problems;
}

const files = envoyBootstrapFiles();
const productionFiles = files.filter((file) => path.basename(file) !== 'envoy-local.yaml');

describe('strict validation of envoy/*.yaml', () => {
  it('finds the shipped bootstraps', () => {
    expect(files.map((file) => path.basename(file))).toEqual(expect.arrayContaining(['envoy-local.yaml', 'envoy.yaml', 'envoy-uds.yaml']));
  });

  it.each(files.map((file) => [path.basename(file), file]))('%s is a valid Bootstrap', (_name, file) => {
    const result = validateFile(file, BOOTSTRAP);
    expectClean(result, file);
    // A field newer than the bundled protos is only acceptable if every supported Envoy has it.
    for (const use of result.allowlisted) {
      if (compareEnvoyVersions(use.allowance.addedIn, MIN_SUPPORTED_ENVOY) > 0) {
        throw new Error(`${file} ${use.path} needs Envoy ${use.allowance.addedIn}, above the supported minimum ${MIN_SUPPORTED_ENVOY}`);
      }
    }
    // Sanity: the walk really descended into the extension configs, not just the top level.
    expect(result.typesSeen).toContain(TYPE_EXT_PROC);
    expect(result.typesSeen).toContain(TYPE_EARLY_HEADER_MUTATION);
  });

  it.each(fs.readdirSync(path.join(ENVOY_DIR, 'sds')).map((name) => [name]))('sds/%s is a valid SDS DiscoveryResponse', (name) => {
    const file = path.join(ENVOY_DIR, 'sds', name);
    expectClean(validateFile(file, DISCOVERY_RESPONSE), file);
  });
});

describe('the validator is strict', () => {
  it('rejects a misspelled field and names its path', () => {
    const { errors } = validateFixture('misspelled-field.yaml');
    expect(errors).toEqual([
      {
        path: 'static_resources.clusters[0].conect_timeout',
        message: 'unknown field "conect_timeout" in envoy.config.cluster.v3.Cluster (did you mean "connect_timeout"?)',
      },
    ]);
  });

  it('rejects an unknown @type', () => {
    const { errors } = validateFixture('unknown-type.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toBe('static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.@type');
    expect(errors[0].message).toMatch(/unknown @type .*ExternalProcesor/);
  });

  it('rejects an invalid enum value', () => {
    const { errors } = validateFixture('invalid-enum.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toMatch(/typed_config\.processing_mode\.request_body_mode$/);
    expect(errors[0].message).toMatch(/invalid value "BUFFER" for enum envoy\.extensions\.filters\.http\.ext_proc\.v3\.ProcessingMode\.BodySendMode/);
  });

  it('rejects two members of one oneof', () => {
    const { errors } = validateFixture('two-oneof-members.yaml');
    expect(errors).toHaveLength(1);
    expect(errors[0].path).toMatch(/routes\[0\]\.route$/);
    expect(errors[0].message).toMatch(/oneof "cluster_specifier" .* has cluster and cluster_header set/);
  });

  it('lets a newer-than-bundled field through only via the allowlist, and reports it', () => {
    const refused = validateFixture('newer-field.yaml', []);
    expect(refused.errors.map((error) => error.message)).toContainEqual(
      expect.stringMatching(/unknown field "remove_on_match" in envoy\.config\.common\.mutation_rules\.v3\.HeaderMutation/),
    );
    const allowed = validateFixture('newer-field.yaml');
    expect(allowed.errors).toEqual([]);
    expect(allowed.allowlisted).toHaveLength(1);
    expect(allowed.allowlisted[0].path).toMatch(/request_mutations\[0\]\.remove_on_match$/);
    expect(allowed.allowlisted[0].allowance).toMatchObject({ field: 'remove_on_match', addedIn: '1.36' });
  });

  it('accepts lowerCamel JSON names like Envoy, but not a field given twice', () => {
    const camel = registry.validate(BOOTSTRAP, { admin: { address: { socketAddress: { address: '127.0.0.1', portValue: 9901 } } } });
    expect(camel.errors).toEqual([]);
    const twice = registry.validate(BOOTSTRAP, {
      admin: { address: { socket_address: { address: '127.0.0.1', port_value: 9901, portValue: 9902 } } },
    });
    expect(twice.errors.map((error) => error.message)).toEqual([expect.stringMatching(/port_value .* set twice/)]);
  });

  it('checks well-known types, PGV rules and deprecated fields', () => {
    const result = registry.validate(BOOTSTRAP, {
      static_resources: {
        clusters: [
          {
            name: 'c',
            connect_timeout: 5, // Duration must be a string such as "5s"
            per_connection_buffer_limit_bytes: 'lots', // UInt32Value must be a number
            max_requests_per_connection: 10, // deprecated since v3.0
            load_assignment: { cluster_name: 'c', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'h', port_value: 70000 } } } }] }] },
            metadata: { filter_metadata: { anything: { free: ['form', 1, true, null] } } },
          },
          { connect_timeout: '1s' }, // name has min_len 1
        ],
      },
    });
    const messages = result.errors.map((error) => `${error.path}: ${error.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/clusters\[0\]\.connect_timeout: expected a duration string/),
        expect.stringMatching(/clusters\[0\]\.per_connection_buffer_limit_bytes: expected an integer \(uint32\)/),
        expect.stringMatching(/clusters\[0\]\.max_requests_per_connection: field max_requests_per_connection .* is deprecated/),
        expect.stringMatching(/port_value: 70000 must be <= 65535/),
        expect.stringMatching(/clusters\[1\]\.name: .*string must have at least 1 character/),
      ]),
    );
    expect(messages.filter((message) => message.includes('metadata'))).toEqual([]);
  });
});

describe('the internal-header strip check', () => {
  const shipped = (): JsonObject => structuredClone(obj(loadYamlFile(path.join(ENVOY_DIR, 'envoy.yaml')), 'envoy.yaml'));
  const hcmOf = (bootstrap: JsonObject): JsonObject => connectionManagers(listener(bootstrap, 'llm_gateway'))[0];
  const stripFilter = (names: readonly string[]): JsonObject => ({
    name: 'llmgw.strip_internal_headers',
    typed_config: {
      '@type': `type.googleapis.com/${TYPE_HEADER_MUTATION}`,
      mutations: { request_mutations: names.map((name) => ({ remove: name })) },
    },
  });
  const earlyRemovals = (hcm: JsonObject): JsonValue[] => list(obj(earlyHeaderMutations(hcm)[0].config, 'early').mutations, 'mutations');

  it('passes the shipped envoy.yaml', () => {
    expect(internalHeaderStripProblems(shipped())).toEqual([]);
  });

  it('fails the old layout: the strip in a header_mutation HTTP filter, after the route was selected', () => {
    const bootstrap = shipped();
    const hcm = hcmOf(bootstrap);
    const names = stripsBeforeRouting(hcm);
    delete hcm.early_header_mutation_extensions;
    list(hcm.http_filters, 'http_filters').unshift(stripFilter(names));
    const problems = internalHeaderStripProblems(bootstrap);
    expect(problems).toContain('no early_header_mutation_extensions strip: x-llmgw-* headers reach route selection');
    expect(problems).toContain('x-llmgw-cluster is not removed before route selection');
    expect(problems).toContainEqual(expect.stringMatching(/^HTTP filter llmgw\.strip_internal_headers strips x-llmgw-cluster, .* after route selection/));
  });

  it('fails a second strip list in an HTTP filter next to the early one', () => {
    const bootstrap = shipped();
    const hcm = hcmOf(bootstrap);
    list(hcm.http_filters, 'http_filters').unshift(stripFilter(['x-llmgw-cluster']));
    expect(internalHeaderStripProblems(bootstrap)).toEqual([expect.stringMatching(/^HTTP filter llmgw\.strip_internal_headers strips x-llmgw-cluster after route selection/)]);
  });

  it('fails an early strip that misses x-llmgw-cluster', () => {
    const bootstrap = shipped();
    const removals = earlyRemovals(hcmOf(bootstrap));
    removals.splice(removals.findIndex((mutation) => obj(mutation, 'mutation').remove === 'x-llmgw-cluster'), 1);
    expect(internalHeaderStripProblems(bootstrap)).toEqual(['x-llmgw-cluster is not removed before route selection']);
  });

  it('fails a config that mentions an x-llmgw-* name the early strip does not remove', () => {
    const bootstrap = shipped();
    const log = obj(list(hcmOf(bootstrap).access_log, 'access_log')[0], 'access_log');
    obj(obj(obj(log.typed_config, 'typed_config').log_format, 'log_format').json_format, 'json_format').priority = '%REQ(X-LLMGW-PRIORITY)%';
    expect(internalHeaderStripProblems(bootstrap)).toEqual(['x-llmgw-priority is not removed before route selection']);
  });

  it('fails a route that reads a cluster header the early strip does not remove', () => {
    const bootstrap = shipped();
    const headerRoute = routes(hcmOf(bootstrap)).find((route) => isJsonObject(route.route) && route.route.cluster_header !== undefined);
    obj(headerRoute?.route, 'route').cluster_header = 'x-llmgw-upstream';
    expect(internalHeaderStripProblems(bootstrap)).toEqual(['x-llmgw-upstream is not removed before route selection']);
  });
});

describe.each(files.map((file) => [path.basename(file), file]))('invariants of %s', (name, file) => {
  const bootstrap = obj(loadYamlFile(file), name);
  const gateway = listener(bootstrap, 'llm_gateway');
  const managers = connectionManagers(gateway);
  const hcm = managers[0];
  const filters = httpFilters(hcm);
  const extProcIndex = filters.findIndex((filter) => filter.type === TYPE_EXT_PROC);
  const extProc = filters[extProcIndex]?.config ?? {};

  it('has one HTTP connection manager on the llm_gateway listener', () => {
    expect(managers).toHaveLength(1);
    expect(extProcIndex).toBeGreaterThanOrEqual(0);
    expect(filters.filter((filter) => filter.type === TYPE_EXT_PROC)).toHaveLength(1);
    expect(filters[filters.length - 1].type).toBe(TYPE_ROUTER);
  });

  it('runs ext_proc exactly as DESIGN.md says', () => {
    expect(extProc.failure_mode_allow).toBe(false);
    expect(extProc.allow_mode_override).toBe(true);
    const messageTimeout = durationSeconds(extProc.message_timeout);
    expect(messageTimeout).toBeDefined();
    // Explicit and above Envoy's 200 ms default, which turns large-body scans into 504s (T1).
    expect(messageTimeout).toBeGreaterThan(0.2);
    expect(durationSeconds(extProc.max_message_timeout)).toBeGreaterThanOrEqual(messageTimeout ?? Infinity);
    expect(obj(extProc.processing_mode, 'processing_mode')).toMatchObject({
      request_header_mode: 'SEND',
      request_body_mode: 'BUFFERED',
      response_header_mode: 'SEND',
      response_body_mode: 'NONE',
    });
    const metadataOptions = obj(extProc.metadata_options, 'metadata_options');
    expect(obj(metadataOptions.receiving_namespaces, 'receiving_namespaces').untyped).toEqual(expect.arrayContaining(['llmgw']));
    expect(list(extProc.request_attributes, 'request_attributes')).toEqual(expect.arrayContaining(['source.address', 'request.id']));
    const sidecarCluster = str(obj(obj(extProc.grpc_service, 'grpc_service').envoy_grpc, 'envoy_grpc').cluster_name, 'cluster_name');
    expect(sidecarCluster).toBe('llmgw_sidecar');
  });

  it('strips client-supplied internal headers before the route is selected', () => {
    expect(internalHeaderStripProblems(bootstrap)).toEqual([]);
    expect(stripsBeforeRouting(hcm)).toContain('x-llmgw-cluster');
  });

  it('forwards jwt_authn claims to the sidecar when jwt_authn is configured', () => {
    const jwtIndex = filters.findIndex((filter) => filter.type === TYPE_JWT_AUTHN);
    if (jwtIndex < 0) return;
    expect(jwtIndex).toBeLessThan(extProcIndex);
    const providers = obj(filters[jwtIndex].config.providers, 'providers');
    for (const provider of Object.values(providers)) expect(obj(provider, 'provider').payload_in_metadata).toBe('jwt_payload');
    const forwarding = obj(obj(extProc.metadata_options, 'metadata_options').forwarding_namespaces, 'forwarding_namespaces');
    expect(forwarding.untyped).toEqual(expect.arrayContaining(['envoy.filters.http.jwt_authn']));
  });

  it('routes on the cluster header the sidecar sets, before any fallback route', () => {
    const all = routes(hcm);
    const headerRoutes = all.filter((route) => isJsonObject(route.route) && route.route.cluster_header !== undefined);
    expect(headerRoutes.length).toBeGreaterThan(0);
    for (const route of headerRoutes) expect(obj(route.route, 'route').cluster_header).toBe('x-llmgw-cluster');
    const firstHeaderRoute = all.indexOf(headerRoutes[0]);
    const firstCatchAll = all.findIndex((route) => {
      const match = obj(route.match, 'match');
      return match.prefix === '/' && match.headers === undefined;
    });
    if (firstCatchAll >= 0) expect(firstHeaderRoute).toBeLessThan(firstCatchAll);
  });

  it('buffers request bodies up to 32 MiB (long context, images) instead of answering 413 at 1 MiB', () => {
    expect(gateway.per_connection_buffer_limit_bytes).toBeGreaterThanOrEqual(BUFFER_LIMIT);
    const hosts = list(obj(hcm.route_config, 'route_config').virtual_hosts, 'virtual_hosts').map((host) => obj(host, 'virtual_host'));
    for (const host of hosts) {
      if (host.per_request_buffer_limit_bytes !== undefined) expect(host.per_request_buffer_limit_bytes).toBeGreaterThanOrEqual(BUFFER_LIMIT);
    }
    for (const route of routes(hcm)) {
      if (route.per_request_buffer_limit_bytes !== undefined) expect(route.per_request_buffer_limit_bytes).toBeGreaterThanOrEqual(BUFFER_LIMIT);
    }
  });

  it("maps Envoy's own 413, 429, 503, 504 and 404 (and the rest) to the OpenAI error shape", () => {
    const localReply = obj(hcm.local_reply_config, 'local_reply_config');
    const mappers = list(localReply.mappers, 'mappers').map((mapper) => obj(mapper, 'mapper'));
    const errorShape = (mapper: JsonObject): JsonObject => {
      const error = obj(obj(obj(mapper.body_format_override, 'body_format_override').json_format, 'json_format').error, 'error');
      for (const key of ['message', 'type', 'code']) expect(typeof error[key]).toBe('string');
      return error;
    };
    for (const status of [413, 429, 503, 504, 404]) {
      const mapper = mappers.find((candidate) => mapperStatus(obj(candidate.filter, 'filter')) === status);
      if (!mapper) throw new Error(`no local reply mapper for ${status}`);
      errorShape(mapper);
    }
    // The rest: a last mapper without a status (there is no top-level body_format, see below).
    const catchAll = mappers.findIndex((mapper) => mapperStatus(obj(mapper.filter, 'filter')) === undefined);
    expect(catchAll).toBe(mappers.length - 1);
    expect(errorShape(mappers[catchAll]).message).toBe('%LOCAL_REPLY_BODY%');
  });

  it('has the provider clusters and an HTTP/2 sidecar cluster', () => {
    const names = clusters(bootstrap).map((item) => item.name);
    expect(names).toEqual(expect.arrayContaining(['llmgw_sidecar', 'openai', 'anthropic', 'gemini']));
    const options = obj(obj(cluster(bootstrap, 'llmgw_sidecar').typed_extension_protocol_options, 'options')[TYPE_HTTP_PROTOCOL_OPTIONS], 'http options');
    expect(obj(options.explicit_http_config, 'explicit_http_config').http2_protocol_options).toBeDefined();
  });

  it('never rewraps the sidecar JSON replies: no top-level body_format, every mapper skips JSON replies', () => {
    const localReply = obj(hcm.local_reply_config, 'local_reply_config');
    expect(localReply.body_format).toBeUndefined();
    for (const mapper of list(localReply.mappers, 'mappers')) expect(mapperSkipsJsonReplies(obj(obj(mapper, 'mapper').filter, 'filter'))).toBe(true);
  });

  it('never retries a completion the provider may have run', () => {
    for (const route of routes(hcm)) {
      const action = route.route;
      if (!isJsonObject(action) || !isJsonObject(action.retry_policy)) continue;
      const retryOn = str(action.retry_policy.retry_on, 'retry_on').split(',').map((item) => item.trim());
      for (const unsafe of ['reset', '5xx', 'gateway-error', 'retriable-4xx']) expect(retryOn).not.toContain(unsafe);
    }
  });

  it('sends a request the sidecar did not route to no provider: a 404 direct_response, no fallback cluster', () => {
    const unrouted = routes(hcm).filter((route) => {
      const match = obj(route.match, 'match');
      const headers = match.headers === undefined ? [] : list(match.headers, 'match.headers').map((header) => obj(header, 'header matcher'));
      return !headers.some((header) => header.name === 'x-llmgw-cluster' && header.present_match === true);
    });
    expect(unrouted.length).toBeGreaterThan(0);
    for (const route of unrouted) {
      expect(route.route).toBeUndefined();
      expect(obj(route.direct_response, 'direct_response').status).toBe(404);
    }
  });
});

describe.each(productionFiles.map((file) => [path.basename(file), file]))('production hardening of %s', (name, file) => {
  const bootstrap = obj(loadYamlFile(file), name);
  const gateway = listener(bootstrap, 'llm_gateway');
  const hcm = connectionManagers(gateway)[0];

  it('terminates TLS 1.3 on every filter chain of the public listener', () => {
    for (const chain of filterChains(gateway)) {
      const socket = obj(obj(chain.transport_socket, 'transport_socket').typed_config, 'transport_socket.typed_config');
      expect(typeOf(socket)).toBe(TYPE_DOWNSTREAM_TLS);
      const params = obj(obj(socket.common_tls_context, 'common_tls_context').tls_params, 'tls_params');
      expect(params.tls_minimum_protocol_version).toBe('TLSv1_3');
    }
  });

  it('keeps admin on loopback', () => {
    const address = obj(obj(obj(bootstrap.admin, 'admin').address, 'admin.address').socket_address, 'socket_address');
    expect(address.address).toBe('127.0.0.1');
  });

  it('logs JSON to stdout with the sidecar metadata', () => {
    const logs = list(hcm.access_log, 'access_log').map((log) => obj(obj(log, 'access_log').typed_config, 'typed_config'));
    const stdout = logs.find((log) => typeOf(log) === 'envoy.extensions.access_loggers.stream.v3.StdoutAccessLog');
    if (!stdout) throw new Error('no stdout access log');
    const format = obj(obj(stdout.log_format, 'log_format').json_format, 'json_format');
    expect(Object.values(format).some((value) => typeof value === 'string' && value.startsWith('%DYNAMIC_METADATA(llmgw:'))).toBe(true);
    // Query strings can carry API keys (Gemini's ?key=), so paths are logged without them.
    for (const value of Object.values(format)) if (typeof value === 'string' && value.includes('PATH)')) expect(value).toMatch(/^%REQ_WITHOUT_QUERY\(/);
  });

  it.each([
    ['openai', 'api.openai.com'],
    ['anthropic', 'api.anthropic.com'],
    ['gemini', 'generativelanguage.googleapis.com'],
  ])('reaches %s over verified TLS (%s)', (clusterName, host) => {
    const providerCluster = cluster(bootstrap, clusterName);
    expect(['LOGICAL_DNS', 'STRICT_DNS']).toContain(providerCluster.type);
    expect(providerCluster.outlier_detection).toBeDefined();
    expect(providerCluster.circuit_breakers).toBeDefined();
    const tls = obj(obj(providerCluster.transport_socket, 'transport_socket').typed_config, 'typed_config');
    expect(typeOf(tls)).toBe(TYPE_UPSTREAM_TLS);
    expect(tls.sni).toBe(host);
    const validation = obj(obj(tls.common_tls_context, 'common_tls_context').validation_context, 'validation_context');
    expect(validation.trusted_ca).toBeDefined();
    expect(validation.match_typed_subject_alt_names).toEqual([{ san_type: 'DNS', matcher: { exact: host } }]);
  });

  it('health-checks the sidecar over gRPC', () => {
    const checks = list(cluster(bootstrap, 'llmgw_sidecar').health_checks, 'health_checks').map((check) => obj(check, 'health_check'));
    expect(checks.some((check) => check.grpc_health_check !== undefined)).toBe(true);
  });
});

describe('envoy-uds.yaml', () => {
  it('differs from envoy.yaml only in how the sidecar is reached (a Unix socket)', () => {
    const tcp = loadYamlFile(path.join(ENVOY_DIR, 'envoy.yaml'));
    const uds = loadYamlFile(path.join(ENVOY_DIR, 'envoy-uds.yaml'));
    const sidecarEndpoint = (bootstrap: JsonObject): JsonObject =>
      obj(
        obj(
          obj(list(obj(list(obj(cluster(bootstrap, 'llmgw_sidecar').load_assignment, 'load_assignment').endpoints, 'endpoints')[0], 'e').lb_endpoints, 'lb')[0], 'lb').endpoint,
          'endpoint',
        ).address,
        'address',
      );
    expect(sidecarEndpoint(obj(uds, 'uds'))).toEqual({ pipe: { path: '/var/run/llmgw/extproc.sock' } });
    expect(sidecarEndpoint(obj(tcp, 'tcp'))).toEqual({ socket_address: { address: '127.0.0.1', port_value: 50051 } });
    const withoutSidecarAddress = (value: JsonObject): unknown =>
      mapObjects(value, (object) => {
        if (object.pipe !== undefined || object.socket_address === undefined || !isJsonObject(object.socket_address)) return object;
        return object.socket_address.port_value === 50051 ? { sidecar: true } : object;
      });
    const normalisedUds = mapObjects(obj(uds, 'uds'), (object) => (object.pipe !== undefined ? { sidecar: true } : object));
    expect(normalisedUds).toEqual(withoutSidecarAddress(obj(tcp, 'tcp')));
  });
});
