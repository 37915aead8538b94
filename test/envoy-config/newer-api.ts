/**
 * Envoy API that is newer than the protos bundled in @grpc/grpc-js-xds (data-plane-api of mid 2024,
 * about Envoy 1.31). The strict validator refuses anything it cannot find in those protos; an entry
 * here lets one named field, enum value or type through and says which Envoy release added it, so
 * the tests can check it against the oldest Envoy the shipped configs promise to support.
 */
import type { NewerApiAllowance } from './strict-proto';

/** The oldest Envoy the shipped envoy/*.yaml and the Helm chart's bootstrap must load on (README). */
export const MIN_SUPPORTED_ENVOY = '1.33';

export const NEWER_ENVOY_API: readonly NewerApiAllowance[] = [
  {
    kind: 'field',
    message: 'envoy.config.route.v3.RateLimit',
    field: 'hits_addend',
    addedIn: '1.33',
    reason: 'charge the provider-reported token count (llmgw:total_tokens metadata) to the tenant\'s rate-limit descriptor',
  },
  {
    kind: 'field',
    message: 'envoy.config.route.v3.RateLimit',
    field: 'apply_on_stream_done',
    addedIn: '1.33',
    reason: 'tokens are known only when the response ends, so that descriptor is sent to the rate-limit service then',
  },
  {
    kind: 'field',
    message: 'envoy.config.common.mutation_rules.v3.HeaderMutation',
    field: 'remove_on_match',
    addedIn: '1.36',
    reason:
      'strip every x-llmgw-* request header by prefix (key_matcher) instead of listing names; usable once the minimum Envoy is 1.36 (envoyproxy/envoy#41076)',
  },
];

/** Compares dotted release numbers ("1.32" < "1.36"). */
export function compareEnvoyVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
