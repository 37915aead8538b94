/**
 * Types shared by the mock providers (OpenAI-, Anthropic- and Gemini-compatible HTTP servers used in tests).
 * Kept in one place so the flavour handlers, the wire writer and the server agree on one contract.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Flavor = 'openai' | 'anthropic' | 'gemini';
export const FLAVORS: readonly Flavor[] = ['openai', 'anthropic', 'gemini'];

/** A JSON value. Request bodies are parsed into this and replies are built from it, so nothing is `any`. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** One request as the mock received it. `/_mock/*` control requests are never recorded. */
export interface RecordedRequest {
  readonly flavor: Flavor;
  readonly method: string;
  /** Request target as received (path plus query string). */
  readonly url: string;
  readonly path: string;
  /** Query parameters; a repeated parameter becomes an array. */
  readonly query: Record<string, string | string[]>;
  /** Lower-cased header names as Node parsed them, `host` included. */
  readonly headers: IncomingHttpHeaders;
  /** Header names and values in wire order, exactly as sent (to check duplicates and casing). */
  readonly rawHeaders: string[];
  /** The raw body decoded as UTF-8 ('' when there was none). */
  readonly body: string;
  /** The body parsed as JSON when it is JSON; absent otherwise. */
  readonly json?: Json;
  /** When the request (head and body) was fully received, ISO-8601. */
  readonly time: string;
}

/**
 * A scripted directive for the next matching request, queued through `POST /_mock/faults` or
 * `handle.queueFaults()`. Each field has the same syntax as the matching request header (which wins
 * when both are present). Consumed once.
 */
export interface FaultEntry {
  /** Only a request whose path starts with this consumes the entry (default: any request). */
  readonly path?: string;
  /** Same syntax as `x-mock-fault`, e.g. `status=429;retry-after=7`. */
  readonly fault?: string;
  /** Same as `x-mock-reply`: the exact reply text to generate instead of the default echo. */
  readonly reply?: string;
  /** Same syntax as `x-mock-usage`, e.g. `cached=12;reasoning=5`. */
  readonly usage?: string;
  /** Same as `x-mock-chunking`: bytes | random | event | split | none. */
  readonly chunking?: string;
}

export interface MockProviderOptions {
  readonly flavor: Flavor;
  /** 0 (default) picks an ephemeral port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /**
   * When set, requests must carry this credential the way the real API expects it (OpenAI
   * `authorization: Bearer`, Anthropic `x-api-key`, Gemini `x-goog-api-key` or `?key=`), otherwise they get the
   * provider's own 401/400 error. Lets tests check that the gateway injects provider credentials.
   */
  readonly apiKey?: string;
  /**
   * Serve the API under this path prefix only (a self-hosted server such as Ollama's `/v1` behind a
   * reverse proxy at `/ollama`): the prefix is stripped before routing, any other path is a 404.
   */
  readonly pathPrefix?: string;
}

export interface MockProviderHandle {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  readonly flavor: Flavor;
  /** A copy of every request received so far, oldest first. */
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Queue scripted directives (a string is shorthand for `{ fault: string }`). Throws on a bad spec. */
  queueFaults(...entries: Array<FaultEntry | string>): void;
  clearFaults(): void;
  /** Stops listening, cuts open connections (including stalled streams) and cancels pending timers. */
  close(): Promise<void>;
}

export interface MockProviders {
  readonly openai: MockProviderHandle;
  readonly anthropic: MockProviderHandle;
  readonly gemini: MockProviderHandle;
  close(): Promise<void>;
}

/** Usage numbers a test can force, on top of the text-derived ones. */
export interface UsageOverrides {
  /** Prompt tokens served from cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens, Gemini cachedContentTokenCount). */
  readonly cached: number;
  /** Anthropic cache_creation_input_tokens. */
  readonly cacheCreation: number;
  /** Reasoning/thinking tokens (OpenAI reasoning_tokens, Gemini thoughtsTokenCount). */
  readonly reasoning: number;
}

/** What a flavour handler sees: the parsed request plus the test directives that shape the reply. */
export interface ProviderRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: Json | undefined;
  /** Exact reply text forced by the test, if any. */
  readonly replyText: string | undefined;
  readonly usage: UsageOverrides;
}

/** One server-sent event. `data` is already serialized (JSON text or a sentinel such as `[DONE]`). */
export interface SseEvent {
  readonly event?: string;
  readonly data: string;
}

export interface JsonReply {
  readonly kind: 'json';
  readonly status: number;
  readonly body: Json;
  readonly headers?: Record<string, string>;
  /** Gemini pretty-prints its JSON bodies; the others send them compact. */
  readonly pretty?: boolean;
}

export interface SseReply {
  readonly kind: 'sse';
  readonly status: number;
  readonly events: SseEvent[];
  readonly headers?: Record<string, string>;
  /**
   * The in-band error event this stream's API sends mid-stream (for `sse-error-after`); `sequence` is the
   * number of events already sent. Per reply, because OpenAI chat and Responses streams differ.
   */
  errorEvent(sequence: number, message: string): SseEvent;
}

export type ProviderReply = JsonReply | SseReply;

/** The flavour-specific part of a mock provider: routing, reply shapes and error shapes. */
export interface FlavorHandler {
  readonly flavor: Flavor;
  /** Line ending of the SSE stream: Gemini sends CRLF, the others LF. */
  readonly sseLineEnding: '\n' | '\r\n';
  handle(req: ProviderRequest): ProviderReply;
  /** An error in the provider's own JSON shape; `retryAfterSeconds` adds provider-specific retry hints. */
  error(status: number, message: string, retryAfterSeconds?: number): JsonReply;
  /** Undefined when the request carries `apiKey` the way this provider expects it, else the provider's auth error. */
  checkAuth(req: ProviderRequest, apiKey: string): JsonReply | undefined;
}
