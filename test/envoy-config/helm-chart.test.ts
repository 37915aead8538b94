/**
 * The Helm chart in charts/llm-gateway. Without the `helm` binary (CI cannot install it) this checks:
 * Chart.yaml and values.yaml parse; every `.Values.x.y` a template uses exists in values.yaml and
 * every value is used; the chart's Envoy bootstrap template, rendered for several value sets by
 * helm-lite, is strictly valid and reproduces envoy/envoy.yaml and envoy/envoy-uds.yaml exactly.
 * With `helm` on PATH (or HELM_BIN), it also lints and renders the whole chart and checks the pod.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import {
  ENVOY_DIR,
  REPO_ROOT,
  TYPE_DOWNSTREAM_TLS,
  TYPE_JWT_AUTHN,
  clusters,
  connectionManagers,
  filterChains,
  httpFilters,
  listener,
  loadYamlFile,
  obj,
  typeOf,
} from './bootstrap-queries';
import { mergeValues, renderTemplate, valuesReferences, type TemplateValue } from './helm-lite';
import { NEWER_ENVOY_API } from './newer-api';
import { EnvoyProtoRegistry, formatIssues, isJsonObject, parseEnvoyYaml, type JsonObject, type JsonValue } from './strict-proto';

const CHART = path.join(REPO_ROOT, 'charts', 'llm-gateway');
const BOOTSTRAP_TEMPLATE = path.join(CHART, 'files', 'envoy-bootstrap.yaml.tpl');

function readYaml(file: string): TemplateValue {
  return YAML.parse(fs.readFileSync(file, 'utf8')) as TemplateValue;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

function hasPath(value: TemplateValue, keys: readonly string[]): boolean {
  let current: TemplateValue = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}

/** Leaf paths of values.yaml; free-form maps and lists (passed to toYaml whole) count as leaves. */
function leafPaths(value: TemplateValue, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
}

const chartValues = readYaml(path.join(CHART, 'values.yaml'));
const referenceValues = readYaml(path.join(CHART, 'ci', 'reference-values.yaml'));
const udsMtlsValues = readYaml(path.join(CHART, 'ci', 'uds-mtls-values.yaml'));
const registry = new EnvoyProtoRegistry();

function renderBootstrap(overrides: TemplateValue): JsonObject {
  const rendered = renderTemplate(fs.readFileSync(BOOTSTRAP_TEMPLATE, 'utf8'), mergeValues(chartValues, overrides));
  const parsed = parseEnvoyYaml(rendered);
  if (parsed.issues.length > 0) throw new Error(`rendered bootstrap is not clean YAML:\n${formatIssues(parsed.issues)}`);
  return obj(parsed.value as JsonValue, 'rendered bootstrap');
}

const VARIANTS: ReadonlyArray<[string, TemplateValue]> = [
  ['chart defaults', {}],
  ['ci/reference-values.yaml', referenceValues],
  ['ci/reference-values.yaml + uds', mergeValues(referenceValues, { sidecar: { transport: 'uds' } })],
  ['ci/uds-mtls-values.yaml', udsMtlsValues],
  ['mTLS without JWT', { envoy: { tls: { clientCa: { enabled: true } } } }],
];

describe('chart metadata', () => {
  it('has a valid Chart.yaml', () => {
    const chart = obj(readYaml(path.join(CHART, 'Chart.yaml')) as JsonValue, 'Chart.yaml');
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'llm-gateway', type: 'application' });
    expect(String(chart.version)).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(typeof chart.appVersion).toBe('string');
  });

  it('has a values.yaml with the documented sections', () => {
    expect(Object.keys(obj(chartValues as JsonValue, 'values'))).toEqual(
      expect.arrayContaining(['envoy', 'sidecar', 'service', 'podDisruptionBudget', 'autoscaling', 'serviceMonitor', 'networkPolicy']),
    );
  });
});

