/**
 * The default embedder: no model, no network. Content words (stemmed, synonyms folded, stopwords and
 * must-match tokens removed), their bigrams (word order counts a little) and character trigrams of
 * each word (typos and morphology), hashed into a sparse 2^20-dimensional unit vector (words and pairs in
 * the lower half, trigrams in the upper: LIGHT_FEATURE_BIT).
 */
import { questionFeatures } from '../text/features';
import { LIGHT_FEATURE_BIT, type Embedder, type Vector } from './types';

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
/** Shared by all the trigrams of one word, so a long word does not outweigh a short one. */
const TRIGRAM_WEIGHT = 0.6;

export class LexicalEmbedder implements Embedder {
  readonly id = 'lexical-v1';
  readonly kind = 'sparse' as const;

  embed(text: string): Promise<Vector | undefined> {
    return Promise.resolve(lexicalVector(questionFeatures(text).contentWords));
  }
}

export function lexicalVector(words: readonly string[]): Vector | undefined {
  const weights = new Map<number, number>();
  const add = (feature: string, weight: number, light = false): void => {
    const index = (hash(feature) & (LIGHT_FEATURE_BIT - 1)) | (light ? LIGHT_FEATURE_BIT : 0);
    weights.set(index, (weights.get(index) ?? 0) + weight);
  };
  words.forEach((word, i) => {
    add(`w:${word}`, WORD_WEIGHT);
    const next = words[i + 1];
    if (next !== undefined) add(`b:${word} ${next}`, BIGRAM_WEIGHT);
    const padded = `^${word}$`;
    const grams = Math.max(1, padded.length - 2);
    for (let k = 0; k + 3 <= padded.length; k += 1) add(`c:${padded.slice(k, k + 3)}`, TRIGRAM_WEIGHT / grams, true);
  });
  if (weights.size === 0) return undefined;
  const entries = [...weights].sort((a, b) => a[0] - b[0]);
  let sum = 0;
  for (const [, weight] of entries) sum += weight * weight;
  const scale = 1 / Math.sqrt(sum);
  return {
    kind: 'sparse',
    indices: Uint32Array.from(entries.map(([index]) => index)),
    values: Float32Array.from(entries.map(([, weight]) => weight * scale)),
  };
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
