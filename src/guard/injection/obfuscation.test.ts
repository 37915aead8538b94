import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SegmentChannel } from '../../llm';
import { TRANSFORMS } from '../../../test/guard-injection/transforms';
import { InjectionDetector } from './detector';
import { readCorpus, type CorpusRow } from './train';

const CORPUS = resolve(__dirname, '../../../../shared/corpus/injection-dev.jsonl');
const channelOf = (row: CorpusRow): SegmentChannel => (row.channel === 'document' ? 'document' : 'user');

/** Every n-th row, so each source is represented and the sample is the same on every run. */
function sample(rows: readonly CorpusRow[], count: number): CorpusRow[] {
  const step = Math.max(1, Math.floor(rows.length / count));
  return rows.filter((_, i) => i % step === 0).slice(0, count);
}

(existsSync(CORPUS) ? describe : describe.skip)('obfuscated variants of corpus rows', () => {
  const detector = new InjectionDetector();
  // describe.skip still runs this body to collect tests: read the corpus only when it is there.
  const rows = existsSync(CORPUS) ? readCorpus(CORPUS) : [];
  const attacks = sample(
    rows.filter((r) => r.label === 'attack' && r.text.length <= 3000 && detector.analyse(r.text, channelOf(r)).attack),
    40,
  );
  const benign = sample(
    rows.filter((r) => r.label === 'benign' && r.text.length <= 3000 && !detector.analyse(r.text, channelOf(r)).attack),
    40,
  );

  it('samples detected attacks and benign rows of several sources', () => {
    expect(attacks.length).toBe(40);
    expect(benign.length).toBe(40);
    expect(new Set(attacks.map((r) => r.source)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(benign.map((r) => r.source)).size).toBeGreaterThanOrEqual(3);
  });

  for (const [name, transform] of Object.entries(TRANSFORMS)) {
    it(`${name}: detected attacks stay detected`, () => {
      const missed = attacks.filter((r) => !detector.analyse(transform(r.text), channelOf(r)).attack).map((r) => r.id);
      expect(missed).toEqual([]);
    });

    it(`${name}: benign rows stay benign`, () => {
      const flagged = benign.filter((r) => detector.analyse(transform(r.text), channelOf(r)).attack).map((r) => r.id);
      expect(flagged).toEqual([]);
    });
  }

  it('reports the concealment itself, apart from the verdict', () => {
    const text = (attacks[0] as CorpusRow).text;
    expect(detector.analyse(text, 'user').concealment).toBeLessThan(0.5);
    for (const name of ['zeroWidth', 'tagCharacters', 'homoglyphs', 'base64']) {
      expect([name, detector.analyse((TRANSFORMS[name] as (t: string) => string)(text), 'user').concealment >= 0.5]).toEqual([name, true]);
    }
  });
});