describe('values references', () => {
  const templateFiles = [...listFiles(path.join(CHART, 'templates')), ...listFiles(path.join(CHART, 'files')).filter((file) => file.endsWith('.tpl'))];
  const references = templateFiles.flatMap((file) =>
    valuesReferences(fs.readFileSync(file, 'utf8')).map((keys) => ({ file: path.relative(CHART, file), keys })),
  );

  it('finds references to check', () => {
    expect(references.length).toBeGreaterThan(50);
  });

  it('uses only values that values.yaml defines', () => {
    const missing = references.filter((reference) => !hasPath(chartValues, reference.keys));
    expect(missing.map((reference) => `${reference.file}: .Values.${reference.keys.join('.')}`)).toEqual([]);
  });

  it('has no value that no template uses', () => {
    const used = references.map((reference) => reference.keys.join('.'));
    const unused = leafPaths(chartValues)
      .map((keys) => keys.join('.'))
      .filter((leaf) => !used.some((reference) => leaf === reference || leaf.startsWith(`${reference}.`)));
    expect(unused).toEqual([]);
  });
});

describe("the chart's Envoy bootstrap", () => {
  it.each(VARIANTS.map(([name, values]) => [name, values]))('is a strictly valid Bootstrap with %s', (_name, values) => {
    const bootstrap = renderBootstrap(values);
    const result = registry.validate('envoy.config.bootstrap.v3.Bootstrap', bootstrap, { allowNewer: NEWER_ENVOY_API });
    if (result.errors.length > 0) throw new Error(formatIssues(result.errors));
  });

  it('is exactly envoy/envoy.yaml with ci/reference-values.yaml', () => {
    expect(renderBootstrap(referenceValues)).toEqual(loadYamlFile(path.join(ENVOY_DIR, 'envoy.yaml')));
  });

  it('is exactly envoy/envoy-uds.yaml with ci/reference-values.yaml and sidecar.transport=uds', () => {
    const rendered = renderBootstrap(mergeValues(referenceValues, { sidecar: { transport: 'uds' } }));
    expect(rendered).toEqual(loadYamlFile(path.join(ENVOY_DIR, 'envoy-uds.yaml')));
  });

  it('leaves jwt_authn and its JWKS cluster out unless envoy.jwt.enabled', () => {
    const bootstrap = renderBootstrap({});
    const filters = httpFilters(connectionManagers(listener(bootstrap, 'llm_gateway'))[0]);
    expect(filters.map((filter) => filter.type)).not.toContain(TYPE_JWT_AUTHN);
    expect(clusters(bootstrap).map((item) => item.name)).not.toContain('jwks_idp');
  });

  it('requires client certificates when envoy.tls.clientCa.enabled', () => {
    const bootstrap = renderBootstrap({ envoy: { tls: { clientCa: { enabled: true } } } });
    for (const chain of filterChains(listener(bootstrap, 'llm_gateway'))) {
      const tls = obj(obj(chain.transport_socket, 'transport_socket').typed_config, 'typed_config');
      expect(typeOf(tls)).toBe(TYPE_DOWNSTREAM_TLS);
      expect(tls.require_client_certificate).toBe(true);
      expect(obj(tls.common_tls_context, 'common_tls_context').validation_context_sds_secret_config).toMatchObject({ name: 'llmgw_client_ca' });
    }
  });

  it('ships the same SDS files as envoy/sds', () => {
    for (const name of fs.readdirSync(path.join(ENVOY_DIR, 'sds'))) {
      expect(fs.readFileSync(path.join(CHART, 'files', 'sds', name), 'utf8')).toBe(fs.readFileSync(path.join(ENVOY_DIR, 'sds', name), 'utf8'));
    }
  });
});

/** `helm` is optional: a developer machine may have it, CI does not. */
const helmBinary = process.env.HELM_BIN ?? 'helm';
const helmAvailable = spawnSync(helmBinary, ['version', '--short'], { encoding: 'utf8' }).status === 0;
const describeWithHelm = helmAvailable ? describe : describe.skip;

