/**
 * The `audit:` section of the gateway config (sinks, per-tenant retention and routing) and the factory
 * that builds the sinks from it. Process-wide, like the budget store: built once at startup.
 *
 *   audit:
 *     stdout: true                       # JSON lines on stdout for log shippers
 *     files:                             # tamper-evident per-tenant files (see file-sink.ts)
 *       dir: /var/lib/llmgw/audit/$POD   # one directory per replica
 *       keyFile: /etc/llmgw/audit/key    # >= 32 bytes, e.g. `openssl rand -hex 32`
 *       retentionDays: 400               # unset: keep forever
 *       perTenant: { acme: { retentionDays: 2555 }, trial: { retentionDays: 30 } }
 *       fsync: always
 *     redisStreams: { redis: { host: redis }, maxLen: 100000 }
 *     s3:
 *       endpoint: https://s3.eu-west-1.amazonaws.com
 *       region: eu-west-1
 *       bucket: acme-llm-audit
 *       prefix: audit/
 *       accessKeyId: { env: AWS_ACCESS_KEY_ID }
 *       secretAccessKey: { file: /etc/llmgw/s3/secret }
 *       objectLock: { mode: COMPLIANCE, retainDays: 2555 }
 *     routes:
 *       default: [stdout, files]
 *       tenants: { acme: [stdout, files, s3] }
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { createRedisClient, redisConnectionSchema, type RedisClientOptions } from '../budget/redis-store';
import type { Cluster, Redis } from 'ioredis';
import { auditBodiesSchema } from './bodies';
import { FanoutSink } from './fanout';
import { TenantFileSink, type AuditSinkEvents, type DropReason } from './file-sink';
import { auditKeyFromFile } from './key-file';
import type { AuditRecord } from './record';
import { RedisStreamSink } from './redis-stream-sink';
import { S3AuditSink } from './s3-sink';
import type { SigV4Credentials } from './s3';
import { JsonLinesSink, type AuditSink, type WritableLike } from './sink';

const secretSource = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') })], {
  error: 'a secret is { file: PATH } or { env: VARIABLE }; never inline',
});
type SecretSource = z.output<typeof secretSource>;

export const AUDIT_SINK_NAMES = ['stdout', 'files', 'redisStreams', 's3'] as const;
export type AuditSinkName = (typeof AUDIT_SINK_NAMES)[number];
const sinkName = z.enum(AUDIT_SINK_NAMES);
const tenantId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a tenant id');

export const auditFilesSchema = z.strictObject({
  /** Root of the tenant directories; give each replica its own (a writer lock refuses a second one). */
  dir: z.string().min(1),
  /** The HMAC key (>= 32 bytes; re-read when the file changes, for rotation). */
  keyFile: z.string().min(1),
  /** Days to keep records files; unset keeps them forever. */
  retentionDays: z.number().int().positive().optional(),
  /** Per tenant: `retentionDays` (null keeps that tenant's files forever). */
  perTenant: z.record(tenantId, z.strictObject({ retentionDays: z.number().int().positive().nullable() })).default({}),
  /** always: fdatasync per batch before a record counts as written; interval: every fsyncIntervalMs; never: the OS decides. */
  fsync: z.enum(['always', 'interval', 'never']).default('always'),
  fsyncIntervalMs: z.number().int().positive().default(1000),
  /** Signed checkpoint every N records, and at most checkpointIntervalMs after a record. */
  checkpointEvery: z.number().int().positive().default(1000),
  checkpointIntervalMs: z.number().int().positive().default(60_000),
  retentionCheckIntervalMs: z.number().int().positive().default(3_600_000),
  maxQueued: z.number().int().positive().default(10_000),
  flushTimeoutMs: z.number().int().positive().default(30_000),
});

export const auditRedisStreamsSchema = z.strictObject({
  /** Connection as for budgets (its `keyPrefix` is the budget one and unused here: see streamPrefix). */
  redis: redisConnectionSchema,
  /** Stream key prefix; the key is `<prefix>{<tenant>}`. */
  streamPrefix: z.string().default('llmgw:audit:'),
  /** Approximate entries kept per tenant stream (XADD MAXLEN ~). */
  maxLen: z.number().int().positive().default(1_000_000),
  maxQueued: z.number().int().positive().default(10_000),
  flushTimeoutMs: z.number().int().positive().default(10_000),
});

