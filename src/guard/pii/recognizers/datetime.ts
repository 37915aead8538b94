/** DATE_TIME, and DATE_OF_BIRTH when birth context is near the date. */
import { pattern } from '../patterns';
import type { Candidate, Recognizer } from '../types';
import { eachMatch, isWordCharAt, plausibleDate } from './util';

const NUMERIC_DATE = pattern('date.numeric', '(?<![\\d/.\\-:])\\d{1,4}[/.\\-]\\d{1,2}[/.\\-]\\d{1,4}(?![\\d/]|[.\\-]\\d)', 'g');
const TIME_AFTER = pattern('date.time_after', '(?:[ T]|, )\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?: ?[AaPp]\\.?[Mm]\\.?)?(?: ?(?:Z|UTC|GMT|[+\\-]\\d{2}:?\\d{2}))?', 'y');
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const MONTH_DAY_YEAR = pattern('date.month_day_year', `(?<![\\p{L}\\d])(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?(?:,? \\d{4})?(?![\\p{L}\\d])`, 'giu');
const DAY_MONTH_YEAR = pattern('date.day_month_year', `(?<![\\p{L}\\d])\\d{1,2}(?:st|nd|rd|th)?(?: of)? (?:${MONTHS})\\.?(?:,? \\d{4})?(?![\\p{L}\\d])`, 'giu');
const MONTH_YEAR = pattern('date.month_year', `(?<![\\p{L}\\d])(?:${MONTHS})\\.?,? \\d{4}(?![\\p{L}\\d])`, 'giu');
const WEEKDAY = pattern('date.weekday', '(?<![\\p{L}])(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)day(?![\\p{L}])', 'giu');

export const DOB_CONTEXT = ['born', 'birth', 'birthday', 'birthdate', 'dob', 'date of birth', 'd o b', 'geboren', 'née', 'nee'];

function validNumericDate(value: string): boolean {
  const separator = [...value].find((ch) => ch < '0' || ch > '9');
  if (separator === undefined) return false;
  const parts = value.split(separator);
  if (parts.length !== 3) return false;
  const [a, b, c] = parts.map(Number) as [number, number, number];
  const [la, , lc] = parts.map((p) => p.length) as [number, number, number];
  if (la === 4) return lc <= 2 && plausibleDate(a, b, c) && a >= 1000;
  if (lc === 4 || lc === 2) return la <= 2 && (plausibleDate(c, a, b) || plausibleDate(c, b, a));
  return false;
}

export const dateRecognizer: Recognizer = {
  id: 'date',
  entities: ['DATE_TIME', 'DATE_OF_BIRTH'],
  find(text) {
    const out: Candidate[] = [];
    const push = (start: number, end: number, score: number): void => {
      TIME_AFTER.lastIndex = end;
      const time = TIME_AFTER.exec(text);
      if (time && !isWordCharAt(text, TIME_AFTER.lastIndex)) end = TIME_AFTER.lastIndex;
      out.push({ type: 'DATE_TIME', start, end, score, recognizer: 'date', context: DOB_CONTEXT, typeWithContext: 'DATE_OF_BIRTH' });
    };
    eachMatch(NUMERIC_DATE, text, (m) => {
      if (!validNumericDate(m[0])) return;
      push(m.index, m.index + m[0].length, 0.6);
    });
    for (const regex of [MONTH_DAY_YEAR, DAY_MONTH_YEAR, MONTH_YEAR]) {
      eachMatch(regex, text, (m) => {
        // Lower-case "may 5" is more often the verb than the month, unless a year follows.
        if (m[0].startsWith('may') && m[0].length < 9) return;
        push(m.index, m.index + m[0].length, 0.6);
      });
    }
    eachMatch(WEEKDAY, text, (m) => {
      out.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: 0.5, recognizer: 'date' });
    });
    return out;
  },
};
