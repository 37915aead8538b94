/**
 * A throwaway `redis-server` for tests: its own free loopback port and temp directory, never a
 * shared instance. `kill()` (SIGKILL, as a crash) and `restart()` (same port and directory, so an
 * append-only file is reloaded) let tests take it away under load. Needs the `redis-server` binary
 * (Debian package `redis-server`; .ci/run installs it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export type RedisPersistence = 'none' | 'aof-always' | 'aof-everysec';

export interface TestRedisOptions {
  /** `aof-always` makes a SIGKILL lose nothing that was acknowledged (default `none`). */
  readonly persistence?: RedisPersistence;
  readonly binary?: string;
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

/** Resolves when the server answers PING with PONG. */
async function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
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
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--logfile', path.join(dir, 'redis.log'), ...persistenceArgs(persistence)];
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
      if (await pingOnce(port)) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`${binary} did not answer on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 30));
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
        rmSync(dir, { recursive: true, force: true });
        throw error;
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
      return `redis://127.0.0.1:${port}`;
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
