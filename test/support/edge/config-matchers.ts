/** Readers for Envoy's string and header matchers, shared by routes, forward_rules and local replies. */
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import { EnvoyConfigError, asObject, optBool, optObject, optString, reqString } from './config-access';
import type { HeaderMatcher, StringMatcher } from './config-types';

/** RE2 (Envoy's regex engine) matches the whole input; JS RegExp needs explicit anchors for that. */
export function compileFullMatch(source: string, ignoreCase: boolean, path: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, ignoreCase ? 'i' : '');
  } catch (error) {
    throw new EnvoyConfigError(path, `invalid regex: ${(error as Error).message}`);
  }
}

export function readStringMatcher(value: JsonValue, path: string): StringMatcher {
  const object = asObject(value, path);
  const ignoreCase = optBool(object, 'ignore_case', path) ?? false;
  for (const kind of ['exact', 'prefix', 'suffix', 'contains'] as const) {
    const text = optString(object, kind, path);
    if (text !== undefined) return { kind, value: text, ignoreCase };
  }
  const safeRegex = optObject(object, 'safe_regex', path);
  if (safeRegex) {
    const regex = reqString(safeRegex, 'regex', `${path}.safe_regex`);
    return { kind: 'safe_regex', value: regex, ignoreCase, regex: compileFullMatch(regex, false, `${path}.safe_regex`) };
  }
  throw new EnvoyConfigError(path, 'unsupported string matcher (the edge reads exact, prefix, suffix, contains, safe_regex)');
}

export function matchString(matcher: StringMatcher, input: string): boolean {
  if (matcher.kind === 'safe_regex') return matcher.regex?.test(input) ?? false;
  const subject = matcher.ignoreCase ? input.toLowerCase() : input;
  const value = matcher.ignoreCase ? matcher.value.toLowerCase() : matcher.value;
  switch (matcher.kind) {
    case 'exact':
      return subject === value;
    case 'prefix':
      return subject.startsWith(value);
    case 'suffix':
      return subject.endsWith(value);
    case 'contains':
      return subject.includes(value);
  }
}

/** envoy.config.route.v3.HeaderMatcher: present_match, exact_match (legacy) or string_match. */
export function readHeaderMatcher(value: JsonValue, path: string): HeaderMatcher {
  const object: JsonObject = asObject(value, path);
  const name = reqString(object, 'name', path).toLowerCase();
  const invert = optBool(object, 'invert_match', path) ?? false;
  const present = optBool(object, 'present_match', path);
  if (present !== undefined) return { name, kind: 'present', present, invert };
  const exact = optString(object, 'exact_match', path);
  if (exact !== undefined) return { name, kind: 'string', matcher: { kind: 'exact', value: exact, ignoreCase: false }, invert };
  const prefix = optString(object, 'prefix_match', path);
  if (prefix !== undefined) return { name, kind: 'string', matcher: { kind: 'prefix', value: prefix, ignoreCase: false }, invert };
  const stringMatch = object.string_match;
  if (stringMatch !== undefined) return { name, kind: 'string', matcher: readStringMatcher(stringMatch, `${path}.string_match`), invert };
  // No match specifier: Envoy treats the matcher as "header present".
  return { name, kind: 'present', present: true, invert };
}

/** Values of a header as the matcher sees them: Envoy joins repeated values with ','. */
export function matchHeader(matcher: HeaderMatcher, values: readonly string[]): boolean {
  let matched: boolean;
  if (matcher.kind === 'present') {
    matched = values.length > 0 === matcher.present;
  } else {
    matched = values.length > 0 && matchString(matcher.matcher, values.join(','));
  }
  return matched !== matcher.invert;
}
