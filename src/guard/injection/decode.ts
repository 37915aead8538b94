/**
 * Bounded decoding: finds encoded spans inside a text (base64, base32, hex, binary, URL-encoding, Morse,
 * ROT13 and reversed lines) and decodes those that turn into readable text, so the detector can scan
 * them again. Scanners, not regexes: every character is looked at a bounded number of times, at most
 * `maxCandidates` spans are decoded per text, each decoded span is cut at `maxSpanChars`, and the caller
 * charges every decoded character to one budget per segment and stops at `maxDepth`.
 */

import { pattern } from './patterns';

export type EncodingKind = 'base64' | 'base32' | 'hex' | 'binary' | 'url' | 'morse' | 'rot13' | 'caesar' | 'reversed';

export interface DecodedSpan {
  readonly kind: EncodingKind;
  readonly text: string;
}

export interface DecodeLimits {
  /** Spans decoded per text. */
  readonly maxCandidates: number;
  /** Characters of one encoded span that are decoded (the rest is ignored). */
  readonly maxSpanChars: number;
  /** Lines of a text checked for ROT13 and reversal. */
  readonly maxLines: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxCandidates: 16, maxSpanChars: 65536, maxLines: 256 };

const MIN_BASE64 = 20;
const MIN_HEX = 16;

function isB64(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x2d || c === 0x5f;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function isB32(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x32 && c <= 0x37);
}

/** Readable text: few replacement or control characters (random bytes decode to a third of them; pasted jailbreaks carry a few), and some letters. */
export function readable(text: string): boolean {
  if (text.length < 4) return false;
  let bad = 0;
  let letters = 0;
  let digits = 0;
  const n = Math.min(text.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) || (c >= 0x7f && c < 0xa0)) bad++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0) letters++;
    else if (c >= 0x30 && c <= 0x39) digits++;
  }
  // Random bytes decode to many replacement and control characters; tables are mostly digits and pipes.
  return bad <= n * 0.05 && letters >= Math.min(4, n / 2) && letters + digits >= n * 0.1;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function decodeBase64(run: string): string | undefined {
  const text = utf8.decode(Buffer.from(run, 'base64'));
  return readable(text) ? text : undefined;
}

function decodeHex(digits: string): string | undefined {
  if (digits.length % 2 !== 0) return undefined;
  const text = utf8.decode(Buffer.from(digits, 'hex'));
  return readable(text) ? text : undefined;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function decodeBase32(run: string): string | undefined {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < run.length; i++) {
    const v = B32.indexOf(run[i] as string);
    if (v < 0) break;
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  const text = utf8.decode(Uint8Array.from(bytes));
  return readable(text) ? text : undefined;
}

function decodeBinary(bits: string): string | undefined {
  if (bits.length % 8 !== 0) return undefined;
  const bytes = new Uint8Array(bits.length / 8);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  const text = utf8.decode(bytes);
  return readable(text) ? text : undefined;
}

function decodePercent(run: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c === 0x25 && i + 2 < run.length + 0 && isHex(run.charCodeAt(i + 1)) && isHex(run.charCodeAt(i + 2))) {
      bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 0x2b) bytes.push(0x20);
    else if (c < 0x80) bytes.push(c);
    else for (const b of Buffer.from(run[i] as string, 'utf8')) bytes.push(b);
  }
  const text = utf8.decode(Uint8Array.from(bytes));
  return readable(text) ? text : undefined;
}

const MORSE: Record<string, string> = {
  '.-': 'a', '-...': 'b', '-.-.': 'c', '-..': 'd', '.': 'e', '..-.': 'f', '--.': 'g', '....': 'h', '..': 'i', '.---': 'j', '-.-': 'k', '.-..': 'l', '--': 'm', '-.': 'n', '---': 'o',
  '.--.': 'p', '--.-': 'q', '.-.': 'r', '...': 's', '-': 't', '..-': 'u', '...-': 'v', '.--': 'w', '-..-': 'x', '-.--': 'y', '--..': 'z', '.----': '1', '..---': '2', '...--': '3',
  '....-': '4', '.....': '5', '-....': '6', '--...': '7', '---..': '8', '----.': '9', '-----': '0',
};

