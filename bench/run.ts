/**
 * `make bench`: the sidecar against a no-op ext_proc server, same driver, same run.
 *
 * Both servers run as child processes (pinned to one CPU when taskset is there) so their CPU time can be
 * read from /proc; the driver (Go by default, see bench/driver-go; Node fallback in driver-node.ts) runs
 * as another child pinned to the other CPU and plays Envoy: one ext_proc stream per simulated request.
 * For each scenario x concurrency both targets are measured back to back, after a warm-up.
 *
 * Environment (all optional):
 *   BENCH_SECONDS=10          measured seconds per run (8 runs by default)
 *   BENCH_WARMUP_SECONDS=2    warm-up seconds before each run, not measured
 *   BENCH_REQUESTS=N          end each measured window after N requests instead (bounded by 10x BENCH_SECONDS)
 *   BENCH_CONCURRENCY=1,32    streams in flight
 *   BENCH_SCENARIOS=json,sse
 *   BENCH_TARGETS=noop,sidecar
 *   BENCH_DRIVER=auto|go|node auto: the Go driver if `go` builds it, else the Node one
 *   BENCH_PIN=0               do not pin CPUs
 *   BENCH_JSON=path           also write every figure as JSON there
 *   BENCH_SIDECAR_CONFIG=file base config for the sidecar (listener, admin port and log level are overridden)
 *
 * Run after `tsc -p tsconfig.json`: `node dist/bench/run.js`. Exits non-zero when a run saw errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { DriverResult } from './measure';
import { choosePinning, killStartedChildren, pinned, runToCompletion, startServer, type Pinning, type ServerProcess } from './processes';
import { compare, comparisonTable, runsTable, toRecord, type RunRecord, type TargetName } from './report';
import { runBudgetBench } from './budget';
import { benchGatewayConfig } from './sidecar-config';
import { buildScenario, writeScenarioFile, SCENARIOS, type EncodedScenario, type ScenarioName } from './scenario';

/** dist/bench/run.js -> the repository root. */
const ROOT = path.resolve(__dirname, '..', '..');
const TARGETS: readonly TargetName[] = ['noop', 'sidecar'];
/** Above this "other CPU%" (machine busy minus server and driver) a run counts as noisy. Loopback networking alone stays well below. */
const NOISY_OTHER_PERCENT = 25;

interface Settings {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly requests: number;
  readonly concurrencies: readonly number[];
  readonly scenarios: readonly ScenarioName[];
  readonly targets: readonly TargetName[];
  readonly driver: 'auto' | 'go' | 'node';
  readonly pin: boolean;
  readonly jsonPath: string | undefined;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return value;
}

function list<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  const raw = process.env[name];
  if (!raw) return [...fallback];
  const values = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = values.filter((v) => !allowed.includes(v as T));
  if (bad.length > 0) throw new Error(`${name}: unknown ${bad.join(', ')} (allowed: ${allowed.join(', ')})`);
  return values as T[];
}

function readSettings(): Settings {
  const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,32').split(',').map((s) => Number.parseInt(s.trim(), 10));
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`BENCH_CONCURRENCY=${process.env.BENCH_CONCURRENCY}: expected positive integers`);
  const driver = process.env.BENCH_DRIVER ?? 'auto';
  if (driver !== 'auto' && driver !== 'go' && driver !== 'node') throw new Error(`BENCH_DRIVER=${driver}: expected auto, go or node`);
  return {
    seconds: positive('BENCH_SECONDS', 10),
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', 2),
    requests: process.env.BENCH_REQUESTS ? Math.floor(positive('BENCH_REQUESTS', 1)) : 0,
    concurrencies,
    scenarios: list('BENCH_SCENARIOS', SCENARIOS, SCENARIOS),
    targets: list('BENCH_TARGETS', TARGETS, TARGETS),
    driver,
    pin: process.env.BENCH_PIN !== '0',
    jsonPath: process.env.BENCH_JSON || undefined,
  };
}

