/**
 * Normalisation, the first layer: every later layer reads the folded text, so an attack written with
 * fullwidth letters, zero-width joiners, Unicode tag characters, Cyrillic look-alikes or leetspeak
 * reads the same as the plain one. What was removed or folded is counted (`signals`): concealment is
 * itself evidence, reported as its own finding, while the verdict on the content stays the same.
 */

import { pattern } from './patterns';

export interface NormalizeSignals {
  /** Zero-width and other invisible format characters (not counting joiners inside emoji). */
  invisible: number;
  /** Bidirectional controls (embeddings, overrides, isolates, marks). */
  bidi: number;
  /** Unicode tag characters (U+E0000 block): ASCII smuggled invisibly. */
  tags: number;
  /** Variation selectors after a letter (they have no visible effect there). */
  variationSelectors: number;
  /** Words that mixed Latin with look-alike letters from other scripts. */
  homoglyphWords: number;
  /** Words written with digits or symbols for letters. */
  leetWords: number;
  /** Runs of letters spaced out one by one ("i g n o r e"). */
  spacedRuns: number;
  /** Characters carrying three or more combining marks ("Zalgo" text; Vietnamese stacks two at most). */
  stackedMarks: number;
  /** Words broken by hyphens inside them ("i-gnore", "previou-s"), counted when the text has three or more. */
  brokenWords: number;
}

export interface Normalized {
  /** NFKC, invisible characters removed; case and scripts kept. */
  readonly text: string;
  /** Lower case, Latin diacritics stripped, look-alikes and leetspeak folded, Arabic and Devanagari variants folded. */
  readonly folded: string;
  /** Text smuggled in tag characters (ASCII), empty when none. */
  readonly hidden: string;
  /** `folded` is plain ASCII. */
  readonly ascii: boolean;
  readonly signals: NormalizeSignals;
}

export function emptySignals(): NormalizeSignals {
  return { invisible: 0, bidi: 0, tags: 0, variationSelectors: 0, homoglyphWords: 0, leetWords: 0, spacedRuns: 0, stackedMarks: 0, brokenWords: 0 };
}

/** 0..1: how strongly the text was concealed. Each kind of trick counts once, a lot of it counts more. */
export function concealment(s: NormalizeSignals): number {
  let score = 0;
  if (s.tags >= 4) score = Math.max(score, 0.9);
  if (s.invisible >= 3) score = Math.max(score, Math.min(0.8, 0.3 + s.invisible / 40));
  if (s.bidi >= 2) score = Math.max(score, Math.min(0.7, 0.3 + s.bidi / 20));
  if (s.variationSelectors >= 3) score = Math.max(score, 0.5);
  if (s.homoglyphWords >= 1) score = Math.max(score, Math.min(0.8, 0.4 + s.homoglyphWords / 10));
  if (s.leetWords >= 2) score = Math.max(score, Math.min(0.6, 0.2 + s.leetWords / 20));
  if (s.spacedRuns >= 1) score = Math.max(score, 0.4);
  if (s.stackedMarks >= 3) score = Math.max(score, Math.min(0.8, 0.4 + s.stackedMarks / 40));
  if (s.brokenWords >= BROKEN_WORDS_MIN) score = Math.max(score, 0.4);
  return score;
}