/** Words are separated by a slash or, as many encoders write them, by two or more spaces. */
function decodeMorse(run: string): string | undefined {
  let out = '';
  for (const word of run.split('/')) {
    for (const letter of word.split(' ')) {
      if (letter.length === 0) {
        if (out.length > 0 && !out.endsWith(' ')) out += ' ';
        continue;
      }
      out += MORSE[letter] ?? '?';
    }
    if (!out.endsWith(' ')) out += ' ';
  }
  return readable(out) ? out.trim() : undefined;
}

/** Finds and decodes encoded spans. Every position is visited once per scanner. */
/** What the words of a text say about encodings in it (counted by the tokeniser, word by word, once per distinct word). */
export interface EncodedHints {
  /** Words that are English function words in ROT13 or reversed. */
  readonly rotOrReversed: number;
  /** Words that are hex bytes with a digit ("49", "6e") or bit octets. */
  readonly grouped: number;
  /** Some word is 16 characters long, or 12 with a digit: room for an encoded payload. */
  readonly long: boolean;
}

export const SHAPE_ROT_OR_REVERSED = 1;
export const SHAPE_GROUPED = 2;
export const SHAPE_LONG = 4;

/** Bit flags of one lower-case word for `EncodedHints`. */
export function wordShape(w: string): number {
  let shape = 0;
  if (ROT_OR_REV.has(w)) shape |= SHAPE_ROT_OR_REVERSED;
  const hexPair = w.length === 2 && isHex(w.charCodeAt(0)) && isHex(w.charCodeAt(1)) && (w.charCodeAt(0) <= 0x39 || w.charCodeAt(1) <= 0x39);
  if (hexPair || (w.length === 8 && BINARY_OCTET.test(w))) shape |= SHAPE_GROUPED;
  if (w.length >= 16 || (w.length >= 12 && HAS_DIGIT.test(w))) shape |= SHAPE_LONG;
  return shape;
}

/**
 * `hints` (from the tokeniser, when the caller has them) replace regex pre-checks for ROT13 and reversed
 * lines and for grouped bytes, and skip the run scan when no word is long enough to hold a payload.
 */
