/**
 * Reads the Envoy bootstrap the project ships (envoy/envoy-local.yaml by default) into the settings the
 * test edge emulates: the listener's buffer limit (B2), the HttpConnectionManager's route table, local
 * replies and header edits, and the ext_proc filter's configuration (S2, T1, R3, R6, R7, H3...).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import {
  EnvoyConfigError,
  asArray,
  asObject,
  isObject,
  optArray,
  optBool,
  optDurationMs,
  optNumber,
  optObject,
  optString,
  optWrappedNumber,
  reqString,
  stringList,
  typeName,
} from './config-access';
import { readLocalReplyConfig } from './config-local-reply';
import { compileFullMatch, readStringMatcher } from './config-matchers';
import { readClusters, readRouteConfiguration } from './config-routes';
import {
  DEFAULT_MUTATION_RULES,
  DEFAULT_PROCESSING_MODE,
  type BodySendMode,
  type EdgeConfig,
  type ExtProcSettings,
  type HcmConfig,
  type HeaderEdit,
  type HeaderSendMode,
  type MutationRules,
  type PreExtProcFilter,
  type ProcessingMode,
  type RouteCacheAction,
} from './config-types';

export * from './config-types';
export { EnvoyConfigError } from './config-access';

const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const EXT_PROC_TYPE = 'envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor';
const HEADER_MUTATION_TYPE = 'envoy.extensions.filters.http.header_mutation.v3.HeaderMutation';
const EARLY_HEADER_MUTATION_TYPE = 'envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation';
const JWT_AUTHN_TYPE = 'envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';
const ROUTER_TYPE = 'envoy.extensions.filters.http.router.v3.Router';

/** Envoy's per_connection_buffer_limit_bytes default (B2). */
export const DEFAULT_BUFFER_LIMIT_BYTES = 1024 * 1024;
/** T1. */
export const DEFAULT_MESSAGE_TIMEOUT_MS = 200;
const DEFAULT_DEFERRED_CLOSE_TIMEOUT_MS = 5000;

/** envoy/envoy-local.yaml of this checkout, found from here whether running from test/ or compiled dist/test/. */
export function defaultEnvoyConfigPath(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'envoy', 'envoy-local.yaml');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error('envoy/envoy-local.yaml not found above ' + __dirname);
  }
}

export interface LoadOptions {
  /** Pick a listener by name; default: the first listener with an HttpConnectionManager. */
  readonly listenerName?: string;
}

export function loadEnvoyConfig(file: string = defaultEnvoyConfigPath(), options: LoadOptions = {}): EdgeConfig {
  const text = fs.readFileSync(file, 'utf8');
  const document: unknown = YAML.parse(text);
  return readEnvoyConfig(asObject(document, '$'), path.resolve(file), options);
}

export function readEnvoyConfig(root: JsonObject, sourcePath: string, options: LoadOptions = {}): EdgeConfig {
  const staticResources = asObject(root.static_resources, 'static_resources');
  const found = findHcm(staticResources, options.listenerName);
  const hcmPath = found.hcmPath;
  const filters = optArray(found.hcm, 'http_filters', hcmPath);
  const extProcIndex = filters.findIndex((f) => isObject(f) && isObject(f.typed_config) && typeName(f.typed_config, hcmPath) === EXT_PROC_TYPE);
  if (extProcIndex < 0) throw new EnvoyConfigError(`${hcmPath}.http_filters`, 'no envoy.filters.http.ext_proc filter');
  const extProcFilter = asObject(filters[extProcIndex], `${hcmPath}.http_filters[${extProcIndex}]`);
  if (optBool(extProcFilter, 'disabled', hcmPath) === true) throw new EnvoyConfigError(`${hcmPath}.http_filters[${extProcIndex}]`, 'ext_proc is disabled');

  const hcm: HcmConfig = {
    generateRequestId: optBool(found.hcm, 'generate_request_id', hcmPath) ?? true,
    earlyHeaderEdits: readEarlyHeaderMutations(found.hcm, hcmPath),
    preExtProcFilters: filters.slice(0, extProcIndex).map((f, i) => readPreExtProcFilter(f, `${hcmPath}.http_filters[${i}]`)),
    postExtProcFilters: filters
      .slice(extProcIndex + 1)
      .map((f, i) => asObject(f, `${hcmPath}.http_filters[${extProcIndex + 1 + i}]`))
      .filter((f) => !isObject(f.typed_config) || typeName(f.typed_config, hcmPath) !== ROUTER_TYPE)
      .map((f) => reqString(f, 'name', hcmPath)),
    maxRequestHeadersKb: optWrappedNumber(found.hcm, 'max_request_headers_kb', hcmPath) ?? 60,
    maxHeadersCount: readMaxHeadersCount(found.hcm, hcmPath),
    routes: readRouteConfiguration(found.hcm, hcmPath),
    localReply: readLocalReplyConfig(found.hcm, hcmPath),
  };
  return {
    sourcePath,
    listener: found.listener,
    hcm,
    extProc: readExtProc(asObject(extProcFilter.typed_config, `${hcmPath}.http_filters[${extProcIndex}].typed_config`), `${hcmPath}.http_filters[${extProcIndex}].typed_config`),
    clusters: readClusters(staticResources, 'static_resources', readExtProc),
  };
}

