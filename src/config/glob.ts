/**
 * `*` wildcard matching for names in config (models a tenant may use...). Implemented with indexOf on
 * the literal pieces, not a regex, so no pattern an operator writes can backtrack catastrophically.
 */
export type NameMatcher = (name: string) => boolean;

export function compileGlob(pattern: string): NameMatcher {
  if (!pattern.includes('*')) return (name) => name === pattern;
  const pieces = pattern.split('*');
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((piece) => piece.length > 0);
  return (name) => {
    if (name.length < first.length + last.length) return false;
    if (!name.startsWith(first) || !name.endsWith(last)) return false;
    // Greedy left-to-right placement of the middle pieces is enough for `*`-only globs.
    let position = first.length;
    const end = name.length - last.length;
    for (const piece of middle) {
      const found = name.indexOf(piece, position);
      if (found < 0 || found + piece.length > end) return false;
      position = found + piece.length;
    }
    return true;
  };
}

export function compileAllowDeny(allow: readonly string[], deny: readonly string[]): NameMatcher {
  const allowed = allow.map(compileGlob);
  const denied = deny.map(compileGlob);
  return (name) => allowed.some((match) => match(name)) && !denied.some((match) => match(name));
}