export function findEncoded(text: string, limits: DecodeLimits = DEFAULT_DECODE_LIMITS, hints?: EncodedHints): DecodedSpan[] {
  const out: DecodedSpan[] = [];
  const n = text.length;
  const take = (kind: EncodingKind, decoded: string | undefined): void => {
    if (decoded !== undefined && out.length < limits.maxCandidates) out.push({ kind, text: decoded });
  };
  let attempts = 0;
  const budget = (): boolean => attempts++ < limits.maxCandidates * 2 && out.length < limits.maxCandidates;

  // Runs of the base64 alphabet (hex, base32 and binary runs are subsets and are tried first): one pass
  // over the text with a table look-up per character. When the caller has the words of the text and none
  // is 16 characters long (or 12 with a digit), there is no payload worth decoding: skip the pass.
  let runStart = -1;
  const skipRuns = hints !== undefined && !hints.long;
  for (let pos = skipRuns ? n + 1 : 0; pos <= n; pos++) {
    const code = pos < n ? text.charCodeAt(pos) : 0;
    if (code < 128 && B64_TABLE[code] === 1) {
      if (runStart < 0) runStart = pos;
      continue;
    }
    if (runStart < 0) continue;
    if (pos - runStart < 16) {
      runStart = -1;
      continue;
    }
    const m = { index: runStart, length: pos - runStart };
    runStart = -1;
    let end = m.index + m.length;
    // MIME-style base64 wrapped at 60+ characters: join the following lines of the same alphabet.
    while (m.length >= 60 && end + 1 < n && text.charCodeAt(end) === 0x0a && isB64(text.charCodeAt(end + 1)) && end - m.index < limits.maxSpanChars) {
      let k = end + 1;
      while (k < n && isB64(text.charCodeAt(k))) k++;
      // A wrapped line is the alphabet to its end; a line of code after a hex payload ("print(x)") is not part of it.
      if (k < n && text.charCodeAt(k) !== 0x0a && text.charCodeAt(k) !== 0x3d && text.charCodeAt(k) !== 0x0d) break;
      end = k;
    }
    while (end < n && text.charCodeAt(end) === 0x3d) end++;
    pos = end;
    const start = m.index;
    const length = end - start;
    let hexOnly = true;
    let b32Only = true;
    let binOnly = true;
    let hasDigit = false;
    let hasLower = false;
    let hasUpper = false;
    const scanTo = Math.min(end, start + limits.maxSpanChars);
    for (let i = start; i < scanTo; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a || c === 0x3d) continue;
      if (!isHex(c)) hexOnly = false;
      if (!isB32(c)) b32Only = false;
      if (c !== 0x30 && c !== 0x31) binOnly = false;
      if (c >= 0x30 && c <= 0x39) hasDigit = true;
      else if (c >= 0x61 && c <= 0x7a) hasLower = true;
      else if (c >= 0x41 && c <= 0x5a) hasUpper = true;
    }
    // A whole segment that is one base64 token ("aWdub3JlIHJ1bGVz") is a payload, however short: nothing around it says otherwise.
    const wholeBase64 = length % 4 === 0 && length < MIN_BASE64 && text.trim().length === length;
    const minBase64 = wholeBase64 ? 16 : MIN_BASE64;
    if (length < minBase64 && !(hexOnly && length >= MIN_HEX)) continue;
    if (!budget()) break;
    const run = text.slice(start, scanTo).replace(NEWLINES, '');
    if (binOnly && length % 8 === 0) take('binary', decodeBinary(run));
    else if (hexOnly && hasDigit) take('hex', decodeHex(run.length % 2 === 0 ? run : run.slice(0, -1)));
    else if (b32Only && length >= 24 && !hasLower) take('base32', decodeBase32(trimPadding(run)));
    else if (length >= minBase64 && (hasDigit || (hasLower && hasUpper))) take('base64', decodeBase64(run));
  }

  // Separated hex bytes ("49 67 6e", "\x49\x67", "0x49,0x67") and 8-bit groups ("01001001 01100111").
  if (hints ? hints.grouped >= 6 || text.includes('\\x') || text.includes('0x') : GROUPED_HINT.test(text)) scanGrouped(text, limits, take, budget);
  // Percent-encoding: a run without spaces holding at least two %XX escapes.
  let pct = text.indexOf('%');
  let scanned = -1;
  while (pct >= 0 && out.length < limits.maxCandidates) {
    if (pct > scanned && pct + 2 < n && isHex(text.charCodeAt(pct + 1)) && isHex(text.charCodeAt(pct + 2))) {
      let s = pct;
      while (s > 0 && text.charCodeAt(s - 1) > 0x20 && pct - s < 256) s--;
      let e = pct;
      let escapes = 0;
      while (e < n && text.charCodeAt(e) > 0x20 && e - s < limits.maxSpanChars) {
        if (text.charCodeAt(e) === 0x25) escapes++;
        e++;
      }
      scanned = e;
      if (escapes >= 2 && budget()) take('url', decodePercent(text.slice(s, e)));
    }
    pct = text.indexOf('%', Math.max(pct + 1, scanned));
  }

  // Morse: a run of dots, dashes, spaces and slashes with at least eight letters.
  scanMorse(text, limits, take, budget);

  // ROT13 and reversed lines, recognised by English function words (only when some are present at all).
  if ((hints ? hints.rotOrReversed : shiftedWords(text)) >= 2) scanLines(text, limits, take);
  return out;
}