function findHcm(
  staticResources: JsonObject,
  listenerName: string | undefined,
): { hcm: JsonObject; hcmPath: string; listener: EdgeConfig['listener'] } {
  const listeners = optArray(staticResources, 'listeners', 'static_resources');
  for (let li = 0; li < listeners.length; li++) {
    const listenerPath = `static_resources.listeners[${li}]`;
    const listener = asObject(listeners[li], listenerPath);
    const name = optString(listener, 'name', listenerPath) ?? `listener_${li}`;
    if (listenerName !== undefined && name !== listenerName) continue;
    const chains = optArray(listener, 'filter_chains', listenerPath);
    for (let ci = 0; ci < chains.length; ci++) {
      const chainPath = `${listenerPath}.filter_chains[${ci}]`;
      const networkFilters = optArray(asObject(chains[ci], chainPath), 'filters', chainPath);
      for (let fi = 0; fi < networkFilters.length; fi++) {
        const filterPath = `${chainPath}.filters[${fi}]`;
        const filter = asObject(networkFilters[fi], filterPath);
        const typed = optObject(filter, 'typed_config', filterPath);
        if (!typed || typeName(typed, `${filterPath}.typed_config`) !== HCM_TYPE) continue;
        const socket = optObject(optObject(listener, 'address', listenerPath) ?? {}, 'socket_address', `${listenerPath}.address`) ?? {};
        return {
          hcm: typed,
          hcmPath: `${filterPath}.typed_config`,
          listener: {
            name,
            address: optString(socket, 'address', listenerPath) ?? '127.0.0.1',
            port: optNumber(socket, 'port_value', listenerPath) ?? 0,
            bufferLimitBytes: optWrappedNumber(listener, 'per_connection_buffer_limit_bytes', listenerPath) ?? DEFAULT_BUFFER_LIMIT_BYTES,
          },
        };
      }
    }
  }
  throw new EnvoyConfigError('static_resources.listeners', `no listener${listenerName ? ` named ${listenerName}` : ''} with an HttpConnectionManager`);
}

function readMaxHeadersCount(hcm: JsonObject, path: string): number {
  const common = optObject(hcm, 'common_http_protocol_options', path);
  return (common && optWrappedNumber(common, 'max_headers_count', `${path}.common_http_protocol_options`)) ?? 100;
}

function readEarlyHeaderMutations(hcm: JsonObject, path: string): HeaderEdit[] {
  const edits: HeaderEdit[] = [];
  optArray(hcm, 'early_header_mutation_extensions', path).forEach((ext, i) => {
    const extPath = `${path}.early_header_mutation_extensions[${i}]`;
    const typed = asObject(asObject(ext, extPath).typed_config, `${extPath}.typed_config`);
    if (typeName(typed, extPath) !== EARLY_HEADER_MUTATION_TYPE) throw new EnvoyConfigError(extPath, 'unsupported early header mutation extension');
    edits.push(...readHeaderEdits(optArray(typed, 'mutations', extPath), `${extPath}.typed_config.mutations`));
  });
  return edits;
}

function readPreExtProcFilter(value: JsonValue, path: string): PreExtProcFilter {
  const filter = asObject(value, path);
  const name = reqString(filter, 'name', path);
  const typed = optObject(filter, 'typed_config', path);
  const type = typed ? typeName(typed, `${path}.typed_config`) : '';
  if (optBool(filter, 'disabled', path) === true) return { name, type, requestEdits: [], emulated: 'not_emulated' };
  if (typed && type === HEADER_MUTATION_TYPE) {
    const mutations = optObject(typed, 'mutations', `${path}.typed_config`) ?? {};
    const edits = readHeaderEdits(optArray(mutations, 'request_mutations', `${path}.typed_config.mutations`), `${path}.typed_config.mutations.request_mutations`);
    return { name, type, requestEdits: edits, emulated: 'header_mutation' };
  }
  // jwt_authn validates tokens the edge cannot check; tests inject its metadata instead (H3).
  return { name, type, requestEdits: [], emulated: type === JWT_AUTHN_TYPE ? 'metadata_hook' : 'not_emulated' };
}

