/**
 * Holds the current RuntimeConfig and swaps it atomically on reload. A file that fails to load keeps the
 * old config in force and is counted (llmgw_config_loads_total{result="invalid"}), so a bad edit never
 * takes the gateway down. Reload triggers: SIGHUP and changes to the file (watched through its directory,
 * because Kubernetes ConfigMap updates replace a symlink rather than writing the file).
 */
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, loadConfigFile } from './load';
import { compileConfig, type RuntimeConfig } from './runtime';
import { SecretStore } from './secrets';

export interface ConfigStoreEvents {
  onLoaded(config: RuntimeConfig, trigger: 'startup' | 'reload'): void;
  onInvalid(error: ConfigError, trigger: 'startup' | 'reload'): void;
}

export class ConfigStore {
  private current: RuntimeConfig;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly listeners: ((config: RuntimeConfig) => void)[] = [];

  /** Loads the file once; throws ConfigError with every problem when it is invalid. */
  constructor(
    private readonly file: string,
    private readonly events: ConfigStoreEvents,
    /** Provider keys, shared across reloads so a rotated key file is picked up whatever config is in force. */
    readonly secrets: SecretStore = new SecretStore(),
  ) {
    try {
      this.current = compileConfig(loadConfigFile(file), secrets);
    } catch (error) {
      if (error instanceof ConfigError) events.onInvalid(error, 'startup');
      throw error;
    }
    events.onLoaded(this.current, 'startup');
  }

  get config(): RuntimeConfig {
    return this.current;
  }

  /** Called with each newly swapped-in config (not with the startup one). */
  onChange(listener: (config: RuntimeConfig) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the file; returns true when the new config is now in force. */
  reload(): boolean {
    let next: RuntimeConfig;
    try {
      next = compileConfig(loadConfigFile(this.file), this.secrets);
    } catch (error) {
      const configError = error instanceof ConfigError ? error : new ConfigError(this.file, [{ path: '', message: String(error) }]);
      this.events.onInvalid(configError, 'reload');
      return false;
    }
    this.current = next;
    this.events.onLoaded(next, 'reload');
    for (const listener of this.listeners) listener(next);
    return true;
  }

  watchFile(debounceMs = 200): void {
    const directory = path.dirname(path.resolve(this.file));
    const base = path.basename(this.file);
    this.watcher = watch(directory, (_event, name) => {
      // ConfigMap swaps touch `..data`; editors write temp files first. Any change in the folder may matter.
      if (name !== null && name !== base && !name.startsWith('..')) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.reload(), debounceMs);
    });
    this.watcher.unref();
  }

  close(): void {
    this.secrets.close();
    clearTimeout(this.debounce);
    this.watcher?.close();
  }
}
