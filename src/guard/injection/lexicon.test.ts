import { CONCEPTS, LEXICON } from './lexicon';

/**
 * A multi-word entry may end with a stem ("ignore all previous*") but no earlier word may be one: the tagger matches the words after the
 * first exactly, so "агент* ии" could never match, and was found only when a check set's Russian salutation went unflagged.
 */
describe('concept lexicon', () => {
  it('has no stem before the last word of a multi-word entry', () => {
    const bad = CONCEPTS.flatMap((concept) => LEXICON[concept].filter((entry) => entry.split(' ').slice(0, -1).some((word) => word.includes('*'))).map((entry) => `${concept}: ${entry}`));
    expect(bad).toEqual([]);
  });
});
