/**
 * Typed look-ups into an Envoy bootstrap that has already passed the strict validator, for asserting
 * the project's invariants (filter order, ext_proc settings, routes...). Each accessor throws with the
 * path it was looking for, so a failed invariant says where it looked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isJsonObject, parseDuration, parseEnvoyYaml, type JsonObject, type JsonValue } from './strict-proto';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ENVOY_DIR = path.join(REPO_ROOT, 'envoy');

export const TYPE_HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
export const TYPE_EXT_PROC = 'envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor';
export const TYPE_HEADER_MUTATION = 'envoy.extensions.filters.http.header_mutation.v3.HeaderMutation';
export const TYPE_EARLY_HEADER_MUTATION = 'envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation';
export const TYPE_JWT_AUTHN = 'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';
export const TYPE_ROUTER = 'envoy.extensions.filters.http.router.v3.Router';
export const TYPE_DOWNSTREAM_TLS = 'envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext';
export const TYPE_UPSTREAM_TLS = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
export const TYPE_HTTP_PROTOCOL_OPTIONS = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** Every `envoy/*.yaml` file: each one is a complete bootstrap. */
export function envoyBootstrapFiles(): string[] {
  return fs
    .readdirSync(ENVOY_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => path.join(ENVOY_DIR, name));
}

/** Parses a YAML file and fails loudly on YAML-level problems (validation happens elsewhere). */
export function loadYamlFile(file: string): JsonValue {
  const parsed = parseEnvoyYaml(fs.readFileSync(file, 'utf8'));
  if (parsed.issues.length > 0) {
    throw new Error(`${file}: ${parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
  return parsed.value as JsonValue;
}

export function obj(value: JsonValue | undefined, where: string): JsonObject {
  if (!isJsonObject(value)) throw new Error(`${where}: expected an object`);
  return value;
}

export function list(value: JsonValue | undefined, where: string): JsonValue[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value;
}

export function str(value: JsonValue | undefined, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`);
  return value;
}

/** The message name inside a typed_config's "@type" URL. */
export function typeOf(typedConfig: JsonObject): string {
  const url = str(typedConfig['@type'], '@type');
  return url.slice(url.lastIndexOf('/') + 1);
}

export function listener(bootstrap: JsonObject, name: string): JsonObject {
  const listeners = list(obj(bootstrap.static_resources, 'static_resources').listeners, 'static_resources.listeners');
  const found = listeners.map((item) => obj(item, 'listener')).find((item) => item.name === name);
  if (!found) throw new Error(`no listener named ${name}`);
  return found;
}

export function clusters(bootstrap: JsonObject): JsonObject[] {
  return list(obj(bootstrap.static_resources, 'static_resources').clusters, 'static_resources.clusters').map((item) => obj(item, 'cluster'));
}

export function cluster(bootstrap: JsonObject, name: string): JsonObject {
  const found = clusters(bootstrap).find((item) => item.name === name);
  if (!found) throw new Error(`no cluster named ${name}`);
  return found;
}

export function filterChains(listenerConfig: JsonObject): JsonObject[] {
  return list(listenerConfig.filter_chains, 'filter_chains').map((item) => obj(item, 'filter_chain'));
}

/** The HttpConnectionManager of every filter chain of a listener. */
export function connectionManagers(listenerConfig: JsonObject): JsonObject[] {
  return filterChains(listenerConfig).flatMap((chain) =>
    list(chain.filters, 'filters')
      .map((filter) => obj(obj(filter, 'filter').typed_config, 'typed_config'))
      .filter((typed) => typeOf(typed) === TYPE_HCM),
  );
}

export interface HttpFilterView {
  readonly name: string;
  readonly type: string;
  readonly config: JsonObject;
}

export function httpFilters(hcm: JsonObject): HttpFilterView[] {
  return list(hcm.http_filters, 'http_filters').map((item) => {
    const filter = obj(item, 'http_filter');
    const config = obj(filter.typed_config, `http_filter ${String(filter.name)}.typed_config`);
    return { name: str(filter.name, 'http_filter.name'), type: typeOf(config), config };
  });
}

/** Typed configs of the HCM's early_header_mutation_extensions (applied before the route is selected). */
export function earlyHeaderMutations(hcm: JsonObject): Array<{ readonly name: string; readonly type: string; readonly config: JsonObject }> {
  if (hcm.early_header_mutation_extensions === undefined) return [];
  return list(hcm.early_header_mutation_extensions, 'early_header_mutation_extensions').map((item) => {
    const extension = obj(item, 'early_header_mutation_extension');
    const config = obj(extension.typed_config, `early_header_mutation_extension ${String(extension.name)}.typed_config`);
    return { name: str(extension.name, 'early_header_mutation_extension.name'), type: typeOf(config), config };
  });
}

export function routes(hcm: JsonObject): JsonObject[] {
  const routeConfig = obj(hcm.route_config, 'route_config');
  return list(routeConfig.virtual_hosts, 'virtual_hosts').flatMap((host) =>
    list(obj(host, 'virtual_host').routes, 'routes').map((route) => obj(route, 'route')),
  );
}

/** Every string anywhere in a JSON value (to find header names used in formats, routes...). */
export function allStrings(value: JsonValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (isJsonObject(value)) return Object.entries(value).flatMap(([key, item]) => [key, ...allStrings(item)]);
  return [];
}

/** Seconds of a Duration field, or undefined when absent. */
export function durationSeconds(value: JsonValue | undefined): number | undefined {
  return typeof value === 'string' ? parseDuration(value) : undefined;
}

/** The HTTP status a local-reply mapper's filter matches with EQ, looking through and_filter. */
export function mapperStatus(filter: JsonObject): number | undefined {
  const statusFilter = filter.status_code_filter;
  if (isJsonObject(statusFilter)) {
    const comparison = obj(statusFilter.comparison, 'comparison');
    const value = obj(comparison.value, 'comparison.value');
    return comparison.op === 'EQ' && typeof value.default_value === 'number' ? value.default_value : undefined;
  }
  const and = filter.and_filter;
  if (isJsonObject(and)) {
    for (const inner of list(and.filters, 'and_filter.filters')) {
      const status = mapperStatus(obj(inner, 'and_filter.filters[]'));
      if (status !== undefined) return status;
    }
  }
  return undefined;
}

/** True when a mapper filter is limited to replies that are not JSON already (see envoy.yaml). */
export function mapperSkipsJsonReplies(filter: JsonObject): boolean {
  const isGuard = (candidate: JsonObject): boolean => {
    const extension = candidate.extension_filter;
    if (!isJsonObject(extension)) return false;
    const typed = obj(extension.typed_config, 'extension_filter.typed_config');
    return typeof typed.expression === 'string' && typed.expression.includes("startsWith('application/json')");
  };
  if (isGuard(filter)) return true;
  const and = filter.and_filter;
  return isJsonObject(and) && list(and.filters, 'and_filter.filters').some((inner) => isGuard(obj(inner, 'filter')));
}

/** A deep copy with one transformation applied to every object (for structural comparisons). */
export function mapObjects(value: JsonValue, transform: (object: JsonObject) => JsonObject): JsonValue {
  if (Array.isArray(value)) return value.map((item) => mapObjects(item, transform));
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) copy[key] = mapObjects(item, transform);
    return transform(copy);
  }
  return value;
}
