/**
 * A small Go-template renderer for the chart's Envoy bootstrap template
 * (charts/llm-gateway/files/envoy-bootstrap.yaml.tpl), so the rendered Envoy config can be validated
 * strictly without the `helm` binary (not installable on CI). It supports exactly what that file is
 * allowed to use: `{{- -}}` trimming, comments, `.Values` paths, string/number literals, parentheses,
 * pipelines, `if`/`else`/`else if`/`end`, and the functions eq, ne, not, and, or, quote, toJson, int64,
 * int, printf (%s, %d, %v). Anything else is an error, so the template cannot silently drift into
 * features this renderer would get wrong. When `helm` is available the test also compares this
 * renderer's output with `helm template`.
 */

export type TemplateValue = null | boolean | number | string | TemplateValue[] | { [key: string]: TemplateValue };

interface TextNode {
  readonly kind: 'text';
  readonly text: string;
}
interface OutputNode {
  readonly kind: 'output';
  readonly expr: Expr;
}
interface IfNode {
  readonly kind: 'if';
  readonly branches: Array<{ readonly condition: Expr; readonly body: Node[] }>;
  elseBody: Node[];
}
type Node = TextNode | OutputNode | IfNode;

type Expr =
  | { readonly kind: 'path'; readonly path: readonly string[] }
  | { readonly kind: 'literal'; readonly value: TemplateValue }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[] };

interface Action {
  readonly body: string;
  readonly trimLeft: boolean;
  readonly trimRight: boolean;
}

/** Go's `{{- x -}}` rules: a dash next to the delimiter trims all adjacent whitespace. */
function split(template: string): Array<string | Action> {
  const parts: Array<string | Action> = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      parts.push(rest);
      break;
    }
    parts.push(rest.slice(0, open));
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new Error('unterminated action');
    let inner = rest.slice(open + 2, close);
    const trimLeft = /^- /.test(inner) || inner === '-';
    const trimRight = / -$/.test(inner);
    if (trimLeft) inner = inner.slice(1);
    if (trimRight) inner = inner.slice(0, -1);
    parts.push({ body: inner.trim(), trimLeft, trimRight });
    rest = rest.slice(close + 2);
  }
  // Apply trimming to neighbouring text.
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    if (typeof part === 'string') continue;
    if (part.trimLeft && typeof parts[i - 1] === 'string') parts[i - 1] = (parts[i - 1] as string).replace(/\s+$/, '');
    if (part.trimRight && typeof parts[i + 1] === 'string') parts[i + 1] = (parts[i + 1] as string).replace(/^\s+/, '');
  }
  return parts;
}

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\(|\)|\||[^\s()|]+)/gy;
  for (let match = re.exec(source); match; match = re.exec(source)) tokens.push(match[1]);
  if (tokens.join('').replace(/\s/g, '') !== source.replace(/\s/g, '')) throw new Error(`cannot tokenize: ${source}`);
  return tokens;
}

const FUNCTIONS = new Set(['eq', 'ne', 'not', 'and', 'or', 'quote', 'toJson', 'int64', 'int', 'printf']);

class ExprParser {
  private index = 0;
  constructor(private readonly tokens: string[]) {}

  parseAll(): Expr {
    const expr = this.pipeline();
    if (this.index < this.tokens.length) throw new Error(`unexpected ${this.tokens[this.index]}`);
    return expr;
  }

  private pipeline(): Expr {
    let expr = this.command();
    while (this.tokens[this.index] === '|') {
      this.index += 1;
      const fn = this.tokens[this.index];
      if (!FUNCTIONS.has(fn)) throw new Error(`unsupported function ${fn}`);
      this.index += 1;
      const args: Expr[] = [];
      while (this.index < this.tokens.length && this.tokens[this.index] !== '|' && this.tokens[this.index] !== ')') args.push(this.operand());
      expr = { kind: 'call', fn, args: [...args, expr] };
    }
    return expr;
  }

  private command(): Expr {
    const head = this.tokens[this.index];
    if (FUNCTIONS.has(head)) {
      this.index += 1;
      const args: Expr[] = [];
      while (this.index < this.tokens.length && this.tokens[this.index] !== '|' && this.tokens[this.index] !== ')') args.push(this.operand());
      return { kind: 'call', fn: head, args };
    }
    return this.operand();
  }

  private operand(): Expr {
    const token = this.tokens[this.index];
    this.index += 1;
    if (token === undefined) throw new Error('missing operand');
    if (token === '(') {
      const inner = this.pipeline();
      if (this.tokens[this.index] !== ')') throw new Error('missing )');
      this.index += 1;
      return inner;
    }
    if (token.startsWith('"')) return { kind: 'literal', value: JSON.parse(token) as string };
    if (/^-?\d+(\.\d+)?$/.test(token)) return { kind: 'literal', value: Number(token) };
    if (token === 'true' || token === 'false') return { kind: 'literal', value: token === 'true' };
    if (token.startsWith('.Values')) return { kind: 'path', path: token.split('.').slice(2) };
    throw new Error(`unsupported operand ${token}`);
  }
}

