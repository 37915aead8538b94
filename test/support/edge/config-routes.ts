/** Readers for the HCM route_config and the static clusters. */
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import {
  EnvoyConfigError,
  asObject,
  optArray,
  optBool,
  optDurationMs,
  optNumber,
  optObject,
  optString,
  optWrappedNumber,
  reqString,
  stringList,
} from './config-access';
import { compileFullMatch, readHeaderMatcher } from './config-matchers';
import type { ClusterConfig, ClusterEndpoint, ExtProcSettings, RetryPolicy, RouteAction, RouteConfiguration, RouteEntry, RouteMatch, VirtualHost } from './config-types';

/** Envoy's route timeout when a route does not set one. */
const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

export function readRouteConfiguration(hcm: JsonObject, path: string): RouteConfiguration {
  if (hcm.rds !== undefined) throw new EnvoyConfigError(`${path}.rds`, 'RDS is not supported by the test edge; inline route_config');
  const config = optObject(hcm, 'route_config', path);
  if (!config) throw new EnvoyConfigError(`${path}.route_config`, 'is required');
  const configPath = `${path}.route_config`;
  return {
    name: optString(config, 'name', configPath),
    virtualHosts: optArray(config, 'virtual_hosts', configPath).map((vh, i) => readVirtualHost(vh, `${configPath}.virtual_hosts[${i}]`)),
    requestHeadersToRemove: stringList(config, 'request_headers_to_remove', configPath).map((h) => h.toLowerCase()),
  };
}

function readVirtualHost(value: JsonValue, path: string): VirtualHost {
  const vh = asObject(value, path);
  return {
    name: reqString(vh, 'name', path),
    domains: stringList(vh, 'domains', path).map((d) => d.toLowerCase()),
    routes: optArray(vh, 'routes', path).map((route, i) => readRoute(route, i, `${path}.routes[${i}]`)),
    requestHeadersToRemove: stringList(vh, 'request_headers_to_remove', path).map((h) => h.toLowerCase()),
  };
}

function readRoute(value: JsonValue, index: number, path: string): RouteEntry {
  const route = asObject(value, path);
  const match = readRouteMatch(route.match, `${path}.match`);
  const routeAction = optObject(route, 'route', path);
  const direct = optObject(route, 'direct_response', path);
  const common = {
    index,
    name: optString(route, 'name', path),
    match,
    requestHeadersToRemove: stringList(route, 'request_headers_to_remove', path).map((h) => h.toLowerCase()),
    perRequestBufferLimitBytes: optWrappedNumber(route, 'per_request_buffer_limit_bytes', path),
  };
  if (direct) {
    const body = optObject(direct, 'body', `${path}.direct_response`);
    return {
      ...common,
      action: {
        kind: 'direct_response',
        status: optNumber(direct, 'status', `${path}.direct_response`) ?? 200,
        body: body ? (optString(body, 'inline_string', `${path}.direct_response.body`) ?? '') : '',
      },
      autoHostRewrite: false,
      timeoutMs: 0,
    };
  }
  if (!routeAction) throw new EnvoyConfigError(path, 'the edge supports `route` and `direct_response` actions only');
  const actionPath = `${path}.route`;
  return {
    ...common,
    action: readRouteAction(routeAction, actionPath),
    autoHostRewrite: optBool(routeAction, 'auto_host_rewrite', actionPath) ?? false,
    hostRewriteLiteral: optString(routeAction, 'host_rewrite_literal', actionPath),
    prefixRewrite: optString(routeAction, 'prefix_rewrite', actionPath),
    timeoutMs: optDurationMs(routeAction, 'timeout', actionPath) ?? DEFAULT_ROUTE_TIMEOUT_MS,
    ...readRetryPolicy(routeAction, actionPath),
  };
}

/** U3, U4 (test/support/edge/UPSTREAM-RULES.md): the parts of retry_policy the edge emulates. */
function readRetryPolicy(routeAction: JsonObject, path: string): { retryPolicy?: RetryPolicy } {
  const policy = optObject(routeAction, 'retry_policy', path);
  if (!policy) return {};
  const policyPath = `${path}.retry_policy`;
  const priority = optObject(policy, 'retry_priority', policyPath);
  const priorityName = priority ? optString(priority, 'name', `${policyPath}.retry_priority`) : undefined;
  const priorityConfig = priority ? optObject(priority, 'typed_config', `${policyPath}.retry_priority`) : undefined;
  if (priorityName !== undefined && priorityName !== 'envoy.retry_priorities.previous_priorities') {
    throw new EnvoyConfigError(`${policyPath}.retry_priority`, 'the edge emulates previous_priorities only');
  }
  if (priorityConfig && (optNumber(priorityConfig, 'update_frequency', `${policyPath}.retry_priority.typed_config`) ?? 1) !== 1) {
    throw new EnvoyConfigError(`${policyPath}.retry_priority`, 'the edge emulates update_frequency 1 only');
  }
  return {
    retryPolicy: {
      numRetries: optWrappedNumber(policy, 'num_retries', policyPath) ?? 1,
      retryOn: (optString(policy, 'retry_on', policyPath) ?? '').split(',').map((item) => item.trim()).filter(Boolean),
      retriableStatusCodes: optArray(policy, 'retriable_status_codes', policyPath).map((code) => Number(code)),
      previousPriorities: priorityName !== undefined,
    },
  };
}