interface Driver {
  readonly kind: 'go' | 'node';
  readonly command: string;
  readonly args: readonly string[];
  readonly description: string;
  readonly buildSeconds?: number;
}

/** Builds the Go driver into dist/bench (go.sum pins every module; a cold module cache downloads them). */
function goDriver(): Driver | string {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return '`go` not found on PATH';
  const source = path.join(ROOT, 'bench', 'driver-go');
  const binary = path.join(ROOT, 'dist', 'bench', 'llmgw-bench-driver');
  mkdirSync(path.dirname(binary), { recursive: true });
  process.stderr.write(`building the Go driver (${version.stdout.trim()}; the first build downloads and compiles modules, ~1 min)...\n`);
  const started = Date.now();
  const build = spawnSync('go', ['build', '-buildvcs=false', '-trimpath', '-o', binary, '.'], {
    cwd: source,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 5 * 60_000,
  });
  if (build.status !== 0) return `go build failed (${build.error?.message ?? `exit ${build.status}`})`;
  const buildSeconds = (Date.now() - started) / 1000;
  return { kind: 'go', command: binary, args: [], description: `go (${version.stdout.trim().replace(/^go version /, '')})`, buildSeconds };
}

function nodeDriver(): Driver {
  return { kind: 'node', command: process.execPath, args: [path.join(__dirname, 'driver-node.js')], description: `node ${process.version} (grpc-js, pre-encoded)` };
}

function chooseDriver(wanted: Settings['driver']): Driver {
  if (wanted === 'node') return nodeDriver();
  const go = goDriver();
  if (typeof go !== 'string') return go;
  if (wanted === 'go') throw new Error(`BENCH_DRIVER=go: ${go}`);
  process.stderr.write(`warning: ${go}; falling back to the Node driver (its own cost is higher, figures less sharp)\n`);
  return nodeDriver();
}

const ready = (predicate: (line: string) => number | undefined) => (line: string): number | undefined => {
  try {
    return predicate(line);
  } catch {
    return undefined;
  }
};

function startNoop(pinning: Pinning): Promise<ServerProcess> {
  return startServer(
    'noop',
    pinned(pinning.serverCpu, process.execPath, [path.join(__dirname, 'noop-server.js')]),
    ready((line) => (JSON.parse(line) as { port?: number }).port),
  );
}

/**
 * The real sidecar through its production entry point (`llmgw serve`). Its config is BENCH_SIDECAR_CONFIG
 * when set (for example one with tenants that admit the bench's API key), else a minimal one; either way
 * the bench sets the TCP listener and the admin port to free ports and the log level to info, which
 * prints the ready line the bench waits for.
 */
function startSidecar(pinning: Pinning, dir: string): Promise<ServerProcess> {
  const main = path.join(ROOT, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`tsc -p tsconfig.json\` (make build) first`);
  const base = process.env.BENCH_SIDECAR_CONFIG;
  const config = (base ? parseYaml(readFileSync(base, 'utf8')) : benchGatewayConfig(dir)) as Record<string, unknown> & { server?: Record<string, unknown> };
  config.server = { drainTimeoutSeconds: 2, ...config.server, tcp: { host: '127.0.0.1', port: 0 } };
  config.admin = { host: '127.0.0.1', port: 0 };
  config.logging = { level: 'info' };
  const configPath = path.join(dir, 'sidecar.yaml');
  writeFileSync(configPath, `# written by bench/run.ts${base ? ` from ${base}` : ''}\n${stringifyYaml(config)}`);
  return startServer(
    'sidecar',
    pinned(pinning.serverCpu, process.execPath, [main, 'serve', '--config', configPath]),
    // pino JSON on stderr: {"msg":"llmgw sidecar ready","tcpPort":N,...}
    ready((line) => {
      const entry = JSON.parse(line) as { msg?: string; tcpPort?: number };
      return entry.msg === 'llmgw sidecar ready' ? entry.tcpPort : undefined;
    }),
  );
}

