/** Small file helpers of the audit file sink: the first and last line of a file, a line reader. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

export interface FileTail {
  readonly size: number;
  /** The last complete (newline-terminated) line, without its newline. */
  readonly lastLine: string | undefined;
  /** Bytes after the last newline: a line cut short by a crash (or an edit). */
  readonly partialBytes: number;
}

/** Reads backwards from the end until the last complete line is in hand. */
export async function readTail(file: string): Promise<FileTail> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return { size, lastLine: undefined, partialBytes: 0 };
    let buffer = Buffer.alloc(0);
    let start = size;
    let lastNewline = -1; // index in `buffer` of the file's last newline
    for (;;) {
      const readFrom = Math.max(0, start - CHUNK);
      const chunk = Buffer.alloc(start - readFrom);
      await handle.read(chunk, 0, chunk.length, readFrom);
      buffer = Buffer.concat([chunk, buffer]);
      start = readFrom;
      if (lastNewline < 0) lastNewline = buffer.lastIndexOf(0x0a);
      else lastNewline += chunk.length;
      if (lastNewline >= 0) {
        const before = buffer.lastIndexOf(0x0a, lastNewline - 1);
        if (before >= 0 || start === 0) {
          const lineStart = before >= 0 ? before + 1 : 0;
          return { size, lastLine: buffer.subarray(lineStart, lastNewline).toString('utf8'), partialBytes: buffer.length - lastNewline - 1 };
        }
      } else if (start === 0) {
        return { size, lastLine: undefined, partialBytes: size };
      }
    }
  } finally {
    await handle.close();
  }
}

/** The first complete line (without its newline), or undefined when the file has none. */
export async function readFirstLine(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    let buffer = Buffer.alloc(0);
    let position = 0;
    for (;;) {
      const chunk = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, position);
      if (bytesRead === 0) return undefined;
      position += bytesRead;
      buffer = Buffer.concat([buffer, chunk.subarray(0, bytesRead)]);
      const newline = buffer.indexOf(0x0a);
      if (newline >= 0) return buffer.subarray(0, newline).toString('utf8');
    }
  } finally {
    await handle.close();
  }
}

/**
 * Yields each line of a file (without its newline), and tells whether the file ended in a newline: a
 * last line without one is yielded with `terminated: false`.
 */
export async function* readLines(file: string): AsyncGenerator<{ text: string; terminated: boolean }> {
  let rest = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
    let data = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let newline = data.indexOf(0x0a);
    while (newline >= 0) {
      yield { text: data.subarray(0, newline).toString('utf8'), terminated: true };
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    rest = Buffer.from(data);
  }
  if (rest.length > 0) yield { text: rest.toString('utf8'), terminated: false };
}