const NEWLINES = pattern('decode.newlines', '\\r?\\n', 'g');
const B64_TABLE = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (isB64(c)) B64_TABLE[c] = 1;
const GROUPED_HINT = pattern('decode.grouped_hint', '(?<![0-9A-Za-z])(?:[0-9a-fA-F]{2}[ ,:-]){5}[0-9a-fA-F]{2}|\\\\x[0-9a-fA-F]{2}|0x[0-9a-fA-F]{2}|(?<![0-9A-Za-z])[01]{8}[ ,][01]{8}');

function trimPadding(run: string): string {
  let end = run.length;
  while (end > 0 && run.charCodeAt(end - 1) === 0x3d) end--;
  return run.slice(0, end);
}

function scanGrouped(text: string, limits: DecodeLimits, take: (k: EncodingKind, d: string | undefined) => void, budget: () => boolean): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isHex(c) && c !== 0x5c) {
      i++;
      continue;
    }
    // Collect groups separated by one separator (space, comma, colon) or prefixed with \x or 0x.
    const start = i;
    let hex = '';
    let bits = '';
    let groups = 0;
    let binary = true;
    let j = i;
    while (j < n && hex.length < limits.maxSpanChars) {
      if (text.charCodeAt(j) === 0x5c && (text.charCodeAt(j + 1) === 0x78 || text.charCodeAt(j + 1) === 0x58)) j += 2;
      else if (text.charCodeAt(j) === 0x30 && (text.charCodeAt(j + 1) === 0x78 || text.charCodeAt(j + 1) === 0x58) && isHex(text.charCodeAt(j + 2))) j += 2;
      let k = j;
      while (k < n && isHex(text.charCodeAt(k)) && k - j < 8) k++;
      const width = k - j;
      if (width !== 2 && width !== 8) break;
      if (k < n && isHex(text.charCodeAt(k))) break;
      const group = text.slice(j, k);
      if (width === 8) {
        for (let b = 0; b < 8; b++) if (group.charCodeAt(b) !== 0x30 && group.charCodeAt(b) !== 0x31) binary = false;
        if (!binary) break;
        bits += group;
      } else {
        if (bits.length > 0) break;
        binary = false;
        hex += group;
      }
      groups++;
      j = k;
      const sep = text.charCodeAt(j);
      if ((sep === 0x20 || sep === 0x2c || sep === 0x3a || sep === 0x2d) && j + 1 < n) {
        j++;
        if (text.charCodeAt(j) === 0x20) j++;
      } else if (sep !== 0x5c) break;
    }
    if (groups >= 6 && budget()) {
      if (bits.length >= 48) take('binary', decodeBinary(bits));
      else if (hex.length >= 12) take('hex', decodeHex(hex));
    }
    i = Math.max(j, start + 1);
  }
}

function scanMorse(text: string, limits: DecodeLimits, take: (k: EncodingKind, d: string | undefined) => void, budget: () => boolean): void {
  const n = text.length;
  let i = text.indexOf('.-');
  const alt = text.indexOf('-.');
  if (i < 0 || (alt >= 0 && alt < i)) i = alt;
  if (i < 0) return;
  while (i > 0 && (text.charCodeAt(i - 1) === 0x2e || text.charCodeAt(i - 1) === 0x2d || text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i - 1) === 0x2f)) i--;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== 0x2e && c !== 0x2d) {
      i++;
      continue;
    }
    const start = i;
    let letters = 0;
    while (i < n && i - start < limits.maxSpanChars) {
      const d = text.charCodeAt(i);
      if (d === 0x2e || d === 0x2d) {
        if (i === start || text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i - 1) === 0x2f) letters++;
      } else if (d !== 0x20 && d !== 0x2f) break;
      i++;
    }
    if (letters >= 8 && budget()) take('morse', decodeMorse(text.slice(start, i).trim()));
  }
}

