/**
 * What the test edge needs from an Envoy bootstrap, as plain typed data. Field names of ext_proc settings
 * follow the ExternalProcessor proto (snake_case) so that a test override reads like the YAML it
 * replaces; durations are milliseconds (`*_ms`).
 */
import type { JsonObject } from '../../../src/extproc/struct';
import type { CelExpression } from './cel-lite';

export type HeaderSendMode = 'DEFAULT' | 'SEND' | 'SKIP';
export type BodySendMode = 'NONE' | 'STREAMED' | 'BUFFERED' | 'BUFFERED_PARTIAL';

/** envoy.extensions.filters.http.ext_proc.v3.ProcessingMode with every field present. */
export interface ProcessingMode {
  request_header_mode: HeaderSendMode;
  response_header_mode: HeaderSendMode;
  request_body_mode: BodySendMode;
  response_body_mode: BodySendMode;
  request_trailer_mode: HeaderSendMode;
  response_trailer_mode: HeaderSendMode;
}

/** S2: headers SEND (DEFAULT means send), bodies NONE, trailers SKIP (DEFAULT means skip). */
export const DEFAULT_PROCESSING_MODE: ProcessingMode = Object.freeze({
  request_header_mode: 'DEFAULT',
  response_header_mode: 'DEFAULT',
  request_body_mode: 'NONE',
  response_body_mode: 'NONE',
  request_trailer_mode: 'DEFAULT',
  response_trailer_mode: 'DEFAULT',
});

/** envoy.type.matcher.v3.StringMatcher, the subset Envoy configs commonly use. */
export interface StringMatcher {
  readonly kind: 'exact' | 'prefix' | 'suffix' | 'contains' | 'safe_regex';
  readonly value: string;
  readonly ignoreCase: boolean;
  /** Compiled for safe_regex; RE2 matches the whole string, so the source is anchored. */
  readonly regex?: RegExp;
}

/** envoy.config.common.mutation_rules.v3.HeaderMutationRules (R3 defaults: every flag false). */
export interface MutationRules {
  disallow_all: boolean;
  disallow_is_error: boolean;
  allow_all_routing: boolean;
  allow_envoy: boolean;
  disallow_system: boolean;
  allow_expression?: RegExp;
  disallow_expression?: RegExp;
}

export const DEFAULT_MUTATION_RULES: MutationRules = Object.freeze({
  disallow_all: false,
  disallow_is_error: false,
  allow_all_routing: false,
  allow_envoy: false,
  disallow_system: false,
});

export type RouteCacheAction = 'DEFAULT' | 'CLEAR' | 'RETAIN';

export interface ExtProcSettings {
  processing_mode: ProcessingMode;
  /** T1: default 200 ms. */
  message_timeout_ms: number;
  /** R8: 0 (unset) means override_message_timeout is always ignored. */
  max_message_timeout_ms: number;
  failure_mode_allow: boolean;
  allow_mode_override: boolean;
  /** Optional allow-list for mode_override (newer Envoy); empty = any mode. */
  allowed_override_modes: ProcessingMode[];
  observability_mode: boolean;
  /** S6: how long Envoy keeps the stream after the request ends in observability mode (default 5 s). */
  deferred_close_timeout_ms: number;
  disable_immediate_response: boolean;
  request_attributes: string[];
  response_attributes: string[];
  /** metadata_options.forwarding_namespaces.untyped (H3). */
  forwarding_namespaces: string[];
  /** metadata_options.receiving_namespaces.untyped (R7). */
  receiving_namespaces: string[];
  mutation_rules: MutationRules;
  /** H3: forward_rules; null when absent (every header is sent). */
  forward_rules: { allowed: StringMatcher[]; disallowed: StringMatcher[] } | null;
  /** R4: route_cache_action; disable_clear_route_cache: true maps to RETAIN. */
  route_cache_action: RouteCacheAction;
  /** T3: HTTP status of Envoy's own error replies (status_on_error, Envoy 1.36+; default 500). */
  status_on_error: number;
  /** grpc_service.envoy_grpc.cluster_name, or google_grpc.target_uri. */
  grpc_cluster: string | null;
  grpc_target_uri: string | null;
}

export type HeaderMatcher =
  | { readonly name: string; readonly kind: 'present'; readonly present: boolean; readonly invert: boolean }
  | { readonly name: string; readonly kind: 'string'; readonly matcher: StringMatcher; readonly invert: boolean };

export interface RouteMatch {
  readonly prefix?: string;
  readonly path?: string;
  readonly regex?: RegExp;
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatcher[];
}

export type RouteAction =
  | { readonly kind: 'cluster'; readonly cluster: string }
  | { readonly kind: 'cluster_header'; readonly header: string }
  | { readonly kind: 'direct_response'; readonly status: number; readonly body: string };

