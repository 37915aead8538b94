/**
 * Strict validation of Envoy configuration (YAML/JSON) against the Envoy v3 API protos, without Envoy.
 *
 * Why not protobufjs `fromObject`: it silently drops unknown keys, so a misspelled field (the most
 * common config bug) would pass. Envoy itself parses YAML -> JSON -> proto with unknown fields
 * rejected, checks oneofs and runs the protoc-gen-validate (PGV) rules. This module walks the JSON
 * against the message descriptors itself and reproduces those checks:
 *
 * - every key is a field of its message (proto name or lowerCamel JSON name, not both at once);
 * - enums are defined names (or defined numbers); deprecated fields and enum values are refused
 *   (shipping them would break on the next Envoy that removes them);
 * - well-known types use their JSON forms (Duration "2s", wrappers as plain scalars, Struct/Value
 *   free-form, Timestamp RFC 3339);
 * - `google.protobuf.Any` is `{"@type": "type.googleapis.com/<full.name>", ...fields}` and the type
 *   must exist in the bundled API (loaded on demand by scanning the proto tree once);
 * - at most one member of each oneof (also the "oneof_promotion" pseudo-oneofs Envoy checks at
 *   runtime), and a member of a `(validate.required)` oneof;
 * - a subset of PGV: message/any/duration `required`, string `min_len`/`min_bytes`/`max_bytes`/`in`,
 *   numeric `gt`/`gte`/`lt`/`lte`/`const`, duration ranges, repeated `min_items`/`max_items`/`items`,
 *   map `min_pairs`.
 *
 * The bundled protos (from @grpc/grpc-js-xds) are about Envoy 1.31. A field, enum value or type that
 * a newer Envoy added passes only through an explicit allowance naming it and the version that added
 * it; every use of an allowance is reported back so tests can show it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import * as YAML from 'yaml';
import { envoyProtoIncludeDirs } from '../../src/extproc/protos';

/** Anything a JSON document can hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A field, enum value or message type that is newer than the bundled protos, allowed on purpose. */
export type NewerApiAllowance =
  | { readonly kind: 'field'; readonly message: string; readonly field: string; readonly addedIn: string; readonly reason: string }
  | { readonly kind: 'enumValue'; readonly enum: string; readonly value: string; readonly addedIn: string; readonly reason: string }
  | { readonly kind: 'type'; readonly type: string; readonly addedIn: string; readonly reason: string };

export interface StrictIssue {
  /** Where in the document, for example `static_resources.clusters[0].connect_timeout`. */
  readonly path: string;
  readonly message: string;
}

export interface AllowanceUse {
  readonly path: string;
  readonly allowance: NewerApiAllowance;
}

export interface StrictResult {
  readonly errors: readonly StrictIssue[];
  /** Places where a newer-than-bundled field/value/type passed only thanks to an allowance. */
  readonly allowlisted: readonly AllowanceUse[];
  /** Full names of every message type the document instantiates (for coverage assertions). */
  readonly typesSeen: ReadonlySet<string>;
}

export interface StrictOptions {
  readonly allowNewer?: readonly NewerApiAllowance[];
  /** Deprecated fields and enum values are errors unless this is true. */
  readonly allowDeprecated?: boolean;
}

interface WalkContext {
  readonly errors: StrictIssue[];
  readonly allowlisted: AllowanceUse[];
  readonly typesSeen: Set<string>;
  readonly allowNewer: readonly NewerApiAllowance[];
  readonly allowDeprecated: boolean;
}

/** PGV rules of one field, as parsed by protobufjs (`(validate.rules)` option, nested objects). */
type Rules = { readonly [key: string]: unknown };

const WELL_KNOWN_FILES: Readonly<Record<string, string>> = {
  'google.protobuf.Any': 'google/protobuf/any.proto',
  'google.protobuf.Duration': 'google/protobuf/duration.proto',
  'google.protobuf.Timestamp': 'google/protobuf/timestamp.proto',
  'google.protobuf.Struct': 'google/protobuf/struct.proto',
  'google.protobuf.Value': 'google/protobuf/struct.proto',
  'google.protobuf.ListValue': 'google/protobuf/struct.proto',
  'google.protobuf.Empty': 'google/protobuf/empty.proto',
  'google.protobuf.FieldMask': 'google/protobuf/field_mask.proto',
  'google.protobuf.DoubleValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.FloatValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.Int64Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.UInt64Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.Int32Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.UInt32Value': 'google/protobuf/wrappers.proto',
  'google.protobuf.BoolValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.StringValue': 'google/protobuf/wrappers.proto',
  'google.protobuf.BytesValue': 'google/protobuf/wrappers.proto',
};