function parse(template: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ node: IfNode; target: Node[] }> = [];
  let target = root;
  for (const part of split(template)) {
    if (typeof part === 'string') {
      if (part !== '') target.push({ kind: 'text', text: part });
      continue;
    }
    const body = part.body;
    if (body.startsWith('/*')) {
      if (!body.endsWith('*/')) throw new Error('unterminated comment');
      continue;
    }
    const words = body.split(/\s+/);
    if (words[0] === 'if') {
      const node: IfNode = { kind: 'if', branches: [{ condition: new ExprParser(tokenize(body.slice(2))).parseAll(), body: [] }], elseBody: [] };
      target.push(node);
      stack.push({ node, target });
      target = node.branches[0].body;
    } else if (words[0] === 'else' && words[1] === 'if') {
      const top = stack[stack.length - 1];
      if (!top) throw new Error('else without if');
      const branch = { condition: new ExprParser(tokenize(body.replace(/^else\s+if/, ''))).parseAll(), body: [] as Node[] };
      top.node.branches.push(branch);
      target = branch.body;
    } else if (body === 'else') {
      const top = stack[stack.length - 1];
      if (!top) throw new Error('else without if');
      target = top.node.elseBody;
    } else if (body === 'end') {
      const top = stack.pop();
      if (!top) throw new Error('end without if');
      target = top.target;
    } else if (/^(range|with|define|template|include|block)\b/.test(body) || body.includes(':=')) {
      throw new Error(`unsupported action {{ ${body} }}`);
    } else {
      target.push({ kind: 'output', expr: new ExprParser(tokenize(body)).parseAll() });
    }
  }
  if (stack.length > 0) throw new Error('missing {{ end }}');
  return root;
}

/** Go template truthiness: false, 0, nil, and empty strings, lists and maps are false. */
function truthy(value: TemplateValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * How Helm prints a value. Helm reads YAML numbers as float64 and prints those of 1e6 and above in
 * exponent form (33554432 -> 3.3554432e+07, checked with helm 3.18), which Envoy would reject for an
 * integer field. The template must pipe such values through `int64`; this renderer throws instead of
 * printing them, so a template change that drops `int64` fails here too. Missing values print nothing.
 */
function print(value: TemplateValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) >= 1e6) {
      throw new Error(`integer ${value} printed without | int64 (Helm would print it as a float in exponent form)`);
    }
    return String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

class Int64 {
  constructor(readonly value: number) {}
}

type Evaluated = TemplateValue | Int64 | undefined;

function plain(value: Evaluated): TemplateValue | undefined {
  return value instanceof Int64 ? value.value : value;
}

function evaluate(expr: Expr, values: TemplateValue): Evaluated {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path': {
      let current: TemplateValue | undefined = values;
      for (const key of expr.path) {
        if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
        current = current[key];
      }
      return current;
    }
    case 'call': {
      const args = expr.args.map((arg) => evaluate(arg, values));
      const plainArgs = args.map(plain);
      switch (expr.fn) {
        case 'eq':
          return plainArgs.slice(1).some((other) => JSON.stringify(other) === JSON.stringify(plainArgs[0]));
        case 'ne':
          return JSON.stringify(plainArgs[0]) !== JSON.stringify(plainArgs[1]);
        case 'not':
          return !truthy(plainArgs[0]);
        case 'and':
          return plainArgs.every(truthy);
        case 'or':
          return plainArgs.some(truthy);
        case 'quote':
          // Sprig's quote skips nil arguments.
          return plainArgs
            .filter((arg) => arg !== undefined && arg !== null)
            .map((arg) => JSON.stringify(typeof arg === 'string' ? arg : print(arg)))
            .join(' ');
        case 'toJson':
          return JSON.stringify(plainArgs[0] ?? null);
        case 'int64':
        case 'int': {
          const number = Number(plainArgs[0] ?? 0);
          return new Int64(Math.trunc(Number.isNaN(number) ? 0 : number));
        }
        case 'printf': {
          const [format, ...rest] = plainArgs;
          let position = 0;
          return String(format).replace(/%[sdv]/g, () => {
            const arg = rest[position];
            position += 1;
            return print(arg);
          });
        }
        default:
          throw new Error(`unsupported function ${expr.fn}`);
      }
    }
  }
}

function renderNodes(nodes: readonly Node[], values: TemplateValue): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text;
    } else if (node.kind === 'output') {
      const value = evaluate(node.expr, values);
      out += value instanceof Int64 ? String(value.value) : print(value);
    } else {
      const branch = node.branches.find((candidate) => truthy(plain(evaluate(candidate.condition, values))));
      out += renderNodes(branch ? branch.body : node.elseBody, values);
    }
  }
  return out;
}

/** Renders a template with `.Values` bound to `values`. */
export function renderTemplate(template: string, values: TemplateValue): string {
  return renderNodes(parse(template), values);
}

/** Every `.Values.a.b` path a template refers to (for checking that values.yaml defines it). */
export function valuesReferences(template: string): string[][] {
  const found: string[][] = [];
  for (const match of template.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) found.push(match[1].slice(1).split('.'));
  return found;
}

/** Deep merge for values overrides (maps merge, everything else replaces), like `helm -f`. */
export function mergeValues(base: TemplateValue, override: TemplateValue): TemplateValue {
  if (isMap(base) && isMap(override)) {
    const merged: { [key: string]: TemplateValue } = { ...base };
    for (const [key, value] of Object.entries(override)) merged[key] = key in base ? mergeValues(base[key], value) : value;
    return merged;
  }
  return override;
}

function isMap(value: TemplateValue | undefined): value is { [key: string]: TemplateValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
