/** Child processes of the benchmark: CPU pinning, servers that announce readiness, the driver runs. */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface Pinning {
  readonly used: boolean;
  /** Why pinning is off, or which CPUs are used. */
  readonly note: string;
  readonly driverCpu?: number;
  readonly serverCpu?: number;
}

/** Parses a CPU list such as "0,2-3". */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const [from, to] = part.split('-').map((s) => Number.parseInt(s, 10));
    if (Number.isNaN(from)) continue;
    const last = to === undefined || Number.isNaN(to) ? from : to;
    for (let cpu = from; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/**
 * Driver on one CPU, servers on another, when taskset (util-linux) exists and this process may use at
 * least two CPUs. BENCH_PIN=0 turns it off.
 */
export function choosePinning(disabled: boolean): Pinning {
  if (disabled) return { used: false, note: 'off (BENCH_PIN=0)' };
  let allowed: number[];
  try {
    // "pid 123's current affinity list: 0,1"
    const out = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    allowed = parseCpuList(out.slice(out.lastIndexOf(':') + 1));
  } catch {
    return { used: false, note: 'off (taskset not found: install util-linux)' };
  }
  if (allowed.length < 2) return { used: false, note: `off (only CPU ${allowed.join(',')} available)` };
  const [driverCpu, serverCpu] = allowed;
  const probe = spawnSync('taskset', ['-c', String(serverCpu), 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) return { used: false, note: 'off (taskset failed here)' };
  return { used: true, note: `driver on CPU ${driverCpu}, servers on CPU ${serverCpu}`, driverCpu, serverCpu };
}

/** The command line, wrapped in `taskset -c CPU` when pinning. taskset execs, so the pid is the program's. */
export function pinned(cpu: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpu === undefined ? [command, [...args]] : ['taskset', ['-c', String(cpu), command, ...args]];
}

const started = new Set<ChildProcess>();

/** Kills (SIGKILL) every child this module started that is still running: for an abrupt exit. */
export function killStartedChildren(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  alive(): boolean;
  /** Last lines of its output, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/**
 * Starts a server and waits until one of its output lines (stdout or stderr) yields a port through
 * `readyPort`. Output keeps being drained so the child never blocks on a full pipe.
 */
export function startServer(
  name: string,
  commandLine: [string, string[]],
  readyPort: (line: string) => number | undefined,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 30_000,
): Promise<ServerProcess> {
  const [command, args] = commandLine;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  started.add(child);
  const lines: string[] = [];
  const tail = (): string => lines.slice(-20).join('\n');
  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${name}: not ready after ${timeoutMs} ms\n${tail()}`)), timeoutMs);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onLine = (line: string): void => {
      lines.push(line);
      if (lines.length > 200) lines.splice(0, lines.length - 100);
      if (settled) return;
      const port = readyPort(line);
      if (port === undefined || child.pid === undefined) return;
      settled = true;
      clearTimeout(timer);
      const pid = child.pid;
      resolve({
        name,
        pid,
        port,
        alive: () => child.exitCode === null && child.signalCode === null,
        tail,
        stop: () => stopChild(child),
      });
    };
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        parts.forEach(onLine);
      });
    }
    child.on('error', (error) => fail(new Error(`${name}: ${error.message}`)));
    child.on('exit', (code, signal) => fail(new Error(`${name}: exited (${signal ?? code}) before it was ready\n${tail()}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      started.delete(child);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Runs a command to completion and returns its stdout; stderr is passed through. */
export function runToCompletion(commandLine: [string, string[]], timeoutMs: number, cwd?: string): Promise<string> {
  const [command, args] = commandLine;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd });
  started.add(child);
  let stdout = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => (stdout += chunk));
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command}: timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      started.delete(child);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')}: exited with ${signal ?? code}`));
    });
  });
}
