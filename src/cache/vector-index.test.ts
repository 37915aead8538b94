import { lexicalVector } from './embed/lexical';
import { dot, normaliseDense, type Vector } from './embed/types';
import { questionFeatures } from './text/features';
import { SemanticIndex } from './vector-index';

const lexical = (text: string): Vector => lexicalVector(questionFeatures(text).contentWords) as Vector;
const entry = (id: string, vector: Vector, partition = 'p') => ({ id, partition, vector, words: [], positions: [], connectors: [] });

function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const WORDS = 'account password order invoice refund shipment package subscription plan card address profile export team user file email phone app cart coupon warranty battery screen'.split(' ');

describe('sparse (lexical) partitions', () => {
  const random = rng(7);
  const texts = Array.from({ length: 600 }, () => Array.from({ length: 3 + Math.floor(random() * 4) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '));
  const index = new SemanticIndex();
  texts.forEach((text, i) => index.add(entry(String(i), lexical(text))));

  it.each([0.5, 0.7, 0.8, 0.9])('finds exactly what a brute-force scan finds at threshold %s', (threshold) => {
    for (const probe of texts.slice(0, 40).map((text) => `${text} ${WORDS[3]}`)) {
      const query = lexical(probe);
      const expected = texts
        .map((text, i) => ({ id: String(i), score: dot(query, lexical(text)) }))
        .filter((c) => c.score >= threshold)
        .sort((a, b) => b.score - a.score || Number(a.id) - Number(b.id));
      const found = index.search('p', query, threshold, 10_000);
      expect(found.map((c) => c.entry.id).sort()).toEqual(expected.map((c) => c.id).sort());
      for (const c of found) expect(c.score).toBeCloseTo(dot(query, c.entry.vector), 5);
    }
  });

  it('keeps partitions apart and forgets removed entries', () => {
    const separate = new SemanticIndex();
    separate.add(entry('a', lexical('reset my password'), 'one'));
    separate.add(entry('b', lexical('reset my password'), 'two'));
    expect(separate.search('one', lexical('reset my password'), 0.9, 8).map((c) => c.entry.id)).toEqual(['a']);
    separate.remove('a');
    expect(separate.search('one', lexical('reset my password'), 0.9, 8)).toEqual([]);
    expect(separate.size).toBe(1);
  });
});

describe('dense partitions', () => {
  const random = rng(11);
  const unit = (dimensions: number): Vector => {
    const values = Float32Array.from({ length: dimensions }, () => random() * 2 - 1);
    return { kind: 'dense', values: normaliseDense(values) as Float32Array };
  };
  /** A vector at cosine ~`cos` from `base`. */
  const near = (base: Vector, cos: number): Vector => {
    if (base.kind !== 'dense') throw new Error('dense');
    const noise = unit(base.values.length);
    if (noise.kind !== 'dense') throw new Error('dense');
    const mixed = base.values.map((v, i) => v * cos + (noise.values[i] as number) * Math.sqrt(1 - cos * cos));
    return { kind: 'dense', values: normaliseDense(mixed) as Float32Array };
  };

  it('finds near neighbours among thousands of rows (sign-hash ranking, exact rescoring)', () => {
    const index = new SemanticIndex();
    const stored = Array.from({ length: 3000 }, () => unit(128));
    stored.forEach((vector, i) => index.add(entry(String(i), vector)));
    for (let i = 0; i < 50; i += 1) {
      const target = stored[i * 37] as Vector;
      const found = index.search('p', near(target, 0.9), 0.8, 4);
      expect(found[0]?.entry.id).toBe(String(i * 37));
      expect(found[0]?.score).toBeGreaterThan(0.8);
    }
    expect(index.search('p', unit(128), 0.8, 4)).toEqual([]);
  });

  it('removes by swapping the last row in, and ignores vectors of another size', () => {
    const index = new SemanticIndex();
    const a = unit(16);
    const b = unit(16);
    index.add(entry('a', a));
    index.add(entry('b', b));
    index.add(entry('c', unit(8)));
    index.remove('a');
    expect(index.search('p', b, 0.99, 4).map((c) => c.entry.id)).toEqual(['b']);
    expect(index.search('p', a, 0.99, 4)).toEqual([]);
    expect(index.size).toBe(1);
  });
});
