/**
 * What the router-level exchange leaves for the per-attempt (upstream) exchanges of the same request.
 * Envoy runs an upstream ext_proc filter once per attempt, on a new gRPC stream; the attempt finds its
 * request by the token the router-level exchange put in `x-llmgw-attempt` (Envoy AI Gateway passes its
 * internal request id the same way, internal/extproc/server.go). The token is random and the entry lives
 * only while the router-level stream is open, in this process (Envoy and its sidecar share a pod).
 */
import { randomBytes } from 'node:crypto';
import type { RuntimeModel } from '../config/runtime';
import type { ParseableApiId } from '../llm/apis';
import type { RouteRequest, RouteTarget } from './router';

export const ATTEMPT_HEADER = 'x-llmgw-attempt';
/** Endpoint metadata namespace and key naming the provider an endpoint belongs to (envoy/envoy.yaml). */
export const HOST_METADATA_NAMESPACE = 'llmgw';
export const HOST_METADATA_PROVIDER_KEY = 'provider';
/** The request attribute the upstream filter asks Envoy for (request_attributes). */
export const HOST_METADATA_ATTRIBUTE = 'xds.upstream_host_metadata';

export interface RoutedRequest {
  readonly request: RouteRequest;
  readonly api: ParseableApiId;
  readonly clientHeaders: ReadonlyMap<string, string>;
  /** What the router-level exchange chose (its ticket carries the first attempt's outcome). */
  readonly primary: RouteTarget;
  /** The primary model then its alternatives, in order. */
  readonly chain: readonly RuntimeModel[];
  /** Attempts Envoy made so far (upstream filter streams opened). */
  attempts: number;
  /** The model of the latest attempt that reached a provider. */
  served?: RuntimeModel;
}

export class AttemptRegistry {
  private readonly entries = new Map<string, RoutedRequest>();

  register(entry: RoutedRequest): string {
    const token = randomBytes(16).toString('hex');
    this.entries.set(token, entry);
    return token;
  }

  get(token: string | undefined): RoutedRequest | undefined {
    return token === undefined ? undefined : this.entries.get(token);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The failover cluster to send a routed request to, when its provider has one and the fallback chain
 * has a model on another provider (otherwise the provider's own cluster and Envoy's retries suffice).
 */
export function failoverClusterFor(target: RouteTarget): string | undefined {
  const cluster = target.provider.failoverCluster;
  if (!cluster) return undefined;
  return target.alternatives.some((model) => model.provider !== target.provider) ? cluster : undefined;
}

/** The route as served: after an attempt on another provider, that model (for pricing, audit, metrics). */
export function servedRoute(target: RouteTarget, entry: RoutedRequest | undefined): RouteTarget {
  const served = entry?.served;
  if (!served || served === target.model) return target;
  return {
    ...target,
    model: served,
    provider: served.provider,
    cluster: target.provider.failoverCluster ?? target.cluster,
    skipped: [...target.skipped, `${target.model.name}: attempt failed`],
    reason: `${target.reason}; per-attempt fallback ${served.name}`,
  };
}
