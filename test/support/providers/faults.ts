/**
 * Scripted faults and other per-request test directives.
 *
 * A directive comes from a request header (`x-mock-fault`, `x-mock-reply`, `x-mock-reply-b64`,
 * `x-mock-usage`, `x-mock-chunking`) or from a queued FaultEntry (POST /_mock/faults) for clients that
 * cannot set headers (an SDK behind the gateway). Per field, the header wins over the queued entry.
 *
 * Fault syntax: `;`-separated `key=value` pairs or flags, combinable, e.g.
 * `status=429;retry-after=7`, `slow-first-byte=300;disconnect-after-bytes=120`. See FAULT_KEYS.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseChunkMode, type ChunkMode } from './chunking';
import type { FaultEntry, UsageOverrides } from './types';

export const HEADER_FAULT = 'x-mock-fault';
export const HEADER_REPLY = 'x-mock-reply';
export const HEADER_REPLY_B64 = 'x-mock-reply-b64';
export const HEADER_USAGE = 'x-mock-usage';
export const HEADER_CHUNKING = 'x-mock-chunking';

export interface FaultSpec {
  /** Answer with this HTTP status and the provider's error body instead of a normal reply. */
  readonly status?: number;
  /** With `status`: a `retry-after` header (seconds); Gemini also gets a RetryInfo detail. */
  readonly retryAfterSeconds?: number;
  /** With `status`: a `retry-after-ms` header (OpenAI SDK honours it). */
  readonly retryAfterMs?: number;
  /** With `status` or `sse-error-after`: the error message. */
  readonly message?: string;
  /** Wait this long before sending anything (status line included). */
  readonly slowFirstByteMs?: number;
  /** Close the connection after this many body bytes (counted before gzip). */
  readonly disconnectAfterBytes?: number;
  /** Close the connection after half the body bytes: mid-event for SSE. */
  readonly disconnectMidStream?: boolean;
  /** Send this many body bytes then go silent, keeping the connection open until the client gives up. */
  readonly stallAfterBytes?: number;
  /** Close the connection right after reading the request, without any response. */
  readonly drop?: boolean;
  /** Streams only: after this many events send the provider's in-band error event and end the stream. */
  readonly sseErrorAfterEvents?: number;
  /** Wait this long between writes (instead of one event-loop turn). */
  readonly writeDelayMs?: number;
}

/** Accepted fault keys, for error messages and docs. */
export const FAULT_KEYS = [
  'status=<400..599>',
  'retry-after=<seconds>',
  'retry-after-ms=<ms>',
  'message=<text>',
  'slow-first-byte=<ms>',
  'disconnect-after-bytes=<n>',
  'disconnect-mid-stream',
  'stall-after-bytes=<n>',
  'drop',
  'sse-error-after=<events>',
  'write-delay=<ms>',
] as const;

export class MockSpecError extends Error {}

function nonNegativeInt(key: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new MockSpecError(`mock fault: ${key} needs a non-negative integer, got ${value ?? 'nothing'}`);
  return Number(value);
}

