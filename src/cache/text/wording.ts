/**
 * The last check before a semantic hit, on the content words of the two questions (hashes and token
 * positions, which is what the store keeps):
 * - no substitution: when each question has a content word the other lacks ("reset my password on the
 *   website" / "in the app", "billing" / "shipping address"), they may ask different things, however
 *   similar the rest is.
 * - no swapped roles: two shared words in opposite order are a swap ("from savings to checking" / "from
 *   checking to savings", "managers see employee reports" / "employees see manager reports") unless the
 *   pair is a compound read either way: side by side in both, or side by side in one and joined by a
 *   preposition in the other ("student discount" / "discount for students").
 * - no narrowing: a content word only one side has must be a generic one (FILLERS): "cancel my
 *   subscription" does not answer "cancel my subscription renewal".
 * PAWS-style pairs fail this; paraphrases that drop filler words or move a modifier pass.
 */
import { wordHash } from './features';
import { canonicalWord } from './tokens';

export interface Wording {
  readonly words: readonly number[];
  readonly positions: readonly number[];
  readonly connectors: readonly number[];
}

/** Words that rephrasing adds or drops without changing the question (canonical forms, hashed). */
const FILLERS: ReadonlySet<number> = new Set(
  (
    'place make made do done doing get got go keep kept still again currently actually really exactly just possible possibly way step steps process ' +
    'thing something anything anyone someone somebody option options method methods new quick quickly simply easily able allowed ' +
    'there here today right sure also know tell show explain mean find need want like try trying wonder question issue please ' +
    // Support questions say "on my account", "do you offer / have", "what should I do now" without asking more.
    'account offer offered provide have available now once authentication'
  )
    .split(' ')
    .map((word) => wordHash(canonicalWord(word))),
);

/** How far apart a compound's two words may be when a preposition joins them ("language of the app"). */
const MAX_JOINED_SPAN = 4;

export function compatibleWording(a: Wording, b: Wording): boolean {
  const inA = firstPositions(a);
  const inB = firstPositions(b);
  const extraA = [...inA.keys()].filter((word) => !inB.has(word));
  const extraB = [...inB.keys()].filter((word) => !inA.has(word));
  if (extraA.length > 0 && extraB.length > 0) return false;
  // A word one side adds narrows the question ("cancel my subscription renewal", "update the app
  // settings") unless it is one of the generic words phrasings add ("place an order", "a new user").
  if (![...extraA, ...extraB].every((word) => FILLERS.has(word))) return false;
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
