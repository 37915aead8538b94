/**
 * Secrets and credentials, typed `secret.<kind>`: cloud and SaaS keys with a recognisable prefix, JWTs, PEM
 * private keys, passwords in URLs, and high-entropy values assigned to key-like words.
 */
import { shannonEntropy } from '../checksums';
import { pattern } from '../patterns';
import type { Candidate, Recognizer } from '../types';
import { eachMatch, isAsciiAlnum } from './util';

interface PrefixedSecret {
  readonly type: string;
  readonly regex: RegExp;
  readonly score: number;
  /** Literal text that every match contains: the regex only runs when the text has one of them. */
  readonly gate: readonly string[];
  /** Extra check on the match (entropy, structure). */
  readonly valid?: (value: string) => boolean;
}

const TOKEN_TAIL = '(?![A-Za-z0-9_\\-])';

function mixed(value: string): boolean {
  let lower = false;
  let upper = false;
  let digit = false;
  for (const ch of value) {
    if (ch >= 'a' && ch <= 'z') lower = true;
    else if (ch >= 'A' && ch <= 'Z') upper = true;
    else if (ch >= '0' && ch <= '9') digit = true;
  }
  return [lower, upper, digit].filter(Boolean).length >= 2;
}

const PREFIXED: readonly PrefixedSecret[] = [
  { type: 'secret.aws_access_key', regex: pattern('secret.aws_access_key', '(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])', 'g'), score: 0.95, gate: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'] },
  { type: 'secret.github_token', regex: pattern('secret.github_token', `(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}${TOKEN_TAIL}`, 'g'), score: 0.95, gate: ['gh'] },
  { type: 'secret.github_token', regex: pattern('secret.github_pat', `(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}${TOKEN_TAIL}`, 'g'), score: 0.95, gate: ['github_pat_'] },
  { type: 'secret.gitlab_token', regex: pattern('secret.gitlab_token', `(?<![A-Za-z0-9_\\-])glpat-[A-Za-z0-9_\\-]{20,64}${TOKEN_TAIL}`, 'g'), score: 0.95, gate: ['glpat-'] },
  { type: 'secret.slack_token', regex: pattern('secret.slack_token', `(?<![A-Za-z0-9_\\-])xox[abposre]-[A-Za-z0-9\\-]{10,250}${TOKEN_TAIL}`, 'g'), score: 0.9, gate: ['xox'] },
  { type: 'secret.slack_webhook', regex: pattern('secret.slack_webhook', 'https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,200}', 'g'), score: 0.95, gate: ['hooks.slack.com'] },
  { type: 'secret.stripe_key', regex: pattern('secret.stripe_key', `(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}${TOKEN_TAIL}`, 'g'), score: 0.95, gate: ['sk_', 'rk_'] },
  { type: 'secret.stripe_key', regex: pattern('secret.stripe_webhook', `(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{24,128}${TOKEN_TAIL}`, 'g'), score: 0.9, gate: ['whsec_'] },
  { type: 'secret.anthropic_key', regex: pattern('secret.anthropic_key', `(?<![A-Za-z0-9_\\-])sk-ant-(?:api|admin|sid|oat|ort)\\d{2}-[A-Za-z0-9_\\-]{20,200}${TOKEN_TAIL}`, 'g'), score: 0.97, gate: ['sk-ant-'] },
  {
    type: 'secret.openai_key',
    regex: pattern('secret.openai_key', `(?<![A-Za-z0-9_\\-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\\-]{20,200}${TOKEN_TAIL}`, 'g'),
    score: 0.9, gate: ['sk-'],
    valid: (value) => !value.startsWith('sk-ant-') && mixed(value.slice(3)) && shannonEntropy(value) >= 3.5,
  },
  { type: 'secret.google_api_key', regex: pattern('secret.google_api_key', `(?<![A-Za-z0-9_\\-])AIza[0-9A-Za-z_\\-]{35}${TOKEN_TAIL}`, 'g'), score: 0.9, gate: ['AIza'] },
  { type: 'secret.sendgrid_key', regex: pattern('secret.sendgrid_key', `(?<![A-Za-z0-9_\\-])SG\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9_\\-]{43}${TOKEN_TAIL}`, 'g'), score: 0.95, gate: ['SG.'] },
  { type: 'secret.huggingface_token', regex: pattern('secret.huggingface_token', `(?<![A-Za-z0-9_\\-])hf_[A-Za-z]{34}${TOKEN_TAIL}`, 'g'), score: 0.9, gate: ['hf_'] },
  { type: 'secret.npm_token', regex: pattern('secret.npm_token', `(?<![A-Za-z0-9_\\-])npm_[A-Za-z0-9]{36}${TOKEN_TAIL}`, 'g'), score: 0.9, gate: ['npm_'] },
  {
    type: 'secret.jwt',
    regex: pattern('secret.jwt', `(?<![A-Za-z0-9_\\-])eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]*${TOKEN_TAIL}`, 'g'),
    score: 0.9, gate: ['eyJ'],
    valid: (value) => {
      try {
        const header = JSON.parse(Buffer.from(value.slice(0, value.indexOf('.')), 'base64url').toString('utf8')) as unknown;
        return typeof header === 'object' && header !== null && 'alg' in header;
      } catch {
        return false;
      }
    },
  },
];

const PEM_BEGIN = pattern('secret.pem_begin', '-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----', 'g');
const PEM_END = pattern('secret.pem_end', '-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----', 'g');
const URL_CREDENTIALS = pattern('secret.url_password', '(?<![A-Za-z0-9+.\\-])[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s:/?#@]*:[^\\s/?#@]+@', 'g');

/** Key-like words; the value after them is judged in code. */
const KEY_WORD = pattern(
  'secret.key_word',
  '(?<![A-Za-z0-9])(?:(?:aws_)?secret_access_key|api[_\\-. ]?key|apikey|x-api-key|secret[_\\-]?key|client[_\\-]?secret|app[_\\-]?secret|secret|' +
    '(?:access|auth|refresh|id|session|bearer|api)[_\\-]?token|token|bearer|passw(?:or)?d|passwd|pwd|passphrase|private[_\\-]?key|' +
    'credentials?|auth(?:orization)?|signing[_\\-]?key|encryption[_\\-]?key|webhook[_\\-]?secret)(?![A-Za-z0-9])',
  'gi',
);
/** After the key word: optional quote, then `:` `=` `=>` `:=` or the word "is", then an optional quote. */
const ASSIGNMENT = pattern('secret.assignment', '["\']?[ \\t]{0,4}(?::=|=>|[:=]|(?:is|was)[ \\t])?[ \\t]{0,4}(?:bearer[ \\t]+|basic[ \\t]+)?["\'`]?', 'iy');
const VALUE = pattern('secret.value', '[A-Za-z0-9/+_\\-=.~!@#$%^&*?]{6,512}', 'y');

function keyValue(text: string, word: string, wordEnd: number): Candidate | undefined {
  ASSIGNMENT.lastIndex = wordEnd;
  const assignment = ASSIGNMENT.exec(text);
  if (!assignment) return undefined;
  const sep = assignment[0];
  // An operator, or "is"/"was", links the word to the value; "password reset" is not a password.
  const lowerSep = sep.toLowerCase();
  const explicit = sep.includes(':') || sep.includes('=') || lowerSep.includes('is ') || lowerSep.includes('is\t') || lowerSep.includes('was');
  const bearer = sep.toLowerCase().includes('bearer') || word.toLowerCase() === 'bearer';
  VALUE.lastIndex = wordEnd + sep.length;
  const match = VALUE.exec(text);
  if (!match) return undefined;
  let value = match[0];
  while (value.length > 0 && '.,;!?'.includes(value[value.length - 1]!)) value = value.slice(0, -1);
  const start = VALUE.lastIndex - match[0].length;
  const lower = word.toLowerCase();
  const isPassword = lower.startsWith('pass') || lower === 'pwd' || lower.startsWith('passw');
  if (isPassword) {
    if (!explicit || value.length < 6 || [...value].every((ch) => ch === '*') || value.startsWith('${') || value.startsWith('{{')) return undefined;
    return { type: 'secret.password', start, end: start + value.length, score: mixed(value) ? 0.85 : 0.6, recognizer: 'secret' };
  }
  if (!explicit && !bearer) return undefined;
  const entropy = shannonEntropy(value);
  if (value.length < 16 || entropy < 3.2 || !mixed(value)) return undefined;
  return { type: bearer ? 'secret.bearer_token' : 'secret.generic', start, end: start + value.length, score: entropy >= 4 ? 0.85 : 0.7, recognizer: 'secret' };
}

export const secretRecognizer: Recognizer = {
  id: 'secret',
  entities: ['secret.*'],
  find(text) {
    const out: Candidate[] = [];
    for (const secret of PREFIXED) {
      if (!secret.gate.some((g) => text.includes(g))) continue;
      eachMatch(secret.regex, text, (m) => {
        if (secret.valid && !secret.valid(m[0])) return;
        out.push({ type: secret.type, start: m.index, end: m.index + m[0].length, score: secret.score, recognizer: 'secret' });
      });
    }
    if (text.includes('-----BEGIN')) eachMatch(PEM_BEGIN, text, (m) => {
      PEM_END.lastIndex = m.index + m[0].length;
      const end = PEM_END.exec(text);
      // A key cut off (a truncated paste, a stream not yet ended) is redacted to the end of the text.
      const stop = end ? end.index + end[0].length : text.length;
      out.push({ type: 'secret.private_key', start: m.index, end: stop, score: 0.99, recognizer: 'secret' });
      PEM_BEGIN.lastIndex = stop;
    });
    if (text.includes('://')) eachMatch(URL_CREDENTIALS, text, (m) => {
      const colon = m[0].indexOf(':', m[0].indexOf('://') + 3);
      const password = m[0].slice(colon + 1, -1);
      if (!password || password.startsWith('${') || password === '****') return;
      out.push({ type: 'secret.url_password', start: m.index + colon + 1, end: m.index + m[0].length - 1, score: 0.9, recognizer: 'secret' });
    });
    eachMatch(KEY_WORD, text, (m) => {
      const candidate = keyValue(text, m[0], m.index + m[0].length);
      if (!candidate) return;
      if (isAsciiAlnum(text.charCodeAt(candidate.end))) return;
      out.push(candidate);
    });
    return out;
  },
};
