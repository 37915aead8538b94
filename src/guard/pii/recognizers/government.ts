/** US_SSN (with the invalid-range rules), US_PASSPORT and US_DRIVER_LICENSE (both only with context). */
import { pattern } from '../patterns';
import type { Candidate, Recognizer } from '../types';
import { digitsOf, eachMatch } from './util';

const SSN_DASHED = pattern('ssn.dashed', '(?<![\\d\\-])\\d{3}-\\d{2}-\\d{4}(?![\\d\\-]|-?\\d)', 'g');
const SSN_SPACED = pattern('ssn.spaced', '(?<![\\d.])\\d{3}[ .]\\d{2}[ .]\\d{4}(?![\\d.]|[ .]\\d)', 'g');
const SSN_BARE = pattern('ssn.bare', '(?<![\\d\\-.])\\d{9}(?![\\d\\-]|\\.\\d)', 'g');
const SSN_CONTEXT = ['ssn', 'ssns', 'social', 'security', 'social security', 'ss', 'ssa', 'taxpayer', 'tin'];

/** SSA rules: no area 000, 666 or 900-999, no group 00, no serial 0000; plus well-known published numbers. */
export function validSsn(digits: string): boolean {
  if (digits.length !== 9) return false;
  const area = digits.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (digits.slice(3, 5) === '00' || digits.slice(5) === '0000') return false;
  if (digits.split('').every((d) => d === digits[0])) return false;
  return !['123456789', '078051120', '219099999', '457555462'].includes(digits);
}

export const ssnRecognizer: Recognizer = {
  id: 'us_ssn',
  entities: ['US_SSN'],
  find(text) {
    const out: Candidate[] = [];
    const add = (regex: RegExp, score: number, requiresContext: boolean): void => {
      eachMatch(regex, text, (m) => {
        const digits = digitsOf(m[0]);
        if (!validSsn(digits)) return;
        out.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length, score, recognizer: 'us_ssn', context: SSN_CONTEXT, requiresContext });
      });
    };
    add(SSN_DASHED, 0.6, false);
    add(SSN_SPACED, 0.4, false);
    add(SSN_BARE, 0.3, true);
    return out;
  },
};

const PASSPORT = pattern('us_passport.number', '(?<![A-Za-z0-9])[A-Za-z]?\\d{8,9}(?![A-Za-z0-9])', 'g');
const PASSPORT_GATE = pattern('us_passport.gate', 'passport', 'i');
const PASSPORT_CONTEXT = ['passport', 'passport number', 'passport no', 'travel document'];

export const usPassportRecognizer: Recognizer = {
  id: 'us_passport',
  entities: ['US_PASSPORT'],
  find(text) {
    if (!PASSPORT_GATE.test(text)) return [];
    const out: Candidate[] = [];
    eachMatch(PASSPORT, text, (m) => {
      // Nine digits (book) or one letter and eight digits (next-generation book and card).
      if (m[0].length !== 9) return;
      out.push({ type: 'US_PASSPORT', start: m.index, end: m.index + m[0].length, score: 0.6, recognizer: 'us_passport', context: PASSPORT_CONTEXT, requiresContext: true });
    });
    return out;
  },
};

const LICENSE_TOKEN = pattern('us_driver_license.token', '(?<![A-Za-z0-9\\-])[A-Za-z0-9]{5,20}(?![A-Za-z0-9\\-])', 'g');
const LICENSE_GATE = pattern('us_driver_license.gate', 'driver|driving|licen[cs]e|\\bdl\\b|\\bdln\\b', 'i');
const LICENSE_CONTEXT = ['driver', 'drivers', 'driving', 'license', 'licence', 'dl', 'dln', 'permit', 'driver license', 'drivers license'];

/** State formats vary (1-2 letters and 4-14 digits, all digits, a trailing letter): shape plus context. */
function licenseShape(token: string): boolean {
  let digits = 0;
  let letters = 0;
  for (const ch of token) {
    if (ch >= '0' && ch <= '9') digits++;
    else letters++;
  }
  return digits >= 5 && letters <= 3 && token.length <= 16;
}

export const usDriverLicenseRecognizer: Recognizer = {
  id: 'us_driver_license',
  entities: ['US_DRIVER_LICENSE'],
  find(text) {
    if (!LICENSE_GATE.test(text)) return [];
    const out: Candidate[] = [];
    eachMatch(LICENSE_TOKEN, text, (m) => {
      if (!licenseShape(m[0])) return;
      out.push({ type: 'US_DRIVER_LICENSE', start: m.index, end: m.index + m[0].length, score: 0.6, recognizer: 'us_driver_license', context: LICENSE_CONTEXT, requiresContext: true });
    });
    return out;
  },
};
