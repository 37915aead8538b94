import { mkdtempSync, renameSync, symlinkSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigStore } from './store';
import type { ConfigError } from './load';
import type { RuntimeConfig } from './runtime';

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

function recordingStore(file: string) {
  const loaded: string[] = [];
  const invalid: ConfigError[] = [];
  const store = new ConfigStore(file, {
    onLoaded: (config: RuntimeConfig, trigger) => loaded.push(`${trigger}:${config.logging.level}`),
    onInvalid: (error, trigger) => invalid.push(Object.assign(error, { trigger })),
  });
  return { store, loaded, invalid };
}

describe('ConfigStore watching', () => {
  it('swaps in an edited file, and keeps the old config when the edit is invalid', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-store-'));
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, 'server: { tcp: { port: 1 } }\nlogging: { level: info }\n');
    const { store, loaded, invalid } = recordingStore(file);
    store.watchFile(20);
    try {
      writeFileSync(file, 'server: { tcp: { port: 1 } }\nlogging: { level: debug }\n');
      await waitFor(() => store.config.logging.level === 'debug');
      expect(store.config.logging.level).toBe('debug');

      writeFileSync(file, 'server: { tcp: { port: "x" } }\n');
      await waitFor(() => invalid.length > 0);
      expect(invalid[0]?.problems[0]?.path).toBe('server.tcp.port');
      expect(store.config.logging.level).toBe('debug');
      expect(loaded).toEqual(['startup:info', 'reload:debug']);
    } finally {
      store.close();
    }
  });

  it('follows a Kubernetes ConfigMap update (the ..data symlink is swapped)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-configmap-'));
    const writeVersion = (name: string, level: string): void => {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, 'config.yaml'), `server: { tcp: { port: 1 } }\nlogging: { level: ${level} }\n`);
    };
    writeVersion('..v1', 'info');
    symlinkSync('..v1', path.join(dir, '..data'));
    symlinkSync('..data/config.yaml', path.join(dir, 'config.yaml'));
    const { store } = recordingStore(path.join(dir, 'config.yaml'));
    store.watchFile(20);
    try {
      writeVersion('..v2', 'warn');
      symlinkSync('..v2', path.join(dir, '..data_tmp'));
      renameSync(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
      rmSync(path.join(dir, '..v1'), { recursive: true });
      await waitFor(() => store.config.logging.level === 'warn');
      expect(store.config.logging.level).toBe('warn');
    } finally {
      store.close();
    }
  });
});