export const auditS3Schema = z.strictObject({
  endpoint: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'http(s)://host[:port][/path]'),
  region: z.string().min(1),
  bucket: z.string().min(3).max(63),
  prefix: z.string().default(''),
  /** endpoint/bucket/key (S3-compatible stores) rather than bucket.endpoint/key. */
  forcePathStyle: z.boolean().default(true),
  accessKeyId: secretSource,
  secretAccessKey: secretSource,
  sessionToken: secretSource.optional(),
  /** Extra CA bundle for an https endpoint. */
  caFile: z.string().min(1).optional(),
  /** In object keys; default the host name (the pod name) and the start time. */
  writerId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  batch: z
    .strictObject({
      maxRecords: z.number().int().positive().default(1000),
      maxBytes: z.number().int().positive().default(8 * 1024 * 1024),
      maxAgeMs: z.number().int().positive().default(60_000),
    })
    .prefault({}),
  maxBuffered: z.number().int().positive().default(50_000),
  concurrency: z.number().int().min(1).max(16).default(2),
  /** If-None-Match: * on every PUT (turn off for stores without conditional writes). */
  ifNoneMatch: z.boolean().default(true),
  objectLock: z.strictObject({ mode: z.enum(['GOVERNANCE', 'COMPLIANCE']), retainDays: z.number().int().positive() }).optional(),
  storageClass: z.string().min(1).optional(),
  /** Sign each object (x-amz-meta-llmgw-mac) with this key; default files.keyFile when files are on. */
  keyFile: z.string().min(1).optional(),
  requestTimeoutMs: z.number().int().positive().default(30_000),
  flushTimeoutMs: z.number().int().positive().default(30_000),
});

export const auditSinksSchema = z
  .strictObject({
    stdout: z.boolean().default(true),
    files: auditFilesSchema.optional(),
    redisStreams: auditRedisStreamsSchema.optional(),
    s3: auditS3Schema.optional(),
    /** Per tenant: the forwarded request and the delivered response, encrypted into the record (bodies.ts). */
    bodies: auditBodiesSchema.optional(),
    routes: z
      .strictObject({
        /** Sinks for tenants without their own route and for unidentified requests (default: all configured). */
        default: z.array(sinkName).optional(),
        tenants: z.record(tenantId, z.array(sinkName)).default({}),
      })
      .prefault({}),
  })
  .superRefine((audit, ctx) => {
    const configured = new Set<AuditSinkName>(AUDIT_SINK_NAMES.filter((name) => (name === 'stdout' ? audit.stdout : audit[name] !== undefined)));
    const check = (names: readonly AuditSinkName[] | undefined, at: (string | number)[]): void => {
      names?.forEach((name, index) => {
        if (!configured.has(name)) ctx.addIssue({ code: 'custom', path: [...at, index], message: `sink "${name}" is not configured` });
      });
    };
    check(audit.routes.default, ['routes', 'default']);
    for (const [tenant, names] of Object.entries(audit.routes.tenants)) check(names, ['routes', 'tenants', tenant]);
  });

export type AuditSinksInput = z.input<typeof auditSinksSchema>;
export type AuditSinksConfig = z.output<typeof auditSinksSchema>;

// ---- Factory ----

/** Metric hooks, each with the sink's name (a bounded label). */
export interface AuditSinkHooks {
  readonly queueDepth?: (sink: AuditSinkName, depth: number) => void;
  readonly dropped?: (sink: AuditSinkName, reason: DropReason, record: AuditRecord | undefined) => void;
  readonly written?: (sink: AuditSinkName, tenant: string | null, count: number) => void;
  readonly error?: (sink: AuditSinkName, error: Error, context: { readonly tenant: string | null; readonly op: string }) => void;
}

export interface CreateAuditSinksOptions extends RedisClientOptions {
  /** Relative paths (dir, key files, CA) are resolved from here: the config file's folder. */
  readonly baseDir?: string;
  readonly stdout?: WritableLike;
  readonly hooks?: AuditSinkHooks;
  /** Wall clock for rotation, batching and retention (tests); requests are always signed with the real time. */
  readonly clock?: () => number;
  /** Tests: a ready client instead of one built from `redisStreams.redis`. */
  readonly redisClient?: Redis | Cluster;
  /** Reads a secret source (default: the environment variable, or the file's trimmed content). */
  readonly readSecret?: (source: SecretSource) => string;
}

export interface AuditSinks {
  /** What the pipeline writes to: the fan-out over every configured sink. */
  readonly sink: FanoutSink;
  readonly files?: TenantFileSink;
  readonly redisStreams?: RedisStreamSink;
  readonly s3?: S3AuditSink;
  /** Takes the file sink's lock and checks its key (fail fast at startup). */
  start(): Promise<void>;
  /** Drains every sink and releases what they hold (SIGTERM). */
  close(): Promise<void>;
}

function defaultReadSecret(source: SecretSource): string {
  return 'env' in source ? (process.env[source.env] ?? '').trim() : readFileSync(source.file, 'utf8').trim();
}

function events(name: AuditSinkName, hooks: AuditSinkHooks | undefined): AuditSinkEvents {
  return {
    onQueueDepth: (depth) => hooks?.queueDepth?.(name, depth),
    onDrop: (record, reason) => hooks?.dropped?.(name, reason, record),
    onWritten: (tenant, count) => hooks?.written?.(name, tenant, count),
    onError: (error, context) => hooks?.error?.(name, error, context),
  };
}

