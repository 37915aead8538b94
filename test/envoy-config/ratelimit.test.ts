/**
 * The shipped global rate limit: the filter in envoy/envoy.yaml sends descriptors built from the
 * sidecar's dynamic metadata, and envoy/ratelimit/config.yaml (the rate-limit service's limits) has a
 * limit for each of them. Checked both ways so neither file can drift from the other.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { ENVOY_DIR, list, loadYamlFile, obj } from './bootstrap-queries';
import type { JsonValue } from './strict-proto';

const TYPE_RATELIMIT = 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit';

interface DescriptorShape {
  /** Descriptor entries in order: key, and the fixed value when the action sets one. */
  readonly entries: ReadonlyArray<{ readonly key: string; readonly value?: string }>;
  readonly onStreamDone: boolean;
  readonly hitsAddend?: string;
}

function bootstrap(file: string): JsonValue {
  return loadYamlFile(path.join(ENVOY_DIR, file));
}

function connectionManager(root: JsonValue): Record<string, JsonValue> {
  const listeners = list(obj(obj(root, 'bootstrap').static_resources, 'static_resources').listeners, 'listeners');
  const main = listeners.map((l) => obj(l, 'listener')).find((l) => l.name === 'llm_gateway') ?? obj(listeners[0], 'listener');
  const chain = obj(list(main.filter_chains, 'filter_chains')[0], 'filter_chain');
  return obj(obj(list(chain.filters, 'filters')[0], 'hcm').typed_config, 'hcm.typed_config');
}

function descriptors(root: JsonValue): DescriptorShape[] {
  const hcm = connectionManager(root);
  const vhost = obj(list(obj(hcm.route_config, 'route_config').virtual_hosts, 'virtual_hosts')[0], 'virtual_host');
  return list(vhost.rate_limits, 'rate_limits').map((entry, index) => {
    const limit = obj(entry, `rate_limits[${index}]`);
    const entries = list(limit.actions, 'actions').map((raw) => {
      const action = obj(raw, 'action');
      if (action.metadata) {
        const metadata = obj(action.metadata, 'metadata');
        const key = obj(metadata.metadata_key, 'metadata_key');
        // The sidecar writes this namespace and key (src/pipeline/exchange.ts metadata()).
        expect(key.key).toBe('llmgw');
        expect(list(key.path, 'path').map((p) => obj(p, 'path').key)).toEqual(['tenant']);
        expect(metadata.source).toBe('DYNAMIC');
        return { key: String(metadata.descriptor_key) };
      }
      const generic = obj(action.generic_key, 'generic_key');
      return { key: String(generic.descriptor_key), value: String(generic.descriptor_value) };
    });
    const addend = limit.hits_addend === undefined ? undefined : String(obj(limit.hits_addend, 'hits_addend').format);
    return { entries, onStreamDone: limit.apply_on_stream_done === true, ...(addend === undefined ? {} : { hitsAddend: addend }) };
  });
}

interface ServiceDescriptor {
  key: string;
  value?: string;
  rate_limit?: { unit: string; requests_per_unit: number };
  descriptors?: ServiceDescriptor[];
}

/** Whether the service config limits a descriptor with these entries for an arbitrary tenant id. */
function serviceLimits(config: ServiceDescriptor[], entries: DescriptorShape['entries']): boolean {
  let level: ServiceDescriptor[] | undefined = config;
  let found: ServiceDescriptor | undefined;
  for (const entry of entries) {
    found = level?.find((d) => d.key === entry.key && d.value === entry.value);
    if (!found) return false;
    level = found.descriptors;
  }
  return found?.rate_limit !== undefined && found.rate_limit.requests_per_unit > 0;
}

describe('global rate limit (envoy.filters.http.ratelimit + envoy/ratelimit/config.yaml)', () => {
  const service = YAML.parse(fs.readFileSync(path.join(ENVOY_DIR, 'ratelimit', 'config.yaml'), 'utf8')) as { domain: string; descriptors: ServiceDescriptor[] };

  it.each(['envoy.yaml', 'envoy-uds.yaml'])('%s: the filter runs after the sidecar and before the router, fails open, in the service domain', (file) => {
    const filters = list(connectionManager(bootstrap(file)).http_filters, 'http_filters').map((f) => obj(f, 'filter'));
    const names = filters.map((f) => f.name);
    const at = names.indexOf('envoy.filters.http.ratelimit');
    expect(at).toBeGreaterThan(names.indexOf('envoy.filters.http.ext_proc'));
    expect(at).toBe(names.indexOf('envoy.filters.http.router') - 1);
    const config = obj(filters[at]?.typed_config, 'ratelimit');
    expect(config['@type']).toBe(TYPE_RATELIMIT);
    expect(config.domain).toBe(service.domain);
    expect(config.failure_mode_deny).toBe(false);
  });

  it('requests are counted on the way out and tokens charged at the end of the stream with the reported total', () => {
    const shapes = descriptors(bootstrap('envoy.yaml'));
    expect(shapes).toEqual([
      { entries: [{ key: 'tenant' }], onStreamDone: false },
      { entries: [{ key: 'tenant' }, { key: 'unit', value: 'tokens' }], onStreamDone: true, hitsAddend: '%DYNAMIC_METADATA(llmgw:total_tokens)%' },
    ]);
  });

  it('the rate-limit service has a limit for every descriptor Envoy sends', () => {
    for (const shape of descriptors(bootstrap('envoy.yaml'))) {
      expect({ entries: shape.entries, limited: serviceLimits(service.descriptors, shape.entries) }).toEqual({ entries: shape.entries, limited: true });
    }
  });

  it('a descriptor Envoy does not send is not limited (the check can fail)', () => {
    expect(serviceLimits(service.descriptors, [{ key: 'tenant' }, { key: 'unit', value: 'dollars' }])).toBe(false);
  });
});
