import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// Importing the module registers every pattern of every recognizer.
import { compiledPatterns } from './index';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkSync } = require('recheck') as { checkSync(source: string, flags: string, params?: Record<string, unknown>): { status: string; complexity?: { type: string } } };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('PII regular expressions', () => {
  const patterns = compiledPatterns();

  it('are all registered (more than the recognizers need, fewer than a runaway loop)', () => {
    expect(patterns.length).toBeGreaterThan(40);
    expect(new Set(patterns.map((p) => p.name)).size).toBe(patterns.length);
  });

  it.each(patterns.map((p) => [p.name, p] as const))('%s has no super-linear worst case (recheck)', (_name, p) => {
    const result = checkSync(p.source, p.flags.replace('y', '').replace('d', ''), { timeout: 20_000 });
    expect({ name: p.name, status: result.status, complexity: result.complexity?.type }).toEqual({ name: p.name, status: 'safe', complexity: expect.anything() as unknown });
  });

  it('are compiled only through pattern(): no regex literal or new RegExp elsewhere in the module', () => {
    const offenders: string[] = [];
    for (const file of sources(__dirname)) {
      if (file.endsWith('patterns.ts')) continue;
      const code = readFileSync(file, 'utf8');
      if (/new RegExp\(/.test(code) || /[=(,:]\s*\/(?![/*])[^/\n]+\/[dgimsuy]*[.;,)]/.test(code)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});