const INVISIBLE = new Set([0x200b, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x00ad, 0x034f, 0x180e, 0x115f, 0x1160, 0x3164, 0xffa0, 0x17b4, 0x17b5]);
const JOINERS = new Set([0x200c, 0x200d]);
const BIDI = new Set([0x200e, 0x200f, 0x061c, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isLetterish(c: number): boolean {
  if (isAsciiLetter(c)) return true;
  return c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x1f000);
}

/** Removes invisible characters, collects tag characters; counts both. */
function stripInvisible(text: string, signals: NormalizeSignals): { text: string; hidden: string } {
  let out = '';
  let hidden = '';
  let last = 0;
  let prevKept = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x00ad) {
      // Tag text cannot encode a line break: keep the visible ones in the hidden text too.
      if (c === 0x0a && hidden.length > 0) hidden += '\n';
      prevKept = c;
      continue;
    }
    let cp = c;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    let drop = false;
    if (cp >= 0xe0000 && cp <= 0xe007f) {
      drop = true;
      signals.tags++;
      if (cp >= 0xe0020 && cp <= 0xe007e) hidden += String.fromCharCode(cp - 0xe0000);
    } else if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) {
      drop = true;
      if (isAsciiLetter(prevKept) || (prevKept >= 0xc0 && prevKept < 0x2000)) signals.variationSelectors++;
    } else if (INVISIBLE.has(cp)) {
      drop = true;
      signals.invisible++;
    } else if (JOINERS.has(cp)) {
      drop = true;
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (isAsciiLetter(prevKept) && isAsciiLetter(next)) signals.invisible++;
    } else if (BIDI.has(cp)) {
      drop = true;
      signals.bidi++;
    }
    if (drop) {
      out += text.slice(last, i);
      last = i + width;
    } else {
      prevKept = cp;
    }
    if (width === 2) i++;
  }
  if (last === 0) return { text, hidden };
  return { text: out + text.slice(last), hidden };
}

/** Look-alike letters from other scripts (and Latin small capitals, IPA) folded to Latin. */
const HOMOGLYPHS: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', һ: 'h', ԍ: 'g', ѵ: 'v', ɡ: 'g',
  // Greek
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j', ϱ: 'p',
  // Latin small capitals, IPA and other look-alikes
  ᴀ: 'a', ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ғ: 'f', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n', ᴏ: 'o', ᴘ: 'p', ǫ: 'q', ʀ: 'r', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z',
  ɑ: 'a', ɩ: 'i', ı: 'i', ȷ: 'j', ɒ: 'a', ɛ: 'e', ɔ: 'c', ʋ: 'u', ɾ: 'r', ʂ: 's', ƅ: 'b', օ: 'o', ո: 'n', ս: 'u', ց: 'g', ɵ: 'o',
};
/**
 * The text with look-alike letters put back to Latin, case kept (`а` -> `a`, `А` -> `A`): the view the
 * decoder reads, since a base64 or hex payload dressed in look-alikes no longer decodes otherwise.
 * Returns the text itself when it has none.
 */
export function unconfuse(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (text.charCodeAt(i) < 0x80) continue;
    const lower = ch.toLowerCase();
    const latin = HOMOGLYPHS[lower];
    if (latin === undefined) continue;
    out += text.slice(last, i) + (lower === ch ? latin : latin.toUpperCase());
    last = i + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Non-letter Latin letters that NFD does not decompose. */
const LATIN_SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ħ: 'h', ŀ: 'l' };

const LEET: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l', '€': 'e' };

/** Characters that end a word for the folding pass (leet symbols are not among them). */
function isBreakChar(c: number): boolean {
  if (c <= 0x20) return true;
  switch (c) {
    case 0x2c: case 0x2e: case 0x3b: case 0x3a: case 0x3f: case 0x22: case 0x27: case 0x28: case 0x29: case 0x5b: case 0x5d:
    case 0x7b: case 0x7d: case 0x3c: case 0x3e: case 0x2f: case 0x5c: case 0x60: case 0x7e: case 0x5e: case 0x26: case 0x2a:
    case 0x3d: case 0x5f: case 0x2d: case 0x23: case 0x25: case 0xa0: case 0x2013: case 0x2014: case 0x2026: case 0xab: case 0xbb:
    case 0x201c: case 0x201d: case 0x2018: case 0x2019: case 0x3000: case 0x3001: case 0x3002: case 0xff0c:
      return true;
    default:
      return false;
  }
}

/** `isBreakChar` for every UTF-16 code unit, tabulated once: the folding pass asks it of every character. */
const BREAK_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) if (isBreakChar(c)) table[c] = 1;
  return table;
})();

function isBreak(c: number): boolean {
  return BREAK_TABLE[c] === 1;
}

function isLatinLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLeetSymbol(ch: string): boolean {
  return LEET[ch] !== undefined || ch === '1';
}

/** Folds one lower-cased word: look-alikes when mixed with Latin (or in a Latin text), then leetspeak. */
function foldWord(word: string, latinText: boolean, signals: NormalizeSignals, relaxed: boolean): string {
  let latin = 0;
  let confusable = 0;
  let otherLetters = 0;
  let leet = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (isLatinLower(c)) latin++;
    else if (c >= 0x80) {
      if (HOMOGLYPHS[word[i] as string] !== undefined) confusable++;
      else if (isLetterish(c)) otherLetters++;
    } else if (isDigit(c) || LEET[word[i] as string] !== undefined) leet++;
  }
  let out = word;
  if (confusable > 0 && (latin > 0 || (otherLetters === 0 && latinText))) {
    let folded = '';
    for (const ch of out) folded += HOMOGLYPHS[ch] ?? ch;
    out = folded;
    if (latin > 0) signals.homoglyphWords++;
    latin += confusable;
  }
  if (leet > 0 && latin >= (relaxed ? 1 : 2)) out = foldLeet(out, signals, relaxed);
  return out;
}

function foldLeet(word: string, signals: NormalizeSignals, relaxed: boolean): string {
  // An identifier with a numeric suffix (user123, python3, gpt4) is not leetspeak (unless the text is).
  let end = word.length;
  while (!relaxed && end > 0 && isDigit(word.charCodeAt(end - 1))) end--;
  let interior = false;
  for (let i = 0; i < end; i++) {
    const ch = word[i] as string;
    if (isLeetSymbol(ch) && !(i === 0 && (ch === '$' || ch === '@')) && !(i === end - 1 && (ch === '!' || ch === '|'))) interior = true;
  }
  if (!interior) return word;
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const ch = word[i] as string;
    if (ch === '1') {
      const prev = word[i - 1];
      const next = word[i + 1];
      out += prev === '1' || next === '1' ? 'l' : 'i';
    } else {
      out += LEET[ch] ?? ch;
    }
  }
  signals.leetWords++;
  return out;
}

/** A letter standing alone (no letter before or after it). */
function isLoneLetter(text: string, i: number): boolean {
  return isLetterish(text.charCodeAt(i)) && (i === 0 || !isLetterish(text.charCodeAt(i - 1))) && (i + 1 >= text.length || !isLetterish(text.charCodeAt(i + 1)));
}

/** Collapses letters spaced out one by one ("i g n o r e  a l l", "i.g.n.o.r.e") into words. */
function collapseSpaced(text: string, signals: NormalizeSignals): string {
  let out = '';
  let last = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isLoneLetter(text, i)) {
      i++;
      continue;
    }
    let j = i;
    let letters = 1;
    let joined = text[i] as string;
    for (;;) {
      let m = j + 1;
      let spaces = 0;
      while (m < n && text.charCodeAt(m) === 0x20 && spaces < 3) {
        m++;
        spaces++;
      }
      if (spaces === 0 && m < n && (text.charCodeAt(m) === 0x2e || text.charCodeAt(m) === 0x2d)) m++;
      if (m === j + 1 || m >= n || !isLoneLetter(text, m)) break;
      joined += (spaces >= 2 ? ' ' : '') + (text[m] as string);
      letters++;
      j = m;
    }
    if (letters >= 6) {
      out += text.slice(last, i) + joined;
      last = j + 1;
      signals.spacedRuns++;
    }
    i = j + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

const ARABIC_FOLD: Record<string, string> = { 'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ى': 'ي', 'ة': 'ه', 'ؤ': 'و', 'ئ': 'ي' };

