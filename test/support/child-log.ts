/** Waiting on what a spawned `llmgw` process logs (pino JSON on stderr). */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Resolves with the first match of `pattern` in the process's stderr so far; rejects if the process
 * exits first (with the tail of what it logged, to see why).
 */
export function waitForLog(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (data: Buffer): void => {
      seen += data.toString();
      const match = pattern.exec(seen);
      if (match) {
        child.stderr.off('data', onData);
        resolve(match[0]);
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before logging ${pattern}: ${seen.slice(-2000)}`)));
  });
}
