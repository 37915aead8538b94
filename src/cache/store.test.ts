import type { CachedCompletion } from './entry';
import { lexicalVector } from './embed/lexical';
import type { Vector } from './embed/types';
import { MemoryCacheStore } from './store';

const answer = (text: string): CachedCompletion => ({ v: 1, api: 'openai.chat_completions', model: 'm', text, finish: 'stop', storedAt: 0 });
const semantic = (partition: string) => ({ partition, vector: lexicalVector(['reset', 'password']) as Vector, words: [1, 2], positions: [0, 1], connectors: [] });
const options = { ttlMs: 1000, maxEntries: 3 };

describe('memory store', () => {
  it('keeps tenants apart', async () => {
    const store = new MemoryCacheStore();
    await store.put('acme', 'k', answer('acme'), semantic('p'), options);
    expect(await store.get('globex', 'k')).toBeUndefined();
    expect(await store.search('globex', 'p', semantic('p').vector, 0.5, 4)).toEqual([]);
    expect((await store.get('acme', 'k'))?.text).toBe('acme');
  });

  it('expires entries after their TTL', async () => {
    let now = 0;
    const store = new MemoryCacheStore(() => now);
    await store.put('acme', 'k', answer('x'), undefined, options);
    now = 999;
    expect(await store.get('acme', 'k')).toBeDefined();
    now = 1000;
    expect(await store.get('acme', 'k')).toBeUndefined();
  });

  it('evicts the least recently used entry over the bound, from the index too', async () => {
    const store = new MemoryCacheStore();
    for (const id of ['a', 'b', 'c']) await store.put('acme', id, answer(id), semantic(id), options);
    await store.get('acme', 'a');
    await store.put('acme', 'd', answer('d'), semantic('d'), options);
    expect(await store.get('acme', 'b')).toBeUndefined();
    expect(await store.search('acme', 'b', semantic('b').vector, 0.5, 4)).toEqual([]);
    expect(await store.get('acme', 'a')).toBeDefined();
  });

  it('purges one tenant', async () => {
    const store = new MemoryCacheStore();
    await store.put('acme', 'a', answer('a'), semantic('p'), options);
    await store.put('globex', 'a', answer('a'), undefined, options);
    expect(await store.purge('acme')).toBe(1);
    expect(await store.get('acme', 'a')).toBeUndefined();
    expect(await store.search('acme', 'p', semantic('p').vector, 0.5, 4)).toEqual([]);
    expect(await store.get('globex', 'a')).toBeDefined();
  });
});
