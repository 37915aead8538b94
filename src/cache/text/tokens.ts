/**
 * Tokenisation for the semantic cache: words with their surface form (for named entities) and a
 * canonical form (lower case, light stemming, support-domain synonyms) for similarity. Written as a
 * character scan instead of one big regex, so there is nothing to backtrack.
 */
import { COMMON_WORDS, CONTRASTS, STOPWORDS, SYNONYMS } from './lexicon';
import { stem } from './stem';

export interface Token {
  /** As written (NFKC), for capitalisation and identifiers. */
  readonly surface: string;
  /** Lower case. */
  readonly lower: string;
  /** Stemmed and mapped through the synonym table: what similarity compares. */
  readonly canonical: string;
  /** The token opens a sentence (its capital letter says nothing). */
  readonly sentenceStart: boolean;
  readonly hasDigit: boolean;
  readonly hasLetter: boolean;
  /** Offset in the normalised text. */
  readonly start: number;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const DIGIT = /\p{Nd}/u;
const LETTER = /\p{L}/u;
/** Inside a word, these join its parts when a letter or digit follows: e-mail, ORD-1234, 1,200.50, a@b.c, don't. */
const JOINERS = new Set(['-', '_', '.', ',', '@', '/', "'", '\u2019', ':', '#']);
const SENTENCE_END = new Set(['.', '!', '?', '\n', ';']);

export function normalise(text: string): string {
  return text.normalize('NFKC');
}

/** Splits normalised text into tokens; a comma joins only digits (1,200), the others join any word characters. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let sentenceStart = true;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (!LETTER_OR_DIGIT.test(ch)) {
      if (SENTENCE_END.has(ch) && !(ch === '.' && i + 1 < n && LETTER_OR_DIGIT.test(text[i + 1] as string))) sentenceStart = true;
      i += 1;
      continue;
    }
    const start = i;
    let end = i + 1;
    while (end < n) {
      const c = text[end] as string;
      if (LETTER_OR_DIGIT.test(c)) {
        end += 1;
        continue;
      }
      const next = text[end + 1];
      if (JOINERS.has(c) && next !== undefined && LETTER_OR_DIGIT.test(next)) {
        if (c === ',' && !(DIGIT.test(text[end - 1] as string) && DIGIT.test(next))) break;
        if (c === ':' && !(DIGIT.test(text[end - 1] as string) && DIGIT.test(next))) break;
        end += 2;
        continue;
      }
      break;
    }
    const surface = text.slice(start, end);
    const lower = surface.toLowerCase();
    let hasDigit = false;
    let hasLetter = false;
    for (const c of surface) {
      if (!hasDigit && DIGIT.test(c)) hasDigit = true;
      else if (!hasLetter && LETTER.test(c)) hasLetter = true;
    }
    tokens.push({ surface, lower, canonical: canonicalWord(lower, hasDigit), sentenceStart, hasDigit, hasLetter, start });
    sentenceStart = false;
    i = end;
  }
  return tokens;
}

/** Words that carry no meaning for matching (after contractions are split off by `canonicalWord`). */
export function isStopword(canonical: string): boolean {
  return STOPWORDS.has(canonical);
}

export function isCommonWord(lower: string): boolean {
  const word = withoutClitic(lower);
  const stemmed = stem(word);
  return COMMON_WORDS.has(word) || STOPWORDS.has(word) || SYNONYMS.has(word) || SYNONYMS.has(stemmed) || COMMON_WORDS.has(stemmed) || CONTRASTS.has(word) || CONTRASTS.has(stemmed);
}

/** "what's" -> "what", "customer's" -> "customer" (n't is handled apart: it is a negation). */
export function withoutClitic(lower: string): string {
  const apostrophe = lower.search(/['\u2019]/);
  return apostrophe > 0 ? lower.slice(0, apostrophe) : lower;
}

/** Lower-case word -> what similarity compares: contractions expanded, stemmed, synonyms folded. */
export function canonicalWord(lower: string, hasDigit = false): string {
  if (hasDigit) return lower.replace(/,/g, '');
  let word = lower.replace(/\u2019/g, "'");
  if (word.endsWith("n't")) return 'not';
  const apostrophe = word.indexOf("'");
  if (apostrophe > 0) word = word.slice(0, apostrophe);
  const direct = SYNONYMS.get(word);
  if (direct) return direct;
  const stemmed = stem(word);
  return SYNONYMS.get(stemmed) ?? stemmed;
}

