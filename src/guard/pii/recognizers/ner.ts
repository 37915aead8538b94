/**
 * Best-effort PERSON, LOCATION, ADDRESS and ORGANIZATION without a model: word lists, capitalisation, cue
 * phrases ("my name is", "Dear", "zip code") and the shapes of postal addresses (house number, street word,
 * unit, postcode). Good enough to catch the obvious; for real NER use the remote-analyser plug-in.
 */
import { pattern } from '../patterns';
import type { Candidate, Recognizer } from '../types';
import {
  AMBIGUOUS_GIVEN_NAMES,
  COUNTRIES,
  GIVEN_NAMES,
  NAME_PARTICLES,
  NOT_NAME_WORDS,
  ORGANIZATION_SUFFIXES,
  PERSON_TITLES,
  REGIONS_AND_CITIES,
  STREET_ENDINGS,
  STREET_PREFIXES,
  STREET_SUFFIXES,
  UNIT_WORDS,
} from './gazetteer';
import { eachMatch } from './util';

const TOKEN = pattern('ner.token', "[\\p{L}\\p{M}]+(?:['’\\-][\\p{L}\\p{M}]+)*\\.?|\\d+[A-Za-z]?\\.?|\\n|[^\\s\\p{L}\\p{M}\\d]", 'gu');
const LETTER = pattern('ner.letter', '[\\p{L}\\p{M}]', 'u');
const MARKS = pattern('ner.marks', '[\\u0300-\\u036f]', 'g');

type Kind = 'word' | 'num' | 'nl' | 'punct';

interface Token {
  readonly start: number;
  /** End without a trailing period or possessive. */
  readonly end: number;
  readonly text: string;
  /** Lower-cased, without diacritics. */
  readonly key: string;
  readonly kind: Kind;
  readonly cap: boolean;
  readonly allCaps: boolean;
  readonly dot: boolean;
}

function fold(text: string): string {
  const lower = text.toLowerCase();
  for (let i = 0; i < lower.length; i++) if (lower.charCodeAt(i) > 127) return lower.normalize('NFD').replace(MARKS, '');
  return lower;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  eachMatch(TOKEN, text, (m) => {
    let raw = m[0];
    const first = raw[0]!;
    const code = first.charCodeAt(0);
    const asciiLetter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
    const kind: Kind = first === '\n' ? 'nl' : code >= 48 && code <= 57 ? 'num' : asciiLetter || (code > 127 && LETTER.test(first)) ? 'word' : 'punct';
    const dot = raw.endsWith('.') && raw.length > 1;
    if (dot) raw = raw.slice(0, -1);
    if (kind === 'word' && (raw.endsWith("'s") || raw.endsWith('’s'))) raw = raw.slice(0, -2);
    const cap = first !== first.toLowerCase();
    tokens.push({ start: m.index, end: m.index + raw.length, text: raw, key: fold(raw), kind, cap, allCaps: cap && raw === raw.toUpperCase() && raw.length > 1, dot });
  });
  return tokens;
}

interface PhraseIndex {
  readonly byFirst: Map<string, string[][]>;
}

function phraseIndex(list: readonly string[]): PhraseIndex {
  const byFirst = new Map<string, string[][]>();
  for (const phrase of list) {
    const parts = phrase.split(' ').map(fold);
    const bucket = byFirst.get(parts[0]!) ?? [];
    bucket.push(parts);
    bucket.sort((a, b) => b.length - a.length);
    byFirst.set(parts[0]!, bucket);
  }
  return { byFirst };
}

const COUNTRY_INDEX = phraseIndex(COUNTRIES);
const PLACE_INDEX = phraseIndex(REGIONS_AND_CITIES);
const FOLDED_ENDINGS = STREET_ENDINGS.map((e) => fold(e).replace('.', ''));

/** Longest phrase of the index starting at token i (words only, case-insensitive); returns the number of tokens. */
function matchPhrase(tokens: readonly Token[], i: number, index: PhraseIndex): number {
  const bucket = index.byFirst.get(tokens[i]!.key);
  if (!bucket) return 0;
  for (const parts of bucket) {
    let ok = true;
    for (let k = 0; k < parts.length; k++) {
      const token = tokens[i + k];
      if (!token || token.key !== parts[k] || (k > 0 && token.kind !== 'word')) {
        ok = false;
        break;
      }
    }
    if (ok) return parts.length;
  }
  return 0;
}

