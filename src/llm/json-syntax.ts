/**
 * Finds where a JSON text first breaks the grammar (RFC 8259), for error messages.
 *
 * Why not use JSON.parse's message: V8 quotes the input in it ("Unexpected token '}', \"{\"key\":
 * \"sk-...\" is not valid JSON"), which would echo client secrets back, and only some messages carry
 * a position. This scanner runs only after JSON.parse has failed, is iterative (no recursion on deep
 * nesting) and describes the problem without quoting the text.
 */

export interface JsonSyntaxError {
  /** Offset in UTF-16 code units into the decoded text. */
  readonly position: number;
  /** 1-based line and column of `position`. */
  readonly line: number;
  readonly column: number;
  readonly problem: string;
}

type Expect = 'value' | 'value_or_close' | 'key_or_close' | 'key' | 'colon' | 'comma_or_close' | 'end';

class Stop {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {}
}

export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (stop) {
    if (!(stop instanceof Stop)) throw stop;
    return withLineAndColumn(text, stop.position, stop.problem);
  }
}

function scan(text: string): void {
  const stack: Array<'{' | '['> = [];
  let expect: Expect = 'value';
  let i = 0;
  const afterValue = (): Expect => (stack.length === 0 ? 'end' : 'comma_or_close');
  for (;;) {
    while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      if (expect === 'end') return;
      throw new Stop(i, 'unexpected end of input');
    }
    const c = text[i];
    switch (expect) {
      case 'value':
      case 'value_or_close':
        if (expect === 'value_or_close' && c === ']') {
          stack.pop();
          i++;
          expect = afterValue();
        } else if (c === '{') {
          stack.push('{');
          i++;
          expect = 'key_or_close';
        } else if (c === '[') {
          stack.push('[');
          i++;
          expect = 'value_or_close';
        } else {
          i = scanScalar(text, i);
          expect = afterValue();
        }
        break;
      case 'key':
      case 'key_or_close':
        if (expect === 'key_or_close' && c === '}') {
          stack.pop();
          i++;
          expect = afterValue();
        } else if (c === '"') {
          i = scanString(text, i);
          expect = 'colon';
        } else {
          throw new Stop(i, expect === 'key' ? 'expected a property name in double quotes' : "expected a property name in double quotes or '}'");
        }
        break;
      case 'colon':
        if (c !== ':') throw new Stop(i, "expected ':' after the property name");
        i++;
        expect = 'value';
        break;
      case 'comma_or_close': {
        const open = stack[stack.length - 1];
        const close = open === '{' ? '}' : ']';
        if (c === ',') {
          i++;
          expect = open === '{' ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
          expect = afterValue();
        } else {
          throw new Stop(i, `expected ',' or '${close}'`);
        }
        break;
      }
      case 'end':
        throw new Stop(i, 'unexpected data after the JSON value');
    }
  }
}

function scanScalar(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return scanString(text, i);
  if (c === '-' || isDigit(text.charCodeAt(i))) return scanNumber(text, i);
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  throw new Stop(i, 'expected a value');
}

function scanString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new Stop(i, 'unterminated string');
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) throw new Stop(i, 'control character in string (escape it)');
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        for (let k = 2; k < 6; k++) {
          if (!isHexDigit(text.charCodeAt(i + k))) throw new Stop(i, 'invalid \\u escape');
        }
        i += 6;
        continue;
      }
      if (next === undefined || '"\\/bfnrt'.indexOf(next) < 0) throw new Stop(i, 'invalid escape sequence');
      i += 2;
      continue;
    }
    i++;
  }
}

function scanNumber(text: string, start: number): number {
  let i = start;
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
  else throw new Stop(i, 'invalid number');
  if (text[i] === '.') {
    i++;
    if (!isDigit(text.charCodeAt(i))) throw new Stop(i, 'invalid number');
    while (isDigit(text.charCodeAt(i))) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text.charCodeAt(i))) throw new Stop(i, 'invalid number');
    while (isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function withLineAndColumn(text: string, position: number, problem: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { position, line, column: position - lineStart + 1, problem };
}
