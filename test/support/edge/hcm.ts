/**
 * What Envoy's HTTP connection manager does to a request before any HTTP filter sees it (H1): the
 * HTTP/1 Host becomes `:authority`, `:method`, `:path`, `:scheme` are added, hop-by-hop headers go,
 * x-forwarded-proto and x-request-id are filled in. Plus the header edits Envoy itself makes
 * (early_header_mutation_extensions, the header_mutation filter).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HeaderEdit } from './config-types';
import { HeaderList } from './headers';

/** Connection-specific headers Envoy strips (HTTP/1.1 hop-by-hop); `te` survives only as "trailers". */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export function normalizeRequestHeaders(req: IncomingMessage, generateRequestId: boolean): HeaderList {
  const headers = new HeaderList();
  const raw = req.rawHeaders;
  let authority = '';
  const regular: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (name === 'host') {
      authority ||= value;
      continue;
    }
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'te' && value.toLowerCase() !== 'trailers') continue;
    regular.push([name, value]);
  }
  headers.add(':authority', authority);
  headers.add(':path', req.url ?? '/');
  headers.add(':method', req.method ?? 'GET');
  headers.add(':scheme', 'http');
  for (const [name, value] of regular) headers.add(name, value);
  if (!headers.has('x-forwarded-proto')) headers.add('x-forwarded-proto', 'http');
  if (generateRequestId && !headers.has('x-request-id')) headers.add('x-request-id', randomUUID());
  return headers;
}

/** S4: an HTTP/1.1 request without Content-Length or Transfer-Encoding (or with length 0) has no body. */
export function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

export function applyHeaderEdits(headers: HeaderList, edits: readonly HeaderEdit[]): void {
  for (const edit of edits) {
    if (edit.op === 'remove') {
      headers.remove(edit.name);
      continue;
    }
    const exists = headers.has(edit.name);
    switch (edit.action) {
      case 'APPEND_IF_EXISTS_OR_ADD':
        headers.add(edit.name, edit.value);
        break;
      case 'ADD_IF_ABSENT':
        if (!exists) headers.add(edit.name, edit.value);
        break;
      case 'OVERWRITE_IF_EXISTS_OR_ADD':
        headers.set(edit.name, edit.value);
        break;
      case 'OVERWRITE_IF_EXISTS':
        if (exists) headers.set(edit.name, edit.value);
        break;
    }
  }
}
