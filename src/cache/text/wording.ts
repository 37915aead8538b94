/**
 * The last check before a semantic hit, on the content words of the two questions (hashes and token
 * positions, which is what the store keeps):
 * - no substitution: when each question has a content word the other lacks ("reset my password on the
 *   website" / "in the app", "billing" / "shipping address"), they may ask different things, however
 *   similar the rest is. Words only one side adds or drops ("add a new user" / "add a user") are fine.
 * - no swapped roles: two shared words in opposite order are a swap ("from savings to checking" / "from
 *   checking to savings", "managers see employee reports" / "employees see manager reports") unless the
 *   pair is a compound read either way: side by side in both, or side by side in one and joined by a
 *   preposition in the other ("student discount" / "discount for students").
 * PAWS-style pairs fail this; paraphrases that drop words or move a modifier pass.
 */
export interface Wording {
  readonly words: readonly number[];
  readonly positions: readonly number[];
  readonly connectors: readonly number[];
}

/** How far apart a compound's two words may be when a preposition joins them ("language of the app"). */
const MAX_JOINED_SPAN = 4;

export function compatibleWording(a: Wording, b: Wording): boolean {
  const inA = firstPositions(a);
  const inB = firstPositions(b);
  const onlyA = [...inA.keys()].some((word) => !inB.has(word));
  const onlyB = [...inB.keys()].some((word) => !inA.has(word));
  if (onlyA && onlyB) return false;
  const shared = [...inA.keys()].filter((word) => inB.has(word));
  for (let i = 0; i < shared.length; i += 1) {
    for (let j = i + 1; j < shared.length; j += 1) {
      const u = shared[i] as number;
      const v = shared[j] as number;
      const [ua, va, ub, vb] = [inA.get(u) as number, inA.get(v) as number, inB.get(u) as number, inB.get(v) as number];
      if (Math.sign(ua - va) === Math.sign(ub - vb)) continue;
      const adjacentA = Math.abs(ua - va) === 1;
      const adjacentB = Math.abs(ub - vb) === 1;
      if (adjacentA && adjacentB) continue;
      if (adjacentA && joined(b, ub, vb)) continue;
      if (adjacentB && joined(a, ua, va)) continue;
      return false;
    }
  }
  return true;
}

function firstPositions(side: Wording): Map<number, number> {
  const at = new Map<number, number>();
  side.words.forEach((word, i) => {
    if (!at.has(word)) at.set(word, side.positions[i] ?? i);
  });
  return at;
}

/** A preposition stands between the two positions, and they are close. */
function joined(side: Wording, x: number, y: number): boolean {
  const [from, to] = x < y ? [x, y] : [y, x];
  if (to - from > MAX_JOINED_SPAN) return false;
  return side.connectors.some((at) => at > from && at < to);
}
