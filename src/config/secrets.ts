/**
 * Provider credentials, from files or environment variables only. File-backed secrets are re-read when
 * the file changes (checked once a second off the request path), so a key rotated by the secret manager
 * takes effect without a restart. Values are never logged: callers get them only through `value()`.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

export type SecretSource = { readonly file: string } | { readonly env: string };

interface FileEntry {
  value: string;
  /** mtime, size and inode together: a replaced symlink target (Kubernetes) changes the inode. */
  fingerprint: string;
}

export class SecretStore {
  private readonly files = new Map<string, FileEntry>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;

  constructor(private readonly refreshIntervalMs = 1000) {}

  /**
   * Registers a source and returns a problem description when it cannot be read now (no secret in the
   * message), or undefined when it is usable.
   */
  register(source: SecretSource): string | undefined {
    if ('env' in source) {
      return process.env[source.env] ? undefined : `environment variable ${source.env} is not set or empty`;
    }
    if (this.files.has(source.file)) return undefined;
    try {
      const info = statSync(source.file);
      const value = readFileSync(source.file, 'utf8').trim();
      if (!value) return `secret file ${source.file} is empty`;
      this.files.set(source.file, { value, fingerprint: fingerprintOf(info) });
      this.startTimer();
      return undefined;
    } catch (error) {
      return `cannot read secret file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`;
    }
  }

  /** The current value; empty string when the source vanished (callers fail closed on that). */
  value(source: SecretSource): string {
    if ('env' in source) return process.env[source.env]?.trim() ?? '';
    return this.files.get(source.file)?.value ?? '';
  }

  /** Re-reads changed files now (the timer does this every second; tests call it directly). */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      await Promise.all(
        [...this.files.entries()].map(async ([file, entry]) => {
          try {
            const fingerprint = fingerprintOf(await stat(file));
            if (fingerprint === entry.fingerprint) return;
            const value = (await readFile(file, 'utf8')).trim();
            // A half-written or emptied file keeps the previous key: better than sending no key at all.
            if (value) this.files.set(file, { value, fingerprint });
          } catch {
            // Missing for a moment during an atomic swap; keep the last good value.
          }
        }),
      );
    } finally {
      this.refreshing = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.refreshIntervalMs);
    this.timer.unref();
  }
}

function fingerprintOf(info: { mtimeMs: number; size: number; ino: number }): string {
  return `${info.mtimeMs}:${info.size}:${info.ino}`;
}
