/**
 * Hashed binary features for the statistical classifier, shared by training and inference. Two groups,
 * each scaled by 1/sqrt(count) on its own:
 * - surface: word unigrams and bigrams (of the folded text), character 1-2-grams of Chinese and Japanese
 *   runs (character n-grams inside words were dropped: they cost a third of the time for no gain in
 *   source-held-out accuracy; typos of the key terms are matched by the concept tagger);
 * - concepts: concept unigrams and ordered concept pairs within four positions. These are
 *   language-neutral, so what the model learns about them from English data applies in every language
 *   of the lexicon. Training drops the surface group at random so the concept weights stand on their own.
 */
import { CONCEPT_ID, type Tokens } from './concepts';
import { FIRST_RULE_ONLY_CONCEPT } from './lexicon';

/** Concepts below this id are features; the rest are for the rules only (lexicon.ts). */
const FEATURE_CONCEPTS = CONCEPT_ID[FIRST_RULE_ONLY_CONCEPT];

export interface FeatureVector {
  /** Hashed indexes of surface features (each once). */
  readonly surface: Uint32Array;
  readonly surfaceCount: number;
  readonly concepts: Uint32Array;
  readonly conceptCount: number;
}

const SEED_BIGRAM = 0x01000193;
const SEED_CJK = 0x165667b1;
const SEED_CONCEPT = 0x9e3779b1;
const CONCEPT_PAIR_WINDOW = 4;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(seed: number, s: string, from: number, to: number): number {
  let h = seed;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Features are gathered in two passes: the loops below write every candidate index into `candidates` (a store, nothing else),
 * then one tight loop keeps each index's first occurrence, in order, in `surfaceOut` / `conceptOut`. The earlier single pass
 * called a push-once helper from five places, and V8 gave up inlining it (it showed in the profile with a frame of its own).
 * All buffers are reused across calls (inference is single-threaded per process) and grown, rarely, outside the hot loops.
 */
let candidates: Uint32Array = new Uint32Array(4096);
let surfaceOut: Uint32Array = new Uint32Array(4096);
let conceptOut: Uint32Array = new Uint32Array(4096);

function grown(buffer: Uint32Array, length: number, need: number): Uint32Array {
  let size = buffer.length;
  while (size < need) size *= 2;
  const next = new Uint32Array(size);
  next.set(buffer.subarray(0, length));
  return next;
}

/**
 * Features count once per text (binary, not term frequency): a text that repeats one sentence a thousand
 * times must not score a thousand times more sure. An open-addressing set, reset by generation stamps;
 * one set for both groups, so a concept index that collides with a surface index of the text is not
 * counted twice.
 */
let seenKeys: Uint32Array = new Uint32Array(1 << 12);
let seenStamps: Uint32Array = new Uint32Array(1 << 12);
let seenStamp = 1;

/** A new generation, with room for `count` more keys at most half full (so probes stay short and always end). */
function resetSeen(count: number): void {
  if (count * 2 > seenKeys.length) {
    let size = seenKeys.length;
    while (count * 2 > size) size *= 2;
    seenKeys = new Uint32Array(size);
    seenStamps = new Uint32Array(size);
    seenStamp = 0;
  }
  seenStamp++;
  if (seenStamp === 0xffffffff) {
    seenStamps.fill(0);
    seenStamp = 1;
  }
}

/** Appends to `out` (from `length`) each of `candidates[from..to)` not seen yet this generation; returns the new length. */
function keepFirst(from: number, to: number, out: Uint32Array, length: number): number {
  const keys = seenKeys;
  const stamps = seenStamps;
  const stamp = seenStamp;
  const mask = keys.length - 1;
  const cand = candidates;
  let n = length;
  for (let c = from; c < to; c++) {
    const key = cand[c] as number;
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    let fresh = true;
    while (stamps[i] === stamp) {
      if (keys[i] === key) {
        fresh = false;
        break;
      }
      i = (i + 1) & mask;
    }
    if (fresh) {
      stamps[i] = stamp;
      keys[i] = key;
      out[n++] = key;
    }
  }
  return n;
}

export function extractFeatures(tokens: Tokens, bits: number, maxWords = 4000): FeatureVector {
  const mask = (1 << bits) - 1;
  const n = Math.min(tokens.words.length, maxWords);
  let cjkChars = 0;
  for (const run of tokens.cjk) cjkChars += run.length;
  // Surface candidates: a unigram and a bigram per word, a 1-gram and a 2-gram per CJK character.
  const surfaceMax = 2 * n + 2 * cjkChars;
  if (surfaceMax > candidates.length) candidates = grown(candidates, 0, surfaceMax);
  let cand = candidates;
  let k = 0;
  const hashes = tokens.wordHashes;
  let prev = 0;
  for (let w = 0; w < n; w++) {
    const hw = hashes[w] as number;
    cand[k++] = mix(hw) & mask;
    if (w > 0) cand[k++] = mix(Math.imul(prev, SEED_BIGRAM) ^ hw ^ 0x5bd1e995) & mask;
    prev = hw;
  }
  for (const run of tokens.cjk) {
    for (let i = 0; i < run.length; i++) {
      cand[k++] = mix(hashString(SEED_CJK, run, i, i + 1)) & mask;
      if (i + 1 < run.length) cand[k++] = mix(hashString(SEED_CJK, run, i, i + 2)) & mask;
    }
  }
  const surfaceEnd = k;
  // Concept candidates: a unigram per hit and an ordered pair per two different concepts within the window (their number has
  // no small bound: the buffer grows when full).
  const hits = tokens.hits;
  for (let a = 0; a < hits.length; a++) {
    const ha = hits[a] as { concept: number; pos: number };
    if (ha.concept >= FEATURE_CONCEPTS) continue;
    if (k === cand.length) cand = candidates = grown(cand, k, k + 1);
    cand[k++] = mix(SEED_CONCEPT ^ (ha.concept + 1)) & mask;
    for (let b = a + 1; b < hits.length; b++) {
      const hb = hits[b] as { concept: number; pos: number };
      if (hb.pos - ha.pos > CONCEPT_PAIR_WINDOW) break;
      if (hb.concept === ha.concept || hb.concept >= FEATURE_CONCEPTS) continue;
      if (k === cand.length) cand = candidates = grown(cand, k, k + 1);
      cand[k++] = mix(SEED_CONCEPT ^ (((ha.concept + 1) << 8) | (hb.concept + 1)) ^ 0x3c6ef372) & mask;
    }
  }
  resetSeen(k);
  if (surfaceEnd > surfaceOut.length) surfaceOut = grown(surfaceOut, 0, surfaceEnd);
  if (k - surfaceEnd > conceptOut.length) conceptOut = grown(conceptOut, 0, k - surfaceEnd);
  const surfaceCount = keepFirst(0, surfaceEnd, surfaceOut, 0);
  const conceptCount = keepFirst(surfaceEnd, k, conceptOut, 0);
  return { surface: surfaceOut.subarray(0, surfaceCount), surfaceCount, concepts: conceptOut.subarray(0, conceptCount), conceptCount };
}

/** A copy that outlives the next `extractFeatures` call (training keeps many). */
export function copyFeatures(f: FeatureVector): FeatureVector {
  return { surface: f.surface.slice(), surfaceCount: f.surfaceCount, concepts: f.concepts.slice(), conceptCount: f.conceptCount };
}
