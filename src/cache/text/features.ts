/**
 * What a question must share with a cached one before similarity is even considered ("must-match"
 * features), and the content words similarity and the word-order check read.
 *
 * A cache hit needs identical must-match features: numbers and amounts (in order), identifiers (order
 * ids, emails, SKUs), quoted strings, whether the question is negated, named entities (in order),
 * words of contrast (enable/disable, before/after, domestic/international...) and the question words
 * whose answers differ (why/when/where/who). So "refund for order 1234" never answers "order 1243",
 * "flights from Paris to Rome" never answers "from Rome to Paris", and "can I not..." never answers "can I...".
 */
import { createHash } from 'node:crypto';
import { CONTRASTS, DISTINCT_QUESTION_WORDS, NEGATIONS, NUMBER_WORDS, PHRASES } from './lexicon';
import { stem } from './stem';
import { canonicalWord, isCommonWord, isStopword, normalise, tokenize, withoutClitic, type Token } from './tokens';

export interface MustMatch {
  readonly numbers: readonly string[];
  readonly identifiers: readonly string[];
  readonly quoted: readonly string[];
  readonly negated: boolean;
  readonly entities: readonly string[];
  readonly contrasts: readonly string[];
  readonly questionWords: readonly string[];
}

export interface QuestionFeatures {
  readonly mustMatch: MustMatch;
  /** Stable digest of `mustMatch`: equal digests, equal features. */
  readonly signature: string;
  /** Canonical content words in order (no stopwords, numbers or identifiers). */
  readonly contentWords: readonly string[];
  /** Position of each content word in the question's token stream (for the word-order check). */
  readonly positions: readonly number[];
  /** Positions of prepositions that link two nouns ("discount for students", "language of the app"). */
  readonly connectors: readonly number[];
}

/** Prepositions that turn a compound around: "student discount" = "discount for students". */
const CONNECTORS: ReadonlySet<string> = new Set(['of', 'for', 'on', 'in', 'at', 'with', 'about', 'from']);
const CURRENCY = new Set(['$', '€', '£', '¥', '₹', '%']);
const QUOTE_PAIRS: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\u201c', '\u201d'],
  ['\u201e', '\u201c'],
  ['`', '`'],
  ['\u00ab', '\u00bb'],
  ['\u2018', '\u2019'],
]);
/** Quoted strings longer than this are content, not a literal to match. */
const MAX_QUOTED = 200;

export function questionFeatures(text: string): QuestionFeatures {
  const normalised = normalise(text);
  const tokens = foldPhrases(tokenize(normalised));
  const numbers: string[] = [];
  const identifiers: string[] = [];
  const entities: string[] = [];
  const contrasts = new Set<string>();
  const questionWords = new Set<string>();
  const contentWords: string[] = [];
  const positions: number[] = [];
  const content = (word: string, at: number): void => {
    contentWords.push(word);
    positions.push(at);
  };
  const connectors: number[] = [];
  let negated = false;
  for (const [at, token] of tokens.entries()) {
    const { canonical } = token;
    const lower = withoutClitic(token.lower);
    if (CONNECTORS.has(lower)) connectors.push(at);
    if (token.hasDigit && !token.hasLetter) {
      numbers.push(withCurrency(normalised, token, normaliseNumber(lower)));
      continue;
    }
    if (token.hasDigit || lower.includes('@') || lower.includes('/') || lower.includes('#')) {
      // "2fa" is vocabulary, not an id: the word lists know it.
      if (isCommonWord(lower)) content(canonical, at);
      else identifiers.push(token.lower);
      continue;
    }
    // "plan A", "Model S", "gate B": a capital letter alone (not the pronoun, not opening a sentence) is a label.
    if (token.surface.length === 1 && token.surface !== 'I' && token.surface !== token.lower && !token.sentenceStart) {
      identifiers.push(lower);
      continue;
    }
    const numberWord = NUMBER_WORDS.get(lower);
    if (numberWord !== undefined) {
      numbers.push(numberWord);
      continue;
    }
    if (NEGATIONS.has(lower) || canonical === 'not' || isNegatedForm(lower)) {
      negated = true;
      continue;
    }
    if (DISTINCT_QUESTION_WORDS.has(lower)) {
      // "why?" asks; "what happens when it ends" does not ask when.
      if (opensClause(normalised, token)) questionWords.add(lower);
      continue;
    }
    const contrast = CONTRASTS.get(lower) ?? CONTRASTS.get(stem(lower)) ?? CONTRASTS.get(canonical);
    if (contrast !== undefined) contrasts.add(contrast);
    if (isEntity(token)) entities.push(lower);
    if (!isStopword(canonical) && !isStopword(lower)) content(canonical, at);
  }
  const mustMatch: MustMatch = {
    numbers,
    identifiers,
    quoted: quotedStrings(normalised),
    negated,
    entities,
    contrasts: [...contrasts].sort(),
    questionWords: [...questionWords].sort(),
  };
  return { mustMatch, signature: digest(JSON.stringify(mustMatch)), contentWords, positions, connectors };
}

