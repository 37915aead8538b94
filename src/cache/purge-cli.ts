/**
 * `llmgw cache purge --tenant ID --config FILE`: removes every cached answer of a tenant from the store
 * the config names. Only a Redis store outlives the sidecar; with the in-memory store there is nothing
 * to purge from outside the process (use the admin API of the running sidecar instead).
 */
import * as path from 'node:path';
import { ConfigError, loadConfigFile } from '../config/load';
import { compileConfig } from '../config/runtime';
import { SecretStore } from '../config/secrets';
import { createResponseCache } from './setup';

export interface PurgeIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export async function runCachePurge(options: { tenant?: string; config?: string }, io: PurgeIo): Promise<number> {
  const { tenant, config: file } = options;
  if (!tenant || !file) {
    io.stderr('usage: llmgw cache purge --tenant ID --config FILE\n');
    return 2;
  }
  const secrets = new SecretStore();
  try {
    const config = compileConfig(loadConfigFile(file), secrets);
    if (!config.tenants.has(tenant)) {
      io.stderr(`unknown tenant "${tenant}" in ${file}\n`);
      return 1;
    }
    if (!config.cache.redis) {
      io.stderr(`${file} keeps the cache in memory (no cache.redis): purge it through the running sidecar's admin API (DELETE /admin/v1/tenants/${tenant}/cache)\n`);
      return 1;
    }
    let failure: unknown;
    const cache = createResponseCache(config.cache, { baseDir: path.dirname(path.resolve(file)), onError: (_operation, error) => (failure ??= error) });
    try {
      if (!(await cache.ready(5000))) {
        io.stderr(`purge failed: redis not reachable${failure instanceof Error ? ` (${failure.message})` : ''}\n`);
        return 1;
      }
      const removed = await cache.purge(tenant);
      io.stdout(`purged ${removed} cached answers of tenant ${tenant}\n`);
      return 0;
    } catch (error) {
      io.stderr(`purge failed: ${error instanceof Error ? error.message : String(failure ?? error)}\n`);
      return 1;
    } finally {
      await cache.close();
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    secrets.close();
  }
}