/** envoy.config.common.mutation_rules.v3.HeaderMutation entries: `remove` or `append`. */
function readHeaderEdits(list: JsonValue[], path: string): HeaderEdit[] {
  return list.map((value, i) => {
    const itemPath = `${path}[${i}]`;
    const item = asObject(value, itemPath);
    const remove = optString(item, 'remove', itemPath);
    if (remove !== undefined) return { op: 'remove', name: remove.toLowerCase() };
    const append = optObject(item, 'append', itemPath);
    if (append) {
      const header = asObject(append.header, `${itemPath}.append.header`);
      const headerValue = optString(header, 'value', itemPath) ?? '';
      if (headerValue.includes('%')) throw new EnvoyConfigError(`${itemPath}.append.header.value`, 'formatter values are not rendered by the test edge');
      const action = optString(append, 'append_action', itemPath) ?? 'APPEND_IF_EXISTS_OR_ADD';
      if (action !== 'APPEND_IF_EXISTS_OR_ADD' && action !== 'ADD_IF_ABSENT' && action !== 'OVERWRITE_IF_EXISTS_OR_ADD' && action !== 'OVERWRITE_IF_EXISTS') {
        throw new EnvoyConfigError(`${itemPath}.append.append_action`, `unknown action ${action}`);
      }
      return { op: 'append', name: reqString(header, 'key', itemPath).toLowerCase(), value: headerValue, action };
    }
    throw new EnvoyConfigError(itemPath, 'the edge supports `remove` and `append` header mutations');
  });
}

function readExtProc(config: JsonObject, path: string): ExtProcSettings {
  const grpc = asObject(config.grpc_service, `${path}.grpc_service`);
  const envoyGrpc = optObject(grpc, 'envoy_grpc', `${path}.grpc_service`);
  const googleGrpc = optObject(grpc, 'google_grpc', `${path}.grpc_service`);
  const metadataOptions = optObject(config, 'metadata_options', path) ?? {};
  const forwarding = optObject(metadataOptions, 'forwarding_namespaces', `${path}.metadata_options`) ?? {};
  const receiving = optObject(metadataOptions, 'receiving_namespaces', `${path}.metadata_options`) ?? {};
  const forwardRules = optObject(config, 'forward_rules', path);
  const statusOnError = optObject(config, 'status_on_error', path);
  const disableClear = optBool(config, 'disable_clear_route_cache', path) ?? false;
  let routeCacheAction = (optString(config, 'route_cache_action', path) ?? 'DEFAULT') as RouteCacheAction;
  if (!['DEFAULT', 'CLEAR', 'RETAIN'].includes(routeCacheAction)) throw new EnvoyConfigError(`${path}.route_cache_action`, `unknown value ${routeCacheAction}`);
  if (disableClear && routeCacheAction !== 'DEFAULT') {
    throw new EnvoyConfigError(path, 'disable_clear_route_cache and route_cache_action can not be set to none-default at the same time');
  }
  if (disableClear) routeCacheAction = 'RETAIN';
  return {
    processing_mode: readProcessingMode(config.processing_mode, `${path}.processing_mode`),
    message_timeout_ms: optDurationMs(config, 'message_timeout', path) ?? DEFAULT_MESSAGE_TIMEOUT_MS,
    max_message_timeout_ms: optDurationMs(config, 'max_message_timeout', path) ?? 0,
    failure_mode_allow: optBool(config, 'failure_mode_allow', path) ?? false,
    allow_mode_override: optBool(config, 'allow_mode_override', path) ?? false,
    allowed_override_modes: optArray(config, 'allowed_override_modes', path).map((m, i) => readProcessingMode(m, `${path}.allowed_override_modes[${i}]`)),
    observability_mode: optBool(config, 'observability_mode', path) ?? false,
    deferred_close_timeout_ms: optDurationMs(config, 'deferred_close_timeout', path) ?? DEFAULT_DEFERRED_CLOSE_TIMEOUT_MS,
    disable_immediate_response: optBool(config, 'disable_immediate_response', path) ?? false,
    request_attributes: stringList(config, 'request_attributes', path),
    response_attributes: stringList(config, 'response_attributes', path),
    forwarding_namespaces: stringList(forwarding, 'untyped', `${path}.metadata_options.forwarding_namespaces`),
    receiving_namespaces: stringList(receiving, 'untyped', `${path}.metadata_options.receiving_namespaces`),
    mutation_rules: readMutationRules(optObject(config, 'mutation_rules', path), `${path}.mutation_rules`),
    forward_rules: forwardRules
      ? {
          allowed: readListMatcher(forwardRules, 'allowed_headers', `${path}.forward_rules`),
          disallowed: readListMatcher(forwardRules, 'disallowed_headers', `${path}.forward_rules`),
        }
      : null,
    route_cache_action: routeCacheAction,
    status_on_error: statusOnError ? readStatusCode(statusOnError, `${path}.status_on_error`) : 500,
    grpc_cluster: envoyGrpc ? reqString(envoyGrpc, 'cluster_name', `${path}.grpc_service.envoy_grpc`) : null,
    grpc_target_uri: googleGrpc ? reqString(googleGrpc, 'target_uri', `${path}.grpc_service.google_grpc`) : null,
  };
}

