import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { evalPolicy, evaluatePairs, parsePairs, runCacheEval } from './eval';

const WORKLOAD = path.join(__dirname, '../../eval/cache-workload.jsonl');

describe('llmgw eval cache', () => {
  it('the workload: paraphrases hit (>= 30% required), near misses never do, on every split', async () => {
    const pairs = parsePairs(readFileSync(WORKLOAD, 'utf8'));
    for (const split of ['dev', 'holdout', 'probe']) {
      const report = await evaluatePairs(pairs.filter((pair) => pair.split === split), evalPolicy());
      expect(report.falseHits).toBe(0);
      expect(report.hitRate).toBeGreaterThanOrEqual(0.3);
    }
  });

  it('prints hit rate, false hits and latency; exit 1 on a false hit', async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    expect(await runCacheEval([WORKLOAD, '--split', 'holdout'], io)).toBe(0);
    expect(out.join('')).toMatch(/hit rate +\d+\.\d% \(\d+\/\d+ same pairs\)\nfalse hits +0\/\d+ near-miss pairs\nlookup +p50 [\d.]+ ms, p99 [\d.]+ ms/);
    expect(await runCacheEval([], io)).toBe(2);
  });

  it('rejects malformed rows with their line number', () => {
    expect(() => parsePairs('{"a":"x","b":"y","same":true}\n{"a":"x"}\n')).toThrow('line 2');
  });
});
