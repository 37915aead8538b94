/**
 * The chart's rendered manifests (default values, the reference and mTLS sets, the multi-tenant
 * example) and the existing-mesh manifests in deploy/ decode strictly into the API types of the
 * projects that define them (Kubernetes, Prometheus Operator, Istio, Envoy Gateway, Gateway API):
 * tools/kube-validate, built by .ci/run from its pinned go.mod. Offline: no schema download.
 * Also: values.schema.json refuses a typo and a bad enum. Needs `helm` and `kube-validate` (CI
 * installs both); skipped only where they are missing locally.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../envoy-config/bootstrap-queries';

const CHART = path.join(REPO_ROOT, 'charts', 'llm-gateway');
const helmBinary = process.env.HELM_BIN ?? 'helm';
const validatorBinary = process.env.KUBE_VALIDATE_BIN ?? path.join(REPO_ROOT, '.tools', 'bin', 'kube-validate');
const helmAvailable = spawnSync(helmBinary, ['version', '--short'], { encoding: 'utf8' }).status === 0;
const validatorAvailable = existsSync(validatorBinary);
const describeWithTools = helmAvailable && validatorAvailable ? describe : describe.skip;

function run(binary: string, args: readonly string[], input?: string): { status: number | null; out: string } {
  const result = spawnSync(binary, [...args], { encoding: 'utf8', cwd: REPO_ROOT, ...(input === undefined ? {} : { input }) });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function render(valuesFiles: readonly string[]): string {
  const result = spawnSync(helmBinary, ['template', 'gw', CHART, '--kube-version', '1.30.0', ...valuesFiles.flatMap((file) => ['-f', path.join(CHART, file)])], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

function validate(manifests: string): { status: number | null; out: string } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'llmgw-kube-')), 'manifests.yaml');
  writeFileSync(file, manifests);
  return run(validatorBinary, [file]);
}

describeWithTools('rendered manifests against the Kubernetes API types', () => {
  it.each([
    ['default values', []],
    ['ci/reference-values.yaml', ['ci/reference-values.yaml']],
    ['ci/uds-mtls-values.yaml', ['ci/uds-mtls-values.yaml']],
    ['ci/multi-tenant-values.yaml', ['ci/multi-tenant-values.yaml']],
  ])('are valid with %s', (_name, files) => {
    const result = validate(render(files));
    expect(result.out).toMatch(/\d+ documents valid/);
    expect(result.status).toBe(0);
  });

  it('render every kind of the multi-tenant example', () => {
    const manifests = render(['ci/multi-tenant-values.yaml']);
    const kinds = [...manifests.matchAll(/^kind: (\w+)$/gm)].map((match) => match[1]);
    expect(new Set(kinds)).toEqual(
      new Set(['ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor', 'PrometheusRule']),
    );
    // The audit directory is per pod: one writer per directory.
    expect(manifests).toContain('subPathExpr: $(POD_NAME)');
  });

  it.each([
    ['an unknown field', 'apiVersion: v1\nkind: Service\nmetadata: { name: x }\nspec: { ports: [{ port: 80 }], selectr: { a: b } }\n', /unknown field "selectr"/],
    ['a wrong type', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: { replicas: "two", selector: {}, template: {} }\n', /replicas/],
    ['a container without an image', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: { selector: {}, template: { spec: { containers: [{ name: a }] } } }\n', /needs name and image/],
    ['an unknown kind', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: x }\n', /unknown apiVersion\/kind/],
    ['an EnvoyFilter with an unknown spec field', 'apiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: { name: x }\nspec: { configPatchez: [] }\n', /configPatchez/],
  ])('refuses %s', (_name, manifest, message) => {
    const result = validate(manifest);
    expect(result.status).toBe(1);
    expect(result.out).toMatch(message);
  });

  it.each([
    ['a typo', 'sidecar.transprot=uds', /Additional property transprot is not allowed/],
    ['a bad enum', 'sidecar.transport=udp', /must be one of the following/],
    ['a wrong type', 'replicaCount=many', /replicaCount/],
  ])('values.schema.json refuses %s', (_name, set, message) => {
    const result = run(helmBinary, ['template', 'gw', CHART, '--set', set]);
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(message);
  });
});
