import { locateJsonSyntaxError } from './json-syntax';

describe('locateJsonSyntaxError', () => {
  it.each([
    ['', 0, 'unexpected end of input'],
    ['   ', 3, 'unexpected end of input'],
    ['{', 1, 'unexpected end of input'],
    ['{"a":}', 5, 'expected a value'],
    ['{"a":1', 6, 'unexpected end of input'],
    ['{"a" 1}', 5, "expected ':' after the property name"],
    ['{"a":1 "b":2}', 7, "expected ',' or '}'"],
    ['[1 2]', 3, "expected ',' or ']'"],
    ['[1,]', 3, 'expected a value'],
    ['{"a":1,}', 7, 'expected a property name in double quotes'],
    ["{'a':1}", 1, "expected a property name in double quotes or '}'"],
    ['{a:1}', 1, "expected a property name in double quotes or '}'"],
    ['{"a":"x\u0001"}', 7, 'control character in string (escape it)'],
    ['"abc', 4, 'unterminated string'],
    ['"\\x"', 1, 'invalid escape sequence'],
    ['"\\u12G4"', 1, 'invalid \\u escape'],
    ['nul', 0, 'expected a value'],
    ['tru', 0, 'expected a value'],
    ['{"a":1}x', 7, 'unexpected data after the JSON value'],
    ['{"a":1}{}', 7, 'unexpected data after the JSON value'],
    ['01', 1, 'unexpected data after the JSON value'],
    ['-', 1, 'invalid number'],
    ['1.', 2, 'invalid number'],
    ['1e', 2, 'invalid number'],
    ['+1', 0, 'expected a value'],
    ['NaN', 0, 'expected a value'],
    ['\uFEFF{}', 0, 'expected a value'],
  ])('%j fails at %d: %s', (text, position, problem) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonSyntaxError(text)).toMatchObject({ position, problem });
  });

  it('reports lines and columns (1-based)', () => {
    expect(locateJsonSyntaxError('{\n  "a": 1,\n  "b": }')).toEqual({ position: 19, line: 3, column: 8, problem: 'expected a value' });
  });

  it.each([
    ['{}'],
    ['[]'],
    [' {"a": [1, -2.5e+3, true, false, null, "x\\n\\u00e9\\"", {"b": {}}]} '],
    ['"just a string"'],
    ['0'],
    ['-0.0E-0'],
  ])('accepts valid JSON %j', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(locateJsonSyntaxError(text)).toBeUndefined();
  });

  it('agrees with V8 on positions V8 reports', () => {
    for (const text of ['{"a":1', '{"a" 1}', '{"a":1}x', '{"a":"x\u0001"}', '[1,2', '{"a":1,"b"']) {
      const v8 = /at position (\d+)/.exec(String((() => { try { JSON.parse(text); return ''; } catch (e) { return (e as Error).message; } })()));
      if (v8) expect(locateJsonSyntaxError(text)?.position).toBe(Number(v8[1]));
    }
  });

  it('handles hostile nesting without recursion', () => {
    const deep = '['.repeat(200_000);
    expect(locateJsonSyntaxError(deep)).toMatchObject({ position: 200_000, problem: 'unexpected end of input' });
  });
});
