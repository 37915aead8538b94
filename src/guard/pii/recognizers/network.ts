/** IP_ADDRESS (v4 and v6), MAC_ADDRESS, URL and DOMAIN_NAME. */
import { isIPv4, isIPv6 } from 'node:net';
import { pattern } from '../patterns';
import type { Candidate, Recognizer } from '../types';
import { eachMatch, isWordCharAt } from './util';

const IPV4 = pattern('ip.v4', '(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?!\\d|\\.\\d)', 'g');
const IPV6 = pattern('ip.v6', '(?<![\\w:.])[0-9A-Fa-f:]{2,39}(?:\\.\\d{1,3}){0,3}', 'g');
const IP_CONTEXT = ['ip', 'ipv4', 'ipv6', 'address', 'addr', 'host', 'server', 'client', 'connect', 'connection', 'blocked', 'firewall', 'subnet', 'gateway'];
const IP_NEGATIVE = ['version', 'release', 'v', 'build', 'chapter', 'section'];

export const ipRecognizer: Recognizer = {
  id: 'ip',
  entities: ['IP_ADDRESS'],
  find(text) {
    const out: Candidate[] = [];
    if (text.includes('.')) eachMatch(IPV4, text, (m) => {
      if (!isIPv4(m[0]) || isWordCharAt(text, m.index + m[0].length)) return;
      out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.6, recognizer: 'ip', context: IP_CONTEXT, negativeContext: IP_NEGATIVE });
    });
    if (text.includes(':')) eachMatch(IPV6, text, (m) => {
      let value = m[0];
      // A colon right after an address is punctuation ("fe80::1: unreachable"), unless it ends in "::".
      while (value.endsWith(':') && !value.endsWith('::')) value = value.slice(0, -1);
      if (isWordCharAt(text, m.index + m[0].length)) return;
      let colons = 0;
      let hasDigit = false;
      for (const ch of value) {
        if (ch === ':') colons++;
        else if (ch >= '0' && ch <= '9') hasDigit = true;
      }
      if (colons < 2 || value === '::' || !isIPv6(value)) return;
      out.push({ type: 'IP_ADDRESS', start: m.index, end: m.index + value.length, score: hasDigit ? 0.6 : 0.3, recognizer: 'ip', context: IP_CONTEXT, negativeContext: IP_NEGATIVE });
    });
    return out;
  },
};

const MAC_COLON = pattern('mac.separated', '(?<![0-9A-Fa-f:\\-])[0-9A-Fa-f]{2}(?:[:\\-][0-9A-Fa-f]{2}){5}(?![0-9A-Fa-f]|[:\\-][0-9A-Fa-f])', 'g');
const MAC_DOTTED = pattern('mac.dotted', '(?<![0-9A-Fa-f.])[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}(?![0-9A-Fa-f]|\\.[0-9A-Fa-f])', 'g');
const MAC_CONTEXT = ['mac', 'mac address', 'hardware', 'ethernet', 'wifi', 'wlan', 'nic', 'device', 'bssid'];

export const macRecognizer: Recognizer = {
  id: 'mac',
  entities: ['MAC_ADDRESS'],
  find(text) {
    const out: Candidate[] = [];
    if (text.includes(':') || text.includes('-')) eachMatch(MAC_COLON, text, (m) => {
      const separator = m[0][2];
      for (let i = 5; i < m[0].length; i += 3) if (m[0][i] !== separator) return;
      out.push({ type: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.7, recognizer: 'mac', context: MAC_CONTEXT });
    });
    if (text.includes('.')) eachMatch(MAC_DOTTED, text, (m) => {
      out.push({ type: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.5, recognizer: 'mac', context: MAC_CONTEXT });
    });
    return out;
  },
};

const URL = pattern('url.scheme', '(?<![A-Za-z0-9+.\\-])(?:https?|ftp|wss?)://[^\\s<>"\'`]+', 'gi');
const DOMAIN = pattern('url.domain', '(?<![\\w.@\\-/])[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)+', 'g');
const URL_CONTEXT = ['website', 'site', 'web', 'url', 'link', 'domain', 'visit', 'homepage', 'page', 'posted', 'blog'];

/** TLDs that make a bare `name.tld` a domain; file extensions that are also ccTLDs (.md, .py, .sh, .rs) are left out. */
const COMMON_TLDS = new Set(
  ('com org net edu gov mil int io co ai app dev info biz me tv us uk ca au nz de fr es it nl be ch at se no dk fi is ie pt pl cz sk hu ' +
    'ro bg gr hr si rs ee lv lt ua ru by tr il ae sa in cn jp kr tw hk sg my id th vn ph za ng ke eg ma tn br ar cl mx pe uy ve ' +
    'cloud online site store shop tech xyz eu asia').split(' '),
);

/** Drops sentence punctuation and unbalanced closing brackets from the end of a URL. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const ch = url[end - 1];
    if (ch === undefined) break;
    if ('.,;:!?\'"'.includes(ch)) {
      end--;
      continue;
    }
    const open = ch === ')' ? '(' : ch === ']' ? '[' : ch === '}' ? '{' : undefined;
    if (open !== undefined) {
      const body = url.slice(0, end);
      if (body.split(ch).length > body.split(open).length) {
        end--;
        continue;
      }
    }
    break;
  }
  return url.slice(0, end);
}

export const urlRecognizer: Recognizer = {
  id: 'url',
  entities: ['URL', 'DOMAIN_NAME'],
  find(text) {
    const out: Candidate[] = [];
    if (text.includes('://')) eachMatch(URL, text, (m) => {
      const url = trimUrl(m[0]);
      if (url.length <= url.indexOf('://') + 3) return;
      out.push({ type: 'URL', start: m.index, end: m.index + url.length, score: 0.6, recognizer: 'url', context: URL_CONTEXT });
    });
    if (text.includes('.')) eachMatch(DOMAIN, text, (m) => {
      const value = m[0];
      const next = text.charCodeAt(m.index + value.length);
      // An e-mail's domain, or a call such as `os.path(`, is not a bare domain.
      if (next === 64 || next === 40) return;
      const labels = value.split('.');
      const tld = labels[labels.length - 1]!.toLowerCase();
      if (!COMMON_TLDS.has(tld)) return;
      for (const label of labels) if (!label || label.startsWith('-') || label.endsWith('-')) return;
      const strong = labels[0]!.toLowerCase() === 'www' || ['com', 'org', 'net', 'edu', 'gov', 'io'].includes(tld);
      out.push({ type: 'DOMAIN_NAME', start: m.index, end: m.index + value.length, score: strong ? 0.5 : 0.35, recognizer: 'url', context: URL_CONTEXT });
    });
    return out;
  },
};