function foldScripts(text: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x0600) continue;
    let rep: string | undefined;
    if (c >= 0x0600 && c <= 0x06ff) {
      if ((c >= 0x064b && c <= 0x065f) || c === 0x0670 || c === 0x0640) rep = '';
      else rep = ARABIC_FOLD[text[i] as string];
    } else if (c === 0x093c) rep = '';
    else if (c === 0x0901) rep = '\u0902';
    if (rep !== undefined) {
      out += text.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Strips combining marks from Latin letters (accents: the lexicon is folded the same way) and from spaces,
 * digits and ASCII punctuation, where they only ever stack up to hide a word ("Zalgo" text). Marks on
 * other scripts stay (Greek needs its tonos) unless three or more are stacked on one character.
 */
function stripLatinMarks(text: string, signals?: NormalizeSignals): string {
  const decomposed = text.normalize('NFD');
  let out = '';
  let last = 0;
  let prevLatin = false;
  for (let i = 0; i < decomposed.length; i++) {
    const c = decomposed.charCodeAt(i);
    if (isCombiningMark(c)) {
      // The whole run of marks on this character: on Latin or ASCII it goes; on another script only when
      // three or more are stacked (Cyrillic й or Devanagari keep their one mark).
      let end = i + 1;
      while (end < decomposed.length && isCombiningMark(decomposed.charCodeAt(end))) end++;
      const stacked = end - i >= 3;
      if (stacked && signals) signals.stackedMarks++;
      // A stack on another script goes whole, a letter's own mark with it (й reads и): what the attacker
      // stacked cannot be told from what the letter had.
      if (prevLatin || stacked) {
        out += decomposed.slice(last, i);
        last = end;
      }
      i = end - 1;
      continue;
    }
    const special = c >= 0xc0 ? LATIN_SPECIAL[decomposed[i] as string] : undefined;
    if (special !== undefined) {
      out += decomposed.slice(last, i) + special;
      last = i + 1;
      prevLatin = true;
      continue;
    }
    prevLatin = c < 0x80 || isLatinLower(c);
  }
  return (last === 0 ? decomposed : out + decomposed.slice(last)).normalize('NFC');
}

/** Combining diacritical marks, their extensions and supplements, marks for symbols, half marks. */
function isCombiningMark(c: number): boolean {
  return (c >= 0x0300 && c <= 0x036f) || (c >= 0x1ab0 && c <= 0x1aff) || (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f);
}

/** Latin letters with accents, or combining marks left over after NFKC (stacked marks, marks on spaces). */
function hasLatinExtendedOrMarks(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xc0 && c <= 0x24f) return true;
    if (c >= 0x1e00 && c <= 0x1eff) return true;
    if (isCombiningMark(c)) return true;
  }
  return false;
}

/** A text needs this many hyphen-broken words before they are joined: one "e-mail" or "x-ray" is spelling, not a trick. */
const BROKEN_WORDS_MIN = 3;
/** A word broken by a hyphen next to a fragment of one or two letters ("i-nstructions", "wi-thout", "previou-s"). */
const BROKEN_WORD = pattern('normalize-broken-word', '\\b([a-z]{1,2})-([a-z]{2,})|\\b([a-z]{3,})-([a-z])\\b', 'g');

/** Letters around each hyphen, visited by `indexOf` (most texts have few hyphens): an upper bound of BROKEN_WORD's matches, cheap enough for every text. */
function brokenCandidates(text: string): number {
  let count = 0;
  for (let at = text.indexOf('-'); at >= 0 && count < BROKEN_WORDS_MIN; at = text.indexOf('-', at + 1)) {
    let left = 0;
    while (left < 3 && at - left - 1 >= 0 && isLatinLower(text.charCodeAt(at - left - 1))) left++;
    let right = 0;
    while (right < 2 && at + 1 + right < text.length && isLatinLower(text.charCodeAt(at + 1 + right))) right++;
    if (left > 0 && right > 0 && (left <= 2 || right === 1)) count++;
  }
  return count;
}