function isName(token: Token | undefined, loose: boolean): boolean {
  if (!token || token.kind !== 'word' || NOT_NAME_WORDS.has(token.key)) return false;
  return token.cap || loose;
}

function placeAt(tokens: readonly Token[], i: number, loose: boolean): number {
  const t = tokens[i]!;
  if (t.kind !== 'word' || !(t.cap || loose)) return 0;
  const n = Math.max(matchPhrase(tokens, i, COUNTRY_INDEX), matchPhrase(tokens, i, PLACE_INDEX));
  // Short names (UK, USA) only in capitals.
  if (n === 1 && t.text.length <= 3 && !t.allCaps) return 0;
  return n;
}

function isStreetWord(tokens: readonly Token[], index: number): 'suffix' | 'prefix' | 'compound' | undefined {
  const token = tokens[index]!;
  if (token.kind !== 'word') return undefined;
  if (STREET_SUFFIXES.has(token.key) && (token.key.length > 2 || token.cap)) return 'suffix';
  if (STREET_PREFIXES.has(token.key) && (token.cap || tokens[index - 1]?.kind === 'num')) return 'prefix';
  if (token.key.length > 5 && FOLDED_ENDINGS.some((e) => token.key.endsWith(e))) return 'compound';
  return undefined;
}

function isPostcode(token: Token | undefined): boolean {
  return !!token && token.kind === 'num' && token.text.length >= 4 && token.text.length <= 6;
}

function sentenceStart(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  return !prev || prev.kind === 'nl' || (prev.kind === 'punct' && '.!?:"“'.includes(prev.text)) || prev.dot;
}

const PERSON_CUES: readonly (readonly string[])[] = [
  ['name', 'is'], ['name', ':'], ['names', 'are'], ['call', 'me'], ['calls', 'me'], ['called'], ['dear'], ['hi'], ['hello'], ['hey'],
  ['thanks'], ['said'], ['asked'], ['told'], ['signed'], ['regards', ','], ['sincerely', ','], ['i', 'am'], ['this', 'is'], ['by'], ['with'],
  ['maiden', 'name', 'is'], ['user', ':'], ['contact'], ['from', ':'], ['to', ':'], ['attn', ':'],
];

