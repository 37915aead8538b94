/**
 * Tokeniser and concept tagger over folded text. Space-delimited scripts are split into tokens and
 * looked up (exact, stem, multi-word, one-typo for a few key English terms); Chinese and Japanese runs
 * are scanned for substrings. The output is the concept stream: which concept, at which token position
 * (a Chinese or Japanese run counts one position per two characters, about a word).
 */
import { CONCEPTS, LEXICON, type Concept } from './lexicon';
import { MORE_LEXICON } from './lexicon-more';
import { SHAPE_GROUPED, SHAPE_LONG, SHAPE_ROT_OR_REVERSED, wordShape, type EncodedHints } from './decode';
import { foldTerm } from './normalize';
import { pattern } from './patterns';

export const CONCEPT_COUNT = CONCEPTS.length;
export const CONCEPT_ID: Readonly<Record<Concept, number>> = Object.fromEntries(CONCEPTS.map((c, i) => [c, i])) as Record<Concept, number>;

export interface ConceptHit {
  readonly concept: number;
  /** Token position of the first token of the match. */
  readonly pos: number;
  /** Token position after the match. */
  readonly end: number;
}

export interface Tokens {
  /** Tokens of space-delimited scripts, in order. */
  readonly words: string[];
  /** Token position of each word (positions also advance through CJK runs). */
  readonly wordPos: number[];
  /** Concept hits in position order. */
  readonly hits: ConceptHit[];
  /**
   * Hash of each word (FNV-1a over its UTF-16 code units, an unsigned 32-bit value), for the classifier's features. A plain
   * array: a typed array costs an ArrayBuffer per text (and per line of data), several times the cost of filling it.
   */
  readonly wordHashes: readonly number[];
  /** What the words say about encodings in the text (for the decoder's pre-checks). */
  readonly encoded: EncodedHints;
  /** Chinese and Japanese runs (matched as substrings, featurised as character n-grams). */
  readonly cjk: string[];
  /** Total positions. */
  readonly length: number;
}

function isCjk(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff);
}

function isArabic(c: number): boolean {
  return c >= 0x0600 && c <= 0x06ff;
}

/** A character that belongs to a word of a space-delimited script. */
export function isWordChar(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
  if (c < 0xc0) return false;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xff65) return false;
  if (c === 0x060c || c === 0x061b || c === 0x061f || c === 0x06d4 || c === 0x0964 || c === 0x0965) return false;
  if (isCjk(c)) return false;
  return true;
}

interface WordEntry {
  readonly concept: number;
  /** Tokens after the first. */
  readonly rest: readonly string[];
  /** The last token is a stem (prefix match). */
  readonly prefix: boolean;
  readonly first: string;
}

interface CjkEntry {
  readonly concept: number;
  readonly term: string;
}

const exactIndex = new Map<string, WordEntry[]>();
const stemIndex = new Map<number, WordEntry[]>();
const cjkIndex = new Map<string, CjkEntry[]>();
const fuzzyIndex = new Map<string, number>();
const multiStarts = new Set<string>();
const fuzzyShapes = new Set<number>();

function key2(word: string): number {
  return (word.charCodeAt(0) << 16) | word.charCodeAt(1);
}

