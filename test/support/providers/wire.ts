/**
 * Puts a ProviderReply on the wire: SSE serialization, gzip when the client accepts it, awkward write
 * boundaries, and the byte-level faults (disconnect, stall). Flavour handlers stay free of transport
 * concerns; everything here is shared by all three.
 */
import type { ServerResponse } from 'node:http';
import { constants as zlibConstants, createGzip, gzipSync, type Gzip } from 'node:zlib';
import { cutPoints, slicePieces, type ChunkMode } from './chunking';
import type { FaultSpec } from './faults';
import { nextTurn, type Timers } from './timers';
import type { ProviderReply, SseEvent } from './types';

export interface EncodedBody {
  readonly body: Buffer;
  /** Byte offsets where each event ends (for JSON, just the body length). */
  readonly boundaries: number[];
}

/** `event: <name>` (when named) then `data: <data>`, each line ended by `eol`, and a blank line after. */
export function serializeSse(events: readonly SseEvent[], eol: '\n' | '\r\n'): EncodedBody {
  const parts: Buffer[] = [];
  const boundaries: number[] = [];
  let offset = 0;
  for (const e of events) {
    const lines = e.event === undefined ? [] : [`event: ${e.event}`];
    // SSE data cannot contain a newline; a multi-line payload becomes several data lines.
    for (const line of e.data.split(/\r?\n/)) lines.push(`data: ${line}`);
    const buf = Buffer.from(lines.join(eol) + eol + eol, 'utf8');
    parts.push(buf);
    offset += buf.length;
    boundaries.push(offset);
  }
  return { body: Buffer.concat(parts), boundaries };
}

export function encodeReply(reply: ProviderReply, eol: '\n' | '\r\n'): EncodedBody {
  if (reply.kind === 'sse') return serializeSse(reply.events, eol);
  const body = Buffer.from(reply.pretty ? JSON.stringify(reply.body, null, 2) : JSON.stringify(reply.body), 'utf8');
  return { body, boundaries: [body.length] };
}

/** True when `accept-encoding` allows gzip (listed, or `*`, with a non-zero q-value). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const codings = new Map<string, number>();
  for (const item of header.split(',')) {
    const [name, ...params] = item.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    codings.set(name.trim(), q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const gzip = codings.get('gzip') ?? codings.get('x-gzip');
  if (gzip !== undefined) return gzip > 0;
  const star = codings.get('*');
  return star !== undefined && star > 0;
}

export interface SendOptions {
  readonly gzip: boolean;
  /** Undefined: `split` for SSE, `none` for JSON. */
  readonly chunking: ChunkMode | undefined;
  readonly fault: FaultSpec;
  /** Seeds the random cut points so a given request always splits the same way. */
  readonly seed: number;
  readonly eol: '\n' | '\r\n';
  readonly timers: Timers;
}

interface BodyWriter {
  /** Resolves once the piece (encoded) has been handed to the socket. */
  write(piece: Buffer): Promise<void>;
  end(): Promise<void>;
  abandon(): void;
}

function writeRaw(res: ServerResponse, data: Buffer): Promise<void> {
  // The callback fires on success and on error (destroyed socket) alike, so this never hangs.
  return new Promise((resolve) => {
    res.write(data, () => resolve());
  });
}

function identityWriter(res: ServerResponse): BodyWriter {
  return {
    write: (piece) => writeRaw(res, piece),
    end: () => new Promise((resolve) => res.end(() => resolve())),
    abandon: () => undefined,
  };
}

/** Gzip with a sync flush after every piece, so each piece becomes its own decodable write downstream. */
function gzipWriter(res: ServerResponse): BodyWriter {
  const gz: Gzip = createGzip();
  let lastWrite: Promise<void> = Promise.resolve();
  gz.on('data', (chunk: Buffer) => {
    lastWrite = writeRaw(res, chunk);
  });
  return {
    write: (piece) =>
      new Promise((resolve) => {
        gz.write(piece);
        gz.flush(zlibConstants.Z_SYNC_FLUSH, () => void lastWrite.then(resolve));
      }),
    end: () =>
      new Promise((resolve) => {
        gz.once('end', () => void lastWrite.then(() => res.end(() => resolve())));
        gz.end();
      }),
    abandon: () => gz.destroy(),
  };
}

function whenClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed || res.socket === null || res.socket.destroyed) resolve();
    else res.once('close', () => resolve());
  });
}

/** Where the body is cut short by a fault, and what happens then. */
function cutShort(fault: FaultSpec, length: number): { at: number; action: 'disconnect' | 'stall' } | undefined {
  if (fault.disconnectAfterBytes !== undefined) return { at: Math.min(fault.disconnectAfterBytes, length), action: 'disconnect' };
  if (fault.disconnectMidStream) return { at: Math.floor(length / 2), action: 'disconnect' };
  if (fault.stallAfterBytes !== undefined) return { at: Math.min(fault.stallAfterBytes, length), action: 'stall' };
  return undefined;
}

export async function sendReply(res: ServerResponse, reply: ProviderReply, opts: SendOptions): Promise<void> {
  const { body, boundaries } = encodeReply(reply, opts.eol);
  const mode = opts.chunking ?? (reply.kind === 'sse' ? 'split' : 'none');
  const limit = cutShort(opts.fault, body.length);
  let cuts = cutPoints(body.length, boundaries, mode, opts.seed);
  if (limit) cuts = [...cuts.filter((c) => c < limit.at), ...(limit.at > 0 ? [limit.at] : [])];
  const pieces = slicePieces(limit ? body.subarray(0, limit.at) : body, cuts);

  const headers: Record<string, string | number> = {
    'content-type': reply.kind === 'sse' ? 'text/event-stream; charset=utf-8' : 'application/json',
    ...(reply.kind === 'sse' ? { 'cache-control': 'no-cache' } : {}),
    vary: 'accept-encoding',
    ...(opts.gzip ? { 'content-encoding': 'gzip' } : {}),
    ...reply.headers,
  };

  // A plain JSON reply goes out in one write with a content-length, as real providers send it.
  if (reply.kind === 'json' && pieces.length <= 1 && !limit) {
    const payload = opts.gzip ? gzipSync(body) : body;
    res.writeHead(reply.status, { ...headers, 'content-length': payload.length });
    res.end(payload);
    return;
  }

  res.writeHead(reply.status, headers);
  // Status line and headers go out on their own, before the first body byte.
  res.flushHeaders();
  const writer = opts.gzip ? gzipWriter(res) : identityWriter(res);
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await (opts.fault.writeDelayMs !== undefined ? opts.timers.sleep(opts.fault.writeDelayMs) : nextTurn());
    if (res.destroyed) {
      writer.abandon();
      return;
    }
    await writer.write(pieces[i]);
  }
  if (limit?.action === 'disconnect') {
    writer.abandon();
    res.destroy();
    return;
  }
  if (limit?.action === 'stall') {
    await whenClosed(res);
    writer.abandon();
    return;
  }
  await writer.end();
}
