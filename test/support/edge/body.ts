/** Body helpers: the STREAMED chunk queue (B3), body mutations and the Content-Length check (B5). */
import type { ProtoBodyMutation } from '../../../src/extproc/envoy-types';
import type { HeaderList } from './headers';

export interface QueuedChunk {
  data: Buffer;
  readonly endStream: boolean;
}

/** Chunks sent to the processor and not yet answered, oldest first: exactly one response each (B3). */
export class ChunkQueue {
  private readonly chunks: QueuedChunk[] = [];

  get empty(): boolean {
    return this.chunks.length === 0;
  }

  get bytes(): number {
    return this.chunks.reduce((n, c) => n + c.data.length, 0);
  }

  get frontEndStream(): boolean {
    return this.chunks[0]?.endStream ?? false;
  }

  push(data: Buffer, endStream: boolean): void {
    this.chunks.push({ data, endStream });
  }

  pop(): QueuedChunk | undefined {
    return this.chunks.shift();
  }

  /** Everything still queued as one chunk (used when processing stops early: T2, T3 fail-open). */
  drainAll(): QueuedChunk | undefined {
    if (this.chunks.length === 0) return undefined;
    const endStream = this.chunks[this.chunks.length - 1].endStream;
    const data = Buffer.concat(this.chunks.map((c) => c.data));
    this.chunks.length = 0;
    return { data, endStream };
  }

  clear(): void {
    this.chunks.length = 0;
  }
}

export type BodyMutationKind = 'replace' | 'clear' | 'none';

export function bodyMutationKind(mutation: ProtoBodyMutation | undefined): BodyMutationKind {
  if (!mutation) return 'none';
  const kind = mutation.mutation ?? (mutation.body !== undefined ? 'body' : mutation.clear_body !== undefined ? 'clear_body' : undefined);
  if (kind === 'body') return 'replace';
  // clear_body: false is a no-op in Envoy (MutationUtils::applyBodyMutations).
  if (kind === 'clear_body') return mutation.clear_body ? 'clear' : 'none';
  return 'none';
}

export function applyBodyMutation(mutation: ProtoBodyMutation | undefined, data: Buffer): Buffer {
  switch (bodyMutationKind(mutation)) {
    case 'replace':
      return Buffer.from(mutation?.body ?? Buffer.alloc(0));
    case 'clear':
      return Buffer.alloc(0);
    case 'none':
      return data;
  }
}

/**
 * B5: in BUFFERED mode a body mutation must match the Content-Length still in the headers (after the
 * same response's header mutation). Envoy compares with the length of `body_mutation.body`, which is
 * empty for clear_body, and skips the check when the header is absent or not a number.
 */
export function contentLengthMismatch(headers: HeaderList | null, mutation: ProtoBodyMutation): string | undefined {
  const value = headers?.get('content-length');
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const newLength = bodyMutationKind(mutation) === 'replace' ? (mutation.body?.length ?? 0) : 0;
  if (Number(value) === newLength) return undefined;
  return `B5: mismatch between content length (${value}) and the length of the mutated body (${newLength})`;
}
