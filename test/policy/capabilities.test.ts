/**
 * policy/capabilities.json keeps policies to what @open-policy-agent/opa-wasm can run: the build fails on
 * anything else (the time.* family first of all), and a wasm that calls every allowed builtin needs nothing
 * from the host that the SDK lacks.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PolicyBundle, PolicyEngine, PolicyLoadError, SDK_HOST_BUILTINS } from '../../src/policy';
import { BUILD_TIMEOUT_MS, ROOT, buildBundle, input, opaBinary, policyDir } from './helpers';

interface Capabilities {
  builtins: { name: string; decl: { args?: unknown[]; type: string; variadic?: unknown } }[];
  wasm_abi_versions: { version: number; minor_version: number }[];
}
const capabilities = JSON.parse(readFileSync(path.join(ROOT, 'policy', 'capabilities.json'), 'utf8')) as Capabilities;
const allowlist = readFileSync(path.join(ROOT, 'policy', 'wasm-sdk-builtins.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

let opa: string;
beforeAll(() => {
  opa = opaBinary();
}, BUILD_TIMEOUT_MS);

test('capabilities.json is the allowlist, with the ABI versions the SDK reads', () => {
  expect(capabilities.builtins.map((b) => b.name).sort()).toEqual([...allowlist].sort());
  expect(capabilities.wasm_abi_versions).toEqual([
    { version: 1, minor_version: 1 },
    { version: 1, minor_version: 2 },
  ]);
  for (const name of ['time.now_ns', 'time.diff', 'time.parse_rfc3339_ns', 'http.send', 'rand.intn', 'io.jwt.decode', 'crypto.sha256', 'uuid.rfc4122', 'net.lookup_ip_addr']) {
    expect(allowlist).not.toContain(name);
  }
});

test.each([
  ['time.now_ns()', 'time.now_ns'],
  // The SDK's own capabilities.json lists time.diff, but neither the wasm module nor the SDK implements it.
  ['time.diff(1, 2)', 'time.diff'],
  ['http.send({"method": "GET", "url": input.url})', 'http.send'],
])('the build fails on %s', (call, name) => {
  const result = buildBundle(policyDir(`package gateway\n\ndecision := {"allow": ${call} != null}\n`), ['--no-test']);
  expect(result.status).not.toBe(0);
  expect(result.output).toContain(`undefined function ${name}`);
});

test('opa test runs under the same capabilities: a test cannot use time.now_ns either', () => {
  const dir = policyDir('package gateway\n\ndecision := {"allow": true}\n');
  execFileSync('sh', ['-c', `printf 'package gateway_test\\n\\ntest_clock if time.now_ns() > 0\\n' > ${dir}/x_test.rego`]);
  const result = buildBundle(dir);
  expect(result.status).not.toBe(0);
  expect(result.output).toContain('undefined function time.now_ns');
});

test('a wasm calling every allowed builtin asks the host only for what the SDK implements', async () => {
  // Not callable by name in Rego v1: operators' internal forms and deprecated builtins.
  const skip = new Set(['assign', 'eq', 'all', 'any', 'net.cidr_overlap', 're_match', 'set_diff']);
  const callable = capabilities.builtins.filter((b) => !skip.has(b.name) && !b.name.startsWith('internal.'));
  const rules = callable.map((b, i) => {
    const args = (b.decl.args ?? []).map((_, k) => `input.a${k}`);
    return `r${i} := x if x := ${b.name}(${args.join(', ')})`;
  });
  const rego = `package gateway\n\n${rules.join('\n\n')}\n\ndecision := [${callable.map((_, i) => `object.get({"v": r${i}}, "v", null)`).join(', ')}]\n`;
  const result = buildBundle(policyDir(rego), ['--no-test', '--no-schema']);
  expect(result.output).not.toContain('error');
  expect(result.status).toBe(0);
  const bundle = await PolicyBundle.fromFile(result.bundle, {}); // load fails on a host builtin the SDK lacks
  expect(bundle.hostBuiltins).toEqual([...SDK_HOST_BUILTINS].filter((n) => n !== 'json.is_valid').sort());
  expect(callable.length).toBeGreaterThan(90);
});

test("the SDK's JavaScript builtins run", async () => {
  const rego = `package gateway

decision := {"allow": true, "reasons": [], "obligations": {}, "labels": [
	sprintf("%s/%d", [input.tenant.id, input.tokens.input_estimate]),
	concat("|", regex.split("[,;]", "a,b;c")),
	yaml.marshal({"k": input.principal.app}),
	format_int(count(yaml.unmarshal("[1, 2, 3]")), 10),
]}
`;
  const result = buildBundle(policyDir(rego), ['--no-test']);
  expect(result.status).toBe(0);
  const engine = new PolicyEngine({ defaultBundle: await PolicyBundle.fromFile(result.bundle, {}) });
  expect(engine.evaluate(input()).labels).toEqual(['3', 'acme/120', 'a|b|c', 'k: web\n']); // labels come sorted
});

test('a bundle built without our capabilities that calls a builtin the SDK lacks is refused at load', async () => {
  const dir = policyDir('package gateway\n\ndecision := {"allow": time.now_ns() > 0, "reasons": [], "obligations": {}, "labels": []}\n');
  const out = path.join(dir, 'unrestricted.tar.gz');
  execFileSync(opa, ['build', '-t', 'wasm', '-e', 'gateway/decision', '-o', out, path.join(dir, 'policy.rego')]);
  const load = PolicyBundle.fromFile(out, { name: 'unrestricted' });
  await expect(load).rejects.toThrow(PolicyLoadError);
  await expect(PolicyBundle.fromFile(out, { name: 'unrestricted' })).rejects.toThrow('the policy calls builtins the wasm SDK does not implement: time.now_ns');
});
