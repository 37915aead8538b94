/**
 * Request checks shared by the mock providers' validators. The mocks answer 400 in the provider's own
 * error shape for what the real API rejects (required fields, types, ranges, conversation structure),
 * so a translation that only satisfies our own reading of a request fails in tests the way it would in
 * production. Each validator returns the first problem found, with the field at fault.
 */
import type { Json, JsonObject } from './types';

export interface Problem {
  readonly message: string;
  readonly param: string;
}

export function problem(param: string, message: string): Problem {
  return { param, message: `${param}: ${message}` };
}

export function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isInteger(value: Json | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** A number in [min, max] when present. */
export function checkRange(body: JsonObject, key: string, min: number, max: number, param = key): Problem | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return problem(param, 'Input should be a valid number');
  if (value < min || value > max) return problem(param, `Input should be between ${min} and ${max}`);
  return undefined;
}

export function checkPositiveInteger(body: JsonObject, key: string, param = key): Problem | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!isInteger(value) || value < 1) return problem(param, 'Input should be an integer greater than or equal to 1');
  return undefined;
}

export function checkStringArray(body: JsonObject, key: string, maxItems: number, param = key): Problem | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return problem(param, 'Input should be a valid list of strings');
  if (value.length > maxItems) return problem(param, `List should have at most ${maxItems} items`);
  return undefined;
}

/** Top-level fields the real API does not know are rejected there, so they are here. */
export function checkKnownKeys(body: JsonObject, known: ReadonlySet<string>, describe: (key: string) => string): Problem | undefined {
  for (const key of Object.keys(body)) if (!known.has(key)) return { param: key, message: describe(key) };
  return undefined;
}

/** Tool and function names as OpenAI and Anthropic accept them. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** The first problem of a list of checks run in order. */
export function first(...checks: Array<() => Problem | undefined>): Problem | undefined {
  for (const check of checks) {
    const found = check();
    if (found) return found;
  }
  return undefined;
}
