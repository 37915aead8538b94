/** Small helpers shared by the recognizers. */
import { pattern } from '../patterns';

/** Iterates the matches of a global/sticky regex from the start of `text`; the callback may move `lastIndex`. */
export function eachMatch(regex: RegExp, text: string, onMatch: (match: RegExpExecArray) => void): void {
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m; m = regex.exec(text)) {
    const before = regex.lastIndex;
    onMatch(m);
    if (regex.lastIndex === m.index && m[0].length === 0) regex.lastIndex = m.index + 1;
    else if (regex.lastIndex < before && regex.lastIndex <= m.index) regex.lastIndex = m.index + 1;
  }
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

const LETTER_OR_DIGIT = pattern('util.letter_or_digit', '[\\p{L}\\p{N}]', 'u');

/** A letter or digit in any script, checked on the character at `index` (NaN-safe at the ends). */
export function isWordCharAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 128) return isAsciiAlnum(code) || code === 95;
  return LETTER_OR_DIGIT.test(text[index]!);
}

export function digitsOf(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) out += text[i];
  }
  return out;
}

/** A plausible calendar date (month 1-12, day 1-31, year any). */
export function plausibleDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 0;
}