function readStatusCode(status: JsonObject, path: string): number {
  const code = status.code;
  if (typeof code === 'number') return code;
  throw new EnvoyConfigError(`${path}.code`, 'write the numeric HTTP status');
}

function readListMatcher(parent: JsonObject, key: string, path: string) {
  const list = optObject(parent, key, path);
  if (!list) return [];
  return asArray(list.patterns ?? [], `${path}.${key}.patterns`).map((p, i) => readStringMatcher(p, `${path}.${key}.patterns[${i}]`));
}

function readMutationRules(rules: JsonObject | undefined, path: string): MutationRules {
  if (!rules) return { ...DEFAULT_MUTATION_RULES };
  const allow = optObject(rules, 'allow_expression', path);
  const disallow = optObject(rules, 'disallow_expression', path);
  return {
    disallow_all: optBool(rules, 'disallow_all', path) ?? false,
    disallow_is_error: optBool(rules, 'disallow_is_error', path) ?? false,
    allow_all_routing: optBool(rules, 'allow_all_routing', path) ?? false,
    allow_envoy: optBool(rules, 'allow_envoy', path) ?? false,
    disallow_system: optBool(rules, 'disallow_system', path) ?? false,
    allow_expression: allow ? compileFullMatch(reqString(allow, 'regex', `${path}.allow_expression`), false, `${path}.allow_expression`) : undefined,
    disallow_expression: disallow ? compileFullMatch(reqString(disallow, 'regex', `${path}.disallow_expression`), false, `${path}.disallow_expression`) : undefined,
  };
}

const HEADER_MODES: readonly HeaderSendMode[] = ['DEFAULT', 'SEND', 'SKIP'];
const BODY_MODES: readonly BodySendMode[] = ['NONE', 'STREAMED', 'BUFFERED', 'BUFFERED_PARTIAL'];

function readProcessingMode(value: JsonValue | undefined, path: string): ProcessingMode {
  const mode = { ...DEFAULT_PROCESSING_MODE };
  if (value === undefined || value === null) return mode;
  const object = asObject(value, path);
  for (const key of ['request_header_mode', 'response_header_mode', 'request_trailer_mode', 'response_trailer_mode'] as const) {
    const v = optString(object, key, path);
    if (v === undefined) continue;
    if (!HEADER_MODES.includes(v as HeaderSendMode)) throw new EnvoyConfigError(`${path}.${key}`, `unknown HeaderSendMode ${v}`);
    mode[key] = v as HeaderSendMode;
  }
  for (const key of ['request_body_mode', 'response_body_mode'] as const) {
    const v = optString(object, key, path);
    if (v === undefined) continue;
    if (v === 'FULL_DUPLEX_STREAMED') throw new EnvoyConfigError(`${path}.${key}`, 'FULL_DUPLEX_STREAMED is not emulated by the test edge');
    if (!BODY_MODES.includes(v as BodySendMode)) throw new EnvoyConfigError(`${path}.${key}`, `unknown BodySendMode ${v}`);
    mode[key] = v as BodySendMode;
  }
  return mode;
}

/** What a test may override. Durations in milliseconds; processing_mode and mutation_rules merge field-wise. */
export interface EdgeOverrides extends Partial<Omit<ExtProcSettings, 'processing_mode' | 'mutation_rules'>> {
  processing_mode?: Partial<ProcessingMode>;
  mutation_rules?: Partial<MutationRules>;
  /** Replaces the listener's per_connection_buffer_limit_bytes (B2). */
  buffer_limit_bytes?: number;
}

export function applyOverrides(config: EdgeConfig, overrides: EdgeOverrides | undefined): EdgeConfig {
  if (!overrides) return config;
  const { processing_mode, mutation_rules, buffer_limit_bytes, ...rest } = overrides;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<ExtProcSettings>;
  return {
    ...config,
    listener: buffer_limit_bytes === undefined ? config.listener : { ...config.listener, bufferLimitBytes: buffer_limit_bytes },
    extProc: {
      ...config.extProc,
      ...defined,
      processing_mode: { ...config.extProc.processing_mode, ...processing_mode },
      mutation_rules: { ...config.extProc.mutation_rules, ...mutation_rules },
    },
  };
}
