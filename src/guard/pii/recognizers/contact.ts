/** EMAIL_ADDRESS and PHONE_NUMBER. */
import { parsePhoneNumberFromString, isValidPhoneNumber } from 'libphonenumber-js';
import { pattern } from '../patterns';
import type { Candidate, Recognizer } from '../types';
import { digitsOf, eachMatch, isWordCharAt, plausibleDate } from './util';

const EMAIL = pattern('email.address', '(?<![A-Za-z0-9._%+\\-])[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+', 'g');
const EMAIL_CONTEXT = ['email', 'e mail', 'mail', 'address', 'contact', 'inbox'];

function validEmail(local: string, labels: readonly string[]): boolean {
  if (local.length === 0 || local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  if (labels.length < 2) return false;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return false;
  }
  const tld = labels[labels.length - 1]!;
  return tld.startsWith('xn--') || (tld.length >= 2 && tld.length <= 24 && ALPHA.test(tld));
}

/** Whether `scheme://` occurs in the run of non-space characters that ends at `index`. */
function urlSchemeBefore(text: string, index: number): boolean {
  let start = index;
  while (start > 0 && start > index - 256 && text[start - 1] !== ' ' && text[start - 1] !== '\n' && text[start - 1] !== '\t') start--;
  return text.slice(start, index).includes('://');
}

const ALPHA = pattern('email.tld', '^[A-Za-z]+$', '');

export const emailRecognizer: Recognizer = {
  id: 'email',
  entities: ['EMAIL_ADDRESS'],
  find(text) {
    const out: Candidate[] = [];
    if (!text.includes('@')) return out;
    eachMatch(EMAIL, text, (m) => {
      const value = m[0];
      const at = value.indexOf('@');
      // A trailing hyphenated label is sometimes sentence punctuation: trim hyphens at the end.
      let end = m.index + value.length;
      while (text[end - 1] === '-' || text[end - 1] === '.') end--;
      const local = value.slice(0, at);
      const domain = text.slice(m.index + at + 1, end);
      if (!validEmail(local, domain.split('.'))) return;
      // user:password@host in a URL is a credential, not an address.
      if (text[m.index - 1] === ':' && urlSchemeBefore(text, m.index)) return;
      out.push({ type: 'EMAIL_ADDRESS', start: m.index, end, score: 0.95, recognizer: 'email', context: EMAIL_CONTEXT });
    });
    return out;
  },
};

/**
 * A run of digits with the separators phone numbers use: spaces, dots, hyphens, slashes, parentheses, an
 * optional leading `+`, and an optional extension. The loop is unambiguous and never has to backtrack; what
 * the run means is decided in code.
 */
const PHONE_RUN = pattern(
  'phone.run',
  '(?<![\\w+(.\\-/])(?:\\+ ?|\\()?\\d(?:\\d|[ .\\-/]\\(?\\d|\\)[ .\\-]?\\d)*(?:(?: ?(?:x|ext\\.?|extension) ?|#)\\d{1,6})?',
  'gi',
);
const PHONE_EXTENSION = pattern('phone.extension', '(?: ?(?:x|ext\\.?|extension) ?|#)\\d{1,6}$', 'i');
const NANP = pattern('phone.nanp', '^(?:\\+?1[ .\\-]?)?(?:\\(\\d{3}\\) ?|\\d{3}[ .\\-])\\d{3}[ .\\-]\\d{4}$', '');
const NANP_IDD = pattern('phone.nanp_idd', '^(?:00|011)[ .\\-]?1[ .\\-]\\d{3}[ .\\-]\\d{3}[ .\\-]\\d{4}$', '');
const DATE_SHAPE = pattern('phone.date_shape', '^(\\d{1,4})([./\\-])(\\d{1,2})\\2(\\d{1,4})$', '');
const IPV4_SHAPE = pattern('phone.ipv4_shape', '^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$', '');
const SSN_SHAPE = pattern('phone.ssn_shape', '^\\d{3}[ \\-.]\\d{2}[ \\-.]\\d{4}$', '');
const SEPARATOR = pattern('phone.separator', '[ .\\-/()]', '');

