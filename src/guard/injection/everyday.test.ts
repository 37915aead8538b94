import { EVERYDAY_CASES } from '../../../test/guard-injection/everyday-cases';
import { InjectionDetector } from './detector';

/**
 * A ratchet on false positives the dev corpus cannot show: the everyday prompts of EVERYDAY_CASES that the
 * detector flags today, by their first words. A new rule that flags one more fails here; a fix that clears
 * one removes it from the list. Each is a known false positive, with its cause:
 */
const KNOWN_FALSE_POSITIVES = [
  // "did not get any instructions from your manager ... What would you do": instructions + you + what.
  'Pretend you are a new employee',
  // camelCase identifiers fold to the lexicon's "systemprompt" / "initialprompt".
  'In my React app, how do I print the systemPrompt',
  'Can you show me the initialPrompt and systemPrompt',
  // "Don't apologize": jailbreak.never_refuse (medium). Weak, it stops flagging this but loses refusal suppression ("never refuse,
  // never apologize") in held-out check set d and three LOSO rows, so it stays medium.
  "Don't apologize for the delay",
  // "Ignore my previous instructions": the user retracting their own words reads exactly like the attack (the classifier says 0.99
  // too); excluding "my" from the override rules lost attacks in held-out check set b.
  'Please ignore my previous instructions',
  // A password policy: no rule asks for the secret any more (a negated "share" declines), but "passwords" with a policy line still
  // add up with the classifier. (The correction emails and the IT password notice were cleared by hand-written benign documents in
  // training, `synthetic.ts`.)
  'HR policy update',
];

describe('everyday prompts and documents (benign, outside the corpus)', () => {
  it('flags no more of them than the known false positives', () => {
    const detector = new InjectionDetector();
    const flagged = EVERYDAY_CASES.filter((c) => detector.analyse(c.text, c.channel).attack).map((c) => c.text);
    const known = (text: string): boolean => KNOWN_FALSE_POSITIVES.some((prefix) => text.startsWith(prefix));
    expect(flagged.filter((t) => !known(t))).toEqual([]);
    expect(KNOWN_FALSE_POSITIVES.filter((prefix) => !flagged.some((t) => t.startsWith(prefix)))).toEqual([]);
    expect(EVERYDAY_CASES.length).toBeGreaterThanOrEqual(70);
  });
});