/** Joins hyphen-broken words when a text has several of them ("i-gnore a-ll previou-s i-nstructions"). */
function joinBrokenWords(text: string, signals: NormalizeSignals): string {
  if (brokenCandidates(text) < BROKEN_WORDS_MIN) return text;
  let joined = 0;
  const out = text.replace(BROKEN_WORD, (_m, a?: string, b?: string, c?: string, d?: string) => {
    joined++;
    return a !== undefined ? a + (b as string) : (c as string) + (d as string);
  });
  if (joined < BROKEN_WORDS_MIN) return text;
  signals.brokenWords += joined;
  return out;
}

const LEET_NUMBER = pattern('normalize-leet-number', '(?<![0-9a-z.,])[013457]{1,2}(?![0-9a-z.,])', 'g');
const LEET_DIGITS: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };

/** In a text already written in leetspeak, short words made only of leet digits ("15" is, "70" to, "41" ai) are words too; three digits ("100") are a number. */
function foldLeetNumbers(text: string): string {
  return text.replace(LEET_NUMBER, (digits) => Array.from(digits, (d) => LEET_DIGITS[d] ?? d).join(''));
}

const FOLD_PLAIN = 0;
const FOLD_BREAK = 1;
/** An ASCII digit or leet symbol (`@ $ ! |`): the word may be leetspeak. */
const FOLD_SPECIAL = 2;
/** A non-ASCII character that is no break: the word may hold look-alikes. */
const FOLD_WIDE = 3;
/** `foldWords`' class of every UTF-16 code unit (special and wide are the characters that make a word worth folding). */
const FOLD_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (isBreak(c)) table[c] = FOLD_BREAK;
    else if (c >= 0x80) table[c] = FOLD_WIDE;
    else if (isDigit(c) || c === 0x40 || c === 0x24 || c === 0x21 || c === 0x7c) table[c] = FOLD_SPECIAL;
    else table[c] = FOLD_PLAIN;
  }
  return table;
})();

/** Folds a lower-cased text word by word (look-alikes, leetspeak). */
function foldWords(lower: string, signals: NormalizeSignals, relaxed = false): string {
  // Whether the text is Latin matters only to a word with a look-alike in it: the count over the whole text waits for the first
  // such word (most texts that reach here only have a digit or a "!" by a letter, or an accented letter).
  let latinText: boolean | undefined;
  let out = '';
  let last = 0;
  const n = lower.length;
  const cls = FOLD_CLASS;
  // Only words with a special character (a digit, a leet symbol, a non-ASCII character) are folded, and most characters are
  // none: the scan looks for special characters alone and widens each one found to its word (a run of non-break characters).
  // Half the cost of walking every word's bounds, which mispredicts a branch at nearly every word edge.
  let end = 0;
  for (let i = 0; i < n; i++) {
    if ((cls[lower.charCodeAt(i)] as number) < FOLD_SPECIAL) continue;
    let start = i;
    while (start > end && cls[lower.charCodeAt(start - 1)] !== FOLD_BREAK) start--;
    let stop = i + 1;
    while (stop < n && cls[lower.charCodeAt(stop)] !== FOLD_BREAK) stop++;
    // Whether the text is Latin is read only for a word with a look-alike in it (all look-alikes are single code units).
    let lookalike = false;
    for (let j = start; j < stop; j++) if (HOMOGLYPH_UNITS[lower.charCodeAt(j)] === 1) lookalike = true;
    if (lookalike && latinText === undefined) latinText = isLatinText(lower);
    const word = lower.slice(start, stop);
    const folded = foldWord(word, latinText ?? false, signals, relaxed);
    if (folded !== word) {
      out += lower.slice(last, start) + folded;
      last = stop;
    }
    // `stop` is a break (or the end): the next word starts after it.
    end = stop;
    i = stop;
  }
  return last === 0 ? lower : out + lower.slice(last);
}

/**
 * A Latin text is one with more Latin letters than letters of other scripts that are not look-alikes
 * (Russian has plenty of those: б, ж, ы, я...; a Latin text dressed in Cyrillic look-alikes has none).
 */