/** Wrapper message -> the scalar type its JSON form is (and whose PGV rule key applies to it). */
const WRAPPERS: Readonly<Record<string, string>> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

/** Types whose JSON form is not an object of fields; inside an Any they sit under "value". */
const SPECIAL_JSON_TYPES = new Set<string>([
  ...Object.keys(WRAPPERS),
  'google.protobuf.Any',
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
  'google.protobuf.FieldMask',
]);

const TYPED_STRUCTS = new Set<string>(['xds.type.v3.TypedStruct', 'udpa.type.v1.TypedStruct']);

const DURATION_RE = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const INTEGER_STRING_RE = /^-?\d+$/;
const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;
const MAX_DURATION_SECONDS = 315_576_000_000;

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-2147483648, 2147483647],
  sint32: [-2147483648, 2147483647],
  sfixed32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  fixed32: [0, 4294967295],
  int64: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
  sint64: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
  sfixed64: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
  uint64: [0, Number.MAX_SAFE_INTEGER * 2048],
  fixed64: [0, Number.MAX_SAFE_INTEGER * 2048],
};

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** protoc's JSON name: `foo_bar_baz` -> `fooBarBaz`. */
export function lowerCamel(protoName: string): string {
  return protoName.replace(/_+([a-zA-Z0-9])/g, (_match, ch: string) => ch.toUpperCase());
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function optionOf(holder: { options?: { [key: string]: unknown } }, key: string): unknown {
  return holder.options?.[key];
}

/** The `(validate.rules)` option of a field as one nested object (protobufjs keeps several entries). */
function rulesOf(field: protobuf.FieldBase): Rules {
  const merged: { [key: string]: unknown } = {};
  const parsed: ReadonlyArray<{ [key: string]: unknown }> | undefined = field.parsedOptions as
    | ReadonlyArray<{ [key: string]: unknown }>
    | undefined;
  for (const entry of parsed ?? []) {
    const rules = entry['(validate.rules)'];
    if (isRecord(rules)) Object.assign(merged, rules);
  }
  return merged;
}

function isRecord(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberRule(rules: Rules, key: string): number | undefined {
  const value = rules[key];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  // protobufjs turns 64-bit option values into Long-like objects.
  if (isRecord(value) && typeof value.low === 'number' && typeof value.high === 'number') {
    return value.high * 4294967296 + (value.low >>> 0);
  }
  return undefined;
}

function durationRuleSeconds(rules: Rules, key: string): number | undefined {
  const bound = rules[key];
  if (!isRecord(bound)) return undefined;
  const seconds = typeof bound.seconds === 'number' ? bound.seconds : 0;
  const nanos = typeof bound.nanos === 'number' ? bound.nanos : 0;
  return seconds + nanos / 1e9;
}

/** Seconds of a JSON Duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_RE.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[2]) + (match[3] ? Number(`0.${match[3]}`) : 0);
  return match[1] ? -seconds : seconds;
}

/** Every include root the Envoy API needs, plus protobufjs's copy of descriptor.proto. */
export function defaultIncludeDirs(): string[] {
  return [...envoyProtoIncludeDirs, path.dirname(require.resolve('protobufjs/package.json'))];
}

/**
 * A lazily loaded view of the Envoy API: message and enum full names are mapped to their .proto file
 * by one scan of the include dirs; a file is parsed only when a document first needs one of its types.
 */
export class EnvoyProtoRegistry {
  private readonly root = new protobuf.Root();
  private index: Map<string, string> | undefined;

  constructor(private readonly includeDirs: readonly string[] = defaultIncludeDirs()) {
    // Imports are resolved like protoc -I: first include dir holding the file wins.
    this.root.resolvePath = (_origin: string, target: string): string => {
      if (path.isAbsolute(target)) return target;
      for (const dir of this.includeDirs) {
        const candidate = path.join(dir, target);
        if (fs.existsSync(candidate)) return candidate;
      }
      return target;
    };
  }

  /** The message type with this full name (no leading dot), loading its file on first use. */
  findType(fullName: string): protobuf.Type | undefined {
    const found = this.lookup(fullName);
    return found instanceof protobuf.Type ? found : undefined;
  }

  findEnum(fullName: string): protobuf.Enum | undefined {
    const found = this.lookup(fullName);
    return found instanceof protobuf.Enum ? found : undefined;
  }

  /** Validates a JSON document (already parsed from YAML) as the message `typeName`. */
  validate(typeName: string, document: unknown, options: StrictOptions = {}): StrictResult {
    const ctx: WalkContext = {
      errors: [],
      allowlisted: [],
      typesSeen: new Set<string>(),
      allowNewer: options.allowNewer ?? [],
      allowDeprecated: options.allowDeprecated ?? false,
    };
    const type = this.findType(typeName);
    if (!type) {
      ctx.errors.push({ path: '', message: `unknown message type ${typeName}` });
    } else {
      this.walkMessage(type, document, '', ctx, {});
    }
    return { errors: ctx.errors, allowlisted: ctx.allowlisted, typesSeen: ctx.typesSeen };
  }

  private lookup(fullName: string): protobuf.ReflectionObject | undefined {
    const existing = this.tryLookup(fullName);
    if (existing) return existing;
    const file = WELL_KNOWN_FILES[fullName] ?? this.protoIndex().get(fullName);
    if (!file) return undefined;
    this.root.loadSync(file, { keepCase: true });
    this.root.resolveAll();
    return this.tryLookup(fullName);
  }

  private tryLookup(fullName: string): protobuf.ReflectionObject | undefined {
    try {
      return this.root.lookup(fullName) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /** Full name of every message and enum -> its proto file relative to an include dir. */
  private protoIndex(): Map<string, string> {
    if (this.index) return this.index;
    const index = new Map<string, string>();
    for (const dir of this.includeDirs) {
      // The protobufjs root only supplies descriptor.proto; its other files are not Envoy API.
      if (fs.existsSync(path.join(dir, 'package.json'))) continue;
      for (const file of listProtoFiles(dir)) {
        const relative = path.relative(dir, file).split(path.sep).join('/');
        for (const name of declaredNames(fs.readFileSync(file, 'utf8'))) {
          if (!index.has(name)) index.set(name, relative);
        }
      }
    }
    this.index = index;
    return index;
  }

  private walkMessage(type: protobuf.Type, value: unknown, at: string, ctx: WalkContext, rules: Rules): void {
    const name = type.fullName.replace(/^\./, '');
    if (name === 'google.protobuf.Any') {
      this.walkAny(value, at, ctx, rules);
      return;
    }
    if (this.walkWellKnown(name, value, at, ctx, rules)) return;
    if (!isJsonObject(value)) {
      ctx.errors.push({ path: at, message: `expected an object for ${name}, got ${describe(value)}` });
      return;
    }
    ctx.typesSeen.add(name);
    const used = new Map<string, string>();
    let usedAllowance = false;
    for (const [key, fieldValue] of Object.entries(value)) {
      const keyPath = joinPath(at, key);
      const field = fieldByKey(type, key);
      if (!field) {
        usedAllowance = this.unknownField(type, name, key, keyPath, ctx) || usedAllowance;
        continue;
      }
      const previous = used.get(field.name);
      if (previous !== undefined) {
        ctx.errors.push({ path: keyPath, message: `field ${field.name} of ${name} is set twice ("${previous}" and "${key}")` });
        continue;
      }
      used.set(field.name, key);
      if (optionOf(field, 'deprecated') === true && !ctx.allowDeprecated) {
        ctx.errors.push({ path: keyPath, message: `field ${field.name} of ${name} is deprecated` });
      }
      this.walkField(field, fieldValue, keyPath, ctx);
    }
    // A newer field may be a new member of a required oneof: do not demand an old member then.
    this.checkOneofs(type, name, value, used, at, ctx, usedAllowance);
    this.checkAbsentFields(type, name, value, used, at, ctx);
  }

  /** Records an unknown key as an error, or as an allowance use (then returns true). */
  private unknownField(type: protobuf.Type, typeName: string, key: string, at: string, ctx: WalkContext): boolean {
    const allowance = ctx.allowNewer.find(
      (entry) => entry.kind === 'field' && entry.message === typeName && (entry.field === key || lowerCamel(entry.field) === key),
    );
    if (allowance) {
      ctx.allowlisted.push({ path: at, allowance });
      return true;
    }
    if (key === '@type') {
      ctx.errors.push({ path: at, message: `"@type" is only valid inside a google.protobuf.Any, not in ${typeName}` });
      return false;
    }
    const candidates = type.fieldsArray.flatMap((field) => [field.name, lowerCamel(field.name)]);
    const best = candidates
      .map((candidate) => ({ candidate, distance: levenshtein(key, candidate) }))
      .sort((a, b) => a.distance - b.distance)[0];
    const hint = best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? ` (did you mean "${best.candidate}"?)` : '';
    ctx.errors.push({ path: at, message: `unknown field "${key}" in ${typeName}${hint}` });
    return false;
  }

  private walkField(field: protobuf.FieldBase, value: unknown, at: string, ctx: WalkContext): void {
    const rules = rulesOf(field);
    if (field instanceof protobuf.MapField) {
      if (value === null) return;
      if (!isJsonObject(value)) {
        ctx.errors.push({ path: at, message: `expected a map (object) for ${field.name}, got ${describe(value)}` });
        return;
      }
      const mapRules = isRecord(rules.map) ? rules.map : {};
      const minPairs = numberRule(mapRules, 'min_pairs');
      if (minPairs !== undefined && Object.keys(value).length < minPairs) {
        ctx.errors.push({ path: at, message: `${field.name} needs at least ${minPairs} entries` });
      }
      for (const [key, entry] of Object.entries(value)) {
        const entryPath = `${at}[${JSON.stringify(key)}]`;
        if (field.keyType !== 'string' && !(field.keyType === 'bool' ? /^(true|false)$/ : INTEGER_STRING_RE).test(key)) {
          ctx.errors.push({ path: entryPath, message: `map key ${JSON.stringify(key)} is not a ${field.keyType}` });
        }
        this.walkSingle(field, entry, entryPath, ctx, isRecord(mapRules.values) ? mapRules.values : {});
      }
      return;
    }
    if (field.repeated) {
      if (value === null) return;
      if (!Array.isArray(value)) {
        ctx.errors.push({ path: at, message: `expected a list for repeated field ${field.name}, got ${describe(value)}` });
        return;
      }
      const repeatedRules = isRecord(rules.repeated) ? rules.repeated : {};
      this.checkCount(field.name, value.length, repeatedRules, at, ctx);
      const itemRules = isRecord(repeatedRules.items) ? repeatedRules.items : {};
      value.forEach((item, index) => this.walkSingle(field, item, `${at}[${index}]`, ctx, itemRules));
      return;
    }
    this.walkSingle(field, value, at, ctx, rules);
  }

  private checkCount(fieldName: string, count: number, rules: Rules, at: string, ctx: WalkContext): void {
    const min = numberRule(rules, 'min_items');
    const max = numberRule(rules, 'max_items');
    if (min !== undefined && count < min) ctx.errors.push({ path: at, message: `${fieldName} needs at least ${min} item(s), has ${count}` });
    if (max !== undefined && count > max) ctx.errors.push({ path: at, message: `${fieldName} allows at most ${max} item(s), has ${count}` });
  }

  /** One value of a field (a list item, a map value or a singular value). */
  private walkSingle(field: protobuf.FieldBase, value: unknown, at: string, ctx: WalkContext, rules: Rules): void {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) {
      // JSON null means "unset" for every message except google.protobuf.Value.
      if (value === null && resolved.fullName !== '.google.protobuf.Value') return;
      this.walkMessage(resolved, value, at, ctx, rules);
      return;
    }
    if (value === null) return;
    if (resolved instanceof protobuf.Enum) {
      this.walkEnum(resolved, value, at, ctx, rules);
      return;
    }
    this.walkScalar(field.type, value, at, ctx, rules);
  }

  private walkEnum(enumType: protobuf.Enum, value: unknown, at: string, ctx: WalkContext, rules: Rules): void {
    const enumName = enumType.fullName.replace(/^\./, '');
    if (enumName === 'google.protobuf.NullValue') return;
    let valueName: string | undefined;
    if (typeof value === 'string') {
      if (value in enumType.values) {
        valueName = value;
      } else {
        const allowance = ctx.allowNewer.find((entry) => entry.kind === 'enumValue' && entry.enum === enumName && entry.value === value);
        if (allowance) {
          ctx.allowlisted.push({ path: at, allowance });
          return;
        }
        ctx.errors.push({
          path: at,
          message: `invalid value ${JSON.stringify(value)} for enum ${enumName} (valid: ${Object.keys(enumType.values).join(', ')})`,
        });
        return;
      }
    } else if (typeof value === 'number' && Number.isInteger(value)) {
      valueName = Object.keys(enumType.values).find((key) => enumType.values[key] === value);
      if (valueName === undefined) {
        ctx.errors.push({ path: at, message: `number ${value} is not a defined value of enum ${enumName}` });
        return;
      }
    } else {
      ctx.errors.push({ path: at, message: `expected an enum name of ${enumName}, got ${describe(value)}` });
      return;
    }
    const valueOptions: { [key: string]: unknown } | undefined = enumType.valuesOptions?.[valueName];
    if (valueOptions?.deprecated === true && !ctx.allowDeprecated) {
      ctx.errors.push({ path: at, message: `enum value ${valueName} of ${enumName} is deprecated` });
    }
    const enumRules = isRecord(rules.enum) ? rules.enum : {};
    const number = enumType.values[valueName];
    if (Array.isArray(enumRules.in) && !enumRules.in.includes(number)) {
      ctx.errors.push({ path: at, message: `enum value ${valueName} is not allowed here` });
    }
    if (Array.isArray(enumRules.not_in) && enumRules.not_in.includes(number)) {
      ctx.errors.push({ path: at, message: `enum value ${valueName} is not allowed here` });
    }
  }

  private walkScalar(scalarType: string, value: unknown, at: string, ctx: WalkContext, rules: Rules): void {
    const fail = (expected: string): void => {
      ctx.errors.push({ path: at, message: `expected ${expected}, got ${describe(value)}` });
    };
    switch (scalarType) {
      case 'string':
        if (typeof value !== 'string') return fail('a string');
        this.checkStringRules(value, at, ctx, rules);
        return;
      case 'bool':
        if (typeof value !== 'boolean') return fail('a boolean (true/false)');
        if (isRecord(rules.bool) && typeof rules.bool.const === 'boolean' && rules.bool.const !== value) {
          ctx.errors.push({ path: at, message: `must be ${String(rules.bool.const)}` });
        }
        return;
      case 'bytes':
        if (typeof value !== 'string' || !BASE64_RE.test(value)) return fail('base64 bytes');
        return;
      case 'double':
      case 'float': {
        const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
        const special = value === 'NaN' || value === 'Infinity' || value === '-Infinity';
        if (!special && (typeof value === 'boolean' || Number.isNaN(number))) return fail(`a ${scalarType}`);
        this.checkNumberRules(number, at, ctx, rules[scalarType]);
        return;
      }
      default: {
        const range = INTEGER_RANGES[scalarType];
        if (!range) {
          ctx.errors.push({ path: at, message: `unsupported scalar type ${scalarType}` });
          return;
        }
        const number =
          typeof value === 'number' ? value : typeof value === 'string' && INTEGER_STRING_RE.test(value) ? Number(value) : Number.NaN;
        if (!Number.isInteger(number)) return fail(`an integer (${scalarType})`);
        if (number < range[0] || number > range[1]) {
          ctx.errors.push({ path: at, message: `${number} is out of range for ${scalarType}` });
          return;
        }
        this.checkNumberRules(number, at, ctx, rules[scalarType]);
      }
    }
  }

  private checkStringRules(value: string, at: string, ctx: WalkContext, rules: Rules): void {
    const stringRules = isRecord(rules.string) ? rules.string : undefined;
    if (!stringRules) return;
    if (stringRules.ignore_empty === true && value === '') return;
    const chars = [...value].length;
    const bytes = Buffer.byteLength(value, 'utf8');
    const limits: Array<[string, number, (limit: number) => boolean, string]> = [
      ['min_len', chars, (limit) => chars >= limit, 'at least %d character(s)'],
      ['max_len', chars, (limit) => chars <= limit, 'at most %d character(s)'],
      ['min_bytes', bytes, (limit) => bytes >= limit, 'at least %d byte(s)'],
      ['max_bytes', bytes, (limit) => bytes <= limit, 'at most %d byte(s)'],
    ];
    for (const [key, actual, holds, wording] of limits) {
      const limit = numberRule(stringRules, key);
      if (limit !== undefined && !holds(limit)) {
        ctx.errors.push({ path: at, message: `string must have ${wording.replace('%d', String(limit))}, has ${actual}` });
      }
    }
    if (Array.isArray(stringRules.in) && !stringRules.in.includes(value)) {
      ctx.errors.push({ path: at, message: `${JSON.stringify(value)} is not one of ${stringRules.in.map((v) => JSON.stringify(v)).join(', ')}` });
    }
  }

  private checkNumberRules(value: number, at: string, ctx: WalkContext, rules: unknown): void {
    if (!isRecord(rules)) return;
    if (rules.ignore_empty === true && value === 0) return;
    const gt = numberRule(rules, 'gt');
    const gte = numberRule(rules, 'gte');
    const lt = numberRule(rules, 'lt');
    const lte = numberRule(rules, 'lte');
    const constant = numberRule(rules, 'const');
    if (gt !== undefined && !(value > gt)) ctx.errors.push({ path: at, message: `${value} must be > ${gt}` });
    if (gte !== undefined && !(value >= gte)) ctx.errors.push({ path: at, message: `${value} must be >= ${gte}` });
    if (lt !== undefined && !(value < lt)) ctx.errors.push({ path: at, message: `${value} must be < ${lt}` });
    if (lte !== undefined && !(value <= lte)) ctx.errors.push({ path: at, message: `${value} must be <= ${lte}` });
    if (constant !== undefined && value !== constant) ctx.errors.push({ path: at, message: `${value} must be ${constant}` });
  }

  /** Handles types with a special JSON mapping. Returns false for ordinary messages. */
  private walkWellKnown(name: string, value: unknown, at: string, ctx: WalkContext, rules: Rules): boolean {
    const wrapped = WRAPPERS[name];
    if (wrapped) {
      ctx.typesSeen.add(name);
      this.walkScalar(wrapped, value, at, ctx, rules);
      return true;
    }
    switch (name) {
      case 'google.protobuf.Duration': {
        ctx.typesSeen.add(name);
        const seconds = typeof value === 'string' ? parseDuration(value) : undefined;
        if (seconds === undefined) {
          ctx.errors.push({ path: at, message: `expected a duration string such as "2s" or "0.25s", got ${describe(value)}` });
          return true;
        }
        if (Math.abs(seconds) > MAX_DURATION_SECONDS) ctx.errors.push({ path: at, message: 'duration out of range' });
        const durationRules = isRecord(rules.duration) ? rules.duration : {};
        const bounds: Array<[string, (limit: number) => boolean, string]> = [
          ['gt', (limit) => seconds > limit, '>'],
          ['gte', (limit) => seconds >= limit, '>='],
          ['lt', (limit) => seconds < limit, '<'],
          ['lte', (limit) => seconds <= limit, '<='],
        ];
        for (const [key, holds, symbol] of bounds) {
          const limit = durationRuleSeconds(durationRules, key);
          if (limit !== undefined && !holds(limit)) ctx.errors.push({ path: at, message: `duration ${String(value)} must be ${symbol} ${limit}s` });
        }
        return true;
      }
      case 'google.protobuf.Timestamp':
        ctx.typesSeen.add(name);
        if (typeof value !== 'string' || !TIMESTAMP_RE.test(value)) {
          ctx.errors.push({ path: at, message: `expected an RFC 3339 timestamp, got ${describe(value)}` });
        }
        return true;
      case 'google.protobuf.FieldMask':
        ctx.typesSeen.add(name);
        if (typeof value !== 'string') ctx.errors.push({ path: at, message: `expected a field mask string, got ${describe(value)}` });
        return true;
      case 'google.protobuf.Struct':
        ctx.typesSeen.add(name);
        if (!isJsonObject(value)) ctx.errors.push({ path: at, message: `expected an object (Struct), got ${describe(value)}` });
        else this.checkJson(value, at, ctx);
        return true;
      case 'google.protobuf.ListValue':
        ctx.typesSeen.add(name);
        if (!Array.isArray(value)) ctx.errors.push({ path: at, message: `expected a list (ListValue), got ${describe(value)}` });
        else this.checkJson(value, at, ctx);
        return true;
      case 'google.protobuf.Value':
        ctx.typesSeen.add(name);
        this.checkJson(value, at, ctx);
        return true;
      case 'google.protobuf.Empty':
        ctx.typesSeen.add(name);
        if (!isJsonObject(value) || Object.keys(value).length > 0) ctx.errors.push({ path: at, message: 'expected an empty object {}' });
        return true;
      default:
        return false;
    }
  }

  /** Struct/Value content must be plain JSON (YAML can produce dates and other non-JSON values). */
  private checkJson(value: unknown, at: string, ctx: WalkContext): void {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) ctx.errors.push({ path: at, message: 'non-finite number in a Struct' });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.checkJson(item, `${at}[${index}]`, ctx));
      return;
    }
    if (isJsonObject(value)) {
      for (const [key, item] of Object.entries(value)) this.checkJson(item, joinPath(at, key), ctx);
      return;
    }
    ctx.errors.push({ path: at, message: `not representable in JSON: ${describe(value)}` });
  }

  private walkAny(value: unknown, at: string, ctx: WalkContext, rules: Rules): void {
    if (!isJsonObject(value)) {
      ctx.errors.push({ path: at, message: `expected an object with "@type" (google.protobuf.Any), got ${describe(value)}` });
      return;
    }
    const typeUrl = value['@type'];
    const typePath = joinPath(at, '@type');
    if (typeof typeUrl !== 'string' || !typeUrl.includes('/')) {
      ctx.errors.push({ path: typePath, message: 'google.protobuf.Any needs "@type": "type.googleapis.com/<full.message.name>"' });
      return;
    }
    const typeName = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
    const anyRules = isRecord(rules.any) ? rules.any : {};
    if (Array.isArray(anyRules.in) && !anyRules.in.includes(typeUrl)) {
      ctx.errors.push({ path: typePath, message: `${typeUrl} is not allowed here` });
    }
    const type = this.findType(typeName);
    if (!type) {
      const allowance = ctx.allowNewer.find((entry) => entry.kind === 'type' && entry.type === typeName);
      if (allowance) {
        ctx.allowlisted.push({ path: typePath, allowance });
        return;
      }
      ctx.errors.push({ path: typePath, message: `unknown @type ${JSON.stringify(typeUrl)}: no such message in the bundled Envoy API` });
      return;
    }
    const rest: JsonObject = {};
    for (const [key, item] of Object.entries(value)) if (key !== '@type') rest[key] = item;
    if (SPECIAL_JSON_TYPES.has(typeName)) {
      // JSON mapping: an Any holding a type with a special JSON form puts that form under "value".
      const extra = Object.keys(rest).filter((key) => key !== 'value');
      if (extra.length > 0) ctx.errors.push({ path: at, message: `an Any of ${typeName} takes only "value", not ${extra.join(', ')}` });
      if (!('value' in rest)) {
        ctx.errors.push({ path: at, message: `an Any of ${typeName} needs "value"` });
        return;
      }
      this.walkMessage(type, rest.value, joinPath(at, 'value'), ctx, {});
      return;
    }
    this.walkMessage(type, rest, at, ctx, {});
    if (TYPED_STRUCTS.has(typeName)) this.walkTypedStruct(rest, at, ctx);
  }

  /** TypedStruct carries a config as a Struct plus its real type: validate the Struct as that type. */
  private walkTypedStruct(value: JsonObject, at: string, ctx: WalkContext): void {
    const innerUrl = value.type_url ?? value.typeUrl;
    if (typeof innerUrl !== 'string') return;
    const innerName = innerUrl.slice(innerUrl.lastIndexOf('/') + 1);
    const inner = this.findType(innerName);
    if (!inner) {
      ctx.errors.push({ path: joinPath(at, 'type_url'), message: `unknown type ${JSON.stringify(innerUrl)} in TypedStruct` });
      return;
    }
    this.walkMessage(inner, value.value ?? {}, joinPath(at, 'value'), ctx, {});
  }

  private checkOneofs(
    type: protobuf.Type,
    name: string,
    value: JsonObject,
    used: Map<string, string>,
    at: string,
    ctx: WalkContext,
    usedAllowance: boolean,
  ): void {
    const isSet = (field: protobuf.FieldBase): boolean => {
      const key = used.get(field.name);
      return key !== undefined && value[key] !== null;
    };
    for (const oneof of type.oneofsArray) {
      const members = oneof.fieldsArray;
      // proto3 `optional` makes a synthetic one-member oneof; it constrains nothing.
      if (members.length === 1 && oneof.name === `_${members[0].name}`) continue;
      const set = members.filter(isSet).map((field) => used.get(field.name) ?? field.name);
      if (set.length > 1) {
        ctx.errors.push({ path: at, message: `oneof "${oneof.name}" of ${name} has ${set.join(' and ')} set; only one is allowed` });
      }
      if (set.length === 0 && !usedAllowance && optionOf(oneof, '(validate.required)') === true) {
        ctx.errors.push({ path: at, message: `${name} needs one of ${members.map((field) => field.name).join(', ')} (oneof "${oneof.name}")` });
      }
    }
    // Fields Envoy plans to move into a oneof are checked as one already (Envoy rejects both at runtime).
    const promoted = new Map<string, string[]>();
    for (const field of type.fieldsArray) {
      const group = optionOf(field, '(udpa.annotations.field_migrate).oneof_promotion');
      if (typeof group === 'string' && isSet(field)) promoted.set(group, [...(promoted.get(group) ?? []), field.name]);
    }
    for (const [group, fields] of promoted) {
      if (fields.length > 1) ctx.errors.push({ path: at, message: `${fields.join(' and ')} of ${name} are exclusive ("${group}"); set only one` });
    }
  }

  /** PGV rules that also fail when a field is absent (proto3 scalars then hold their default). */
  private checkAbsentFields(type: protobuf.Type, name: string, value: JsonObject, used: Map<string, string>, at: string, ctx: WalkContext): void {
    for (const field of type.fieldsArray) {
      const key = used.get(field.name);
      if (key !== undefined && value[key] !== null) continue;
      // A oneof member is validated only when it is the one set.
      if (field.partOf) continue;
      const rules = rulesOf(field);
      if (Object.keys(rules).length === 0) continue;
      const missing = (why: string): void => {
        ctx.errors.push({ path: joinPath(at, field.name), message: `${why} (field ${field.name} of ${name} is missing)` });
      };
      const required = (kind: string): boolean => isRecord(rules[kind]) && (rules[kind] as Rules).required === true;
      if (required('message') || required('any') || required('duration') || required('timestamp')) {
        missing('required');
        continue;
      }
      if (field instanceof protobuf.MapField) {
        const minPairs = isRecord(rules.map) ? numberRule(rules.map, 'min_pairs') : undefined;
        if (minPairs !== undefined && minPairs > 0) missing(`needs at least ${minPairs} entries`);
        continue;
      }
      if (field.repeated) {
        const min = isRecord(rules.repeated) ? numberRule(rules.repeated, 'min_items') : undefined;
        if (min !== undefined && min > 0) missing(`needs at least ${min} item(s)`);
        continue;
      }
      if (field.resolvedType instanceof protobuf.Type) continue;
      if (field.resolvedType instanceof protobuf.Enum) continue;
      // Scalars: evaluate the rules against the proto3 default value, as PGV does.
      const before = ctx.errors.length;
      const scratch: WalkContext = { ...ctx, errors: [] };
      const defaultValue: JsonValue = field.type === 'string' ? '' : field.type === 'bool' ? false : field.type === 'bytes' ? '' : 0;
      this.walkScalar(field.type, defaultValue, joinPath(at, field.name), scratch, rules);
      if (scratch.errors.length > 0 && ctx.errors.length === before) missing(scratch.errors[0].message);
    }
  }
}