const STOPWORDS = ['the', 'and', 'you', 'your', 'to', 'of', 'is', 'are', 'that', 'it', 'for', 'with', 'this', 'be', 'on', 'in', 'me', 'my', 'what', 'not', 'all', 'have', 'from', 'tell', 'ignore', 'previous', 'instructions', 'password', 'secret', 'where', 'does', 'user', 'live', 'was', 'how', 'can', 'please'];
/** Function words of other Latin-script languages: a line full of them is not ROT13 or reversed English. */
const OTHER_STOPWORDS = ['der', 'die', 'das', 'und', 'ist', 'el', 'la', 'los', 'las', 'que', 'de', 'le', 'les', 'et', 'est', 'une', 'il', 'che', 'di', 'per', 'um', 'uma', 'os', 'para', 'no', 'en'];

/** Latin letters shifted `shift` places along the alphabet (13: ROT13; a Caesar cipher shifts by 3). */
function shiftLetters(text: string, shift: number): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) out += String.fromCharCode(((c - 0x61 + shift) % 26) + 0x61);
    else if (c >= 0x41 && c <= 0x5a) out += String.fromCharCode(((c - 0x41 + shift) % 26) + 0x41);
    else out += text[i];
  }
  return out;
}

function rot13(text: string): string {
  return shiftLetters(text, 13);
}

function reverse(text: string): string {
  return Array.from(text).reverse().join('');
}

const PLAIN = new Set([...STOPWORDS, ...OTHER_STOPWORDS]);
/** Encoded forms that are ordinary English words themselves ("be" -> "or", "was" -> "saw") do not count. */
const COMMON = new Set(['or', 'saw', 'ton', 'evil', 'era', 'won', 'gob', 'ref', 'yrf']);
const ROT = new Set(STOPWORDS.map(rot13).filter((w) => w.length > 2 && !COMMON.has(w) && !PLAIN.has(w)));
const REV = new Set(STOPWORDS.map(reverse).filter((w) => w.length > 2 && !COMMON.has(w) && !PLAIN.has(w)));
/**
 * Stopwords under the other Caesar shifts, word -> the shift that decodes it. Only the shifts attackers use (1-5, 7, 10 and their
 * inverses): all 24 would make chance hits in ordinary text too frequent to gate on. Shifted forms that are words of English or code
 * themselves ("gps" is "for" shifted by one, "max", "tee", "rfc") are left out, and a line needs three *different* ones.
 */
const CAESAR_SHIFTS = [1, 2, 3, 4, 5, 7, 10, 16, 19, 21, 22, 23, 24, 25];
const CAESAR_COMMON = new Set(['gps', 'uif', 'boe', 'max', 'tee', 'rfc', 'duh', 'doo', 'sty', 'xii', 'aol', 'dro', 'ebb', 'nbc', 'zed', 'pdf', 'ftp', 'sql', 'vfs', 'emu', 'gnu', 'jpg', 'png', 'api', 'cpu', 'gpu', 'usb', 'url', 'xml', 'yes', 'fur', 'bar', 'foo', 'qux']);
const CAESAR = new Map<string, number>();
for (const shift of CAESAR_SHIFTS) {
  for (const w of STOPWORDS) {
    const encoded = shiftLetters(w, 26 - shift);
    if (encoded.length > 2 && !COMMON.has(encoded) && !CAESAR_COMMON.has(encoded) && !PLAIN.has(encoded) && !ROT.has(encoded) && !CAESAR.has(encoded)) CAESAR.set(encoded, shift);
  }
}
const ROT_OR_REV = new Set([...ROT, ...REV, ...CAESAR.keys()]);
const BINARY_OCTET = pattern('decode.binary_octet', '^[01]{8}$');
const HAS_DIGIT = pattern('decode.has_digit', '[0-9]');
const ASCII_WORD = pattern('decode.ascii_word', '[a-z]+', 'g');