function readRouteAction(action: JsonObject, path: string): RouteAction {
  const cluster = optString(action, 'cluster', path);
  if (cluster !== undefined) return { kind: 'cluster', cluster };
  const header = optString(action, 'cluster_header', path);
  if (header !== undefined) return { kind: 'cluster_header', header: header.toLowerCase() };
  throw new EnvoyConfigError(path, 'the edge supports `cluster` and `cluster_header` route actions only');
}

function readRouteMatch(value: JsonValue | undefined, path: string): RouteMatch {
  const match = asObject(value, path);
  const caseSensitive = optBool(match, 'case_sensitive', path) ?? true;
  const headers = optArray(match, 'headers', path).map((h, i) => readHeaderMatcher(h, `${path}.headers[${i}]`));
  const prefix = optString(match, 'prefix', path);
  if (prefix !== undefined) return { prefix, caseSensitive, headers };
  const exactPath = optString(match, 'path', path);
  if (exactPath !== undefined) return { path: exactPath, caseSensitive, headers };
  const safeRegex = optObject(match, 'safe_regex', path);
  if (safeRegex) {
    const regex = compileFullMatch(reqString(safeRegex, 'regex', `${path}.safe_regex`), !caseSensitive, `${path}.safe_regex`);
    return { regex, caseSensitive, headers };
  }
  throw new EnvoyConfigError(path, 'the edge supports prefix, path and safe_regex route matches');
}

export function readClusters(
  staticResources: JsonObject,
  path: string,
  readExtProc?: (config: JsonObject, path: string) => ExtProcSettings,
): Map<string, ClusterConfig> {
  const clusters = new Map<string, ClusterConfig>();
  optArray(staticResources, 'clusters', path).forEach((value, i) => {
    const clusterPath = `${path}.clusters[${i}]`;
    const cluster = asObject(value, clusterPath);
    const name = reqString(cluster, 'name', clusterPath);
    const endpoints: ClusterEndpoint[] = [];
    const assignment = optObject(cluster, 'load_assignment', clusterPath);
    if (assignment) {
      optArray(assignment, 'endpoints', `${clusterPath}.load_assignment`).forEach((locality, li) => {
        const localityPath = `${clusterPath}.load_assignment.endpoints[${li}]`;
        const priority = optNumber(asObject(locality, localityPath), 'priority', localityPath) ?? 0;
        optArray(asObject(locality, localityPath), 'lb_endpoints', localityPath).forEach((lb, ei) => {
          const lbPath = `${localityPath}.lb_endpoints[${ei}]`;
          const metadata = optObject(asObject(lb, lbPath), 'metadata', lbPath);
          const filterMetadata = metadata ? optObject(metadata, 'filter_metadata', `${lbPath}.metadata`) : undefined;
          endpoints.push({ ...readEndpoint(lb, lbPath), priority, ...(filterMetadata ? { filterMetadata: filterMetadata as Record<string, JsonObject> } : {}) });
        });
      });
    }
    const upstreamExtProc = readExtProc ? readUpstreamExtProc(cluster, clusterPath, readExtProc) : undefined;
    clusters.set(name, { name, endpoints, ...(upstreamExtProc ? { upstreamExtProc } : {}) });
  });
  return clusters;
}

/** U1: the ext_proc filter among the cluster's upstream http_filters, if any (upstream_codec must be last). */
function readUpstreamExtProc(cluster: JsonObject, path: string, readExtProc: (config: JsonObject, path: string) => ExtProcSettings): ExtProcSettings | undefined {
  const options = optObject(cluster, 'typed_extension_protocol_options', path);
  const http = options ? optObject(options, 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions', `${path}.typed_extension_protocol_options`) : undefined;
  if (!http) return undefined;
  const filtersPath = `${path}.typed_extension_protocol_options.HttpProtocolOptions.http_filters`;
  const filters = optArray(http, 'http_filters', filtersPath).map((filter, i) => asObject(filter, `${filtersPath}[${i}]`));
  if (filters.length === 0) return undefined;
  const last = filters[filters.length - 1];
  const lastType = optString(asObject(last.typed_config, `${filtersPath}[last].typed_config`), '@type', `${filtersPath}[last]`) ?? '';
  if (!lastType.endsWith('.UpstreamCodec')) throw new EnvoyConfigError(filtersPath, 'the last upstream HTTP filter must be envoy.filters.http.upstream_codec');
  const index = filters.findIndex((filter) => (optString(asObject(filter.typed_config, filtersPath), '@type', filtersPath) ?? '').endsWith('ext_proc.v3.ExternalProcessor'));
  return index < 0 ? undefined : readExtProc(asObject(filters[index].typed_config, `${filtersPath}[${index}].typed_config`), `${filtersPath}[${index}].typed_config`);
}

function readEndpoint(value: JsonValue, path: string): ClusterEndpoint {
  const endpoint = asObject(asObject(value, path).endpoint, `${path}.endpoint`);
  const endpointPath = `${path}.endpoint`;
  const hostname = optString(endpoint, 'hostname', endpointPath);
  const address = asObject(endpoint.address, `${endpointPath}.address`);
  const socket = optObject(address, 'socket_address', `${endpointPath}.address`);
  if (socket) {
    return {
      hostname,
      address: reqString(socket, 'address', `${endpointPath}.address.socket_address`),
      port: optNumber(socket, 'port_value', `${endpointPath}.address.socket_address`),
    };
  }
  const pipe = optObject(address, 'pipe', `${endpointPath}.address`);
  if (pipe) return { hostname, pipe: reqString(pipe, 'path', `${endpointPath}.address.pipe`) };
  throw new EnvoyConfigError(`${endpointPath}.address`, 'expected socket_address or pipe');
}