function fieldByKey(type: protobuf.Type, key: string): protobuf.Field | undefined {
  const direct = type.fields[key];
  if (direct) return direct;
  return type.fieldsArray.find((field) => {
    const jsonName = optionOf(field, 'json_name');
    return (typeof jsonName === 'string' ? jsonName : lowerCamel(field.name)) === key;
  });
}

function listProtoFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.proto')) found.push(full);
    }
  };
  walk(dir);
  return found.sort();
}

/** Full names of the messages and enums a .proto file declares (nested ones included). */
export function declaredNames(source: string): string[] {
  const text = source
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(text)?.[1] ?? '';
  const names: string[] = [];
  // Each open brace is either a named message/enum scope or an anonymous one (options, oneofs...).
  const scopes: Array<string | null> = [];
  const tokens = /\b(message|enum)\s+(\w+)\s*\{|\{|\}/g;
  for (let match = tokens.exec(text); match; match = tokens.exec(text)) {
    if (match[0] === '}') {
      scopes.pop();
    } else if (match[1]) {
      const parents = scopes.filter((scope): scope is string => scope !== null);
      const full = [pkg, ...parents, match[2]].filter((part) => part !== '').join('.');
      names.push(full);
      scopes.push(match[2]);
    } else {
      scopes.push(null);
    }
  }
  return names;
}

/** yaml-cpp (Envoy's YAML reader) reads these plain scalars as booleans; the YAML 1.2 core schema reads strings. */
const YAML_CPP_BOOLEANS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export interface ParsedYaml {
  readonly value: unknown;
  readonly issues: readonly StrictIssue[];
}

/**
 * Parses YAML the way the validator needs it: duplicate keys are errors (Envoy's loader rejects them
 * too), and unquoted scalars that yaml-cpp would turn into booleans are flagged, because here they
 * would stay strings and could pass for a string field that Envoy then refuses.
 */
export function parseEnvoyYaml(text: string): ParsedYaml {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const issues: StrictIssue[] = doc.errors.map((error) => ({ path: '', message: `YAML: ${error.message}` }));
  YAML.visit(doc, {
    Scalar(_key, node, ancestors) {
      if (node.type === 'PLAIN' && typeof node.value === 'string' && YAML_CPP_BOOLEANS.test(node.value)) {
        issues.push({
          path: yamlPath([...ancestors, node]),
          message: `plain scalar ${node.value} is a boolean to Envoy's YAML reader; quote it if a string is meant`,
        });
      }
    },
  });
  return { value: doc.errors.length > 0 ? null : doc.toJS({ maxAliasCount: 100 }), issues };
}

/** The validator's path notation (`a.b[2].c`) for a node, from its ancestors in the YAML tree. */
function yamlPath(chain: ReadonlyArray<unknown>): string {
  let at = '';
  for (let i = 0; i < chain.length - 1; i += 1) {
    const node = chain[i];
    const child = chain[i + 1];
    if (YAML.isPair(node) && child === node.value) {
      at = joinPath(at, YAML.isScalar(node.key) ? String(node.key.value) : '?');
    } else if (YAML.isSeq(node)) {
      at = `${at}[${node.items.indexOf(child as YAML.Node)}]`;
    }
  }
  return at;
}

/** One line per issue, for test failure messages. */
export function formatIssues(issues: readonly StrictIssue[]): string {
  return issues.map((issue) => `  ${issue.path || '<root>'}: ${issue.message}`).join('\n');
}
