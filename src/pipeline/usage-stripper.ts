/**
 * OpenAI chat streams carry usage only when the client asks (`stream_options.include_usage`). The
 * gateway always asks upstream, to settle budgets exactly, and when the client did not ask this undoes
 * it on the way back: the usage-only chunk (empty `choices`) is dropped and the `"usage": null` that
 * OpenAI adds to every other chunk is removed, so the client sees what OpenAI would have sent it.
 *
 * Chunks arrive split anywhere (STREAMED mode, one answer per chunk), so complete events are rewritten
 * and an incomplete tail is held back until the next chunk; nothing is ever split or duplicated.
 */
import type { ResponseTransform } from './transform';

/** An event bigger than this is not an OpenAI chunk we rewrite: stop holding back and pass all through. */
const MAX_HELD_BYTES = 4 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export class OpenAiUsageStripper implements ResponseTransform {
  readonly name = 'usage_strip';
  private held: Buffer = Buffer.alloc(0);
  private passThrough = false;

  /** Returns what may go to the client for this chunk (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (this.passThrough) return chunk;
    const data = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const out: Buffer[] = [];
    let start = 0;
    for (;;) {
      const end = eventEnd(data, start);
      if (end < 0) break;
      out.push(rewriteEvent(data.subarray(start, end)));
      start = end;
    }
    this.held = data.subarray(start);
    if (this.held.length > MAX_HELD_BYTES) {
      this.passThrough = true;
      out.push(this.held);
      this.held = Buffer.alloc(0);
    }
    return Buffer.concat(out);
  }

  /** The stream ended: whatever is held goes out as it is (an unterminated event is not ours to fix). */
  end(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest;
  }
}

/** Index just past the blank line that ends the event starting at `from`, or -1 if it is incomplete. */
function eventEnd(data: Buffer, from: number): number {
  for (let i = from; i < data.length; i += 1) {
    const byte = data[i];
    if (byte !== LF && byte !== CR) continue;
    // A line break: LF, CR LF or CR. The event ends when the next line is empty.
    let next = i + 1;
    if (byte === CR) {
      if (next >= data.length) return -1; // CR at the end: it may be the first half of CR LF
      if (data[next] === LF) next += 1;
    }
    if (next >= data.length) return -1;
    const after = data[next];
    if (after === LF) return next + 1;
    if (after === CR) {
      if (next + 1 >= data.length) return -1;
      return data[next + 1] === LF ? next + 2 : next + 1;
    }
    i = next - 1;
  }
  return -1;
}

/** Drops a usage-only chunk and removes `"usage": null`; any other event is returned byte for byte. */
function rewriteEvent(event: Buffer): Buffer {
  const text = event.toString('utf8');
  const lines = text.split(/\r\n|\r|\n/);
  const dataLines = lines.filter((line) => line.startsWith('data:'));
  if (dataLines.length !== 1 || lines.some((line) => line.length > 0 && !line.startsWith('data:'))) return event;
  const payload = (dataLines[0] as string).slice(5).trimStart();
  if (!payload.startsWith('{')) return event;
  let chunk: unknown;
  try {
    chunk = JSON.parse(payload);
  } catch {
    return event;
  }
  if (!isRecord(chunk) || !('usage' in chunk)) return event;
  if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return Buffer.alloc(0);
  if (chunk.usage !== null) return event;
  const { usage: _usage, ...rest } = chunk;
  return Buffer.from(`data: ${JSON.stringify(rest)}\n\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