function splitWords(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    if (i < text.length && isWordChar(c)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
  }
  return out;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function deletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Key English terms matched with one typo (gandalf-style "prefious", "instuctions", "pasword"). */
const FUZZY: readonly [string, Concept][] = [
  ['disregard', 'IGNORE'], ['previous', 'PRIOR'], ['instructions', 'INSTR'], ['instruction', 'INSTR'], ['directives', 'INSTR'],
  ['guidelines', 'INSTR'], ['restrictions', 'INSTR'], ['password', 'SECRET'], ['everything', 'ALL'],
];

function build(): void {
  for (const concept of CONCEPTS) {
    const id = CONCEPT_ID[concept];
    for (const raw of [...LEXICON[concept], ...(MORE_LEXICON[concept] ?? [])]) {
      const prefix = raw.endsWith('*');
      const folded = foldTerm(prefix ? raw.slice(0, -1) : raw);
      let cjk = false;
      for (let i = 0; i < folded.length; i++) if (isCjk(folded.charCodeAt(i))) cjk = true;
      if (cjk) {
        push(cjkIndex, folded[0] as string, { concept: id, term: folded });
        continue;
      }
      const words = splitWords(folded);
      const first = words[0];
      if (first === undefined) continue;
      const entry: WordEntry = { concept: id, rest: words.slice(1), prefix, first };
      if (prefix && words.length === 1 && first.length >= 2) push(stemIndex, key2(first), entry);
      else push(exactIndex, first, entry);
      if (words.length > 1) multiStarts.add(first);
    }
  }
  for (const list of cjkIndex.values()) list.sort((a, b) => b.term.length - a.term.length);
  for (const [term, concept] of FUZZY) {
    const id = CONCEPT_ID[concept];
    fuzzyIndex.set(term, id);
    for (const d of deletions(term)) if (!fuzzyIndex.has(d)) fuzzyIndex.set(d, id);
    for (const len of [term.length - 1, term.length, term.length + 1]) fuzzyShapes.add(term.charCodeAt(0) * 64 + len);
  }
}
build();

const ARABIC_PREFIXES = ['وال', 'بال', 'فال', 'كال', 'لل', 'ال', 'و', 'ف', 'ب', 'ل', 'ك'];

function variants(word: string): readonly string[] {
  if (!isArabic(word.charCodeAt(0))) return [word];
  const out = [word];
  for (const p of ARABIC_PREFIXES) if (word.startsWith(p) && word.length - p.length >= 2) out.push(word.slice(p.length));
  return out;
}

function matchRest(words: readonly string[], i: number, entry: WordEntry): boolean {
  const rest = entry.rest;
  for (let k = 0; k < rest.length; k++) {
    const want = rest[k] as string;
    const got = words[i + 1 + k];
    if (got === undefined) return false;
    if (entry.prefix && k === rest.length - 1 ? !got.startsWith(want) : got !== want) return false;
  }
  return true;
}

function fuzzyLookup(word: string): number {
  if (word.length < 7 || word.length > 13 || !fuzzyShapes.has(word.charCodeAt(0) * 64 + word.length)) return -1;
  const c0 = word.charCodeAt(0);
  if (c0 < 0x61 || c0 > 0x7a) return -1;
  const direct = fuzzyIndex.get(word);
  if (direct !== undefined) return direct;
  for (let i = 1; i < word.length; i++) {
    const hit = fuzzyIndex.get(word.slice(0, i) + word.slice(i + 1));
    if (hit !== undefined) return hit;
  }
  return -1;
}

const HAS_CJK = pattern('concept-cjk', '[\\u3040-\\u30ff\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff]', 'u');

const ASCII_ONLY = pattern('concept-ascii', '^[\\x00-\\x7f]*$');

function hasCjkChar(part: string): boolean {
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c >= 0x3040 && isCjk(c)) return true;
  }
  return false;
}

/** Letters, marks and digits of any script, Chinese and Japanese included (they are split later). */
function isTokenChar(c: number): boolean {
  return isWordChar(c) || isCjk(c);
}

/** `isTokenChar` of every UTF-16 code unit: one load per character instead of a dozen range tests on non-ASCII text. */
const TOKEN_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) if (isTokenChar(c)) table[c] = 1;
  return table;
})();

