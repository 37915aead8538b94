/**
 * Obfuscating transformations used by the detector's tests: each takes a text and returns the same text
 * as a reader (or a model) would still understand it, hidden from a naive matcher.
 */

export type Transform = (text: string) => string;

/** A zero-width space after every second character of each word. */
export const zeroWidth: Transform = (text) => text.replace(/(\p{L}\p{L})(?=\p{L})/gu, '$1\u200b');

/**
 * Printable ASCII re-encoded as invisible Unicode tag characters, after a short visible greeting. Tag
 * characters only exist for ASCII: a text in another script cannot be smuggled this way and is returned
 * after the greeting as it is.
 */
export const tagCharacters: Transform = (text) =>
  'Hello! ' +
  (/[^\x00-\x7e]/.test(text) ? text : Array.from(text)
    .map((ch) => {
      const c = ch.codePointAt(0) as number;
      return c >= 0x20 && c <= 0x7e ? String.fromCodePoint(0xe0000 + c) : ch;
    })
    .join(''));

const CYRILLIC: Record<string, string> = { a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', i: 'і', A: 'А', C: 'С', E: 'Е', O: 'О', P: 'Р', X: 'Х', H: 'Н', T: 'Т', M: 'М', K: 'К', B: 'В' };

/** Latin letters replaced by Cyrillic look-alikes. */
export const homoglyphs: Transform = (text) => Array.from(text, (ch) => CYRILLIC[ch] ?? ch).join('');

/** The whole text as base64 of its UTF-8. */
export const base64: Transform = (text) => Buffer.from(text, 'utf8').toString('base64');

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', A: '4', E: '3', I: '1', O: '0', S: '5', T: '7' };

/**
 * Letters written as digits inside words. Runs of 20 or more non-space characters (an encoded payload, a
 * URL) are left as they are: rewriting a base64 blob changes what it decodes to, not how it is written.
 */
export const leetspeak: Transform = (text) =>
  text
    .split(/(\s)/)
    .map((run) => (run.length >= 20 ? run : Array.from(run, (ch) => LEET[ch] ?? ch).join('')))
    .join('');

/** Deterministic marks for `zalgo` (a seeded sequence, so every run builds the same text). */
function markSequence(seed: number): () => string {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return String.fromCharCode(0x0300 + (state >>> 8) % 0x70);
  };
}

/** "Zalgo" text: three combining marks stacked on every Latin letter. */
export const zalgo: Transform = (text) => {
  const mark = markSequence(7);
  return text.replace(/[A-Za-z]/g, (ch) => ch + mark() + mark() + mark());
};

/**
 * Words of eight letters or more broken by a hyphen after their first letter ("i-nstructions"), the
 * token-splitting trick. Texts with fewer than three such words are returned as they are: one "e-mail"
 * is spelling, and the normaliser rightly leaves it alone.
 */
export const brokenWords: Transform = (text) => {
  const long = /\b([a-z])([a-z]{7,})\b/g;
  const count = (text.match(long) ?? []).length;
  return count >= 3 ? text.replace(long, '$1-$2') : text;
};

export const TRANSFORMS: Readonly<Record<string, Transform>> = { zeroWidth, tagCharacters, homoglyphs, base64, leetspeak, zalgo, brokenWords };
