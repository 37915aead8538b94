/**
 * Envoy's header map, as far as the edge needs it: an ordered multi-map with lower-case keys (H1) and
 * pseudo-headers kept in front. Values are byte strings: each char is one byte (latin1), which is how
 * Node's HTTP parser delivers them and how `raw_value` bytes map back without loss (H2).
 */
import type { ProtoHeaderMap } from '../../../src/extproc/envoy-types';
import { matchString } from './config-matchers';
import type { StringMatcher } from './config-types';

export type HeaderPair = readonly [name: string, value: string];

export class HeaderList {
  private readonly list: Array<[string, string]> = [];

  constructor(pairs: Iterable<HeaderPair> = []) {
    for (const [name, value] of pairs) this.add(name, value);
  }

  get size(): number {
    return this.list.length;
  }

  /** Bytes of keys and values, as Envoy's HeaderMap::byteSize() counts them. */
  get byteSize(): number {
    return this.list.reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  }

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.list.find(([k]) => k === key)?.[1];
  }

  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.list.filter(([k]) => k === key).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Adds one more value; pseudo-headers go after the existing pseudo-headers, others at the end. */
  add(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key.startsWith(':')) {
      const firstRegular = this.list.findIndex(([k]) => !k.startsWith(':'));
      this.list.splice(firstRegular < 0 ? this.list.length : firstRegular, 0, [key, value]);
    } else {
      this.list.push([key, value]);
    }
  }

  /** Replaces every value of the header with one value (Envoy's setCopy). */
  set(name: string, value: string): void {
    this.remove(name);
    this.add(name, value);
  }

  /** Returns how many entries were removed. */
  remove(name: string): number {
    const key = name.toLowerCase();
    let removed = 0;
    for (let i = this.list.length - 1; i >= 0; i--) {
      if (this.list[i][0] === key) {
        this.list.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  pairs(): HeaderPair[] {
    return this.list.map(([k, v]) => [k, v] as const);
  }

  regular(): HeaderPair[] {
    return this.pairs().filter(([k]) => !k.startsWith(':'));
  }

  clone(): HeaderList {
    return new HeaderList(this.list);
  }

  toJSON(): HeaderPair[] {
    return this.pairs();
  }
}

// RFC 7230 tchar. Envoy accepts upper case in regular names (HTTP/1 semantics) and checks pseudo-header
// names the HTTP/2 way: ':' followed by lower-case tchars (HeaderUtility::headerNameIsValid).
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PSEUDO = /^:[!#$%&'*+\-.^_`|~0-9a-z]+$/;

export function headerNameIsValid(name: string): boolean {
  return name.startsWith(':') ? PSEUDO.test(name) : TCHAR.test(name);
}

/** HeaderUtility::headerValueIsValid: no NUL, CR, LF or other controls except HTAB; obs-text allowed. */
export function headerValueIsValid(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || (c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** nghttp2_check_authority: unreserved, sub-delims, ':', '@', '[', ']' and '%'. */
export function authorityIsValid(value: string): boolean {
  return /^[A-Za-z0-9\-._~!$&'()*+,;=:@[\]%]*$/.test(value);
}

export function bytesToHeaderValue(raw: Buffer | Uint8Array | undefined): string {
  return raw ? Buffer.from(raw).toString('latin1') : '';
}

export function headerValueToBytes(value: string): Buffer {
  return Buffer.from(value, 'latin1');
}

/**
 * H1/H2/H3: what Envoy puts in HttpHeaders.headers: lower-case keys in map order, the value only in
 * `raw_value` (Envoy 1.32+), filtered by forward_rules when configured (MutationUtils::headersToProto).
 */
export function headersToProto(headers: HeaderList, forwardRules: { allowed: StringMatcher[]; disallowed: StringMatcher[] } | null): ProtoHeaderMap {
  const out: ProtoHeaderMap = { headers: [] };
  for (const [key, value] of headers.pairs()) {
    if (forwardRules && !canBeForwarded(key, forwardRules)) continue;
    out.headers?.push({ key, raw_value: headerValueToBytes(value) });
  }
  return out;
}

function canBeForwarded(key: string, rules: { allowed: StringMatcher[]; disallowed: StringMatcher[] }): boolean {
  if (rules.disallowed.some((m) => matchString(m, key))) return false;
  return rules.allowed.length === 0 || rules.allowed.some((m) => matchString(m, key));
}
