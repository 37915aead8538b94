/**
 * Starts the real sidecar (App) in-process on ephemeral ports with a config written to a temp dir:
 * two tenants, the three provider kinds with key files, and models on each. Audit records are kept in
 * memory for assertions.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { App } from '../../src/app';
import type { AuditRecord } from '../../src/audit/record';
import { MemorySink } from '../../src/audit/sink';
import type { ConfigInput } from '../../src/config/schema';

/** Client API keys of the test tenants (clear text: the config holds only their hashes). */
export const TEST_KEYS = { acme: 'sk-test-acme-0001', globex: 'sk-test-globex-0001', frugal: 'sk-test-frugal-0001' } as const;
/** What the sidecar sends upstream (the mock providers can be told to require these). */
export const PROVIDER_KEYS = { openai: 'sk-provider-openai', anthropic: 'sk-provider-anthropic', gemini: 'provider-gemini-key' } as const;

export interface TestSidecar {
  readonly app: App;
  readonly audit: WatchedMemorySink;
  readonly dir: string;
  readonly configPath: string;
  /** 'host:port' of the TCP listener, for gRPC clients and the edge. */
  readonly grpcAddress: string;
  readonly adminUrl: string;
  writeConfig(config: ConfigInput): void;
}

/**
 * A MemorySink tests can wait on. The sidecar writes a request's record when it learns that the ext_proc
 * stream ended, which reaches it over the socket a moment after the client has its response: reading
 * `records` right after the response races that write.
 */
export class WatchedMemorySink extends MemorySink {
  private readonly waiters = new Set<() => void>();

  override write(record: AuditRecord): void {
    super.write(record);
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * The first record `match` accepts, as soon as it has been written. Resolves undefined when none is
   * written within `timeoutMs` (generous: a loaded machine is slow, not broken), so the caller's
   * assertion on the record fails with its own message.
   */
  waitFor(match: (record: AuditRecord) => boolean, timeoutMs = 10_000): Promise<AuditRecord | undefined> {
    const found = this.records.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const finish = (record: AuditRecord | undefined): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(record);
      };
      const check = (): void => {
        const record = this.records.find(match);
        if (record) finish(record);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.waiters.add(check);
    });
  }
}

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** The gateway part of the test config; `dir` holds the provider key files. */
export function testGatewayConfig(dir: string): Pick<ConfigInput, 'providers' | 'models' | 'tenants'> {
  for (const [name, key] of Object.entries(PROVIDER_KEYS)) writeFileSync(path.join(dir, `${name}.key`), `${key}\n`);
  return {
    providers: {
      openai: { api: 'openai', cluster: 'openai', auth: 'bearer', keys: [{ file: 'openai.key' }] },
      anthropic: { api: 'anthropic', cluster: 'anthropic', auth: 'x-api-key', keys: [{ file: 'anthropic.key' }], headers: { 'anthropic-version': '2023-06-01' } },
      gemini: { api: 'gemini', cluster: 'gemini', auth: 'x-goog-api-key', keys: [{ file: 'gemini.key' }] },
    },
    models: {
      'gpt-4o-mini': { provider: 'openai', pricing: { input: 0.15, output: 0.6, cachedInput: 0.075 } },
      'text-embedding-3-small': { provider: 'openai', kind: 'embedding', pricing: { input: 0.02, output: 0 } },
      'claude-haiku': { provider: 'anthropic', upstreamModel: 'claude-3-5-haiku-20241022', pricing: { input: 0.8, output: 4 } },
      'gemini-flash': { provider: 'gemini', upstreamModel: 'gemini-2.0-flash', pricing: { input: 0.1, output: 0.4 } },
    },
    tenants: {
      acme: { apiKeys: [{ id: 'acme-key', sha256: sha256(TEST_KEYS.acme) }] },
      globex: { apiKeys: [{ id: 'globex-key', sha256: sha256(TEST_KEYS.globex) }], models: { allow: ['gpt-*'], deny: [] }, maxRequestBytes: 4096 },
      // A day's budget of 200 tokens with 64 reserved for output per request: a few requests, then 429.
      frugal: { apiKeys: [{ id: 'frugal-key', sha256: sha256(TEST_KEYS.frugal) }], budget: { defaultMaxOutputTokens: 64, tenant: { tokensPerDay: 200 } } },
    },
  };
}

export async function startTestSidecar(config: Partial<ConfigInput> = {}): Promise<TestSidecar> {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-sidecar-'));
  const configPath = path.join(dir, 'config.yaml');
  const full: ConfigInput = {
    server: { tcp: { host: '127.0.0.1', port: 0 }, drainTimeoutSeconds: 5 },
    admin: { host: '127.0.0.1', port: 0 },
    ...testGatewayConfig(dir),
    ...config,
  };
  const writeConfig = (next: ConfigInput): void => writeFileSync(configPath, stringify(next));
  writeConfig(full);
  const audit = new WatchedMemorySink();
  const app = await App.start({ configPath, audit, logger: pino({ level: process.env.LLMGW_TEST_LOG ?? 'silent' }) });
  return {
    app,
    audit,
    dir,
    configPath,
    grpcAddress: `127.0.0.1:${app.addresses.tcpPort ?? 0}`,
    adminUrl: `http://127.0.0.1:${app.addresses.adminPort}`,
    writeConfig,
  };
}
