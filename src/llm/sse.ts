/**
 * Server-sent events: an incremental parser following the WHATWG EventSource parsing rules
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation) and
 * an encoder.
 *
 * The parser works on bytes. Line terminators (CR, LF, CRLF) are ASCII and never occur inside a
 * multi-byte UTF-8 sequence, so lines are split before decoding and each complete line is decoded
 * alone: a chunk boundary inside a character or between CR and LF changes nothing. Memory is
 * bounded: an event (its lines so far plus the unfinished line) larger than `maxEventBytes` is an
 * error, after which the parser stays failed (the stream cannot be resynchronised safely).
 */

export interface SseEvent {
  /** The `event` field; absent when the block had none (EventSource would call it "message"). */
  readonly event?: string;
  /** The `data` lines joined with "\n". */
  readonly data: string;
  /** The `id` field when this block set one (see `SseParser.lastEventId` for the running value). */
  readonly id?: string;
  /** The `retry` field (milliseconds) when this block set a valid one. */
  readonly retry?: number;
}

export interface SseError {
  readonly code: 'event_too_large';
  readonly message: string;
}

export interface SseParseResult {
  readonly events: SseEvent[];
  /** Set when the stream broke a limit; the events before the failure are still returned. */
  readonly error?: SseError;
}

export interface SseEndResult {
  /** True when the stream ended inside an event (no closing blank line): that event is dropped, as the spec says. */
  readonly truncated: boolean;
  readonly error?: SseError;
}

export interface SseParserOptions {
  /** Largest event accepted, counting the bytes of all its lines. Default 4 MiB. */
  readonly maxEventBytes?: number;
}

export const DEFAULT_MAX_SSE_EVENT_BYTES = 4 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class SseParser {
  private readonly maxEventBytes: number;
  private lineParts: Uint8Array[] = [];
  private lineBytes = 0;
  private eventBytes = 0;
  private dataLines: string[] = [];
  private eventType: string | undefined;
  private blockId: string | undefined;
  private blockRetry: number | undefined;
  private lastId = '';
  /** The previous chunk ended with CR: an LF starting the next chunk belongs to the same line break. */
  private skipLeadingLf = false;
  private atStreamStart = true;
  private failure: SseError | undefined;

  constructor(options: SseParserOptions = {}) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_SSE_EVENT_BYTES;
  }

  /** The last `id` seen (persisting across events, as EventSource's lastEventId). */
  get lastEventId(): string {
    return this.lastId;
  }

  push(chunk: Uint8Array): SseParseResult {
    const events: SseEvent[] = [];
    if (this.failure) return { events, error: this.failure };
    let start = 0;
    if (this.skipLeadingLf && chunk.length > 0) {
      if (chunk[0] === LF) start = 1;
      this.skipLeadingLf = false;
    }
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      this.appendToLine(chunk.subarray(start, i));
      if (this.failure) return { events, error: this.failure };
      this.finishLine(events);
      if (byte === CR) {
        if (i + 1 < chunk.length) {
          if (chunk[i + 1] === LF) i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    if (start < chunk.length) {
      // Copied: the caller may reuse its buffer, and only this small tail is kept.
      this.appendToLine(new Uint8Array(chunk.subarray(start)));
    }
    return this.failure ? { events, error: this.failure } : { events };
  }

  end(): SseEndResult {
    if (this.failure) return { truncated: true, error: this.failure };
    const truncated = this.lineBytes > 0 || this.dataLines.length > 0 || this.eventType !== undefined;
    this.resetBlock();
    this.lineParts = [];
    this.lineBytes = 0;
    return { truncated };
  }

  private appendToLine(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.lineParts.push(bytes);
    this.lineBytes += bytes.length;
    if (this.eventBytes + this.lineBytes > this.maxEventBytes) {
      this.failure = { code: 'event_too_large', message: `an SSE event exceeds ${this.maxEventBytes} bytes` };
      this.lineParts = [];
      this.dataLines = [];
    }
  }

  private finishLine(events: SseEvent[]): void {
    let bytes = this.lineParts.length === 1 ? (this.lineParts[0] as Uint8Array) : Buffer.concat(this.lineParts, this.lineBytes);
    this.eventBytes += this.lineBytes;
    this.lineParts = [];
    this.lineBytes = 0;
    if (this.atStreamStart) {
      this.atStreamStart = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    this.processLine(decoder.decode(bytes), events);
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return; // ':' starts a comment
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLines.push(value);
        break;
      case 'id':
        if (!value.includes('\u0000')) {
          this.blockId = value;
          this.lastId = value;
        }
        break;
      case 'retry':
        if (value.length > 0 && isAsciiDigits(value)) this.blockRetry = Number(value);
        break;
      default:
      // Unknown fields are ignored.
    }
  }

  private dispatch(events: SseEvent[]): void {
    // Per the spec an event with no data line is not dispatched (`data:` alone is data "").
    if (this.dataLines.length > 0) {
      events.push({
        ...(this.eventType === undefined ? {} : { event: this.eventType }),
        data: this.dataLines.join('\n'),
        ...(this.blockId === undefined ? {} : { id: this.blockId }),
        ...(this.blockRetry === undefined ? {} : { retry: this.blockRetry }),
      });
    }
    this.resetBlock();
  }

  private resetBlock(): void {
    this.dataLines = [];
    this.eventType = undefined;
    this.blockId = undefined;
    this.blockRetry = undefined;
    this.eventBytes = 0;
  }
}

function isAsciiDigits(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * One event as SSE text, ending with the blank line that dispatches it. Multi-line data becomes
 * several `data:` lines (any of CRLF, CR, LF splits it, as the parser would). `event` and `id` must
 * be single lines; a line break there would inject fields, so it throws.
 */
export function formatSseEvent(event: SseEvent): string {
  let out = '';
  if (event.event !== undefined) out += `event: ${singleLine('event', event.event)}\n`;
  if (event.id !== undefined) {
    if (event.id.includes('\u0000')) throw new TypeError('SSE id must not contain NUL');
    out += `id: ${singleLine('id', event.id)}\n`;
  }
  if (event.retry !== undefined) {
    if (!Number.isInteger(event.retry) || event.retry < 0) throw new TypeError('SSE retry must be a non-negative integer');
    out += `retry: ${event.retry}\n`;
  }
  for (const line of event.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line (keep-alive); ignored by clients. */
export function formatSseComment(comment: string): string {
  return comment
    .split(/\r\n|\r|\n/)
    .map((line) => `: ${line}\n`)
    .join('');
}

function singleLine(field: string, value: string): string {
  if (value.includes('\n') || value.includes('\r')) throw new TypeError(`SSE ${field} must be a single line`);
  return value;
}
