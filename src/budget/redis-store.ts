/**
 * The budget store in Redis: every command is one call of one Lua script (`BUDGET_SCRIPT`), sent as
 * EVALSHA and, when the server does not have it cached yet (first use, restart, failover), as EVAL
 * once (which caches it). Works on a single server, Sentinel and Cluster: every key of a command
 * carries the tenant hash tag, so a command touches one slot.
 *
 * The client is built with `enableOfflineQueue: false` and a command timeout, so an unreachable Redis
 * fails a command at once (StoreUnavailableError) instead of queueing requests behind it; ioredis
 * keeps reconnecting in the background and the service probes with `ping()` to recover.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { BUDGET_SCRIPT } from './redis-script';
import {
  HOLDS_SUFFIX,
  integerString,
  StoreUnavailableError,
  type BudgetStore,
  type CheckState,
  type CheckStatus,
  type RenewCommand,
  type ReserveCommand,
  type ReserveResult,
  type SettleCommand,
  type SettleResult,
  type StoreCheck,
} from './store';

// ---- Connection config ----

const secretSource = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') })], {
  error: 'a secret is { file: PATH } or { env: VARIABLE }; never inline',
});
const hostPort = z.strictObject({ host: z.string().min(1), port: z.number().int().min(1).max(65535) });

export const redisTlsSchema = z.strictObject({
  /** CA bundle to verify the server; the system CAs when unset. */
  caFile: z.string().min(1).optional(),
  /** Client certificate and key, for servers that require mutual TLS. */
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  /** Name to verify in the server certificate (SNI), when it differs from the host. */
  servername: z.string().min(1).optional(),
  rejectUnauthorized: z.boolean().default(true),
});

export const redisConnectionSchema = z
  .strictObject({
    /** Single server: host and port. */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(6379),
    db: z.number().int().min(0).default(0),
    username: z.string().min(1).optional(),
    password: secretSource.optional(),
    tls: redisTlsSchema.optional(),
    /** Sentinel: the master's name and the sentinels to ask for it (host/port above are then unused). */
    sentinel: z
      .strictObject({
        name: z.string().min(1),
        sentinels: z.array(hostPort).min(1),
        username: z.string().min(1).optional(),
        password: secretSource.optional(),
        /** Also speak TLS to the sentinels (with the same `tls` settings). */
        tls: z.boolean().default(false),
      })
      .optional(),
    /** Cluster: seed nodes (host/port above are then unused; `db` must stay 0). */
    cluster: z.strictObject({ nodes: z.array(hostPort).min(1) }).optional(),
    /** Prefix of every budget key (before the `{tenant}` hash tag). */
    keyPrefix: z.string().default('llmgw:budget:'),
    connectTimeoutMs: z.number().int().positive().default(2000),
    /** A budget command that takes longer counts as Redis being down (failure mode applies). */
    commandTimeoutMs: z.number().int().positive().default(500),
  })
  .superRefine((redis, ctx) => {
    if (redis.sentinel && redis.cluster) ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'set sentinel or cluster, not both' });
    if (redis.cluster && redis.db !== 0) ctx.addIssue({ code: 'custom', path: ['db'], message: 'Redis Cluster has only db 0' });
    if ((redis.tls?.certFile === undefined) !== (redis.tls?.keyFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'certFile and keyFile go together' });
    }
  });

export type RedisConnectionConfig = z.output<typeof redisConnectionSchema>;
export type RedisSecretSource = z.output<typeof secretSource>;

export interface RedisClientOptions {
  /** Resolves relative TLS file paths (the config file's folder). */
  readonly baseDir?: string;
  /** Reads a secret; defaults to the environment variable or the file's trimmed content. */
  readonly secret?: (source: RedisSecretSource) => string;
}

function readSecret(source: RedisSecretSource): string {
  return 'env' in source ? (process.env[source.env] ?? '').trim() : readFileSync(source.file, 'utf8').trim();
}

