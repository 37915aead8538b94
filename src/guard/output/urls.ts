/**
 * `output.urls`: links in model output.
 * - Every URL whose scheme or host is not on the tenant's allowlist is flagged, or neutralised
 *   (replaced by `[link removed]`), as the tenant chooses. An empty domain list allows every host.
 * - Markdown images and links that carry data in their URL (a query value or path segment that looks
 *   like encoded data, an address, a placeholder) are always neutralised: a client that renders
 *   markdown fetches an image by itself, which is how prompt-injected models exfiltrate conversation
 *   data. Images with any query string count as carrying data.
 */
import { z } from 'zod';
import type { OutputGuardPlugin, TextRewrite, TextScanner } from '../registry';
import { WindowedGuard } from './window';

export const OUTPUT_URLS_ID = 'output.urls';

const domain = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?:\*\.)?[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,20}$/, 'a lower-case host name, optionally starting with *. for its subdomains');

export const outputUrlsParamsSchema = z.strictObject({
  /** Hosts allowed (`example.com` exactly, `*.example.com` for it and its subdomains); empty: any host. */
  allowDomains: z.array(domain).max(10_000).default([]),
  /** Schemes allowed (lower case, without `:`). */
  allowSchemes: z.array(z.string().regex(/^[a-z][a-z0-9+.-]{0,31}$/, 'a lower-case URL scheme')).min(1).default(['https', 'http', 'mailto']),
  /** What happens to a URL outside the allowlist. Data-carrying markdown is neutralised whatever this says. */
  action: z.enum(['flag', 'neutralise']).default('neutralise'),
  replacement: z.string().min(1).max(64).regex(/^[^"\\]*$/, 'no quotes or backslashes').default('[link removed]'),
  toolArguments: z.boolean().default(false),
});
export type OutputUrlsParams = z.infer<typeof outputUrlsParamsSchema>;

/** Markdown `[text](url)` and `![alt](url "title")`; the URL has no spaces or parentheses. */
const MARKDOWN_LINK = /(!?)\[([^[\]\n]{0,300})\]\(<?([^()\s<>]{1,4096})>?(?:\s{1,10}"[^"\n]{0,200}")?\)/g;
/** Where a URL with an authority is: its `://`; the scheme before it and the rest are read in code. */
const AUTHORITY = /:\/\//g;
/** Schemes that run or embed content without an authority. */
const BARE_SCHEME = /\b(?:javascript|data|vbscript|mailto|tel|sms|file):/gi;
const MAX_URL = 4096;

function isSchemeChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2e || code === 0x2d;
}

function isUrlChar(char: string): boolean {
  return char > ' ' && !'<>"\'`'.includes(char);
}

/** Bare URLs as [start, end) pairs: `scheme://...` and the authority-less schemes above. */
export function findUrls(text: string): Array<readonly [number, number]> {
  const found: Array<readonly [number, number]> = [];
  const extend = (from: number): number => {
    let end = from;
    while (end < text.length && end - from < MAX_URL && isUrlChar(text.charAt(end))) end++;
    return end;
  };
  for (const match of text.matchAll(AUTHORITY)) {
    let start = match.index;
    while (start > 0 && match.index - start < 32 && isSchemeChar(text.charCodeAt(start - 1))) start--;
    // A scheme starts with a letter.
    while (start < match.index && !/[A-Za-z]/.test(text.charAt(start))) start++;
    if (start === match.index) continue;
    found.push([start, extend(match.index + 3)]);
  }
  for (const match of text.matchAll(BARE_SCHEME)) {
    if (text.startsWith('//', match.index + match[0].length)) continue;
    found.push([match.index, extend(match.index + match[0].length)]);
  }
  return found;
}
/** Punctuation that ends a sentence, not a URL. */
const TRAILING = new Set([...'.,;:!?\'")]}>*_']);

function trimTrailing(raw: string): string {
  let end = raw.length;
  let open = 0;
  for (const char of raw) if (char === '(') open++;
  else if (char === ')') open--;
  // A closing parenthesis belongs to the URL when it closes one opened inside it.
  while (end > 0 && TRAILING.has(raw[end - 1] as string) && !(raw[end - 1] === ')' && open >= 0)) {
    if (raw[end - 1] === ')') open++;
    end--;
  }
  return raw.slice(0, end);
}
const DATA_LIKE = /^[A-Za-z0-9+/=_%.~-]{24,}$/;

interface Parsed {
  readonly scheme: string;
  readonly host: string;
  readonly url: URL | undefined;
}

function parse(raw: string): Parsed {
  const colon = raw.indexOf(':');
  const scheme = colon > 0 ? raw.slice(0, colon).toLowerCase() : '';
  try {
    const url = new URL(raw);
    return { scheme, host: url.hostname.toLowerCase(), url };
  } catch {
    return { scheme, host: '', url: undefined };
  }
}

export function hostAllowed(host: string, allow: readonly string[]): boolean {
  if (allow.length === 0) return true;
  return allow.some((entry) => (entry.startsWith('*.') ? host === entry.slice(2) || host.endsWith(entry.slice(1)) : host === entry));
}

/** Whether a URL carries data: a long opaque query value or path segment, an address, a placeholder. */
export function carriesData(raw: string, image: boolean): boolean {
  const parsed = parse(raw);
  const url = parsed.url;
  if (!url) return image;
  if (/%5b|%40|\[/i.test(url.search + url.pathname + url.hash)) return true;
  if (url.username || url.password) return true;
  if (image && (url.search.length > 1 || url.hash.length > 1)) return true;
  for (const value of url.searchParams.values()) if (value.length >= 24 || value.includes('@') || DATA_LIKE.test(value)) return true;
  for (const segment of url.pathname.split('/')) if (segment.length >= 48 && DATA_LIKE.test(segment)) return true;
  return url.hash.length > 32;
}

export const outputUrlsPlugin: OutputGuardPlugin<OutputUrlsParams> = {
  kind: 'output_guard',
  id: OUTPUT_URLS_ID,
  description: 'URL allowlist per tenant, and neutralisation of data-carrying markdown images and links',
  params: outputUrlsParamsSchema,
  create(params) {
    const schemes = new Set(params.allowSchemes);
    const allowed = (raw: string): boolean => {
      const { scheme, host } = parse(raw);
      if (!schemes.has(scheme)) return false;
      return host === '' ? scheme === 'mailto' || scheme === 'tel' : hostAllowed(host, params.allowDomains);
    };
    const scan: TextScanner = (text) => {
      const rewrites: TextRewrite[] = [];
      const covered: Array<readonly [number, number]> = [];
      for (const match of text.matchAll(MARKDOWN_LINK)) {
        const start = match.index;
        const end = start + match[0].length;
        const image = match[1] === '!';
        const label = match[2] ?? '';
        const url = match[3] ?? '';
        covered.push([start, end]);
        if (carriesData(url, image)) {
          rewrites.push({ start, end, replacement: image ? params.replacement : label || params.replacement, finding: { detector: OUTPUT_URLS_ID, type: image ? 'markdown_image_exfiltration' : 'markdown_link_exfiltration', score: 1, start, end } });
        } else if (!allowed(url)) {
          const neutralise = params.action === 'neutralise';
          rewrites.push({ start, end, ...(neutralise ? { replacement: image ? params.replacement : label || params.replacement } : {}), finding: { detector: OUTPUT_URLS_ID, type: 'url_not_allowed', score: 1, start, end } });
        }
      }
      for (const [start, found] of findUrls(text)) {
        if (covered.some(([s, e]) => start >= s && start < e)) continue;
        const raw = trimTrailing(text.slice(start, found));
        const end = start + raw.length;
        if (allowed(raw)) continue;
        rewrites.push({ start, end, ...(params.action === 'neutralise' ? { replacement: params.replacement } : {}), finding: { detector: OUTPUT_URLS_ID, type: 'url_not_allowed', score: 1, start, end } });
      }
      return rewrites;
    };
    const scanner = (context: { kind: 'text' | 'tool_arguments' }): TextScanner | undefined => (context.kind === 'tool_arguments' && !params.toolArguments ? undefined : scan);
    return { scanner, start: (context) => new WindowedGuard([scanner(context) ?? (() => [])]) };
  },
};
