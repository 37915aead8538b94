/**
 * The existing-mesh integrations in deploy/: Istio (EnvoyFilter + Gateway/VirtualService/ServiceEntry/
 * DestinationRule, sidecar as a container of the gateway pod) and Envoy Gateway (EnvoyExtensionPolicy,
 * Backend, HTTPRoute header matches).
 *  - Every object decodes strictly into its project's Go API types (tools/kube-validate; skipped only
 *    where it is not built locally, CI builds it).
 *  - The EnvoyFilter's patch values (free-form Struct to Istio) are strictly valid Envoy v3 protos, and
 *    its ext_proc settings are the ones envoy/envoy.yaml ships.
 *  - The sidecar configs pass the sidecar's schema, and every provider cluster the sidecar can write
 *    into x-llmgw-cluster has a route on it (and no route points at a cluster the sidecar never writes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { configSchema } from '../../src/config/schema';
import { ENVOY_DIR, REPO_ROOT, TYPE_EXT_PROC, connectionManagers, httpFilters, listener, loadYamlFile, obj } from '../envoy-config/bootstrap-queries';
import { NEWER_ENVOY_API } from '../envoy-config/newer-api';
import { EnvoyProtoRegistry, formatIssues, type JsonObject, type JsonValue } from '../envoy-config/strict-proto';

const ISTIO = path.join(REPO_ROOT, 'deploy', 'istio', 'llm-gateway.yaml');
const ENVOY_GATEWAY = path.join(REPO_ROOT, 'deploy', 'envoy-gateway', 'llm-gateway.yaml');
const validatorBinary = process.env.KUBE_VALIDATE_BIN ?? path.join(REPO_ROOT, '.tools', 'bin', 'kube-validate');
const withValidator = existsSync(validatorBinary) ? it : it.skip;

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec?: JsonObject;
  readonly data?: Record<string, string>;
}

function documents(file: string): Manifest[] {
  return YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as Manifest);
}

function byKind(docs: readonly Manifest[], kind: string): Manifest[] {
  return docs.filter((doc) => doc.kind === kind);
}

function sidecarClusters(docs: readonly Manifest[]): string[] {
  const configMap = byKind(docs, 'ConfigMap').find((doc) => doc.metadata.name === 'llmgw-sidecar');
  const parsed = configSchema.safeParse(YAML.parse(configMap?.data?.['config.yaml'] ?? ''));
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  return Object.values(parsed.data.providers).map((provider) => provider.cluster).sort();
}

describe.each([
  ['Istio', ISTIO],
  ['Envoy Gateway', ENVOY_GATEWAY],
])('%s manifests', (_name, file) => {
  withValidator('decode strictly into the API types', () => {
    const run = spawnSync(validatorBinary, [file], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toMatch(/documents valid/);
    expect(run.status).toBe(0);
  });
});

describe('Istio', () => {
  const docs = documents(ISTIO);
  const patches = (obj(byKind(docs, 'EnvoyFilter')[0]?.spec as JsonValue, 'EnvoyFilter spec').configPatches as JsonObject[]) ?? [];
  const registry = new EnvoyProtoRegistry();
  const patchValue = (applyTo: string): JsonObject => obj(obj(patches.find((patch) => patch.applyTo === applyTo)?.patch, `${applyTo} patch`).value, `${applyTo} value`);

  it.each([
    ['HTTP_FILTER', 'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter'],
    ['CLUSTER', 'envoy.config.cluster.v3.Cluster'],
    ['LISTENER', 'envoy.config.listener.v3.Listener'],
  ])('has a strictly valid Envoy %s patch', (applyTo, type) => {
    const result = registry.validate(type, patchValue(applyTo), { allowNewer: NEWER_ENVOY_API });
    if (result.errors.length > 0) throw new Error(formatIssues(result.errors));
  });

  it("inserts ext_proc with envoy/envoy.yaml's processing settings", () => {
    const shipped = httpFilters(connectionManagers(listener(obj(loadYamlFile(path.join(ENVOY_DIR, 'envoy.yaml')), 'envoy.yaml'), 'llm_gateway'))[0]!).find((filter) => filter.type === TYPE_EXT_PROC);
    if (!shipped) throw new Error('envoy/envoy.yaml has no ext_proc filter');
    const inserted = obj(patchValue('HTTP_FILTER').typed_config, 'typed_config');
    for (const key of ['failure_mode_allow', 'processing_mode', 'allow_mode_override', 'message_timeout', 'max_message_timeout', 'request_attributes', 'metadata_options']) {
      expect([key, inserted[key]]).toEqual([key, shipped.config[key]]);
    }
    // The filter's gRPC cluster is the one the CLUSTER patch adds.
    expect(JSON.stringify(inserted.grpc_service)).toContain(String(patchValue('CLUSTER').name));
  });

  it('routes every provider cluster the sidecar writes, and nothing else', () => {
    const routed = byKind(docs, 'VirtualService')
      .flatMap((vs) => (vs.spec?.http as JsonObject[]) ?? [])
      .flatMap((route) => (route.match as JsonObject[]) ?? [])
      .map((match) => obj(obj(obj(match.headers, 'headers')['x-llmgw-cluster'], 'header match'), 'exact').exact)
      .map(String)
      .sort();
    expect(routed).toEqual(sidecarClusters(docs));
  });

  it('runs the sidecar as a container of the injected gateway pod', () => {
    const pod = obj(obj(byKind(docs, 'Deployment')[0]?.spec as JsonValue, 'spec').template, 'template');
    const containers = (obj(pod.spec, 'pod spec').containers as JsonObject[]).map((container) => container.name);
    expect(containers).toEqual(['istio-proxy', 'llmgw']);
    expect(obj(obj(pod.metadata, 'metadata').annotations, 'annotations')['inject.istio.io/templates']).toBe('gateway');
  });
});

describe('Envoy Gateway', () => {
  const docs = documents(ENVOY_GATEWAY);

  it('routes every provider cluster the sidecar writes on x-llmgw-cluster, to a Backend', () => {
    const rules = byKind(docs, 'HTTPRoute').flatMap((route) => (route.spec?.rules as JsonObject[]) ?? []);
    const routed = rules
      .flatMap((rule) => (rule.matches as JsonObject[]) ?? [])
      .flatMap((match) => (match.headers as JsonObject[] | undefined) ?? [])
      .filter((header) => header.name === 'x-llmgw-cluster')
      .map((header) => String(header.value))
      .sort();
    expect(routed).toEqual(sidecarClusters(docs));
    const backends = new Set(byKind(docs, 'Backend').map((backend) => backend.metadata.name));
    for (const rule of rules.filter((item) => item.backendRefs)) {
      for (const ref of rule.backendRefs as JsonObject[]) expect(backends.has(String(ref.name))).toBe(true);
    }
  });

  it('attaches ext_proc to the Gateway, buffered requests, mode override on, failing closed', () => {
    const policy = byKind(docs, 'EnvoyExtensionPolicy')[0]?.spec;
    expect(policy).toMatchObject({
      targetRefs: [{ kind: 'Gateway', name: 'llm-gateway' }],
      extProc: [{ failOpen: false, processingMode: { request: { body: 'Buffered' }, allowModeOverride: true }, backendRefs: [{ name: 'llmgw', port: 50051 }] }],
    });
  });
});
