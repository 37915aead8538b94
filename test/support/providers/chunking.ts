/**
 * Where to cut a response body into separate writes. Real providers (and proxies between us and them)
 * deliver SSE in arbitrary pieces, so the gateway must never assume one read = one event; these plans
 * make that happen on purpose and deterministically (the random generator is seeded from the request).
 */

export type ChunkMode =
  /** One byte per write: splits every line, every CRLF and every multi-byte UTF-8 character. */
  | 'bytes'
  /** Pseudo-random pieces of 1..32 bytes. */
  | 'random'
  /** One write per SSE event (the easy case). For JSON: one write. */
  | 'event'
  /** Every cut falls strictly inside an event, so each write ends mid-event and the next starts mid-event. */
  | 'split'
  /** The whole body in one write. */
  | 'none';

export const CHUNK_MODES: readonly ChunkMode[] = ['bytes', 'random', 'event', 'split', 'none'];

export function parseChunkMode(value: string): ChunkMode {
  const mode = value.trim().toLowerCase();
  const found = CHUNK_MODES.find((m) => m === mode);
  if (!found) throw new Error(`mock chunking: unknown mode "${value}" (known: ${CHUNK_MODES.join(', ')})`);
  return found;
}

/** mulberry32: a tiny seeded PRNG, so a given request always produces the same cuts. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, as the seed for seededRandom. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Cut offsets (strictly increasing, each in 1..length-1) for a body of `length` bytes whose events end
 * at `boundaries` (byte offsets; the last equals length). Writes are the slices between cuts.
 */
export function cutPoints(length: number, boundaries: readonly number[], mode: ChunkMode, seed: number): number[] {
  const rand = seededRandom(seed);
  const cuts: number[] = [];
  switch (mode) {
    case 'none':
      break;
    case 'bytes':
      for (let i = 1; i < length; i++) cuts.push(i);
      break;
    case 'random':
      for (let at = 1 + Math.floor(rand() * 32); at < length; at += 1 + Math.floor(rand() * 32)) cuts.push(at);
      break;
    case 'event':
      cuts.push(...boundaries.filter((b) => b > 0 && b < length));
      break;
    case 'split': {
      let start = 0;
      for (const end of boundaries) {
        const size = end - start;
        if (size >= 2) {
          // One cut a little before the event's end, so the write carries the event's tail into the next
          // write; long events get a second cut somewhere in their first part as well.
          const tail = end - (1 + Math.floor(rand() * Math.min(size - 1, 16)));
          if (size > 48) {
            const early = start + 1 + Math.floor(rand() * (tail - start - 1));
            if (early > start && early < tail) cuts.push(early);
          }
          if (tail > start) cuts.push(tail);
        }
        start = end;
      }
      break;
    }
  }
  return cuts.filter((c, i) => c > 0 && c < length && (i === 0 || c > cuts[i - 1]));
}

/** Slices a buffer at the given cut offsets. */
export function slicePieces(body: Buffer, cuts: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, body.length]) {
    if (cut > start) pieces.push(body.subarray(start, cut));
    start = cut;
  }
  return pieces;
}
