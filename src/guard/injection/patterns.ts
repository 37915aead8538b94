/**
 * Every regular expression the injection detector compiles goes through `pattern()`, so one test can run
 * the ReDoS analyser (recheck) over all of them: no pattern may have a super-linear worst case.
 */
export interface RegisteredPattern {
  readonly name: string;
  readonly source: string;
  readonly flags: string;
}

const registered: RegisteredPattern[] = [];

export function pattern(name: string, source: string, flags = ''): RegExp {
  const compiled = new RegExp(source, flags);
  registered.push({ name, source, flags });
  return compiled;
}

/** Every pattern compiled so far (import the detector first so its modules have loaded). */
export function compiledPatterns(): readonly RegisteredPattern[] {
  return registered;
}