/** An ioredis client (single, Sentinel or Cluster) set up for the budget store. */
export function createRedisClient(config: RedisConnectionConfig, options: RedisClientOptions = {}): Redis | Cluster {
  const secret = options.secret ?? readSecret;
  const file = (name: string): Buffer => readFileSync(path.resolve(options.baseDir ?? '.', name));
  const tls = config.tls
    ? {
        ...(config.tls.caFile ? { ca: file(config.tls.caFile) } : {}),
        ...(config.tls.certFile ? { cert: file(config.tls.certFile) } : {}),
        ...(config.tls.keyFile ? { key: file(config.tls.keyFile) } : {}),
        ...(config.tls.servername ? { servername: config.tls.servername } : {}),
        rejectUnauthorized: config.tls.rejectUnauthorized,
      }
    : undefined;
  const common: RedisOptions = {
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: secret(config.password) } : {}),
    ...(tls ? { tls } : {}),
    connectTimeout: config.connectTimeoutMs,
    commandTimeout: config.commandTimeoutMs,
    maxRetriesPerRequest: 0,
    // Reconnect forever with a capped backoff; the budget service fails over meanwhile.
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
  };
  if (config.cluster) {
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue: false,
      redisOptions: common,
      clusterRetryStrategy: (times: number) => Math.min(50 * times, 1000),
    };
    return new Cluster(config.cluster.nodes, clusterOptions);
  }
  if (config.sentinel) {
    return new Redis({
      ...common,
      enableOfflineQueue: false,
      db: config.db,
      name: config.sentinel.name,
      sentinels: config.sentinel.sentinels,
      ...(config.sentinel.username ? { sentinelUsername: config.sentinel.username } : {}),
      ...(config.sentinel.password ? { sentinelPassword: secret(config.sentinel.password) } : {}),
      ...(config.sentinel.tls ? { enableTLSForSentinelMode: true } : {}),
    });
  }
  return new Redis({ ...common, enableOfflineQueue: false, host: config.host, port: config.port, db: config.db });
}

// ---- The store ----

const SCRIPT_SHA = createHash('sha1').update(BUDGET_SCRIPT).digest('hex');
const STATUS: readonly CheckStatus[] = ['ok', 'denied', 'too_large'];

type Op = 'reserve' | 'peek' | 'settle' | 'renew';
type Arg = string | number;

export interface RedisBudgetStoreOptions {
  /** close() also quits the client (default true). */
  readonly ownsClient?: boolean;
}

export class RedisBudgetStore implements BudgetStore {
  readonly kind = 'redis' as const;
  private readonly ownsClient: boolean;

  constructor(
    readonly client: Redis | Cluster,
    options: RedisBudgetStoreOptions = {},
  ) {
    this.ownsClient = options.ownsClient ?? true;
    // Errors surface on commands; without a listener ioredis would print every reconnect failure.
    client.on('error', () => undefined);
  }