export const PHONE_CONTEXT = [
  'phone', 'telephone', 'tel', 'mobile', 'cell', 'cellphone', 'call', 'calling', 'called', 'fax', 'office', 'reach',
  'contact', 'dial', 'whatsapp', 'sms', 'landline', 'answering', 'ring', 'hotline', 'helpline', 'ph', 'mob', 'phonenumber',
  'telefon', 'telefono', 'telephone number', 'phone number', 'extension', 'voicemail',
];
const PHONE_NEGATIVE = [
  'license', 'licence', 'passport', 'ssn', 'social', 'account', 'card', 'iban', 'routing', 'zip', 'postal', 'postcode',
  'order', 'invoice', 'serial', 'isbn', 'version', 'tracking',
];

/** Numbering plans tried for national formats without a country code (Presidio's default regions and more). */
const NATIONAL_REGIONS = ['GB', 'DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'AU', 'IN', 'BR', 'IL'] as const;

function looksLikeDate(main: string): boolean {
  const m = DATE_SHAPE.exec(main);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[3]);
  const c = Number(m[4]);
  if (m[1]!.length === 4) return plausibleDate(a, b, c);
  if (m[4]!.length === 4 || m[4]!.length === 2) return plausibleDate(c, a, b) || plausibleDate(c, b, a);
  return false;
}

/** Score for one phone-shaped run, or 0 when it is not a phone number; `local` when only context makes it one. */
function classifyPhone(main: string): { score: number; local: boolean } {
  const digits = digitsOf(main);
  if (main.startsWith('+')) {
    if (digits.length < 7 || digits.length > 15) return { score: 0, local: false };
    const parsed = parsePhoneNumberFromString(main);
    if (parsed?.isValid()) return { score: 0.95, local: false };
    if (parsed?.isPossible()) return { score: 0.75, local: false };
    return { score: 0.45, local: false };
  }
  if (looksLikeDate(main) || IPV4_SHAPE.test(main) || SSN_SHAPE.test(main)) return { score: 0, local: false };
  if (NANP_IDD.test(main)) {
    const plus = `+${digits.slice(digits.startsWith('011') ? 3 : 2)}`;
    return { score: isValidPhoneNumber(plus) ? 0.9 : 0.7, local: false };
  }
  if (digits.startsWith('00') && digits.length >= 9 && digits.length <= 17) {
    const parsed = parsePhoneNumberFromString(`+${digits.slice(2)}`);
    if (parsed?.isValid()) return { score: 0.85, local: false };
    if (parsed?.isPossible()) return { score: 0.45, local: true };
  }
  if (NANP.test(main)) return { score: isValidPhoneNumber(main, 'US') ? 0.75 : 0.6, local: false };
  if (digits.length < 6 || digits.length > 13) return { score: 0, local: false };
  const separated = SEPARATOR.test(main);
  if (!separated && digits.length < 7) return { score: 0, local: false };
  // A grouped national number with a trunk 0 that is valid in a large numbering plan needs no context.
  if (separated && digits.startsWith('0') && digits.length >= 9 && NATIONAL_REGIONS.some((region) => isValidPhoneNumber(main, region))) return { score: 0.55, local: false };
  return { score: 0.4, local: true };
}

export const phoneRecognizer: Recognizer = {
  id: 'phone',
  entities: ['PHONE_NUMBER'],
  find(text) {
    const out: Candidate[] = [];
    eachMatch(PHONE_RUN, text, (m) => {
      let start = m.index;
      let end = start + m[0].length;
      if (isWordCharAt(text, end)) return;
      let main = m[0];
      const ext = PHONE_EXTENSION.exec(main);
      if (ext) main = main.slice(0, ext.index);
      if (main.startsWith('(') && !main.includes(')')) {
        main = main.slice(1);
        start++;
      }
      const { score, local } = classifyPhone(main);
      if (score === 0) return;
      if (!ext) end = start + main.length;
      out.push({ type: 'PHONE_NUMBER', start, end, score, recognizer: 'phone', context: PHONE_CONTEXT, negativeContext: PHONE_NEGATIVE, requiresContext: local });
    });
    return out;
  },
};