export function createAuditSinks(config: AuditSinksConfig, options: CreateAuditSinksOptions = {}): AuditSinks {
  const resolve = (file: string): string => path.resolve(options.baseDir ?? '.', file);
  const readSecret = options.readSecret ?? defaultReadSecret;
  const hooks = options.hooks;
  const sinks: Partial<Record<AuditSinkName, AuditSink>> = {};

  if (config.stdout) {
    sinks.stdout = new JsonLinesSink(
      options.stdout ?? process.stdout,
      10_000,
      () => hooks?.dropped?.('stdout', 'queue_full', undefined),
      (depth) => hooks?.queueDepth?.('stdout', depth),
    );
  }

  let files: TenantFileSink | undefined;
  if (config.files) {
    const filesConfig = config.files;
    const key = auditKeyFromFile(resolve(filesConfig.keyFile), {}, (error) => hooks?.error?.('files', error, { tenant: null, op: 'key' }));
    files = new TenantFileSink({
      dir: resolve(filesConfig.dir),
      key,
      retentionDays: (tenant) => {
        const override = tenant !== null ? filesConfig.perTenant[tenant] : undefined;
        if (override) return override.retentionDays ?? undefined;
        return filesConfig.retentionDays;
      },
      fsync: filesConfig.fsync,
      fsyncIntervalMs: filesConfig.fsyncIntervalMs,
      checkpointEvery: filesConfig.checkpointEvery,
      checkpointIntervalMs: filesConfig.checkpointIntervalMs,
      retentionIntervalMs: filesConfig.retentionCheckIntervalMs,
      maxQueued: filesConfig.maxQueued,
      flushTimeoutMs: filesConfig.flushTimeoutMs,
      ...(options.clock ? { clock: options.clock } : {}),
      ...events('files', hooks),
    });
    sinks.files = files;
  }

  let redisStreams: RedisStreamSink | undefined;
  if (config.redisStreams) {
    const streams = config.redisStreams;
    redisStreams = new RedisStreamSink({
      client: options.redisClient ?? createRedisClient(streams.redis, { ...(options.baseDir ? { baseDir: options.baseDir } : {}), ...(options.secret ? { secret: options.secret } : {}) }),
      keyPrefix: streams.streamPrefix,
      maxLen: streams.maxLen,
      maxQueued: streams.maxQueued,
      flushTimeoutMs: streams.flushTimeoutMs,
      ...events('redisStreams', hooks),
    });
    sinks.redisStreams = redisStreams;
  }

  let s3: S3AuditSink | undefined;
  if (config.s3) {
    const s3Config = config.s3;
    const macKeyFile = s3Config.keyFile ?? config.files?.keyFile;
    const credentials = (): SigV4Credentials => ({
      accessKeyId: readSecret(s3Config.accessKeyId),
      secretAccessKey: readSecret(s3Config.secretAccessKey),
      ...(s3Config.sessionToken ? { sessionToken: readSecret(s3Config.sessionToken) } : {}),
    });
    credentials(); // fail at startup on a missing secret
    s3 = new S3AuditSink({
      target: {
        endpoint: s3Config.endpoint,
        region: s3Config.region,
        bucket: s3Config.bucket,
        forcePathStyle: s3Config.forcePathStyle,
        credentials,
        timeoutMs: s3Config.requestTimeoutMs,
        ...(s3Config.caFile ? { ca: readFileSync(resolve(s3Config.caFile)) } : {}),
      },
      prefix: s3Config.prefix,
      writerId: s3Config.writerId ?? `${hostname()}-${Date.now().toString(36)}`,
      maxBatchRecords: s3Config.batch.maxRecords,
      maxBatchBytes: s3Config.batch.maxBytes,
      maxBatchAgeMs: s3Config.batch.maxAgeMs,
      maxBuffered: s3Config.maxBuffered,
      concurrency: s3Config.concurrency,
      ifNoneMatch: s3Config.ifNoneMatch,
      flushTimeoutMs: s3Config.flushTimeoutMs,
      ...(s3Config.objectLock ? { objectLock: s3Config.objectLock } : {}),
      ...(s3Config.storageClass ? { storageClass: s3Config.storageClass } : {}),
      ...(macKeyFile ? { key: auditKeyFromFile(resolve(macKeyFile), {}, (error) => hooks?.error?.('s3', error, { tenant: null, op: 'key' })) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...events('s3', hooks),
    });
    sinks.s3 = s3;
  }

  const sink = new FanoutSink(sinks as Record<string, AuditSink>, { ...(config.routes.default ? { default: config.routes.default } : {}), tenants: config.routes.tenants }, (error, name) =>
    hooks?.error?.(name as AuditSinkName, error, { tenant: null, op: 'fanout' }),
  );
  return {
    sink,
    ...(files ? { files } : {}),
    ...(redisStreams ? { redisStreams } : {}),
    ...(s3 ? { s3 } : {}),
    start: async () => {
      await files?.start();
    },
    close: () => sink.close(),
  };
}