function isLatinText(lower: string): boolean {
  let latin = 0;
  let other = 0;
  let confusable = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (isLatinLower(c)) latin++;
    else if (c >= 0x80) {
      if (HOMOGLYPH_UNITS[c] === 1) confusable++;
      else if (isLetterish(c)) other++;
    }
  }
  // Russian or Greek prose has plenty of letters that look like nothing Latin: never fold it wholesale.
  return latin > other && other <= confusable * 0.1;
}

const NON_ASCII = pattern('normalize-non-ascii', '[^\\x00-\\x7f]');
/** Something the word pass may fold: a non-ASCII character, or a digit or leet symbol touching a letter. */
/** Code units that are look-alike keys of HOMOGLYPHS (all single code units), for the per-character count in `foldWords`. */
const HOMOGLYPH_UNITS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (const key of Object.keys(HOMOGLYPHS)) if (key.length === 1) table[key.charCodeAt(0)] = 1;
  return table;
})();
const HOMOGLYPH_ANY = pattern('normalize-homoglyph', `[${Object.keys(HOMOGLYPHS).join('')}]`);
/** `hasLeet`'s class of each ASCII code unit: 1 a lower-case Latin letter, 2 a digit or leet symbol (`@ $ ! |`), 0 anything else. */
const LEET_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(0x80);
  for (let c = 0x61; c <= 0x7a; c++) table[c] = 1;
  for (let c = 0x30; c <= 0x39; c++) table[c] = 2;
  for (const c of [0x40, 0x24, 0x21, 0x7c]) table[c] = 2;
  return table;
})();

/**
 * A digit or leet symbol touching a lower-case Latin letter (a loop: the equivalent regex costs 5x more). One table load per
 * character: a letter next to a leet character is the only pair of classes that sums to 3.
 */
function hasLeet(lower: string): boolean {
  let prev = 0;
  const n = lower.length;
  for (let i = 0; i < n; i++) {
    const c = lower.charCodeAt(i);
    const k = c < 0x80 ? (LEET_CLASS[c] as number) : 0;
    if (prev + k === 3) return true;
    prev = k;
  }
  return false;
}
/** Anything `stripInvisible` removes. */
const INVISIBLE_ANY = pattern('normalize-invisible', '[\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0]|\\udb40[\\udc00-\\uddef]');
/** Six letters standing alone, separated by spaces, dots or dashes. */
const SPACED = pattern('normalize-spaced', '(?:^|[^a-z\\u00c0-\\uffff])[a-z\\u00c0-\\uffff](?:(?:[ ]{1,3}|[.-])[a-z\\u00c0-\\uffff]){5}(?![a-z\\u00c0-\\uffff])');

function isPlainAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

export function normalize(input: string): Normalized {
  const signals = emptySignals();
  let text = input;
  let hidden = '';
  const inputAscii = isPlainAscii(input);
  if (!inputAscii) {
    const nfkc = input.normalize('NFKC');
    if (INVISIBLE_ANY.test(nfkc)) {
      const stripped = stripInvisible(nfkc, signals);
      text = stripped.text;
      hidden = stripped.hidden;
    } else {
      text = nfkc;
    }
  }
  let lower = text.toLowerCase();
  if (!inputAscii) {
    if (hasLatinExtendedOrMarks(lower)) lower = stripLatinMarks(lower, signals);
    lower = foldScripts(lower);
  }
  const ascii = inputAscii || isPlainAscii(lower);
  let folded = (!ascii && HOMOGLYPH_ANY.test(lower)) || hasLeet(lower) ? foldWords(lower, signals) : lower;
  // A text with leetspeak in it: fold again, now also short words with one letter ("7h3", "m3") and digit-only words.
  if (signals.leetWords >= 1) folded = foldLeetNumbers(foldWords(folded, signals, true));
  if (SPACED.test(folded)) folded = collapseSpaced(folded, signals);
  if (folded.includes('-')) folded = joinBrokenWords(folded, signals);
  return { text, folded, hidden, signals, ascii };
}

/** Folds lexicon terms the way `normalize` folds text, without counting anything. */
export function foldTerm(term: string): string {
  return normalize(term).folded;
}