async function runDriver(driver: Driver, pinning: Pinning, server: ServerProcess, scenarioFile: string, concurrency: number, settings: Settings): Promise<DriverResult> {
  const args = [
    ...driver.args,
    '-addr',
    `127.0.0.1:${server.port}`,
    '-scenario',
    scenarioFile,
    '-concurrency',
    String(concurrency),
    '-warmup',
    String(settings.warmupSeconds),
    '-duration',
    String(settings.seconds),
    '-requests',
    String(settings.requests),
    '-server-pid',
    String(server.pid),
  ];
  const windowSeconds = settings.requests > 0 ? 10 * settings.seconds : settings.seconds;
  const stdout = await runToCompletion(pinned(pinning.driverCpu, driver.command, args), (settings.warmupSeconds + windowSeconds + 60) * 1000);
  return JSON.parse(stdout) as DriverResult;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line ? line.slice(line.indexOf(':') + 1).trim() : (cpus()[0]?.model ?? 'unknown');
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  const settings = readSettings();
  const pinning = choosePinning(!settings.pin);
  const driver = chooseDriver(settings.driver);
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-bench-'));
  const scenarios = new Map<ScenarioName, { encoded: EncodedScenario; file: string }>();
  for (const name of settings.scenarios) {
    const encoded = buildScenario(name);
    const file = path.join(dir, `${name}.json`);
    writeScenarioFile(file, encoded);
    scenarios.set(name, { encoded, file });
  }

  const servers = new Map<TargetName, ServerProcess>();
  const records: RunRecord[] = [];
  try {
    for (const target of settings.targets) servers.set(target, target === 'noop' ? await startNoop(pinning) : await startSidecar(pinning, dir));

    const total = settings.scenarios.length * settings.concurrencies.length * settings.targets.length;
    const window = settings.requests > 0 ? `${settings.requests} requests` : `${settings.seconds} s`;
    process.stderr.write(
      `llmgw bench: driver ${driver.description}; pinning ${pinning.note}; ${total} run${total === 1 ? '' : 's'} of ${settings.warmupSeconds} s warm-up + ${window}\n`,
    );
    let index = 0;
    for (const name of settings.scenarios) {
      const scenario = scenarios.get(name);
      if (!scenario) continue;
      for (const concurrency of settings.concurrencies) {
        for (const target of settings.targets) {
          const server = servers.get(target);
          if (!server) continue;
          index++;
          process.stderr.write(`[${index}/${total}] ${target} ${name} c=${concurrency} ... `);
          const result = await runDriver(driver, pinning, server, scenario.file, concurrency, settings);
          if (!server.alive()) throw new Error(`${target} died during the run\n${server.tail()}`);
          const record = toRecord(target, scenario.encoded.messagesPerExchange, result);
          records.push(record);
          const cpu = record.serverCpuPercent === null ? '' : `, server CPU ${record.serverCpuPercent.toFixed(0)}%`;
          process.stderr.write(`${record.throughputRps.toFixed(0)} req/s, p50 ${record.latencyMs.p50.toFixed(3)} ms${cpu}, errors ${record.errors}\n`);
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }

  const comparisons = compare(records);
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  const sample = [...scenarios.values()].map(({ encoded: s }) => `${s.name}: request body ${s.sizes.requestBody} B, response body ${s.sizes.responseBody} B in ${s.sizes.chunks} message(s), ${s.messagesPerExchange} ext_proc messages/request`);
  const out = process.stdout;
  out.write('\n== llmgw ext_proc benchmark ==\n');
  out.write(`driver: ${driver.description}${driver.buildSeconds !== undefined ? ` (build ${driver.buildSeconds.toFixed(1)} s)` : ''}\n`);
  out.write(`cpu: ${cpuModel()} x${cpus().length}; pinning: ${pinning.note}\n`);
  out.write(`node ${process.version}; ${settings.warmupSeconds} s warm-up, ${settings.requests > 0 ? `${settings.requests} requests` : `${settings.seconds} s`} measured per run\n`);
  for (const line of sample) out.write(`${line}\n`);
  out.write('latency: whole exchange (first message to OK status) and per message (send to its response), ms\n');
  out.write('CPU: over the measured window; srv = server utime+stime (/proc, 10 ms ticks), drv = driver rusage, in ms per request\n');
  out.write('  and % of one core; other = machine busy minus both (kernel loopback networking + any other load: high = noisy run)\n');
  out.write('saturated: the side at >= 90% of its core (neither: latency-bound, as at concurrency 1)\n\n');
  out.write(`${runsTable(records)}\n\n`);
  if (comparisons.length > 0) out.write(`${comparisonTable(comparisons)}\n\n`);
  for (const r of records) {
    if (r.driver.immediate > 0) {
      out.write(
        `WARNING: ${r.target} ${r.scenario} c=${r.concurrency}: ${r.driver.immediate} of ${r.driver.requests} requests ended with an ` +
          'immediate_response (rejected), so this row measures rejections; give the sidecar a config that admits the bench ' +
          'request (BENCH_SIDECAR_CONFIG)\n',
      );
    } else if (r.errors === 0 && Math.abs(r.messagesPerRequest - r.expectedMessagesPerRequest) > 1e-9) {
      out.write(
        `note: ${r.target} ${r.scenario} c=${r.concurrency}: ${r.messagesPerRequest.toFixed(2)} messages/request, expected ` +
          `${r.expectedMessagesPerRequest} (the server's mode_override changed the body modes)\n`,
      );
    }
  }
  const noisy = records.filter((r) => (r.otherCpuPercent ?? 0) > NOISY_OTHER_PERCENT);
  if (noisy.length > 0) {
    const worst = Math.max(...noisy.map((r) => r.otherCpuPercent ?? 0));
    out.write(
      `WARNING: other load on the machine during ${noisy.length} of ${records.length} runs (other CPU% up to ${worst.toFixed(0)}): ` +
        'those figures are noisy; for numbers to compare, rerun on a quiet machine\n',
    );
  }
  const failed = records.filter((r) => r.errors > 0);
  for (const r of failed) out.write(`ERROR: ${r.target} ${r.scenario} c=${r.concurrency}: ${JSON.stringify(r.driver.errorKinds)}\n`);
  const budget = await runBudgetBench(out);
  out.write(`total time ${elapsedSeconds.toFixed(0)} s\n`);

  if (settings.jsonPath) {
    const report = {
      budget: budget ?? null,
      meta: {
        date: new Date(startedAt).toISOString(),
        elapsedSeconds,
        driver: { kind: driver.kind, description: driver.description, buildSeconds: driver.buildSeconds ?? null },
        pinning,
        cpu: { model: cpuModel(), count: cpus().length },
        node: process.version,
        settings: { ...settings, jsonPath: undefined },
        scenarios: [...scenarios.values()].map(({ encoded: s }) => ({
          name: s.name,
          requestBodyBytes: s.sizes.requestBody,
          responseBodyBytes: s.sizes.responseBody,
          responseBodyMessages: s.sizes.chunks,
          messagesPerRequest: s.messagesPerExchange,
          defaultResponseBodyMode: s.defaultResponseBodyMode,
        })),
      },
      runs: records,
      comparisons,
    };
    writeFileSync(settings.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    out.write(`JSON written to ${settings.jsonPath}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  const abort = (): void => {
    killStartedChildren();
    process.exit(130);
  };
  process.on('SIGINT', abort);
  process.on('SIGTERM', abort);
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      killStartedChildren();
      process.stderr.write(`\nbench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