export interface RouteEntry {
  /** Position in its virtual host (for records). */
  readonly index: number;
  readonly name?: string;
  readonly match: RouteMatch;
  readonly action: RouteAction;
  readonly autoHostRewrite: boolean;
  readonly hostRewriteLiteral?: string;
  readonly prefixRewrite?: string;
  /** Route timeout; Envoy's default is 15 s, 0 disables it. */
  readonly timeoutMs: number;
  readonly perRequestBufferLimitBytes?: number;
  readonly requestHeadersToRemove: readonly string[];
  readonly retryPolicy?: RetryPolicy;
}

export interface VirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly RouteEntry[];
  readonly requestHeadersToRemove: readonly string[];
}

export interface RouteConfiguration {
  readonly name?: string;
  readonly virtualHosts: readonly VirtualHost[];
  readonly requestHeadersToRemove: readonly string[];
}

export interface ClusterEndpoint {
  readonly address?: string;
  readonly port?: number;
  readonly pipe?: string;
  /** endpoint.hostname: what auto_host_rewrite writes into Host. */
  readonly hostname?: string;
  /** The locality's priority (U4); 0 when unset. */
  readonly priority?: number;
  /** lb_endpoints[].metadata.filter_metadata (U5: sent as xds.upstream_host_metadata). */
  readonly filterMetadata?: Readonly<Record<string, JsonObject>>;
}

export interface ClusterConfig {
  readonly name: string;
  readonly endpoints: readonly ClusterEndpoint[];
  /** U1: an ext_proc filter in the cluster's upstream http_filters (typed_extension_protocol_options). */
  readonly upstreamExtProc?: ExtProcSettings;
}

/** U3, U4: the route's retry_policy, as far as the edge emulates it. */
export interface RetryPolicy {
  readonly numRetries: number;
  readonly retryOn: readonly string[];
  readonly retriableStatusCodes: readonly number[];
  /** retry_priority envoy.retry_priorities.previous_priorities with update_frequency 1. */
  readonly previousPriorities: boolean;
}

export type LocalReplyFilter =
  | { readonly kind: 'status_code'; readonly op: 'EQ' | 'GE' | 'LE'; readonly value: number }
  | { readonly kind: 'header'; readonly matcher: HeaderMatcher }
  | {
      readonly kind: 'metadata';
      readonly namespace: string;
      readonly path: readonly string[];
      /** Exact string to compare with, or null for "present". */
      readonly exact: string | null;
      readonly matchIfKeyNotFound: boolean;
    }
  | { readonly kind: 'and' | 'or'; readonly filters: readonly LocalReplyFilter[] }
  /** extension_filter envoy.access_loggers.extension_filters.cel (a supported subset of CEL). */
  | { readonly kind: 'cel'; readonly expression: CelExpression };

export type BodyFormat =
  | { readonly kind: 'json'; readonly template: JsonObject; readonly contentType: string }
  | { readonly kind: 'text'; readonly template: string; readonly contentType: string };

export interface LocalReplyMapper {
  readonly filter: LocalReplyFilter;
  readonly statusCode?: number;
  readonly bodyFormat?: BodyFormat;
  readonly headersToAdd: ReadonlyArray<readonly [string, string]>;
}

export interface LocalReplyConfig {
  readonly mappers: readonly LocalReplyMapper[];
  /** Applies to every local reply no mapper formatted; absent = body unchanged, text/plain. */
  readonly bodyFormat?: BodyFormat;
}

/** A request header edit done by Envoy itself (early header mutation, header_mutation filter). */
export type HeaderEdit =
  | { readonly op: 'remove'; readonly name: string }
  | {
      readonly op: 'append';
      readonly name: string;
      readonly value: string;
      readonly action: 'APPEND_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS';
    };

export interface PreExtProcFilter {
  readonly name: string;
  readonly type: string;
  /** Request edits the edge applies; empty for filters it only lists (see `emulated`). */
  readonly requestEdits: readonly HeaderEdit[];
  /** How the edge stands in for the filter. */
  readonly emulated: 'header_mutation' | 'metadata_hook' | 'not_emulated';
}

export interface HcmConfig {
  readonly generateRequestId: boolean;
  /** early_header_mutation_extensions: run before route selection. */
  readonly earlyHeaderEdits: readonly HeaderEdit[];
  /** HTTP filters ahead of ext_proc, in order: they run after the first route selection. */
  readonly preExtProcFilters: readonly PreExtProcFilter[];
  /** HTTP filters between ext_proc and the router, which the edge does not run (listed for reports). */
  readonly postExtProcFilters: readonly string[];
  readonly maxRequestHeadersKb: number;
  readonly maxHeadersCount: number;
  readonly routes: RouteConfiguration;
  readonly localReply: LocalReplyConfig;
}

export interface EdgeConfig {
  readonly sourcePath: string;
  readonly listener: { readonly name: string; readonly address: string; readonly port: number; readonly bufferLimitBytes: number };
  readonly hcm: HcmConfig;
  readonly extProc: ExtProcSettings;
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
}
