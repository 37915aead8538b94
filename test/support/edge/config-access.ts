/**
 * Typed access to a parsed Envoy YAML document. Envoy parses YAML -> JSON -> proto and refuses what
 * does not fit, so the reader here throws with the document path instead of guessing: a config the
 * edge cannot read the way Envoy would is a bug in the config or in the edge, never something to skip.
 */
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';

export class EnvoyConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'EnvoyConfigError';
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new EnvoyConfigError(path, 'expected a mapping');
  return value;
}

export function optObject(parent: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = parent[key];
  return value === undefined || value === null ? undefined : asObject(value, `${path}.${key}`);
}

export function asArray(value: unknown, path: string): JsonValue[] {
  if (!Array.isArray(value)) throw new EnvoyConfigError(path, 'expected a list');
  return value as JsonValue[];
}

export function optArray(parent: JsonObject, key: string, path: string): JsonValue[] {
  const value = parent[key];
  return value === undefined || value === null ? [] : asArray(value, `${path}.${key}`);
}

export function optString(parent: JsonObject, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new EnvoyConfigError(`${path}.${key}`, 'expected a string');
  return value;
}

export function reqString(parent: JsonObject, key: string, path: string): string {
  const value = optString(parent, key, path);
  if (value === undefined) throw new EnvoyConfigError(`${path}.${key}`, 'is required');
  return value;
}

export function stringList(parent: JsonObject, key: string, path: string): string[] {
  return optArray(parent, key, path).map((item, index) => {
    if (typeof item !== 'string') throw new EnvoyConfigError(`${path}.${key}[${index}]`, 'expected a string');
    return item;
  });
}

/** Protobuf JSON accepts numbers and, for 64-bit integers, decimal strings. */
export function optNumber(parent: JsonObject, key: string, path: string): number | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new EnvoyConfigError(`${path}.${key}`, 'expected a number');
}

/** A bool, or a google.protobuf.BoolValue written as a plain bool (protobuf JSON mapping). */
export function optBool(parent: JsonObject, key: string, path: string): boolean | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (isObject(value) && typeof value.value === 'boolean') return value.value;
  throw new EnvoyConfigError(`${path}.${key}`, 'expected a bool');
}

/** A google.protobuf.UInt32Value written either plainly or as `{ value: n }`. */
export function optWrappedNumber(parent: JsonObject, key: string, path: string): number | undefined {
  const value = parent[key];
  if (isObject(value)) return optNumber(value, 'value', `${path}.${key}`);
  return optNumber(parent, key, path);
}

/**
 * google.protobuf.Duration in its JSON form: a decimal number of seconds with an `s` suffix ("2s",
 * "0.200s"). Envoy refuses "200ms", so the edge does too. The object form `{seconds, nanos}` that
 * YAML-to-proto also accepts is read as well.
 */
export function parseDurationMs(value: JsonValue, path: string): number {
  if (typeof value === 'string') {
    const match = /^(-?\d+(?:\.\d{1,9})?)s$/.exec(value.trim());
    if (!match) throw new EnvoyConfigError(path, `invalid google.protobuf.Duration "${value}" (use seconds with an "s" suffix, e.g. "0.200s")`);
    return Math.round(Number(match[1]) * 1000);
  }
  if (isObject(value)) {
    const seconds = optNumber(value, 'seconds', path) ?? 0;
    const nanos = optNumber(value, 'nanos', path) ?? 0;
    return seconds * 1000 + Math.round(nanos / 1e6);
  }
  throw new EnvoyConfigError(path, 'expected a duration');
}

export function optDurationMs(parent: JsonObject, key: string, path: string): number | undefined {
  const value = parent[key];
  return value === undefined || value === null ? undefined : parseDurationMs(value, `${path}.${key}`);
}

/** `@type` of a typed_config, without the type.googleapis.com/ prefix. */
export function typeName(config: JsonObject, path: string): string {
  const full = reqString(config, '@type', path);
  return full.slice(full.lastIndexOf('/') + 1);
}
