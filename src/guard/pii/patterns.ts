/**
 * Every regular expression of the PII module is compiled here, by name, so that one test can run a ReDoS
 * analyser (recheck) over all of them: no pattern may have a super-linear worst case under search.
 * Patterns are written so that the engine never needs to backtrack far: runs are anchored on a lookbehind
 * that forbids starting inside a run, loops are unambiguous, and validation happens in code, not in the regex.
 */

export interface RegisteredPattern {
  readonly name: string;
  readonly source: string;
  readonly flags: string;
}

const registered = new Map<string, RegisteredPattern>();

/** Compiles and records a pattern. Names are unique; the same name twice must be the same pattern. */
export function pattern(name: string, source: string, flags = 'g'): RegExp {
  const existing = registered.get(name);
  if (existing && (existing.source !== source || existing.flags !== flags)) throw new Error(`PII pattern ${name} defined twice with different sources`);
  const regex = new RegExp(source, flags);
  registered.set(name, { name, source: regex.source, flags: regex.flags });
  return regex;
}

/** Every pattern compiled so far (all recognizer modules register theirs when imported). */
export function compiledPatterns(): readonly RegisteredPattern[] {
  return [...registered.values()];
}

/** Escapes text for use inside a pattern (context words, allow-list entries). */
export function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIAL, '\\$&');
}

const REGEX_SPECIAL = pattern('patterns.special', '[.*+?^${}()|[\\]\\\\/-]', 'g');
