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

/** Grows on demand; reused across calls (inference is single-threaded per process). */
class Buffer32 {
  data = new Uint32Array(4096);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

const surfaceBuffer = new Buffer32();
const conceptBuffer = new Buffer32();

/**
 * Features count once per text (binary, not term frequency): a text that repeats one sentence a thousand
 * times must not score a thousand times more sure. An open-addressing set, reset by generation stamps.
 */
class SeenSet {
  private keys = new Uint32Array(1 << 12);
  private stamps = new Uint32Array(1 << 12);
  private stamp = 1;
  private size = 0;
  reset(): void {
    this.stamp++;
    this.size = 0;
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
  }
  /** True when `key` was not in the set (and adds it). */
  add(key: number): boolean {
    if (this.size * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    while (this.stamps[i] === this.stamp) {
      if (this.keys[i] === key) return false;
      i = (i + 1) & mask;
    }
    this.stamps[i] = this.stamp;
    this.keys[i] = key;
    this.size++;
    return true;
  }
  private grow(): void {
    const oldKeys = this.keys;
    const oldStamps = this.stamps;
    const stamp = this.stamp;
    this.keys = new Uint32Array(oldKeys.length * 2);
    this.stamps = new Uint32Array(oldKeys.length * 2);
    this.stamp = 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldStamps[i] === stamp) this.add(oldKeys[i] as number);
  }
}

const seen = new SeenSet();

function pushOnce(buffer: Buffer32, index: number): void {
  if (seen.add(index)) buffer.push(index);
}

export function extractFeatures(tokens: Tokens, bits: number, maxWords = 4000): FeatureVector {
  const mask = (1 << bits) - 1;
  const surface = surfaceBuffer;
  const concepts = conceptBuffer;
  surface.length = 0;
  concepts.length = 0;
  seen.reset();
  const n = Math.min(tokens.words.length, maxWords);
  let prev = 0;
  for (let w = 0; w < n; w++) {
    const hw = tokens.wordHashes[w] as number;
    pushOnce(surface, mix(hw) & mask);
    if (w > 0) pushOnce(surface, mix(Math.imul(prev, SEED_BIGRAM) ^ hw ^ 0x5bd1e995) & mask);
    prev = hw;
  }
  for (const run of tokens.cjk) {
    for (let i = 0; i < run.length; i++) {
      pushOnce(surface, mix(hashString(SEED_CJK, run, i, i + 1)) & mask);
      if (i + 1 < run.length) pushOnce(surface, mix(hashString(SEED_CJK, run, i, i + 2)) & mask);
    }
  }
  const hits = tokens.hits;
  for (let a = 0; a < hits.length; a++) {
    const ha = hits[a] as { concept: number; pos: number };
    if (ha.concept >= FEATURE_CONCEPTS) continue;
    pushOnce(concepts, mix(SEED_CONCEPT ^ (ha.concept + 1)) & mask);
    for (let b = a + 1; b < hits.length; b++) {
      const hb = hits[b] as { concept: number; pos: number };
      if (hb.pos - ha.pos > CONCEPT_PAIR_WINDOW) break;
      if (hb.concept === ha.concept || hb.concept >= FEATURE_CONCEPTS) continue;
      pushOnce(concepts, mix(SEED_CONCEPT ^ (((ha.concept + 1) << 8) | (hb.concept + 1)) ^ 0x3c6ef372) & mask);
    }
  }
  return { surface: surface.data.subarray(0, surface.length), surfaceCount: surface.length, concepts: concepts.data.subarray(0, concepts.length), conceptCount: concepts.length };
}

/** A copy that outlives the next `extractFeatures` call (training keeps many). */
export function copyFeatures(f: FeatureVector): FeatureVector {
  return { surface: f.surface.slice(), surfaceCount: f.surfaceCount, concepts: f.concepts.slice(), conceptCount: f.conceptCount };
}