function cueBefore(tokens: readonly Token[], i: number): boolean {
  for (const cue of PERSON_CUES) {
    let ok = true;
    for (let k = 0; k < cue.length; k++) {
      const token = tokens[i - cue.length + k];
      if (!token || token.key !== cue[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  const prev = tokens[i - 1];
  return !!prev && PERSON_TITLES.has(prev.key);
}

const LOCATION_CUES = new Set(['from', 'in', 'near', 'visiting', 'toward', 'towards']);

function personAt(tokens: readonly Token[], i: number, loose: boolean): { end: number; score: number } | undefined {
  const t = tokens[i]!;
  if (!isName(t, loose) || placeAt(tokens, i, loose) > 0 && !GIVEN_NAMES.has(t.key)) return undefined;
  const given = GIVEN_NAMES.has(t.key);
  const cue = cueBefore(tokens, i);
  if (!given && !cue) return undefined;
  if (!given && (!t.cap || STREET_SUFFIXES.has(t.key) || ORGANIZATION_SUFFIXES.has(t.key) || UNIT_WORDS.has(t.key))) return undefined;
  let j = i + 1;
  let parts = 1;
  while (j < tokens.length && parts < 4) {
    const next = tokens[j]!;
    if (next.start - tokens[j - 1]!.end > 2) break;
    if (next.kind === 'word' && NAME_PARTICLES.has(next.key) && !next.cap && isName(tokens[j + 1], false)) {
      j += 2;
      parts += 2;
      continue;
    }
    if (next.kind === 'word' && next.cap && next.text.length === 1) {
      j++;
      parts++;
      continue;
    }
    const surnameLike = next.kind === 'word' && next.cap && !NOT_NAME_WORDS.has(next.key) && !STREET_SUFFIXES.has(next.key) && !ORGANIZATION_SUFFIXES.has(next.key) && !UNIT_WORDS.has(next.key) && placeAt(tokens, j, false) === 0;
    if (!surnameLike || next.allCaps !== t.allCaps) break;
    j++;
    parts++;
    if (tokens[j - 1]!.dot) break;
  }
  if (parts === 1 && given && AMBIGUOUS_GIVEN_NAMES.has(t.key) && !cue) return undefined;
  if (parts === 1 && !given && sentenceStart(tokens, i) && !cue) return undefined;
  const score = parts > 1 ? (given || cue ? 0.7 : 0.5) : cue ? 0.65 : 0.55;
  return { end: tokens[j - 1]!.end, score };
}

/** Extends an address to the right over units, cities, state codes, postcodes and countries (one line break at a time). */
function extendAddress(tokens: readonly Token[], j: number, limit: number): number {
  let last = j;
  let k = j + 1;
  let breaks = 0;
  while (k < tokens.length && k - j < limit) {
    // A full stop after a word (not an abbreviation such as "St." or "Apt.") ends the sentence and the address.
    const previous = tokens[k - 1]!;
    if (previous.dot && previous.kind === 'word' && previous.text.length > 3) break;
    const t = tokens[k]!;
    if (t.kind === 'nl') {
      if (++breaks > 4 || tokens[k + 1]?.kind === 'nl') break;
      k++;
      continue;
    }
    if (t.kind === 'punct') {
      if (t.text === ',') {
        k++;
        continue;
      }
      break;
    }
    if (t.kind === 'word' && UNIT_WORDS.has(t.key) && tokens[k + 1]?.kind === 'num') {
      last = k + 1;
      k += 2;
      continue;
    }
    if (t.kind === 'num') {
      // A postcode or house number, not the first group of a phone number on the next line.
      const after = tokens[k + 1];
      const phoneLike = t.text.length > 6 || (after && after.start === t.end && after.kind === 'punct' && after.text !== ',') || (after?.kind === 'num' && after.start - t.end <= 1);
      if (phoneLike) break;
      last = k;
      k++;
      continue;
    }
    const place = placeAt(tokens, k, true);
    if (place > 0) {
      last = k + place - 1;
      k += place;
      continue;
    }
    if (t.kind === 'word' && (t.cap || NAME_PARTICLES.has(t.key)) && !NOT_NAME_WORDS.has(t.key)) {
      // A city of up to four words, then a postcode, a state code, a comma or a line break must follow,
      // or a country ends it ("Warszawa Australia last night").
      let m = k;
      let country = 0;
      while (m < tokens.length && m - k < 4 && tokens[m]!.kind === 'word' && (tokens[m]!.cap || NAME_PARTICLES.has(tokens[m]!.key))) {
        country = m > k ? placeAt(tokens, m, true) : 0;
        if (country > 0) break;
        m++;
      }
      if (country > 0) {
        last = m + country - 1;
        k = m + country;
        continue;
      }
      const after = tokens[m];
      if (!after || after.kind === 'nl' || after.kind === 'num' || (after.kind === 'punct' && after.text === ',')) {
        last = m - 1;
        k = m;
        continue;
      }
      break;
    }
    break;
  }
  return last;
}

function addressAt(tokens: readonly Token[], i: number, loose: boolean): { startToken: number; endToken: number; score: number } | undefined {
  const t = tokens[i]!;
  const kind = isStreetWord(tokens, i);
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  if (kind === 'suffix') {
    // "221B Baker Street", "3503 Bicetown Road": a house number before up to three name words.
    let s = i - 1;
    while (s >= 0 && i - s <= 3 && tokens[s]!.kind === 'word' && (tokens[s]!.cap || !t.cap)) s--;
    if (s === i - 1) return undefined;
    const numberBefore = s >= 0 && tokens[s]!.kind === 'num';
    const numberAfter = next?.kind === 'num';
    if (!numberBefore && !numberAfter) return undefined;
    const startToken = numberBefore ? s : s + 1;
    return { startToken, endToken: numberAfter ? i + 1 : i, score: 0.8 };
  }
  if (kind === 'prefix') {
    let e = i + 1;
    while (e < tokens.length && e - i <= 5 && tokens[e]!.kind === 'word' && (tokens[e]!.cap || NAME_PARTICLES.has(tokens[e]!.key) || tokens[e]!.text.length <= 2)) e++;
    if (e === i + 1) return undefined;
    const numberAfter = tokens[e]?.kind === 'num';
    const numberBefore = prev?.kind === 'num';
    if (!numberAfter && !numberBefore) return undefined;
    return { startToken: numberBefore ? i - 1 : i, endToken: numberAfter ? e : e - 1, score: 0.7 };
  }
  if (kind === 'compound') {
    const numberAfter = next?.kind === 'num';
    const numberBefore = prev?.kind === 'num';
    if (!numberAfter && !numberBefore) return undefined;
    return { startToken: numberBefore ? i - 1 : i, endToken: numberAfter ? i + 1 : i, score: 0.65 };
  }
  // "Apt. 617", "Suite 540" on their own; "P.O. Box 101"; "Unit 4818 Box 0262"; "DPO AP 34698".
  if (t.kind === 'word' && UNIT_WORDS.has(t.key) && (t.cap || loose) && next?.kind === 'num') return { startToken: i, endToken: i + 1, score: 0.6 };
  if (t.key === 'box' && t.cap && next?.kind === 'num') {
    const startToken = prev?.key === 'o' && tokens[i - 2]?.key === 'p' ? i - 2 : prev?.key === 'po' ? i - 1 : i;
    return { startToken, endToken: i + 1, score: 0.65 };
  }
  if ((t.text === 'APO' || t.text === 'FPO' || t.text === 'DPO') && (next?.text === 'AA' || next?.text === 'AE' || next?.text === 'AP') && tokens[i + 2]?.kind === 'num') {
    return { startToken: i, endToken: i + 2, score: 0.7 };
  }
  // "92 Eusebio Dávila 57": house number, capitalised street name, number.
  if (t.kind === 'num' && t.text.length <= 4) {
    let e = i + 1;
    while (e < tokens.length && e - i <= 4 && tokens[e]!.kind === 'word' && (tokens[e]!.cap || loose) && !NOT_NAME_WORDS.has(tokens[e]!.key)) e++;
    if (e > i + 1 && tokens[e]?.kind === 'num' && tokens[e]!.text.length <= 4 && tokens[e]!.start - tokens[e - 1]!.end === 1) {
      const following = tokens[e + 1];
      if (!following || following.kind === 'nl' || following.text === ',' || (following.kind === 'word' && UNIT_WORDS.has(following.key))) {
        return { startToken: i, endToken: e, score: 0.5 };
      }
    }
  }
  return undefined;
}

const ZIP_CUE = new Set(['zip', 'zipcode', 'postcode', 'postal']);

export const nerRecognizer: Recognizer = {
  id: 'ner_heuristic',
  entities: ['PERSON', 'LOCATION', 'ADDRESS', 'ORGANIZATION'],
  find(text) {
    const tokens = tokenize(text);
    // A text without any capital letter (lower-cased chat) cannot use capitalisation as a cue.
    const loose = !hasUpper(text);
    const out: Candidate[] = [];
    let addressUntil = -1;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (i > addressUntil) {
        const address = addressAt(tokens, i, loose);
        if (address) {
          const endToken = extendAddress(tokens, address.endToken, 24);
          // A second number before the street on the same line ("62 47 Kogil Street") belongs to it.
          let startToken = address.startToken;
          const before = tokens[startToken - 1];
          if (before?.kind === 'num' && tokens[startToken]!.start - before.end === 1 && startToken - 1 > addressUntil) startToken--;
          // Units, cities, postcodes and countries after the street make it surer (and beat a country alone).
          const score = Math.min(0.9, address.score + 0.05 * (endToken - address.endToken));
          out.push({ type: 'ADDRESS', start: tokens[startToken]!.start, end: tokens[endToken]!.end, score, recognizer: 'ner_heuristic' });
          addressUntil = endToken;
          continue;
        }
      }
      if (t.kind === 'num' && isPostcode(t)) {
        const window = tokens.slice(Math.max(0, i - 4), i).map((w) => w.key);
        if (window.some((w) => ZIP_CUE.has(w))) out.push({ type: 'ADDRESS', start: t.start, end: t.end, score: 0.6, recognizer: 'ner_heuristic' });
        continue;
      }
      if (t.kind !== 'word') continue;
      const place = placeAt(tokens, i, loose);
      if (place > 0) {
        const personFirst = GIVEN_NAMES.has(t.key) ? personAt(tokens, i, loose) : undefined;
        if (personFirst && personFirst.end > tokens[i + place - 1]!.end) {
          out.push({ type: 'PERSON', start: t.start, end: personFirst.end, score: personFirst.score, recognizer: 'ner_heuristic' });
        } else {
          out.push({ type: 'LOCATION', start: t.start, end: tokens[i + place - 1]!.end, score: 0.6, recognizer: 'ner_heuristic' });
        }
        i += place - 1;
        continue;
      }
      if (ORGANIZATION_SUFFIXES.has(t.key) && t.cap && i > 0) {
        let s = i - 1;
        while (s >= 0 && i - s <= 4 && tokens[s]!.kind === 'word' && (tokens[s]!.cap || tokens[s]!.key === 'and' || tokens[s]!.key === 'of') && !NOT_NAME_WORDS.has(tokens[s]!.key)) s--;
        if (s < i - 1 && tokens[s + 1]!.cap) {
          out.push({ type: 'ORGANIZATION', start: tokens[s + 1]!.start, end: t.dot ? t.end + 1 : t.end, score: 0.6, recognizer: 'ner_heuristic' });
          continue;
        }
      }
      const person = personAt(tokens, i, loose);
      if (person) {
        out.push({ type: 'PERSON', start: t.start, end: person.end, score: person.score, recognizer: 'ner_heuristic' });
        while (i + 1 < tokens.length && tokens[i + 1]!.end <= person.end) i++;
        continue;
      }
      const prev = tokens[i - 1];
      if (prev && LOCATION_CUES.has(prev.key) && t.cap && !sentenceStart(tokens, i) && !NOT_NAME_WORDS.has(t.key) && !ORGANIZATION_SUFFIXES.has(t.key)) {
        let e = i;
        while (e + 1 < tokens.length && e - i < 2 && tokens[e + 1]!.kind === 'word' && tokens[e + 1]!.cap && !NOT_NAME_WORDS.has(tokens[e + 1]!.key)) e++;
        out.push({ type: 'LOCATION', start: t.start, end: tokens[e]!.end, score: 0.5, recognizer: 'ner_heuristic' });
        i = e;
      }
    }
    addCoordinatedNames(tokens, out, loose);
    return out;
  },
};

/**
 * "Kovalev, Lee and Phillips", "Urías and Mclaughlin": capitalised words coordinated with a recognised person
 * are people too.
 */
function addCoordinatedNames(tokens: readonly Token[], out: Candidate[], loose: boolean): void {
  if (!out.some((c) => c.type === 'PERSON')) return;
  // Which candidate covers each token (a person wins over other types), in O((tokens + candidates) log tokens).
  const cover = new Map<Token, Candidate>();
  for (const c of out) {
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tokens[mid]!.start < c.start) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < tokens.length && tokens[k]!.end <= c.end; k++) {
      const current = cover.get(tokens[k]!);
      if (!current || (current.type !== 'PERSON' && c.type === 'PERSON')) cover.set(tokens[k]!, c);
    }
  }
  const coveredBy = (token: Token): Candidate | undefined => cover.get(token);
  let i = 0;
  while (i < tokens.length) {
    const members: Token[] = [];
    let j = i;
    for (;;) {
      const t = tokens[j];
      if (!t || t.kind !== 'word' || !(t.cap || loose) || NOT_NAME_WORDS.has(t.key)) break;
      members.push(t);
      const sep = tokens[j + 1];
      if (sep && (sep.text === ',' || sep.text === '&' || sep.key === 'and' || sep.key === 'or')) {
        const after = tokens[j + 2];
        if (sep.text === ',' && (after?.key === 'and' || after?.key === 'or')) {
          j += 3;
          continue;
        }
        j += 2;
        continue;
      }
      break;
    }
    const conjunction = members.length >= 2 && ['and', 'or', '&'].includes(tokens[j - 1]?.key ?? '');
    if (conjunction && members.some((m) => coveredBy(m)?.type === 'PERSON')) {
      for (const m of members) {
        if (!coveredBy(m) && !ORGANIZATION_SUFFIXES.has(m.key)) out.push({ type: 'PERSON', start: m.start, end: m.end, score: 0.55, recognizer: 'ner_heuristic' });
      }
    }
    i = Math.max(i + 1, j + 1);
  }
}

function hasUpper(text: string): boolean {
  return text !== text.toLowerCase();
}
