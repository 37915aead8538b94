import { applyJsonEdits, formatPointer, getAt, getString, nestingExceeds, own, type JsonObject } from './json';

describe('own and getters', () => {
  it('never reads inherited properties', () => {
    const body = JSON.parse('{"a":"x"}') as JsonObject;
    expect(own(body, 'constructor')).toBeUndefined();
    expect(own(body, '__proto__')).toBeUndefined();
    expect(getString(body, 'toString')).toBeUndefined();
    expect(getString(body, 'a')).toBe('x');
  });

  it('reads an own __proto__ key that JSON.parse created', () => {
    const body = JSON.parse('{"__proto__":"p"}') as JsonObject;
    expect(own(body, '__proto__')).toBe('p');
  });
});

describe('getAt and formatPointer', () => {
  const body = JSON.parse('{"messages":[{"content":[{"text":"hi"}]}]}') as JsonObject;
  it.each<[ReadonlyArray<string | number>, unknown]>([
    [['messages', 0, 'content', 0, 'text'], 'hi'],
    [['messages', 1], undefined],
    [['messages', -1], undefined],
    [['messages', '0'], undefined],
    [['messages', 0, 'content', 0, 'text', 'x'], undefined],
    [[], body],
  ])('getAt(%j)', (pointer, expected) => {
    expect(getAt(body, pointer)).toBe(expected);
  });

  it('formats pointers like params', () => {
    expect(formatPointer(['messages', 2, 'content', 0, 'text'])).toBe('messages[2].content[0].text');
    expect(formatPointer([])).toBe('');
  });
});

describe('applyJsonEdits', () => {
  it('copies only what it changes and leaves the original untouched', () => {
    const image = { url: 'data:image/png;base64,AAAA' };
    const original = { messages: [{ content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: image }] }, { content: 'b' }], model: 'm' } as JsonObject;
    const snapshot = JSON.stringify(original);
    const edited = applyJsonEdits(original, [
      { pointer: ['messages', 0, 'content', 0, 'text'], value: 'A' },
      { pointer: ['messages', 1, 'content'], value: 'B' },
      { pointer: ['model'], value: 'n' },
    ]);
    expect(JSON.stringify(original)).toBe(snapshot);
    expect(edited).toEqual({ messages: [{ content: [{ type: 'text', text: 'A' }, { type: 'image_url', image_url: image }] }, { content: 'B' }], model: 'n' });
    const editedImage = getAt(edited, ['messages', 0, 'content', 1, 'image_url']);
    expect(editedImage).toBe(image);
  });

  it('creates missing objects but not missing array items', () => {
    expect(applyJsonEdits({}, [{ pointer: ['generationConfig', 'maxOutputTokens'], value: 5 }])).toEqual({ generationConfig: { maxOutputTokens: 5 } });
    expect(() => applyJsonEdits({ a: [] }, [{ pointer: ['a', 0, 'b'], value: 1 }])).toThrow(RangeError);
    expect(() => applyJsonEdits({ a: 'x' }, [{ pointer: ['a', 'b'], value: 1 }])).toThrow(RangeError);
    expect(() => applyJsonEdits({}, [{ pointer: [], value: 1 }])).toThrow(RangeError);
  });

  it('writes a __proto__ key as data, never as a prototype', () => {
    const edited = applyJsonEdits(JSON.parse('{"variables":{"__proto__":"x"}}') as JsonObject, [{ pointer: ['variables', '__proto__'], value: { polluted: true } }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(edited)).toBe('{"variables":{"__proto__":{"polluted":true}}}');
  });
});

describe('nestingExceeds', () => {
  it.each([
    ['{}', 1, false],
    ['{}', 0, true],
    ['{"a":[{"b":1}]}', 3, false],
    ['{"a":[{"b":1}]}', 2, true],
    ['[1,2,[3]]', 2, false],
  ])('%s deeper than %d: %s', (text, depth, expected) => {
    expect(nestingExceeds(JSON.parse(text), depth)).toBe(expected);
  });

  it('survives 100k levels', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(nestingExceeds(deep, 128)).toBe(true);
  });
});
