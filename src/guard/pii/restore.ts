/**
 * Restores reversible placeholders ([EMAIL_1] -> the original) in text that arrives chunk by chunk (SSE
 * deltas, raw response bytes): a chunk that ends inside what could still become a placeholder is held back
 * until the next chunk decides, so a placeholder is never emitted half-restored or half-raw. The hold-back is
 * bounded by the longest placeholder. Bytes are decoded as UTF-8 across chunk boundaries.
 */

import { TextDecoder } from 'node:util';

export type RestoreEncoding = 'none' | 'json' | ((value: string) => string);

export interface RestorerOptions {
  /**
   * How an original value is written back: `none` as is (decoded text); `json` escaped for the inside of a
   * JSON string (restoring directly in a JSON or SSE body, where a value with a quote or a newline would
   * otherwise break the JSON).
   */
  readonly encoding?: RestoreEncoding;
}

function encoder(encoding: RestoreEncoding | undefined): (value: string) => string {
  if (typeof encoding === 'function') return encoding;
  if (encoding === 'json') return (value) => JSON.stringify(value).slice(1, -1);
  return (value) => value;
}

export class Restorer {
  private pending = '';
  private readonly prefixes = new Set<string>();
  private readonly maxLength: number;
  private readonly encode: (value: string) => string;
  private decoder: TextDecoder | undefined;

  constructor(
    private readonly map: ReadonlyMap<string, string>,
    options: RestorerOptions = {},
  ) {
    let max = 0;
    for (const placeholder of map.keys()) {
      max = Math.max(max, placeholder.length);
      for (let i = 1; i < placeholder.length; i++) this.prefixes.add(placeholder.slice(0, i));
    }
    this.maxLength = max;
    this.encode = encoder(options.encoding);
  }

  /** Feeds a chunk; returns the text that can be released now (possibly empty). */
  push(chunk: string | Uint8Array): string {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else {
      this.decoder ??= new TextDecoder('utf-8');
      text = this.decoder.decode(chunk, { stream: true });
    }
    if (this.map.size === 0) return text;
    this.pending += text;
    return this.drain(false);
  }

  /** The stream ended: releases everything held back. */
  end(): string {
    if (this.decoder) this.pending += this.decoder.decode();
    if (this.map.size === 0) {
      const rest = this.pending;
      this.pending = '';
      return rest;
    }
    return this.drain(true);
  }

  /** How many characters are held back right now (for tests and metrics). */
  get held(): number {
    return this.pending.length;
  }

  private drain(final: boolean): string {
    const buffer = this.pending;
    let out = '';
    let i = 0;
    for (;;) {
      const open = buffer.indexOf('[', i);
      if (open < 0) {
        out += buffer.slice(i);
        this.pending = '';
        return out;
      }
      out += buffer.slice(i, open);
      const close = buffer.indexOf(']', open);
      if (close >= 0 && close - open < this.maxLength) {
        const original = this.map.get(buffer.slice(open, close + 1));
        if (original !== undefined) {
          out += this.encode(original);
          i = close + 1;
          continue;
        }
      }
      if (!final && close < 0 && buffer.length - open < this.maxLength && this.prefixes.has(buffer.slice(open))) {
        this.pending = buffer.slice(open);
        return out;
      }
      out += '[';
      i = open + 1;
    }
  }
}

/** Restores placeholders in a whole text (a buffered response). */
export function restoreText(text: string, map: ReadonlyMap<string, string>, options: RestorerOptions = {}): string {
  const restorer = new Restorer(map, options);
  return restorer.push(text) + restorer.end();
}
