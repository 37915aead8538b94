/**
 * The audit HMAC key from a file (a Kubernetes Secret volume, usually), re-read when the file changes
 * so the key can be rotated without a restart: lines written after the change carry the new key id.
 * Keep the old key files: `llmgw audit verify` needs every key that wrote lines still kept.
 */
import { readFileSync, statSync } from 'node:fs';
import { deriveAuditKey, keyFromFileContent } from './chain';

export interface KeyFileOptions {
  /** How often the file's mtime and size are checked (default 1 s). */
  readonly checkIntervalMs?: number;
  readonly clock?: () => number;
}

/**
 * A `() => Buffer` for the sinks. Reads (and checks) the key once now, so a missing or short key fails
 * at startup; afterwards a file that cannot be read keeps the last good key (the error is reported once
 * per change through `onError`).
 */
export function auditKeyFromFile(file: string, options: KeyFileOptions = {}, onError: (error: Error) => void = () => undefined): () => Buffer {
  const clock = options.clock ?? Date.now;
  const interval = options.checkIntervalMs ?? 1000;
  const read = (): Buffer => {
    const key = keyFromFileContent(readFileSync(file));
    deriveAuditKey(key);
    return key;
  };
  let key = read();
  let stamp = fileStamp(file);
  let checkedAt = clock();
  let failedStamp: string | undefined;
  return () => {
    const now = clock();
    if (now - checkedAt < interval) return key;
    checkedAt = now;
    const current = fileStamp(file);
    if (current === stamp) return key;
    try {
      key = read();
      stamp = current;
      failedStamp = undefined;
    } catch (error) {
      if (failedStamp !== current) onError(error instanceof Error ? error : new Error(String(error)));
      failedStamp = current;
    }
    return key;
  };
}

function fileStamp(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return 'missing';
  }
}
