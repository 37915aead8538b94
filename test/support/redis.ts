/**
 * A throwaway `redis-server` for tests: its own free loopback port and temp directory, never a
 * shared instance. `kill()` (SIGKILL, as a crash) and `restart()` (same port and directory, so an
 * append-only file is reloaded) let tests take it away under load. Needs the `redis-server` binary
 * (Debian package `redis-server`; .ci/run installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export type RedisPersistence = 'none' | 'aof-always' | 'aof-everysec';

export interface TestRedisOptions {
  /** `aof-always` makes a SIGKILL lose nothing that was acknowledged (default `none`). */
  readonly persistence?: RedisPersistence;
  readonly binary?: string;
  /** Require this password (`requirepass`). */
  readonly password?: string;
  /**
   * Serve TLS only, with these PEM files. With `client` (a certificate the CA signed), clients must
   * present a certificate, and the readiness probe uses that one.
   */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string; readonly client?: { readonly cert: string; readonly key: string } };
  /** A one-node Redis Cluster owning all 16384 slots (scripts get real cross-slot checks). */
  readonly cluster?: boolean;
}

export interface TestRedis {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly url: string;
  readonly running: boolean;
  /** SIGKILL: a crash (nothing flushed beyond what the persistence mode already wrote). */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
  /** Starts again on the same port and directory. */
  restart(): Promise<void>;
  /** Stops it and removes the directory. */
  cleanup(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function redisServerBinary(): string {
  return process.env.REDIS_SERVER ?? 'redis-server';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Sends one inline command and resolves with the first reply line ('' when there is none). */
async function rawCommand(port: number, options: TestRedisOptions, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = options.tls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(options.tls.client ? { cert: readFileSync(options.tls.client.cert), key: readFileSync(options.tls.client.key) } : {}) })
      : createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (value: string): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(500, () => done(''));
    socket.once('error', () => done(''));
    socket.once(options.tls ? 'secureConnect' : 'connect', () => socket.write(`${options.password ? `AUTH ${options.password}\r\n` : ''}${line}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      const lines = reply.split('\r\n');
      if (options.password) {
        // +OK for AUTH, then the command's reply (bulk replies: the length line and the payload).
        if (lines.length >= 3) done(lines.slice(1).join('\n'));
      } else if (reply.includes('\r\n')) {
        done(reply.startsWith('$') ? lines.slice(1).join('\n') : lines.join('\n'));
      }
    });
  });
}

async function pingOnce(port: number, options: TestRedisOptions): Promise<boolean> {
  return (await rawCommand(port, options, 'PING')).startsWith('+PONG');
}

function persistenceArgs(mode: RedisPersistence): string[] {
  switch (mode) {
    case 'none':
      return ['--appendonly', 'no'];
    case 'aof-always':
      return ['--appendonly', 'yes', '--appendfsync', 'always'];
    case 'aof-everysec':
      return ['--appendonly', 'yes', '--appendfsync', 'everysec'];
  }
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-redis-'));
  const binary = options.binary ?? redisServerBinary();
  const persistence = options.persistence ?? 'none';
  let port = 0;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--logfile', path.join(dir, 'redis.log'), ...persistenceArgs(persistence)];
    if (options.tls) {
      args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key, '--tls-ca-cert-file', options.tls.ca, '--tls-auth-clients', options.tls.client ? 'yes' : 'no');
    } else {
      args.push('--port', String(port));
    }
    if (options.password) args.push('--requirepass', options.password);
    // A lone node announces an empty IP, which cluster clients cannot connect to.
    if (options.cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-announce-ip', '127.0.0.1');
    const proc = spawn(binary, args, { stdio: 'ignore' });
    live.add(proc);
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.once('exit', () => live.delete(proc));
    let spawnError: Error | undefined;
    proc.once('error', (error) => {
      spawnError = error;
    });
    child = proc;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (spawnError) throw new Error(`cannot start ${binary}: ${spawnError.message} (install the redis-server package)`);
      if (proc.exitCode !== null) throw new Error(`${binary} exited with ${proc.exitCode} (see ${path.join(dir, 'redis.log')})`);
      if (await pingOnce(port, options)) {
        if (options.cluster) await clusterReady();
        return;
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`${binary} did not answer on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  };

  const clusterReady = async (): Promise<void> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const info = await rawCommand(port, options, 'CLUSTER INFO');
      if (info.includes('cluster_state:ok')) return;
      if (info.includes('cluster_slots_assigned:0')) await rawCommand(port, options, 'CLUSTER ADDSLOTSRANGE 0 16383');
      if (Date.now() > deadline) throw new Error(`cluster on port ${port} not ready: ${info}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  // A port picked free may be taken before redis binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      if (attempt >= 3) {
        let log = '';
        try {
          log = readFileSync(path.join(dir, 'redis.log'), 'utf8').split('\n').slice(-5).join('\n');
        } catch {
          // no log written
        }
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log}`);
      }
    }
  }

  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    dir,
    get url() {
      return `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    kill: () => halt('SIGKILL'),
    stop: () => halt('SIGTERM'),
    restart: async () => {
      await halt('SIGTERM');
      await launch();
    },
    cleanup: async () => {
      await halt('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestSentinel {
  readonly host: string;
  readonly port: number;
  readonly masterName: string;
  cleanup(): Promise<void>;
}

/** A Redis Sentinel (redis-server --sentinel) monitoring `master` under `masterName`. */
export async function startTestSentinel(master: TestRedis, masterName = 'budget-master'): Promise<TestSentinel> {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-sentinel-'));
  const port = await freePort();
  const conf = path.join(dir, 'sentinel.conf');
  writeFileSync(conf, `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${masterName} 127.0.0.1 ${master.port} 1\n`);
  const proc = spawn(redisServerBinary(), [conf, '--sentinel', '--logfile', path.join(dir, 'sentinel.log')], { stdio: 'ignore' });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await rawCommand(port, {}, `SENTINEL get-master-addr-by-name ${masterName}`)).includes(String(master.port))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      await stop();
      throw new Error(`sentinel on port ${port} did not come up`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: '127.0.0.1', port, masterName, cleanup: stop };
}
