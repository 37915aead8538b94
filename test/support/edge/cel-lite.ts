/**
 * The small part of CEL that Envoy configs use in local-reply / access-log filters
 * (envoy.access_loggers.extension_filters.cel), e.g.
 *   !('content-type' in response.headers) || !response.headers['content-type'].startsWith('application/json')
 * Supported: string/number/bool literals, ( ), !, &&, ||, ==, !=, `in`, map index ['key'],
 * .startsWith/.endsWith/.contains, and the attributes request.headers, request.path, request.method,
 * response.headers, response.code. Anything else is refused when the config is read, never guessed.
 * Evaluation follows CEL's error rules (a missing map key is an error; `true || error` is true,
 * `false && error` is false); Envoy's filter treats an error or a non-bool result as "no match".
 */
import type { HeaderList } from './headers';

export interface CelContext {
  readonly requestHeaders: HeaderList;
  readonly responseHeaders: HeaderList;
  readonly responseCode: number;
}

type CelValue = string | number | boolean | HeaderList | CelError;

class CelError {
  constructor(readonly message: string) {}
}

type Node =
  | { readonly t: 'lit'; readonly v: string | number | boolean }
  | { readonly t: 'attr'; readonly name: string }
  | { readonly t: 'not'; readonly e: Node }
  | { readonly t: 'bin'; readonly op: '||' | '&&' | '==' | '!=' | 'in'; readonly l: Node; readonly r: Node }
  | { readonly t: 'index'; readonly e: Node; readonly key: Node }
  | { readonly t: 'call'; readonly fn: 'startsWith' | 'endsWith' | 'contains'; readonly target: Node; readonly arg: Node };

const ATTRIBUTES = new Set(['request.headers', 'request.path', 'request.method', 'response.headers', 'response.code']);
const TOKEN = /\s*(?:(\|\||&&|==|!=|[!()[\].,])|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(\d+)|([A-Za-z_][A-Za-z0-9_]*))/y;

export class CelExpression {
  private readonly root: Node;

  constructor(readonly source: string) {
    const tokens = tokenize(source);
    const parser = new Parser(tokens, source);
    this.root = parser.parseExpression();
    parser.expectEnd();
  }

  matches(ctx: CelContext): boolean {
    const value = evaluate(this.root, ctx);
    return value === true;
  }
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`CEL: cannot read "${source.slice(start)}"`);
    tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4]);
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(
    private readonly tokens: string[],
    private readonly source: string,
  ) {}

  parseExpression(): Node {
    return this.parseOr();
  }

  expectEnd(): void {
    if (this.position < this.tokens.length) throw new Error(`CEL: unexpected "${this.tokens[this.position]}" in ${this.source}`);
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private take(expected?: string): string {
    const token = this.tokens[this.position++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`CEL: expected ${expected ?? 'more'} in ${this.source}`);
    return token;
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.peek() === '||') {
      this.take();
      left = { t: 'bin', op: '||', l: left, r: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseUnary();
    while (this.peek() === '&&') {
      this.take();
      left = { t: 'bin', op: '&&', l: left, r: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Node {
    if (this.peek() === '!') {
      this.take();
      return { t: 'not', e: this.parseUnary() };
    }
    const left = this.parsePostfix();
    const op = this.peek();
    if (op === '==' || op === '!=' || op === 'in') {
      this.take();
      return { t: 'bin', op, l: left, r: this.parsePostfix() };
    }
    return left;
  }

  private parsePostfix(): Node {
    let node = this.parsePrimary();
    for (;;) {
      if (this.peek() === '[') {
        this.take();
        const key = this.parseExpression();
        this.take(']');
        node = { t: 'index', e: node, key };
      } else if (this.peek() === '.') {
        this.take();
        const fn = this.take();
        if (fn !== 'startsWith' && fn !== 'endsWith' && fn !== 'contains') throw new Error(`CEL: function ${fn} is not supported by the test edge`);
        this.take('(');
        const arg = this.parseExpression();
        this.take(')');
        node = { t: 'call', fn, target: node, arg };
      } else {
        return node;
      }
    }
  }

  private parsePrimary(): Node {
    const token = this.take();
    if (token === '(') {
      const inner = this.parseExpression();
      this.take(')');
      return inner;
    }
    if (token.startsWith("'") || token.startsWith('"')) return { t: 'lit', v: token.slice(1, -1).replace(/\\(.)/g, '$1') };
    if (/^\d+$/.test(token)) return { t: 'lit', v: Number(token) };
    if (token === 'true' || token === 'false') return { t: 'lit', v: token === 'true' };
    if (/^[A-Za-z_]/.test(token) && this.peek() === '.') {
      this.take('.');
      const name = `${token}.${this.take()}`;
      if (!ATTRIBUTES.has(name)) throw new Error(`CEL: attribute ${name} is not supported by the test edge`);
      return { t: 'attr', name };
    }
    throw new Error(`CEL: unexpected "${token}" in ${this.source}`);
  }
}

function attribute(name: string, ctx: CelContext): CelValue {
  switch (name) {
    case 'request.headers':
      return ctx.requestHeaders;
    case 'response.headers':
      return ctx.responseHeaders;
    case 'request.path':
      return ctx.requestHeaders.get(':path') ?? new CelError('no :path');
    case 'request.method':
      return ctx.requestHeaders.get(':method') ?? new CelError('no :method');
    case 'response.code':
      return ctx.responseCode;
    default:
      return new CelError(`unknown attribute ${name}`);
  }
}

function evaluate(node: Node, ctx: CelContext): CelValue {
  switch (node.t) {
    case 'lit':
      return node.v;
    case 'attr':
      return attribute(node.name, ctx);
    case 'not': {
      const value = evaluate(node.e, ctx);
      return typeof value === 'boolean' ? !value : new CelError('! needs a bool');
    }
    case 'index': {
      const map = evaluate(node.e, ctx);
      const key = evaluate(node.key, ctx);
      if (!isHeaders(map) || typeof key !== 'string') return new CelError('bad index');
      const values = map.getAll(key);
      return values.length > 0 ? values.join(',') : new CelError(`no such key: ${key}`);
    }
    case 'call': {
      const target = evaluate(node.target, ctx);
      const arg = evaluate(node.arg, ctx);
      if (typeof target !== 'string' || typeof arg !== 'string') return new CelError(`${node.fn} needs strings`);
      return node.fn === 'startsWith' ? target.startsWith(arg) : node.fn === 'endsWith' ? target.endsWith(arg) : target.includes(arg);
    }
    case 'bin':
      return binary(node.op, node.l, node.r, ctx);
  }
}

function binary(op: '||' | '&&' | '==' | '!=' | 'in', l: Node, r: Node, ctx: CelContext): CelValue {
  const left = evaluate(l, ctx);
  const right = evaluate(r, ctx);
  if (op === '||' || op === '&&') {
    const absorbing = op === '||';
    if (left === absorbing || right === absorbing) return absorbing;
    if (left instanceof CelError) return left;
    if (right instanceof CelError) return right;
    if (typeof left !== 'boolean' || typeof right !== 'boolean') return new CelError(`${op} needs bools`);
    return !absorbing;
  }
  if (left instanceof CelError) return left;
  if (right instanceof CelError) return right;
  if (op === 'in') return isHeaders(right) && typeof left === 'string' ? right.has(left) : new CelError('in needs a map');
  if (isHeaders(left) || isHeaders(right)) return new CelError('cannot compare maps');
  return op === '==' ? left === right : left !== right;
}

function isHeaders(value: CelValue): value is HeaderList {
  return typeof value === 'object' && !(value instanceof CelError);
}