/** Words of the text that are stopwords in ROT13, reversed or Caesar-shifted (up to 2: enough to decide on a line scan). */
function shiftedWords(text: string): number {
  let n = 0;
  const lower = text.toLowerCase();
  ASCII_WORD.lastIndex = 0;
  for (let m = ASCII_WORD.exec(lower); m !== null && n < 2; m = ASCII_WORD.exec(lower)) if (ROT_OR_REV.has(m[0])) n++;
  return n;
}

/**
 * Lines, and when a line as a whole is plain, its sentences, written in ROT13, reversed or Caesar-shifted (recognised by English function
 * words): "...Journal of Health. Lpsruh suhylrxv lqvwuxfwlrqv dqg vwdwh..." hides one shifted sentence at the end of a plain paragraph.
 */
function scanLines(text: string, limits: DecodeLimits, take: (k: EncodingKind, d: string | undefined) => void): void {
  let start = 0;
  for (let line = 0; line < limits.maxLines && start < text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const slice = text.slice(start, Math.min(end, start + 4096));
    start = end + 1;
    if (slice.length < 12) continue;
    const shape = lineShape(slice);
    if (shape === undefined) continue;
    if (decodeShaped(slice, shape, take) || shape.hits < 3) continue;
    // The slice is at most 4096 characters, which bounds the sentences too.
    for (let from = 0; from < slice.length; ) {
      let to = from;
      while (to < slice.length && !(SENTENCE_END.has(slice.charCodeAt(to)) && (to + 1 === slice.length || slice.charCodeAt(to + 1) === 0x20))) to++;
      const part = slice.slice(from, to + 1);
      from = to + 2;
      if (part.length < 12) continue;
      const partShape = lineShape(part);
      if (partShape !== undefined) decodeShaped(part, partShape, take);
    }
  }
}

const SENTENCE_END = new Set([0x2e, 0x21, 0x3f]);

interface LineShape {
  readonly words: number;
  readonly plain: number;
  readonly rot: number;
  readonly rev: number;
  /** Distinct words of the most frequent Caesar shift, and that shift. */
  readonly caesar: number;
  readonly shift: number;
  /** Words that are function words under any of the encodings. */
  readonly hits: number;
}

function lineShape(slice: string): LineShape | undefined {
  let plain = 0;
  let rot = 0;
  let rev = 0;
  let words = 0;
  let caesar = 0;
  let best = 0;
  let hits = 0;
  let shifts: Map<number, number> | undefined;
  let seen: Set<string> | undefined;
  const lower = slice.toLowerCase();
  ASCII_WORD.lastIndex = 0;
  for (let m = ASCII_WORD.exec(lower); m !== null; m = ASCII_WORD.exec(lower)) {
    words++;
    const w = m[0];
    if (PLAIN.has(w)) plain++;
    if (ROT_OR_REV.has(w)) hits++;
    if (ROT.has(w)) rot++;
    if (REV.has(w)) rev++;
    const shift = CAESAR.get(w);
    if (shift !== undefined && !(seen ??= new Set()).has(w)) {
      // Distinct words: "max max max" in code is no sentence.
      seen.add(w);
      shifts ??= new Map();
      const n = (shifts.get(shift) ?? 0) + 1;
      shifts.set(shift, n);
      if (n > caesar) {
        caesar = n;
        best = shift;
      }
    }
  }
  return words < 3 ? undefined : { words, plain, rot, rev, caesar, shift: best, hits };
}

/** Decodes a line or sentence whose function words are mostly encoded ones; true when it did. */
function decodeShaped(slice: string, s: LineShape, take: (k: EncodingKind, d: string | undefined) => void): boolean {
  if (s.rot >= 2 && s.rot >= s.words * 0.2 && s.rot > 2 * s.plain) take('rot13', rot13(slice));
  else if (s.rev >= 2 && s.rev >= s.words * 0.15 && s.rev > 2 * s.plain) take('reversed', reverse(slice));
  else if (s.caesar >= 3 && s.caesar >= s.words * 0.2 && s.caesar > 2 * s.plain) take('caesar', shiftLetters(slice, s.shift));
  else return false;
  return true;
}