/** The token starts a sentence or clause, or ends the question ("..., why?"). */
function opensClause(text: string, token: Token): boolean {
  if (token.sentenceStart) return true;
  let before = token.start - 1;
  while (before >= 0 && text[before] === ' ') before -= 1;
  let after = token.start + token.surface.length;
  while (after < text.length && text[after] === ' ') after += 1;
  return text[before] === ',' || text[after] === '?' || after >= text.length;
}

/** "uninsured", "nonrefundable", "unverified": a prefix negation of a word we know. */
function isNegatedForm(lower: string): boolean {
  for (const prefix of ['un', 'non', 'non-']) {
    if (!lower.startsWith(prefix) || lower.length - prefix.length < 4) continue;
    const rest = lower.slice(prefix.length);
    if (isCommonWord(rest) || NEGATABLE.has(stem(rest))) return true;
  }
  return false;
}

/** Stems that take a negating prefix in support questions (unpaid, unread, nonrefundable...). */
const NEGATABLE: ReadonlySet<string> = new Set(['insur', 'paid', 'read', 'verifi', 'refundabl', 'availabl', 'deliver', 'ship', 'open', 'us', 'sign', 'lock', 'block', 'return', 'cancel', 'track', 'authoriz', 'known', 'expect', 'success', 'sav', 'confirm', 'activ', 'fund', 'approv', 'process', 'register', 'link', 'secur', 'protect']);

/** FNV-1a over the word: the order check's unit (the store keeps hashes, never the words). */
export function wordHash(word: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < word.length; i += 1) {
    hash ^= word.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** Joins two-word phrases ("log in", "turn off") into one token so they compare as one word. */
function foldPhrases(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    const next = tokens[i + 1];
    const phrase = next ? PHRASES.get(`${token.lower} ${next.lower}`) : undefined;
    if (phrase !== undefined && next) {
      out.push({ ...token, surface: phrase, lower: phrase, canonical: canonicalWord(phrase), hasDigit: false, hasLetter: true });
      i += 1;
      continue;
    }
    const hyphenated = PHRASES.get(token.lower);
    out.push(hyphenated === undefined ? token : { ...token, lower: hyphenated, canonical: canonicalWord(hyphenated) });
  }
  return out;
}

/**
 * A named entity: a capitalised word that is not the pronoun I, not an opener of a sentence that is an
 * ordinary word, or an acronym in capitals. Lower-case names are missed (then similarity decides).
 */
function isEntity(token: Token): boolean {
  const { surface } = token;
  const lower = withoutClitic(token.lower);
  const first = surface[0] ?? '';
  if (first === first.toLowerCase() || lower === 'i') return false;
  if (isStopword(lower) || NEGATIONS.has(lower)) return false;
  if (token.sentenceStart) return !isCommonWord(lower) && surface.length > 1;
  return true;
}

/** "1,200.50" -> "1200.5", "007" -> "7"; keeps leading zeros of long codes (zip codes, PINs). */
function normaliseNumber(raw: string): string {
  const plain = raw.replace(/,/g, '');
  if (/^\d{1,9}(?:\.\d{1,6})?$/.test(plain) && !(plain.length > 1 && plain.startsWith('0') && !plain.startsWith('0.'))) {
    return String(Number(plain));
  }
  return plain;
}

/** "$50" and "50%" are not "50". */
function withCurrency(text: string, token: Token, value: string): string {
  const before = text[token.start - 1];
  const after = text[token.start + token.surface.length];
  const prefix = before !== undefined && CURRENCY.has(before) ? before : '';
  const suffix = after !== undefined && CURRENCY.has(after) ? after : '';
  return `${prefix}${value}${suffix}`;
}

/** Strings in double, curly, guillemet or back quotes (single quotes double as apostrophes: skipped). */
function quotedStrings(text: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < text.length) {
    const close = QUOTE_PAIRS.get(text[i] as string);
    if (close === undefined) {
      i += 1;
      continue;
    }
    const end = text.indexOf(close, i + 1);
    if (end < 0 || end - i - 1 > MAX_QUOTED) {
      i += 1;
      continue;
    }
    const inner = text.slice(i + 1, end).trim().toLowerCase();
    if (inner.length > 0) found.push(inner);
    i = end + 1;
  }
  return found;
}
