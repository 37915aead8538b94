/** Light stemming for the cache's lexical matching (no dictionary, no dependencies). */
/** A light English suffix stripper: enough to fold plurals and verb forms, never below three letters. */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  const rules: ReadonlyArray<readonly [string, string]> = [
    ['ically', 'ic'],
    ['ally', 'al'],
    ['ily', 'y'],
    ['ly', ''],
    ['ies', 'y'],
    ['sses', 'ss'],
    ['ing', ''],
    ['ed', ''],
    ['es', ''],
    ['s', ''],
  ];
  for (const [suffix, replacement] of rules) {
    if (!word.endsWith(suffix)) continue;
    if (suffix === 's' && (word.endsWith('ss') || word.endsWith('us') || word.endsWith('is'))) continue;
    if (suffix === 'es' && !/(?:ch|sh|x|z|ss)es$/.test(word)) continue;
    // "apply", "only", "early", "reply" are not adverbs: only long words lose a plain -ly.
    if ((suffix === 'ly' || suffix === 'ily') && word.length - suffix.length < 5) continue;
    const base = word.slice(0, word.length - suffix.length) + replacement;
    if (base.length < 3) continue;
    // "stopped" -> "stop", "shipping" -> "ship": undo a doubled final consonant.
    if ((suffix === 'ing' || suffix === 'ed') && base.length > 3 && base[base.length - 1] === base[base.length - 2] && !'lsz'.includes(base[base.length - 1] as string)) {
      return base.slice(0, -1);
    }
    return dropFinalE(base);
  }
  return dropFinalE(word);
}

/** "charge", "charged", "charging" all become "charg". */
function dropFinalE(word: string): string {
  return word.length > 4 && word.endsWith('e') ? word.slice(0, -1) : word;
}
