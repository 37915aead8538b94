/**
 * Plain JSON values and the small, safe accessors the API parsers share.
 *
 * Bodies come from untrusted clients and providers, so every read goes through `own()` (an own
 * property, never something inherited such as `__proto__` or `constructor`), and every write defines
 * a property instead of assigning one (assigning `__proto__` would change a prototype).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
export type JsonArray = JsonValue[];

/** A path into a parsed JSON document: object keys and array indexes, e.g. `['messages', 2, 'content', 0, 'text']`. */
export type JsonPointer = ReadonlyArray<string | number>;

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function own(object: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

export function getString(object: JsonObject, key: string): string | undefined {
  const value = own(object, key);
  return typeof value === 'string' ? value : undefined;
}

export function getNumber(object: JsonObject, key: string): number | undefined {
  const value = own(object, key);
  return typeof value === 'number' ? value : undefined;
}

export function getBoolean(object: JsonObject, key: string): boolean | undefined {
  const value = own(object, key);
  return typeof value === 'boolean' ? value : undefined;
}

export function getObject(object: JsonObject, key: string): JsonObject | undefined {
  const value = own(object, key);
  return isJsonObject(value) ? value : undefined;
}

export function getArray(object: JsonObject, key: string): JsonArray | undefined {
  const value = own(object, key);
  return Array.isArray(value) ? value : undefined;
}

/** The value at `pointer`, or undefined when any step is missing or of the wrong kind. */
export function getAt(root: JsonValue, pointer: JsonPointer): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const step of pointer) {
    if (node === undefined) return undefined;
    if (typeof step === 'number') {
      node = Array.isArray(node) && step >= 0 && step < node.length ? node[step] : undefined;
    } else {
      node = isJsonObject(node) ? own(node, step) : undefined;
    }
  }
  return node;
}

/** `messages[2].content[0].text`: the form used in error `param`s and logs. */
export function formatPointer(pointer: JsonPointer): string {
  let out = '';
  for (const step of pointer) {
    if (typeof step === 'number') out += `[${step}]`;
    else out += out.length === 0 ? step : `.${step}`;
  }
  return out;
}

export interface JsonEdit {
  readonly pointer: JsonPointer;
  readonly value: JsonValue;
}

/**
 * Applies edits without touching `root`: every object or array on an edited path is shallow-copied
 * once (however many edits pass through it) and everything else is shared, so rewriting three
 * strings in a 30 MB body with images copies a few small containers, not the images.
 * Missing intermediate objects are created; an array index must already exist.
 */
export function applyJsonEdits(root: JsonObject, edits: readonly JsonEdit[]): JsonObject {
  const copied = new Set<JsonValue>();
  const copy = <T extends JsonObject | JsonArray>(value: T): T => {
    const clone = (Array.isArray(value) ? value.slice() : { ...value }) as T;
    copied.add(clone);
    return clone;
  };
  const result = copy(root);
  for (const edit of edits) {
    if (edit.pointer.length === 0) throw new RangeError('a JSON edit needs a non-empty pointer');
    let parent: JsonObject | JsonArray = result;
    for (let i = 0; i < edit.pointer.length - 1; i++) {
      const step = edit.pointer[i] as string | number;
      const existing = readStep(parent, step, edit.pointer);
      let child: JsonObject | JsonArray;
      if (existing === undefined) {
        if (typeof edit.pointer[i + 1] === 'number') throw new RangeError(`no array at ${formatPointer(edit.pointer.slice(0, i + 1))}`);
        child = {};
        copied.add(child);
      } else if (isJsonObject(existing) || Array.isArray(existing)) {
        child = copied.has(existing) ? existing : copy(existing);
      } else {
        throw new RangeError(`cannot descend into a scalar at ${formatPointer(edit.pointer.slice(0, i + 1))}`);
      }
      writeStep(parent, step, child, edit.pointer);
      parent = child;
    }
    writeStep(parent, edit.pointer[edit.pointer.length - 1] as string | number, edit.value, edit.pointer);
  }
  return result;
}

function readStep(parent: JsonObject | JsonArray, step: string | number, pointer: JsonPointer): JsonValue | undefined {
  if (Array.isArray(parent)) {
    if (typeof step !== 'number' || step < 0 || step >= parent.length) throw new RangeError(`bad array index in ${formatPointer(pointer)}`);
    return parent[step];
  }
  if (typeof step !== 'string') throw new RangeError(`numeric step into an object in ${formatPointer(pointer)}`);
  return own(parent, step);
}

function writeStep(parent: JsonObject | JsonArray, step: string | number, value: JsonValue, pointer: JsonPointer): void {
  if (Array.isArray(parent)) {
    if (typeof step !== 'number' || step < 0 || step >= parent.length) throw new RangeError(`bad array index in ${formatPointer(pointer)}`);
    parent[step] = value;
    return;
  }
  if (typeof step !== 'string') throw new RangeError(`numeric step into an object in ${formatPointer(pointer)}`);
  Object.defineProperty(parent, step, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * True when arrays and objects nest deeper than `maxDepth`. Iterative, so a hostile 100k-deep body
 * cannot overflow the stack here; rejecting it early protects the recursive code after us
 * (JSON.stringify, schema validation).
 */
export function nestingExceeds(root: JsonValue, maxDepth: number): boolean {
  const stack: Array<{ value: JsonValue; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: JsonValue; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > maxDepth) return true;
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