export function parseFaultSpec(spec: string): FaultSpec {
  const out: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = {};
  for (const raw of spec.split(';')) {
    const item = raw.trim();
    if (item === '' || item === 'none') continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : item.slice(eq + 1).trim();
    switch (key) {
      case 'status': {
        const status = nonNegativeInt(key, value);
        if (status < 400 || status > 599) throw new MockSpecError(`mock fault: status must be 400..599, got ${status}`);
        out.status = status;
        break;
      }
      case 'retry-after':
        out.retryAfterSeconds = nonNegativeInt(key, value);
        break;
      case 'retry-after-ms':
        out.retryAfterMs = nonNegativeInt(key, value);
        break;
      case 'message':
        out.message = value ?? '';
        break;
      case 'slow-first-byte':
        out.slowFirstByteMs = nonNegativeInt(key, value);
        break;
      case 'disconnect-after-bytes':
        out.disconnectAfterBytes = nonNegativeInt(key, value);
        break;
      case 'disconnect-mid-stream':
        out.disconnectMidStream = true;
        break;
      case 'stall-after-bytes':
        out.stallAfterBytes = nonNegativeInt(key, value);
        break;
      case 'drop':
        out.drop = true;
        break;
      case 'sse-error-after':
        out.sseErrorAfterEvents = nonNegativeInt(key, value);
        break;
      case 'write-delay':
        out.writeDelayMs = nonNegativeInt(key, value);
        break;
      default:
        throw new MockSpecError(`mock fault: unknown key "${key}" (known: ${FAULT_KEYS.join(', ')})`);
    }
  }
  const cuts = [out.disconnectAfterBytes !== undefined, out.disconnectMidStream === true, out.stallAfterBytes !== undefined];
  if (cuts.filter(Boolean).length > 1) throw new MockSpecError('mock fault: choose one of disconnect-after-bytes, disconnect-mid-stream, stall-after-bytes');
  return out;
}

/** `cached=N;reasoning=N;cache-creation=N` (any subset). */
export function parseUsageSpec(spec: string): UsageOverrides {
  const out = { cached: 0, cacheCreation: 0, reasoning: 0 };
  for (const raw of spec.split(';')) {
    const item = raw.trim();
    if (item === '') continue;
    const [key, value] = item.split('=').map((s) => s.trim());
    const n = nonNegativeInt(key, value);
    if (key === 'cached') out.cached = n;
    else if (key === 'reasoning') out.reasoning = n;
    else if (key === 'cache-creation') out.cacheCreation = n;
    else throw new MockSpecError(`mock usage: unknown key "${key}" (known: cached, reasoning, cache-creation)`);
  }
  return out;
}

export const NO_USAGE_OVERRIDES: UsageOverrides = { cached: 0, cacheCreation: 0, reasoning: 0 };

/** Everything a test asked for on one request. */
export interface Directives {
  readonly fault: FaultSpec;
  readonly replyText: string | undefined;
  readonly usage: UsageOverrides;
  /** Undefined: the default for the reply kind (split for SSE, none for JSON). */
  readonly chunking: ChunkMode | undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(';') : value;
}

/** Merges header directives over a queued entry. Throws MockSpecError on a malformed spec. */
export function resolveDirectives(headers: IncomingHttpHeaders, queued: FaultEntry | undefined): Directives {
  const fault = header(headers, HEADER_FAULT) ?? queued?.fault;
  const b64 = header(headers, HEADER_REPLY_B64);
  const reply = b64 !== undefined ? Buffer.from(b64, 'base64').toString('utf8') : header(headers, HEADER_REPLY) ?? queued?.reply;
  const usage = header(headers, HEADER_USAGE) ?? queued?.usage;
  const chunking = header(headers, HEADER_CHUNKING) ?? queued?.chunking;
  return {
    fault: fault === undefined ? {} : parseFaultSpec(fault),
    replyText: reply,
    usage: usage === undefined ? NO_USAGE_OVERRIDES : parseUsageSpec(usage),
    chunking: chunking === undefined ? undefined : parseChunkMode(chunking),
  };
}

/** Normalizes and validates a queued entry up front, so a typo fails at POST time, not on some later request. */
export function validateEntry(entry: FaultEntry | string): FaultEntry {
  const e: FaultEntry = typeof entry === 'string' ? { fault: entry } : entry;
  resolveDirectives({}, e);
  return e;
}

/** FIFO of scripted directives; each is consumed by the first request whose path matches. */
export class FaultQueue {
  private entries: FaultEntry[] = [];

  push(...entries: Array<FaultEntry | string>): number {
    const valid = entries.map(validateEntry);
    this.entries.push(...valid);
    return valid.length;
  }

  take(path: string): FaultEntry | undefined {
    const i = this.entries.findIndex((e) => e.path === undefined || path.startsWith(e.path));
    return i < 0 ? undefined : this.entries.splice(i, 1)[0];
  }

  pending(): FaultEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
