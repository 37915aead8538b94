/** Starts the real sidecar (App) in-process on ephemeral ports with a config written to a temp dir. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { App } from '../../src/app';
import type { ConfigInput } from '../../src/config/schema';

export interface TestSidecar {
  readonly app: App;
  readonly configPath: string;
  /** 'host:port' of the TCP listener, for gRPC clients and the edge. */
  readonly grpcAddress: string;
  readonly adminUrl: string;
  writeConfig(config: ConfigInput): void;
}

export async function startTestSidecar(config: Partial<ConfigInput> = {}): Promise<TestSidecar> {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-sidecar-'));
  const configPath = path.join(dir, 'config.yaml');
  const full: ConfigInput = {
    server: { tcp: { host: '127.0.0.1', port: 0 }, drainTimeoutSeconds: 5 },
    admin: { host: '127.0.0.1', port: 0 },
    ...config,
  };
  const writeConfig = (next: ConfigInput): void => writeFileSync(configPath, stringify(next));
  writeConfig(full);
  const app = await App.start({ configPath, logger: pino({ level: process.env.LLMGW_TEST_LOG ?? 'silent' }) });
  return {
    app,
    configPath,
    grpcAddress: `127.0.0.1:${app.addresses.tcpPort ?? 0}`,
    adminUrl: `http://127.0.0.1:${app.addresses.adminPort}`,
    writeConfig,
  };
}