/** Same as splitting on runs of non-letters, without a Unicode regex (which costs as much as the rest of tagging). */
function splitUnicode(text: string): string[] {
  const out: string[] = [];
  const token = TOKEN_CHAR;
  let start = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (token[text.charCodeAt(i)] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

function splitAscii(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const word = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(text.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) out.push(text.slice(start));
  return out;
}

/** Tokenises folded text and tags concepts. `ascii`: the caller knows whether the text is plain ASCII. */
export function tagConcepts(folded: string, ascii?: boolean): Tokens {
  const hits: ConceptHit[] = [];
  const cjkRuns: string[] = [];
  let pos = 0;
  const isAscii = ascii ?? ASCII_ONLY.test(folded);
  const cjk = !isAscii && HAS_CJK.test(folded);
  const parts = isAscii ? splitAscii(folded) : splitUnicode(folded);
  // Without Chinese or Japanese every part is one word at the next position (the splitters return no empty parts): the parts
  // are the words, not copied into a second array.
  const words: string[] = cjk ? [] : parts;
  const wordPos: number[] = cjk ? [] : new Array<number>(parts.length);
  if (!cjk) {
    for (let w = 0; w < parts.length; w++) wordPos[w] = w;
    pos = parts.length;
  } else {
    for (const part of parts) {
      if (part.length === 0) continue;
      if (hasCjkChar(part)) {
        // Split into CJK runs (scanned for substrings) and other words.
        let i = 0;
        while (i < part.length) {
          const start = i;
          if (isCjk(part.charCodeAt(i))) {
            while (i < part.length && isCjk(part.charCodeAt(i))) i++;
            scanCjk(part, { start, end: i, pos }, hits);
            cjkRuns.push(part.slice(start, i));
            pos += Math.ceil((i - start) / 2);
          } else {
            while (i < part.length && !isCjk(part.charCodeAt(i))) i++;
            words.push(part.slice(start, i));
            wordPos.push(pos++);
          }
        }
        continue;
      }
      words.push(part);
      wordPos.push(pos++);
    }
  }
  const wordHashes = new Array<number>(words.length);
  shapeCounts.rot = 0;
  shapeCounts.grouped = 0;
  shapeCounts.long = false;
  for (let w = 0; w < words.length; w++) wordHashes[w] = tagWord(words, wordPos, w, hits);
  const encoded: EncodedHints = { rotOrReversed: shapeCounts.rot, grouped: shapeCounts.grouped, long: shapeCounts.long };
  // Words are tagged in order; only CJK runs (tagged while splitting) can be out of order.
  if (cjk) hits.sort((a, b) => a.pos - b.pos);
  return { words, wordPos, wordHashes, hits: withoutReportedIgnoring(words, wordPos, hits), encoded, cjk: cjkRuns, length: pos };
}

/** The hits without the IGNORE hits that report (a new array only when there is one to drop: most texts have none). */
function withoutReportedIgnoring(words: readonly string[], wordPos: readonly number[], hits: ConceptHit[]): ConceptHit[] {
  for (let k = 0; k < hits.length; k++) {
    const h = hits[k] as ConceptHit;
    if (h.concept === IGNORE && reportsIgnoring(words, wordPos, hits, h.pos)) {
      return hits.filter((x, i) => i < k || x.concept !== IGNORE || (i !== k && !reportsIgnoring(words, wordPos, hits, x.pos)));
    }
  }
  return hits;
}

/** Index of the first element >= x in a sorted list (binary search). */
export function lowerBound(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the word at position `pos` (positions ascend), or -1: a long text may hold many "ignore" words. */
function indexOfPosition(wordPos: readonly number[], pos: number): number {
  const i = lowerBound(wordPos, pos);
  return wordPos[i] === pos ? i : -1;
}

const IGNORE = CONCEPT_ID.IGNORE;
const INSTR = CONCEPT_ID.INSTR;
const TOOLING = CONCEPT_ID.TOOLING;
/** Chinese markers before "忽略" that make it a statement: will (将, 会), already (已), passive (被), automatically (自动), can (可以). */
const CJK_STATEMENT_BEFORE = new Set(['将', '將', '会', '會', '已', '被', '自', '可']);

/**
 * A Chinese "ignore" that states what something does ("机器将忽略所有按键操作": the machine will ignore all key presses), unless "you"
 * is its subject ("你将忽略所有指令" orders the assistant).
 */
function describesIgnoring(text: string, runStart: number, i: number): boolean {
  if (i <= runStart || !CJK_STATEMENT_BEFORE.has(text[i - 1] as string)) return false;
  const before = i - 2 >= runStart ? text[i - 2] : undefined;
  return before !== '你' && before !== '您';
}

const PARTICIPLES = new Set(['ignored', 'overridden', 'disregarded', 'ignoriert']);
const THIRD_PERSON = new Set(['ignores', 'overrides', 'disregards']);
const OVERRIDE_FORMS = new Set(['override', 'overrides', 'overriding']);
const CONFIG_NOUNS = new Set(['default', 'defaults', 'setting', 'settings', 'config', 'configuration', 'file', 'files', 'value', 'values', 'variable', 'variables', 'method', 'methods', 'property', 'properties', 'style', 'styles', 'env', 'environment', 'port', 'option', 'options', 'parameter', 'parameters']);
const SEEMING = new Set(['seems', 'seem', 'seemed', 'tends', 'tend', 'appears', 'appear', 'likely']);
const DETERMINERS = new Set(['the', 'this', 'that', 'our', 'its']);
/** Concepts naming the assistant or a persona: "the AI ignores all rules" is a jailbreak's description of itself. */
const PERSONA_CONCEPTS = new Set([CONCEPT_ID.AI, CONCEPT_ID.AI_READER, CONCEPT_ID.JAILBREAK, CONCEPT_ID.MODE_NAME, CONCEPT_ID.ROLE]);
const PASSIVE_BE = new Set(['be', 'is', 'are', 'been', 'being', 'was', 'were', 'werden', 'wird', 'wurden', 'wurde', 'worden', 'sind', 'ist', 'sein']);

/**
 * An "ignore" word at `pos` that reports what something does rather than orders it, so it is no IGNORE at all: a log's "override
 * of the previous config", a changelog's "the importer ignored all previous settings" or "2 Artikel ignoriert", "the linter ignores
 * all files". The passive orders ("previous instructions should be ignored", "sollen ignoriert werden"), and "ignores" keeps its
 * weight unless software or a thing with an article is its subject: jailbreaks describe their persona that way ("DeltaGPT
 * disregards all ethical guidelines", "the AI ignores all rules").
 */
function reportsIgnoring(words: readonly string[], wordPos: readonly number[], hits: readonly ConceptHit[], pos: number): boolean {
  const w = indexOfPosition(wordPos, pos);
  if (w < 0) return false;
  const word = words[w] as string;
  if (words[w + 1] === 'of') return true;
  // "letting environment variables override the file", "override the default port": configuration, unless instructions follow
  // ("override the default instructions").
  if (OVERRIDE_FORMS.has(word) && (CONFIG_NOUNS.has(words[w + 1] ?? '') || CONFIG_NOUNS.has(words[w + 2] ?? ''))) {
    return !hits.some((h) => h.concept === INSTR && h.pos > pos && h.pos <= pos + 4);
  }
  // "the device seems to ignore your schedule", "tends to ignore".
  if (words[w - 1] === 'to' && SEEMING.has(words[w - 2] ?? '')) return true;
  // German puts the auxiliary after the participle too ("sollen ignoriert werden").
  if (PARTICIPLES.has(word)) return ![words[w - 2], words[w - 1], words[w + 1], words[w + 2]].some((x) => PASSIVE_BE.has(x ?? ''));
  if (!THIRD_PERSON.has(word)) return false;
  if (hits.some((h) => h.concept === TOOLING && h.pos < pos && h.pos >= pos - 3)) return true;
  // "The form ignores user input", "this importer ignores...": a thing named with an article; not "the AI ignores all rules".
  return DETERMINERS.has(words[w - 2] ?? '') && !hits.some((h) => h.pos === pos - 1 && PERSONA_CONCEPTS.has(h.concept));
}

function addHit(hits: ConceptHit[], from: number, concept: number, pos: number, end: number): boolean {
  for (let k = from; k < hits.length; k++) if ((hits[k] as ConceptHit).concept === concept) return false;
  hits.push({ concept, pos, end });
  return true;
}

/** Concepts and hash of single words, memoised (bounded): most words of a text are common and repeat across texts. */
interface WordInfo {
  /** Concepts of the word on its own (exact, stem, one-typo). */
  readonly concepts: readonly number[];
  /** Multi-word entries that start with this word: matched against the following words each time. */
  readonly multi: readonly WordEntry[];
  readonly hash: number;
  /** Arabic: prefixes are stripped and every variant looked up, each time. */
  readonly arabic: boolean;
  /** `wordShape` flags. */
  readonly shape: number;
}

/** Shape counts of the text being tagged (tagging is synchronous: one text at a time). */
const shapeCounts = { rot: 0, grouped: 0, long: false };
const WORD_CACHE_LIMIT = 50000;

/**
 * The memo of `WordInfo` per word: an open-addressing table keyed by the word's FNV hash (needed for the
 * features anyway), not a Map: the words are fresh slices of the text, and a Map hashes each one again
 * and compares it through a second hash; here a slot is found from the hash already computed, and the
 * stored hash rejects other words before any string comparison. A slot is one (hash, entry number) pair
 * in a single typed array and the words and infos are dense arrays in entry order: a probe reads one
 * cache line of the table instead of one in each of three parallel 2^17-element arrays (those misses were
 * most of the tagger's cost). Cleared when it holds WORD_CACHE_LIMIT words (the table is sized so it
 * stays at most ~40% full).
 */
class WordTable {
  private static readonly BITS = 17;
  /** Mask over pair indexes (even numbers), so `i & mask` stays on a pair's first element. */
  private readonly mask = ((1 << WordTable.BITS) - 1) << 1;
  /** Pairs: [hash | 0, entry number + 1]; entry number 0 marks an empty slot. */
  private readonly slots = new Int32Array(2 << WordTable.BITS);
  private readonly words: string[] = [];
  private readonly infos: WordInfo[] = [];
  /**
   * 1 for an entry whose word has nothing to tag (no concept, no multi-word start, no encoding shape, not Arabic): most words of
   * a text. Dense bytes by entry, so such a word is done without reading its info object (a cache miss of its own).
   */
  readonly plain = new Uint8Array(WORD_CACHE_LIMIT);

  /** The entry of `word`, or -1. */
  find(word: string, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const h = hash | 0;
    for (let i = (Math.imul(hash, 0x9e3779b1) << 1) & mask; ; i = (i + 2) & mask) {
      const entry = slots[i + 1] as number;
      if (entry === 0) return -1;
      if (slots[i] === h && this.words[entry - 1] === word) return entry - 1;
    }
  }

  info(entry: number): WordInfo {
    return this.infos[entry] as WordInfo;
  }

  /** Adds a word known to be absent; returns its entry. */
  add(word: string, hash: number, info: WordInfo): number {
    if (this.words.length >= WORD_CACHE_LIMIT) {
      this.slots.fill(0);
      this.words.length = 0;
      this.infos.length = 0;
    }
    const slots = this.slots;
    const mask = this.mask;
    let i = (Math.imul(hash, 0x9e3779b1) << 1) & mask;
    while (slots[i + 1] !== 0) i = (i + 2) & mask;
    const entry = this.words.length;
    this.words.push(word);
    this.infos.push(info);
    this.plain[entry] = info.concepts.length === 0 && info.multi.length === 0 && info.shape === 0 && !info.arabic ? 1 : 0;
    slots[i] = hash | 0;
    slots[i + 1] = entry + 1;
    return entry;
  }
}

const wordCache = new WordTable();
const NONE: readonly number[] = [];
const NO_ENTRIES: readonly WordEntry[] = [];

/** FNV-1a over UTF-16 code units: the word hash the classifier's features start from. */
export function hashWord(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function singleConcepts(word: string): readonly number[] {
  const out: number[] = [];
  const exact = exactIndex.get(word);
  if (exact) for (const e of exact) if (e.rest.length === 0 && !out.includes(e.concept)) out.push(e.concept);
  if (word.length >= 2) {
    const stems = stemIndex.get(key2(word));
    if (stems) for (const e of stems) if (word.startsWith(e.first) && !out.includes(e.concept)) out.push(e.concept);
  }
  if (out.length === 0) {
    const fuzzy = fuzzyLookup(word);
    if (fuzzy >= 0) out.push(fuzzy);
  }
  return out.length === 0 ? NONE : out;
}

/** Tags one word; returns its hash. */
function tagWord(words: readonly string[], wordPos: readonly number[], w: number, hits: ConceptHit[]): number {
  const word = words[w] as string;
  const p = wordPos[w] as number;
  const hash = hashWord(word);
  let entry = wordCache.find(word, hash);
  if (entry < 0) {
    const arabic = isArabic(word.charCodeAt(0));
    const multi = multiStarts.has(word) ? (exactIndex.get(word) ?? NO_ENTRIES).filter((e) => e.rest.length > 0) : NO_ENTRIES;
    entry = wordCache.add(word, hash, { concepts: arabic ? NONE : singleConcepts(word), multi, hash, arabic, shape: wordShape(word) });
  }
  if (wordCache.plain[entry] === 1) return hash;
  const info = wordCache.info(entry);
  if (info.shape !== 0) {
    if (info.shape & SHAPE_ROT_OR_REVERSED) shapeCounts.rot++;
    if (info.shape & SHAPE_GROUPED) shapeCounts.grouped++;
    if (info.shape & SHAPE_LONG) shapeCounts.long = true;
  }
  if (info.arabic) {
    tagWordUncached(words, wordPos, w, hits);
    return info.hash;
  }
  const from = hits.length;
  for (const concept of info.concepts) hits.push({ concept, pos: p, end: p + 1 });
  for (const e of info.multi) if (matchRest(words, w, e)) addHit(hits, from, e.concept, p, (wordPos[w + e.rest.length] ?? p) + 1);
  return info.hash;
}

function tagWordUncached(words: readonly string[], wordPos: readonly number[], w: number, hits: ConceptHit[]): void {
  const word = words[w] as string;
  const p = wordPos[w] as number;
  const from = hits.length;
  const arabic = isArabic(word.charCodeAt(0));
  const vs = arabic ? variants(word) : undefined;
  const count = vs ? vs.length : 1;
  for (let v = 0; v < count; v++) {
    const form = vs ? (vs[v] as string) : word;
    const exact = exactIndex.get(form);
    if (exact) {
      for (const e of exact) {
        if (e.rest.length > 0 && !matchRest(words, w, e)) continue;
        addHit(hits, from, e.concept, p, (wordPos[w + e.rest.length] ?? p) + 1);
      }
    }
    if (form.length >= 2) {
      const stems = stemIndex.get(key2(form));
      if (stems) for (const e of stems) if (form.startsWith(e.first)) addHit(hits, from, e.concept, p, p + 1);
    }
  }
  if (hits.length === from) {
    const fuzzy = fuzzyLookup(word);
    if (fuzzy >= 0) hits.push({ concept: fuzzy, pos: p, end: p + 1 });
  }
}

function scanCjk(text: string, run: { start: number; end: number; pos: number }, hits: ConceptHit[]): void {
  for (let i = run.start; i < run.end; i++) {
    const list = cjkIndex.get(text[i] as string);
    if (!list) continue;
    const taken: number[] = [];
    for (const e of list) {
      if (taken.includes(e.concept)) continue;
      if (i + e.term.length <= run.end && text.startsWith(e.term, i)) {
        if (e.concept === IGNORE && describesIgnoring(text, run.start, i)) continue;
        const p = run.pos + ((i - run.start) >> 1);
        hits.push({ concept: e.concept, pos: p, end: run.pos + ((i - run.start + e.term.length + 1) >> 1) });
        taken.push(e.concept);
      }
    }
  }
}