  /** Resolves once the client is connected (or rejects after `timeoutMs`). */
  async ready(timeoutMs = 5000): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        reject(new StoreUnavailableError(`redis not ready after ${timeoutMs} ms (status ${this.client.status})`));
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.client.once('ready', onReady);
    });
  }

  async reserve(command: ReserveCommand): Promise<ReserveResult> {
    const reply = await this.run('reserve', command.now, command.id, command.holdUntil, command.checks, encodeCheck);
    return parseStates(reply, command.checks.length);
  }

  async peek(now: number, checks: readonly StoreCheck[]): Promise<readonly CheckState[]> {
    if (checks.length === 0) return [];
    const reply = await this.run('peek', now, '-', 0, checks, (check) => encodeCheck(check.kind === 'concurrency' ? check : { ...check, amount: 0 }));
    return parseStates(reply, checks.length).states;
  }

  async settle(command: SettleCommand): Promise<SettleResult> {
    const reply = await this.run('settle', command.now, command.id, command.markerUntil, command.items, (item) => {
      switch (item.kind) {
        case 'bucket':
          return { keys: [item.key], args: ['b', item.capacity, item.ratePerMs, item.delta, 0] };
        case 'counter':
          return { keys: [item.key, item.key + HOLDS_SUFFIX], args: ['c', integerString(item.held), integerString(item.actual), integerString(item.expireAt), 0] };
        case 'concurrency':
          return { keys: [item.key], args: ['n', 0, 0, 0, 0] };
      }
    }, command.doneKey);
    const values = numbers(reply, 2);
    return { applied: values[0] === 1, holdsFound: values[1] ?? 0 };
  }

  async renew(command: RenewCommand): Promise<number> {
    const reply = await this.run('renew', command.now, command.id, command.holdUntil, command.items, (item) =>
      item.kind === 'counter' ? { keys: [item.key, item.key + HOLDS_SUFFIX], args: ['c', integerString(item.held), 0, 0, 0] } : { keys: [item.key], args: ['n', 0, 0, 0, 0] },
    );
    if (typeof reply !== 'number') throw new Error(`unexpected budget script reply: ${JSON.stringify(reply)}`);
    return reply;
  }

  async ping(): Promise<void> {
    try {
      await this.client.ping();
    } catch (error) {
      throw new StoreUnavailableError(`redis ping failed: ${errorMessage(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async run<T>(op: Op, now: number, id: string, until: number, items: readonly T[], encode: (item: T) => { keys: string[]; args: Arg[] }, doneKey?: string): Promise<unknown> {
    const keys: string[] = [];
    const args: Arg[] = [op, integerString(Math.floor(now)), id, integerString(Math.floor(until)), items.length];
    for (const item of items) {
      const encoded = encode(item);
      keys.push(...encoded.keys);
      args.push(...encoded.args);
    }
    // KEYS[1] is the settled-ids set; other ops still pass a key of the same slot so Cluster routes them.
    const first = doneKey ?? keys[0];
    if (first === undefined) throw new Error('a budget command needs at least one key');
    const allKeys = [first, ...keys];
    try {
      return await this.call('EVALSHA', [SCRIPT_SHA, allKeys.length, ...allKeys, ...args]);
    } catch (error) {
      if (!errorMessage(error).includes('NOSCRIPT')) throw classify(error);
      try {
        return await this.call('EVAL', [BUDGET_SCRIPT, allKeys.length, ...allKeys, ...args]);
      } catch (retryError) {
        throw classify(retryError);
      }
    }
  }

  private call(command: string, args: Arg[]): Promise<unknown> {
    const client = this.client;
    return client instanceof Cluster ? client.call(command, args) : client.call(command, args);
  }
}

function encodeCheck(check: StoreCheck): { keys: string[]; args: Arg[] } {
  switch (check.kind) {
    case 'bucket':
      return { keys: [check.key], args: ['b', check.capacity, check.ratePerMs, integerString(check.amount), 0] };
    case 'counter':
      return {
        keys: [check.key, check.key + HOLDS_SUFFIX],
        args: ['c', integerString(check.limit), integerString(check.amount), integerString(Math.floor(check.windowEnd)), integerString(Math.floor(check.expireAt))],
      };
    case 'concurrency':
      return { keys: [check.key], args: ['n', integerString(check.limit), 0, 0, 0] };
  }
}

function numbers(reply: unknown, min: number): number[] {
  if (!Array.isArray(reply) || reply.length < min || !reply.every((v): v is number => typeof v === 'number')) {
    throw new Error(`unexpected budget script reply: ${JSON.stringify(reply)}`);
  }
  return reply;
}

function parseStates(reply: unknown, count: number): ReserveResult {
  const values = numbers(reply, 1 + 6 * count);
  const states: CheckState[] = [];
  for (let i = 0; i < count; i++) {
    const at = 1 + i * 6;
    states.push({
      status: STATUS[values[at] ?? 0] ?? 'denied',
      remaining: values[at + 1] ?? 0,
      resetMs: values[at + 2] ?? 0,
      retryAfterMs: values[at + 3] ?? 0,
      used: values[at + 4] ?? 0,
      held: values[at + 5] ?? 0,
    });
  }
  return { ok: values[0] === 1, states };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Script errors (a bug, or a key of the wrong type) are thrown as they are; anything else (no
 * connection, timeout, LOADING after a restart, READONLY during a failover, CLUSTERDOWN) means Redis is
 * not usable right now.
 */
function classify(error: unknown): Error {
  const message = errorMessage(error);
  if (/user_script|Error running script|WRONGTYPE|unknown budget op/.test(message)) {
    return error instanceof Error ? error : new Error(message);
  }
  return new StoreUnavailableError(`redis unavailable: ${message}`, { cause: error });
}
