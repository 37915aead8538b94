/** CREDIT_CARD (Luhn and issuer ranges), IBAN_CODE (mod-97 and per-country length), CRYPTO wallet addresses. */
import { base58CheckDecode, bech32Valid, eip55Valid, IBAN_LENGTHS, ibanValid, luhn } from '../checksums';
import { pattern } from '../patterns';
import type { Candidate, Recognizer } from '../types';
import { eachMatch, isAsciiAlnum, isDigit } from './util';

const CARD_RUN = pattern('credit_card.run', '(?<![\\d\\-])\\d(?:[ \\-]?\\d){11,22}', 'g');
const CARD_CONTEXT = [
  'card', 'credit', 'debit', 'visa', 'mastercard', 'amex', 'american express', 'discover', 'jcb', 'diners', 'maestro',
  'unionpay', 'cc', 'pan', 'payment', 'charge', 'expiry', 'expiration', 'cvv', 'cvc',
];
const CARD_NEGATIVE = ['order', 'tracking', 'invoice', 'isbn', 'phone', 'tel', 'account number', 'reference'];

/** Issuer (IIN) ranges and lengths of the card networks in use. */
export function cardIssuer(digits: string): string | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if ((p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) && n >= 16 && n <= 19) return 'discover';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095) && n >= 14 && n <= 19) return 'diners';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12 && n <= 19) return 'maestro';
  if (p4 >= 2200 && p4 <= 2204 && n === 16) return 'mir';
  if (p6 >= 979200 && p6 <= 979289 && n === 16) return 'troy';
  if ((p2 === 60 || p2 === 65 || p2 === 81 || p2 === 82 || p3 === 508 || p3 === 353 || p3 === 356) && n === 16) return 'rupay';
  return undefined;
}

/** One digit run with consistent separators; tries the whole run, then shorter prefixes ending at a group. */
function bestCard(run: string): number {
  const ends: number[] = [run.length];
  for (let i = run.length - 1; i > 0; i--) if (!isDigit(run.charCodeAt(i))) ends.push(i);
  for (const end of ends) {
    const part = run.slice(0, end);
    let digits = '';
    let separator = '';
    let consistent = true;
    for (const ch of part) {
      if (ch >= '0' && ch <= '9') digits += ch;
      else if (!separator) separator = ch;
      else if (ch !== separator) consistent = false;
    }
    if (!consistent || digits.length < 12 || digits.length > 19) continue;
    if (luhn(digits) && cardIssuer(digits)) return end;
  }
  return 0;
}

export const creditCardRecognizer: Recognizer = {
  id: 'credit_card',
  entities: ['CREDIT_CARD'],
  find(text) {
    const out: Candidate[] = [];
    eachMatch(CARD_RUN, text, (m) => {
      const end = bestCard(m[0]);
      if (end === 0) return;
      // A longer number (more digits right after the accepted part, no separator) is not a card.
      if (end === m[0].length && isDigit(text.charCodeAt(m.index + end))) return;
      out.push({ type: 'CREDIT_CARD', start: m.index, end: m.index + end, score: 0.8, recognizer: 'credit_card', context: CARD_CONTEXT, negativeContext: CARD_NEGATIVE });
      CARD_RUN.lastIndex = m.index + end;
    });
    return out;
  },
};

const IBAN_RUN = pattern('iban.run', '(?<![A-Za-z0-9])[A-Za-z]{2}\\d{2}(?: ?[A-Za-z0-9]){11,34}', 'g');
const IBAN_CONTEXT = ['iban', 'bank', 'account', 'transfer', 'wire', 'sepa', 'bic', 'swift', 'payment', 'beneficiary'];

export const ibanRecognizer: Recognizer = {
  id: 'iban',
  entities: ['IBAN_CODE'],
  find(text) {
    const out: Candidate[] = [];
    eachMatch(IBAN_RUN, text, (m) => {
      const run = m[0];
      const country = run.slice(0, 2).toUpperCase();
      const length = IBAN_LENGTHS[country];
      if (length === undefined) return;
      let compact = '';
      let end = 0;
      for (let i = 0; i < run.length && compact.length < length; i++) {
        if (run[i] !== ' ') compact += run[i];
        end = i + 1;
      }
      if (compact.length !== length) return;
      if (isAsciiAlnum(text.charCodeAt(m.index + end))) return;
      // Mixed case is not how anyone writes an IBAN.
      const upper = compact === compact.toUpperCase();
      if (!upper && compact !== compact.toLowerCase()) return;
      if (!ibanValid(compact)) return;
      out.push({ type: 'IBAN_CODE', start: m.index, end: m.index + end, score: upper ? 0.95 : 0.85, recognizer: 'iban', context: IBAN_CONTEXT });
      IBAN_RUN.lastIndex = m.index + end;
    });
    return out;
  },
};

const BTC_BASE58 = pattern('crypto.btc_base58', '(?<![A-Za-z0-9])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])', 'g');
const BTC_BECH32 = pattern('crypto.btc_bech32', '(?<![A-Za-z0-9])(?:bc1|BC1|tb1|TB1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}(?![A-Za-z0-9])', 'g');
const ETH = pattern('crypto.eth', '(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![0-9a-zA-Z])', 'g');
const CRYPTO_CONTEXT = ['wallet', 'btc', 'bitcoin', 'eth', 'ether', 'ethereum', 'crypto', 'address', 'send', 'usdt', 'token', 'metamask'];

export const cryptoRecognizer: Recognizer = {
  id: 'crypto',
  entities: ['CRYPTO'],
  find(text) {
    const out: Candidate[] = [];
    eachMatch(BTC_BASE58, text, (m) => {
      const payload = base58CheckDecode(m[0]);
      if (!payload || payload.length !== 21 || (payload[0] !== 0x00 && payload[0] !== 0x05)) return;
      out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: 0.95, recognizer: 'crypto', context: CRYPTO_CONTEXT });
    });
    if (text.includes('1')) eachMatch(BTC_BECH32, text, (m) => {
      if (!bech32Valid(m[0], m[0].slice(0, 2).toLowerCase())) return;
      out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: 0.95, recognizer: 'crypto', context: CRYPTO_CONTEXT });
    });
    if (text.includes('0x')) eachMatch(ETH, text, (m) => {
      const hex = m[0].slice(2);
      const mixed = hex !== hex.toLowerCase() && hex !== hex.toUpperCase();
      if (mixed && !eip55Valid(hex)) return;
      // Without mixed case there is no checksum: an all-lower 40-hex string could be any hash.
      out.push({ type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: mixed ? 0.95 : 0.5, recognizer: 'crypto', context: CRYPTO_CONTEXT });
    });
    return out;
  },
};
