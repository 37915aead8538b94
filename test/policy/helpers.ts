/** Builds policy bundles with the real opa (scripts/build-policy.sh) and makes inputs for tests. */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compilePolicy, policyConfigSchema, PolicyService, type PolicyConfigInput, type PolicyInput, type PolicyServiceHooks, type RuntimePolicy } from '../../src/policy';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BUILD_SCRIPT = path.join(ROOT, 'scripts', 'build-policy.sh');
export const DEFAULT_BUNDLE_DIR = path.join(ROOT, 'policy', 'bundles', 'default');
export const DEFAULT_BUNDLE = path.join(ROOT, 'dist', 'policy', 'default.tar.gz');
/** Long enough for a first `go install` of opa on a cold machine. */
export const BUILD_TIMEOUT_MS = 15 * 60 * 1000;

/** Builds (or finds up to date) every bundle under policy/bundles, running `opa test` on each. */
export function ensureDefaultBundle(): string {
  execFileSync(BUILD_SCRIPT, [], { cwd: ROOT, stdio: 'pipe', timeout: BUILD_TIMEOUT_MS });
  return DEFAULT_BUNDLE;
}

/** The pinned opa binary (installed when missing). */
export function opaBinary(): string {
  return execFileSync(BUILD_SCRIPT, ['opa'], { cwd: ROOT, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS }).trim();
}

export interface BuildResult {
  readonly status: number | null;
  readonly output: string;
  readonly bundle: string;
}

/** Runs the build script on one source directory. */
export function buildBundle(src: string, args: readonly string[] = [], out = path.join(mkdtempSync(path.join(tmpdir(), 'policy-out-')), 'bundle.tar.gz')): BuildResult {
  const result = spawnSync(BUILD_SCRIPT, ['--src', src, '--out', out, ...args], { cwd: ROOT, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, bundle: out };
}

/** A copy of the default bundle's sources with some files replaced or added. */
export function variantOfDefault(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-src-'));
  cpSync(DEFAULT_BUNDLE_DIR, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

/** The default bundle's settings with a patch applied to `defaults`. */
export function settingsWith(defaults: Record<string, unknown>): string {
  const settings = JSON.parse(readFileSync(path.join(DEFAULT_BUNDLE_DIR, 'settings', 'data.json'), 'utf8')) as { defaults: Record<string, unknown> };
  return JSON.stringify({ ...settings, defaults: { ...settings.defaults, ...defaults } }, null, 2);
}

/** A one-file policy directory (package gateway) for fixtures. */
export function policyDir(rego: string, data?: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-src-'));
  writeFileSync(path.join(dir, 'policy.rego'), rego);
  if (data !== undefined) writeFileSync(path.join(dir, 'data.json'), JSON.stringify(data));
  return dir;
}

type Patch<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? Patch<T[K]> : T[K] };

function merge(base: unknown, patch: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) out[key] = value === undefined ? undefined : merge(out[key], value);
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

/** Same request as the Rego tests' base_input: every sample rule allows it. */
export const BASE_INPUT: PolicyInput = {
  version: 1,
  request_id: 'req-1',
  time: { now_ms: 1767690000000, timezone: 'Europe/Berlin', weekday: 2, hour: 10, minute: 0, date: '2026-01-06' },
  tenant: { id: 'acme', tier: 'standard', attributes: {} },
  principal: { via: 'api_key', key_id: 'acme-web', app: 'web', trusted_app: false, claims: {} },
  api: { id: 'openai.chat_completions', family: 'openai' },
  model: { requested: 'gpt-4o', routed: 'gpt-4o', provider: 'openai', external: true },
  stream: false,
  tokens: { input_estimate: 120, max_output: 500 },
  tools: [],
  response_format: 'text',
  findings: [],
  topics: [],
};

/** BASE_INPUT deep-merged with a patch (an undefined value removes the field). */
export function input(patch: Patch<PolicyInput> = {}): PolicyInput {
  return merge(BASE_INPUT, patch) as PolicyInput;
}

/** Compiles a `policy:` section on its own (tenant ids taken from it; paths relative to `baseDir`). */
export function compileTestPolicy(config: PolicyConfigInput, baseDir = ROOT): RuntimePolicy {
  const problems: string[] = [];
  const parsed = policyConfigSchema.parse(config);
  const policy = compilePolicy(parsed, {
    resolve: (file) => path.resolve(baseDir, file),
    tenantIds: new Set(Object.keys(parsed.tenants)),
    providerIds: new Set(parsed.internalProviders),
    problem: (at, message) => problems.push(`${at}: ${message}`),
    compileGuards: () => [],
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return policy;
}

/** A policy service over a section, started (bundles loaded). */
export async function startTestPolicy(config: PolicyConfigInput, hooks: PolicyServiceHooks = {}): Promise<PolicyService> {
  const service = new PolicyService(hooks);
  await service.configure(compileTestPolicy(config));
  return service;
}
