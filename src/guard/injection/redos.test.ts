import { check } from 'recheck';
import './index';
import { compiledPatterns } from './patterns';

// Every regex the detector compiles goes through pattern(); importing the index loads every module.
describe('injection detector regexes', () => {
  const patterns = compiledPatterns();

  it('registers the patterns of every layer', () => {
    const names = patterns.map((p) => p.name);
    for (const prefix of ['normalize-', 'concept-', 'decode.', 'template.', 'jailbreak.', 'address.', 'tool.', 'detector.']) expect(names.some((n) => n.startsWith(prefix))).toBe(true);
  });

  it('has no pattern that backtracks super-linearly (recheck)', async () => {
    const verdicts: string[] = [];
    for (const p of patterns) {
      const result = await check(p.source, p.flags, { timeout: 60000 });
      verdicts.push(`${p.name}: ${result.status}`);
    }
    expect(verdicts).toEqual(patterns.map((p) => `${p.name}: safe`));
  }, 300000);
});
