/**
 * Context words, as Presidio's context-aware enhancer uses them: words within a few tokens before (and
 * after) a match raise its score; words from a negative list lower it. Matching is on lower-cased word
 * tokens (a plural `s` is ignored); a phrase such as "social security" matches consecutive tokens.
 */
import { pattern } from './patterns';

const WORD = pattern('context.word', '[\\p{L}\\p{N}]+', 'gu');

/** Presidio's defaults: +0.35, and at least 0.4 once context is found. */
export const CONTEXT_BOOST = 0.35;
export const MIN_SCORE_WITH_CONTEXT = 0.4;
export const NEGATIVE_CONTEXT_PENALTY = 0.3;

export interface ContextWindow {
  /** Tokens looked at before the match. */
  readonly before: number;
  /** Tokens looked at after the match. */
  readonly after: number;
}

export const DEFAULT_CONTEXT_WINDOW: ContextWindow = { before: 6, after: 3 };

/** Word tokens of one text, computed once and searched by offset. */
export class ContextIndex {
  private starts: number[] = [];
  private ends: number[] = [];
  private words: string[] = [];

  constructor(text: string) {
    WORD.lastIndex = 0;
    for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
      this.starts.push(m.index);
      this.ends.push(m.index + m[0].length);
      this.words.push(m[0].toLowerCase());
    }
  }

  /** The tokens around [start, end), as a space-joined string with a leading and trailing space. */
  window(start: number, end: number, window: ContextWindow): { before: string; after: string } {
    // First token ending after `start` (tokens before it are wholly before the match).
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    const firstInside = lo;
    let after = firstInside;
    while (after < this.starts.length && this.starts[after]! < end) after++;
    const before = this.words.slice(Math.max(0, firstInside - window.before), firstInside);
    const following = this.words.slice(after, after + window.after);
    return { before: ` ${before.join(' ')} `, after: ` ${following.join(' ')} ` };
  }
}

/** Whether one of `words` occurs in the joined window (whole tokens; a trailing plural `s` allowed). */
export function hasContext(joined: string, words: readonly string[]): boolean {
  for (const word of words) {
    if (joined.includes(` ${word} `) || joined.includes(` ${word}s `)) return true;
  }
  return false;
}

/** Lower-cases and splits a configured context word the way the text is tokenised. */
export function normaliseContextWord(word: string): string {
  WORD.lastIndex = 0;
  const parts: string[] = [];
  for (let m = WORD.exec(word); m; m = WORD.exec(word)) parts.push(m[0].toLowerCase());
  return parts.join(' ');
}