interface HelmRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function helm(args: readonly string[]): HelmRun {
  const run = spawnSync(helmBinary, [...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function helmTemplate(valuesFiles: readonly string[], sets: readonly string[] = []): JsonObject[] {
  const run = helm([
    'template',
    'gw',
    CHART,
    '--kube-version',
    '1.30.0',
    ...valuesFiles.flatMap((file) => ['-f', path.join(CHART, file)]),
    ...sets.flatMap((set) => ['--set', set]),
  ]);
  if (run.status !== 0) throw new Error(run.stderr);
  return YAML.parseAllDocuments(run.stdout)
    .map((doc) => doc.toJS() as JsonValue)
    .filter(isJsonObject);
}

function findKind(docs: readonly JsonObject[], kind: string, nameSuffix = ''): JsonObject {
  const found = docs.find((doc) => doc.kind === kind && String(obj(doc.metadata, 'metadata').name).endsWith(nameSuffix));
  if (!found) throw new Error(`no ${kind} ${nameSuffix}`);
  return found;
}

describeWithHelm('the whole chart, rendered by helm', () => {
  const valueSets: ReadonlyArray<[string, readonly string[], TemplateValue]> = [
    ['defaults', [], {}],
    ['reference', ['ci/reference-values.yaml'], referenceValues],
    ['uds + mTLS', ['ci/uds-mtls-values.yaml'], udsMtlsValues],
    ['multi-tenant', ['ci/multi-tenant-values.yaml'], readYaml(path.join(CHART, 'ci', 'multi-tenant-values.yaml'))],
  ];

  it.each(valueSets.map(([name, files]) => [name, files]))('lints with %s', (_name, files) => {
    const run = helm(['lint', '--strict', CHART, ...files.flatMap((file) => ['-f', path.join(CHART, file)])]);
    expect(run.stderr + run.stdout).toMatch(/0 chart\(s\) failed/);
  });

  it.each(valueSets.map(([name, files, values]) => [name, files, values]))('renders a two-container pod with %s', async (_name, files, values) => {
    const docs = helmTemplate(files);
    const merged = mergeValues(chartValues, values);
    const spec = obj(obj(obj(findKind(docs, 'Deployment').spec, 'spec').template, 'template').spec, 'pod spec');
    const containers = (spec.containers as JsonValue[]).map((container) => obj(container, 'container'));
    expect(containers.map((container) => container.name)).toEqual(['envoy', 'llmgw']);
    const sidecar = containers[1];
    expect(sidecar.command).toEqual(['llmgw', 'serve', '--config', '/etc/llmgw/config.yaml']);
    // Envoy drains first (the sidecar's preStop triggers it), then the sidecar; the grace period covers both.
    const preStop = (container: JsonObject): JsonObject => obj(obj(container.lifecycle, 'lifecycle').preStop, 'preStop');
    expect(JSON.stringify(preStop(sidecar))).toContain('/drain_listeners');
    expect(preStop(containers[0])).toBeDefined();
    const envoyDrain = Number(obj(obj(merged as JsonValue, 'values').envoy, 'envoy').drainSeconds);
    const sidecarDrain = Number(obj(obj(merged as JsonValue, 'values').sidecar, 'sidecar').drainTimeoutSeconds);
    expect(Number(spec.terminationGracePeriodSeconds)).toBeGreaterThan(envoyDrain + sidecarDrain);

    // The Envoy ConfigMap helm produced is the one helm-lite produced (so the checks above hold for it).
    const envoyConfig = obj(findKind(docs, 'ConfigMap', '-envoy').data, 'data');
    expect(YAML.parse(String(envoyConfig['envoy.yaml']))).toEqual(renderBootstrap(values));

    // The sidecar config the chart assembles is one the sidecar accepts.
    const sidecarConfig = YAML.parse(String(obj(findKind(docs, 'ConfigMap', '-sidecar').data, 'data')['config.yaml'])) as unknown;
    // Imported here so the helm-less checks above never depend on the sidecar's code.
    const { configSchema } = await import('../../src/config/schema');
    const parsed = configSchema.safeParse(sidecarConfig);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues));
  });

  it('refuses a grace period shorter than the two drains', () => {
    const run = helm(['template', 'gw', CHART, '--kube-version', '1.30.0', '--set', 'terminationGracePeriodSeconds=30']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/terminationGracePeriodSeconds \(30\) must be at least/);
  });

  it('refuses a buffer limit the sidecar could not receive', () => {
    const run = helm(['template', 'gw', CHART, '--kube-version', '1.30.0', '--set', 'envoy.bufferLimitBytes=67108864']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/maxMessageBytes must exceed envoy.bufferLimitBytes/);
  });
});
