/**
 * Raw HTTP client and SSE parser for the mock-provider tests. Deliberately low level (node:http, no
 * agent pooling): tests need to see every `data` event, the raw (possibly gzip) bytes, and aborted bodies.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import type { Json, JsonObject } from '../support/providers';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Body bytes as delivered, one entry per `data` event (still gzip-encoded if the server compressed). */
  readonly chunks: Buffer[];
  /** Milliseconds from sending the request to the response head. */
  readonly headMs: number;
  /** Set when the connection failed or the body was cut short. */
  readonly error?: Error;
}

export interface RawOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON with `content-type: application/json`. */
  readonly body?: string | Json;
  /**
   * Give up on the request (destroy it) once no body data has arrived for this many ms after the response
   * head: an idle timeout, as a client uses on a stalled stream. Counted from the last bytes received, so a
   * slow start on a loaded machine is not taken for the stall.
   */
  readonly abortWhenIdleMs?: number;
  /** Called with each body chunk as it arrives (to act at a known point of a stream). */
  readonly onData?: (chunk: Buffer) => void;
}

export function rawRequest(baseUrl: string, path: string, opts: RawOptions = {}): Promise<RawResponse> {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...(typeof opts.body === 'object' ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let resHeaders: IncomingHttpHeaders = {};
    let headMs = -1;
    let done = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(idleTimer);
      resolve({ status, headers: resHeaders, chunks, headMs, ...(error ? { error } : {}) });
    };
    /** (Re)starts the idle timeout: called on the response head and on every chunk. */
    const active = (): void => {
      if (opts.abortWhenIdleMs === undefined || done) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => req.destroy(new Error('client gave up')), opts.abortWhenIdleMs);
    };
    const req = request(`${baseUrl}${path}`, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      resHeaders = res.headers;
      headMs = Date.now() - started;
      active();
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        active();
        opts.onData?.(c);
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(e));
      res.on('aborted', () => finish(new Error('aborted')));
    });
    req.on('error', (e) => finish(e));
    req.end(body);
  });
}

export function rawBody(res: RawResponse): Buffer {
  return Buffer.concat(res.chunks);
}

/** The body decoded to text, gunzipping when the response says so (tolerating a truncated stream). */
export function bodyText(res: RawResponse): string {
  const raw = rawBody(res);
  const decoded = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH }) : raw;
  return decoded.toString('utf8');
}

export function bodyJson(res: RawResponse): JsonObject {
  return JSON.parse(bodyText(res)) as JsonObject;
}

export interface ParsedEvent {
  readonly event?: string;
  readonly data: string;
}

/** A spec-following SSE parser (LF, CRLF or CR line ends; multi-line data joined with LF; comments skipped). */
export function parseSse(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  let event: string | undefined;
  let data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push({ ...(event === undefined ? {} : { event }), data: data.join('\n') });
      event = undefined;
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return events;
}

/** Parses every event's data as JSON (skipping the `[DONE]` sentinel). */
export function sseJson(res: RawResponse): Array<{ event?: string; json: JsonObject }> {
  return parseSse(bodyText(res))
    .filter((e) => e.data !== '[DONE]')
    .map((e) => ({ ...(e.event === undefined ? {} : { event: e.event }), json: JSON.parse(e.data) as JsonObject }));
}

/** Typed property access for assertions on parsed JSON (throws on a missing path, so failures are clear). */
export function at(value: Json | undefined, ...path: Array<string | number>): Json {
  let cur: Json | undefined = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') throw new Error(`no ${String(key)} in ${JSON.stringify(cur)}`);
    cur = Array.isArray(cur) ? cur[key as number] : (cur as JsonObject)[key as string];
    if (cur === undefined) throw new Error(`missing ${path.join('.')}`);
  }
  if (cur === undefined) throw new Error(`missing ${path.join('.')}`);
  return cur;
}
