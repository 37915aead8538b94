/**
 * Route selection and upstream resolution, as Envoy's router does them. Envoy picks the route (and, for
 * `cluster_header`, reads the cluster name from the header) when the request headers arrive, before
 * any HTTP filter runs, and keeps that choice cached; only clearing the route cache (R4) makes it look
 * again, with the headers as they are then. The cluster is looked up when the router forwards.
 */
import { matchHeader } from './config-matchers';
import type { ClusterConfig, RouteConfiguration, RouteEntry, VirtualHost } from './config-types';
import type { HeaderList } from './headers';

export interface RouteDecision {
  readonly virtualHost: string;
  readonly routeIndex: number;
  readonly routeName?: string;
  readonly route: RouteEntry;
  /** Cluster name decided at selection time ('' when cluster_header was absent); null for direct_response. */
  readonly cluster: string | null;
  readonly clusterFrom: 'cluster' | 'cluster_header' | 'direct_response';
}

function domainMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return host.startsWith(pattern.slice(0, -1));
  return host === pattern;
}

/** Exact domains win over suffix wildcards, then prefix wildcards, then '*' (Envoy's order). */
function selectVirtualHost(config: RouteConfiguration, authority: string): VirtualHost | undefined {
  const hosts = [authority.toLowerCase()];
  const withoutPort = hosts[0].replace(/:\d+$/, '');
  if (withoutPort !== hosts[0]) hosts.push(withoutPort);
  const rank = (pattern: string): number => (pattern === '*' ? 3 : pattern.startsWith('*') ? 1 : pattern.endsWith('*') ? 2 : 0);
  for (const host of hosts) {
    let best: { vh: VirtualHost; rank: number; length: number } | undefined;
    for (const vh of config.virtualHosts) {
      for (const pattern of vh.domains) {
        if (!domainMatches(pattern, host)) continue;
        const candidate = { vh, rank: rank(pattern), length: pattern.length };
        if (!best || candidate.rank < best.rank || (candidate.rank === best.rank && candidate.length > best.length)) best = candidate;
      }
    }
    if (best) return best.vh;
  }
  return undefined;
}

function pathMatches(route: RouteEntry, path: string): boolean {
  const { match } = route;
  const fold = (s: string): string => (match.caseSensitive ? s : s.toLowerCase());
  const withoutQuery = path.split('?')[0];
  if (match.prefix !== undefined) return fold(path).startsWith(fold(match.prefix));
  if (match.path !== undefined) return fold(withoutQuery) === fold(match.path);
  if (match.regex) return match.regex.test(withoutQuery);
  return false;
}

export function selectRoute(config: RouteConfiguration, headers: HeaderList): RouteDecision | null {
  const vh = selectVirtualHost(config, headers.get(':authority') ?? '');
  if (!vh) return null;
  const path = headers.get(':path') ?? '/';
  for (const route of vh.routes) {
    if (!pathMatches(route, path)) continue;
    if (!route.match.headers.every((m) => matchHeader(m, headers.getAll(m.name)))) continue;
    const base = { virtualHost: vh.name, routeIndex: route.index, routeName: route.name, route };
    switch (route.action.kind) {
      case 'cluster':
        return { ...base, cluster: route.action.cluster, clusterFrom: 'cluster' };
      case 'cluster_header':
        return { ...base, cluster: headers.get(route.action.header) ?? '', clusterFrom: 'cluster_header' };
      case 'direct_response':
        return { ...base, cluster: null, clusterFrom: 'direct_response' };
    }
  }
  return null;
}

export type UpstreamTarget = { readonly host: string; readonly port: number } | { readonly socketPath: string };

export interface ResolvedUpstream {
  readonly cluster: string;
  readonly target: UpstreamTarget;
  /** For records: http://host:port or unix:/path. */
  readonly url: string;
  readonly endpointHostname?: string;
}

/**
 * The cluster must exist in the bootstrap (Envoy answers 503 otherwise); a test's `upstreams` entry only
 * replaces where its endpoint lives, so auto_host_rewrite still uses the YAML hostname.
 */
export function resolveUpstream(
  clusterName: string,
  clusters: ReadonlyMap<string, ClusterConfig>,
  overrides: Readonly<Record<string, string>>,
): ResolvedUpstream | null {
  const cluster = clusters.get(clusterName);
  if (!cluster) return null;
  const endpoint = cluster.endpoints[0];
  const override = overrides[clusterName];
  if (override !== undefined) {
    const url = new URL(override);
    return {
      cluster: clusterName,
      target: { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) },
      url: `${url.protocol}//${url.host}`,
      endpointHostname: endpoint?.hostname,
    };
  }
  if (!endpoint) return null;
  if (endpoint.pipe !== undefined) return { cluster: clusterName, target: { socketPath: endpoint.pipe }, url: `unix:${endpoint.pipe}`, endpointHostname: endpoint.hostname };
  const host = endpoint.address ?? '127.0.0.1';
  const port = endpoint.port ?? 80;
  return { cluster: clusterName, target: { host, port }, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, endpointHostname: endpoint.hostname };
}

/** Host and path the router sends upstream: auto_host_rewrite / host_rewrite_literal, prefix_rewrite. */
export function rewriteForUpstream(route: RouteEntry, decision: RouteDecision, upstream: ResolvedUpstream, headers: HeaderList): { host: string; path: string } {
  let host = headers.get(':authority') ?? '';
  if (route.hostRewriteLiteral !== undefined) host = route.hostRewriteLiteral;
  else if (route.autoHostRewrite && upstream.endpointHostname) host = upstream.endpointHostname;
  let path = headers.get(':path') ?? '/';
  const prefix = decision.route.match.prefix;
  if (route.prefixRewrite !== undefined && prefix !== undefined && path.startsWith(prefix)) {
    path = route.prefixRewrite + path.slice(prefix.length);
  }
  return { host, path };
}
