/**
 * Keeps every provider request the mock received, so tests can assert what the gateway actually sent
 * upstream (rewritten body, injected credentials, `host`, `accept-encoding`...).
 */
import type { IncomingMessage } from 'node:http';
import { tryParseJson } from './json';
import type { Flavor, RecordedRequest } from './types';

export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export function isJsonContent(contentType: string | undefined, body: string): boolean {
  if (contentType !== undefined) return /[/+]json\b/i.test(contentType);
  const first = body.trimStart()[0];
  return first === '{' || first === '[';
}

export class Recorder {
  private readonly items: RecordedRequest[] = [];

  constructor(private readonly flavor: Flavor) {}

  record(req: IncomingMessage, url: URL, body: string): RecordedRequest {
    const json = body.length > 0 && isJsonContent(req.headers['content-type'], body) ? tryParseJson(body) : undefined;
    const item: RecordedRequest = {
      flavor: this.flavor,
      method: req.method ?? 'GET',
      url: req.url ?? url.pathname,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: { ...req.headers },
      rawHeaders: [...req.rawHeaders],
      body,
      ...(json === undefined ? {} : { json }),
      time: new Date().toISOString(),
    };
    this.items.push(item);
    return item;
  }

  all(): RecordedRequest[] {
    return [...this.items];
  }

  clear(): void {
    this.items.length = 0;
  }
}
