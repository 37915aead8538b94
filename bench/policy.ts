/**
 * `make bench` (policy part): what the tenant policy costs per request, and per evaluation.
 *
 * Per request: the whole policy stage as the exchange runs it (input built from the parsed request, topic
 * classification, evaluation before routing, evaluation after routing, obligations checked), over a mix of
 * requests on the sample bundle compiled by the real opa; once without and once with a 5% canary (the
 * stable side then also evaluates the candidate in shadow). Per evaluation: benchPolicyEvaluation over a
 * million evaluations with memory at every tenth (flat when the instance is reused).
 *
 * Run after `tsc -p tsconfig.json` and `make policy`: `node --expose-gc dist/bench/policy.js` (GC between memory readings).
 * POLICY_BENCH_REQUESTS (default 50,000), POLICY_BENCH_EVALUATIONS (default 1,000,000).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { parseConfigText } from '../src/config/load';
import { compileConfig, type RuntimeInputGuard } from '../src/config/runtime';
import { SecretStore } from '../src/config/secrets';
import { parseRequest, type CanonicalRequest } from '../src/llm';
import { startPolicyRun } from '../src/pipeline/policy-stage';
import { BasicRouter } from '../src/route/router';
import { benchPolicyEvaluation, PolicyService } from '../src/policy';
import { createMetrics } from '../src/telemetry/metrics';

const ROOT = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(ROOT, 'dist', 'policy', 'default.tar.gz');

const BODIES = [
  { model: 'gpt-4o-mini', max_tokens: 5000, messages: [{ role: 'user', content: 'Summarise the attached quarterly report in five bullet points.' }] },
  { model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: 'Should I buy more index funds for my retirement savings?' }] },
  { model: 'gpt-4o', messages: [{ role: 'user', content: 'Write a haiku about autumn leaves.' }], response_format: { type: 'json_object' } },
  { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x '.repeat(2000) + 'What is the dosage of ibuprofen for a headache?' }] },
];

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run make policy first`);
  const requests = Number(process.env.POLICY_BENCH_REQUESTS ?? 50_000);
  const evaluations = Number(process.env.POLICY_BENCH_EVALUATIONS ?? 1_000_000);
  const lines: string[] = ['', 'Tenant policy (sample bundle, wasm, one instance reused)', ''];
  lines.push('| what | p50 µs | p99 µs | mean µs |', '|---|---:|---:|---:|');
  for (const canary of [false, true]) {
    const result = await benchStage(requests, canary);
    lines.push(`| policy stage per request (2 evaluations${canary ? ' + shadow, 5% canary' : ''}) | ${result.p50} | ${result.p99} | ${result.mean} |`);
  }
  const evaluation = await benchPolicyEvaluation({ bundlePath: BUNDLE, evaluations });
  lines.push(`| one evaluation (${evaluations.toLocaleString('en')} runs) | ${evaluation.p50Micros} | ${evaluation.p99Micros} | ${evaluation.meanMicros} |`);
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  lines.push(
    '',
    `memory over the ${evaluations.toLocaleString('en')} evaluations: wasm ${mib(evaluation.before.wasmBytes)} -> ${mib(evaluation.after.wasmBytes)} MiB, ` +
      `heap ${mib(evaluation.before.heapUsedBytes)} -> ${mib(evaluation.after.heapUsedBytes)} MiB, rss ${mib(evaluation.before.rssBytes)} -> ${mib(evaluation.after.rssBytes)} MiB`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface StageFigures {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

async function benchStage(requests: number, canary: boolean): Promise<StageFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-policy-bench-'));
  writeFileSync(path.join(dir, 'openai.key'), 'sk-bench');
  const yaml = stringify({
    server: { tcp: { port: 1 } },
    providers: { openai: { api: 'openai', cluster: 'openai', auth: 'bearer', keys: [{ file: 'openai.key' }] } },
    models: { 'gpt-4o-mini': { provider: 'openai', pricing: { input: 1, output: 2 } }, 'gpt-4o': { provider: 'openai', pricing: { input: 1, output: 2 } } },
    tenants: { acme: {}, trial: {} },
    policy: {
      defaultBundle: BUNDLE,
      tenants: { acme: { tier: 'standard', competitors: ['Initech', 'Globex'], timezone: 'Europe/Berlin' }, trial: { tier: 'trial' } },
      ...(canary ? { canary: { bundle: BUNDLE, percent: 5 } } : {}),
    },
  });
  const secrets = new SecretStore(60_000);
  const config = compileConfig(parseConfigText(yaml, path.join(dir, 'config.yaml')), secrets);
  const service = new PolicyService<RuntimeInputGuard>();
  await service.configure(config.policy);
  const router = new BasicRouter(config, secrets);
  const metrics = createMetrics();
  const deps = { config, metrics, now: Date.now, redactionLevels: new Set<'reversible' | 'irreversible'>(['reversible', 'irreversible']) };
  const parsed: CanonicalRequest[] = BODIES.map((body) => {
    const result = parseRequest('openai.chat_completions', Buffer.from(JSON.stringify(body)), {});
    if (!result.ok) throw new Error(result.error.message);
    return result.request;
  });
  const tenants = [config.tenants.get('acme')!, config.tenants.get('trial')!];
  const log = { warn: () => undefined };
  const samples = new Float64Array(requests);
  const warmup = Math.min(5_000, requests);
  for (let i = -warmup; i < requests; i++) {
    const request = parsed[(i + warmup) % parsed.length]!;
    const identity = { tenant: tenants[(i + warmup) % 7 === 0 ? 1 : 0]!, keyId: `key-${i % 50}`, via: 'api_key' as const };
    const started = process.hrtime.bigint();
    const run = startPolicyRun(service.snapshot(), deps, `req-${i}`, identity, {}, log)!;
    if (run.beforeRouting(request, []).ok) {
      const routed = router.route({ family: 'openai', model: run.modelToRoute(request), tenant: identity.tenant, path: '/v1/chat/completions' }, new Map());
      if (routed.ok) run.afterRouting(request, routed.target);
    }
    if (i >= 0) samples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  service.close();
  secrets.close();
  const sorted = samples.sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
  const mean = Math.round((sorted.reduce((sum, v) => sum + v, 0) / sorted.length) * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), mean };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
