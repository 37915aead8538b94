/**
 * A response body transform: provider bytes in, client bytes out, chunk by chunk. The exchange runs a
 * chain of them in a fixed order (translation to the client's API, output guards on what the provider
 * said, restoration of reversible placeholders, removal of usage the client did not ask for), so each
 * stage is a small object that knows nothing of the others.
 *
 * Contract: `push` returns what may go to the client for this chunk (possibly empty, never more than
 * the transform has decided on); `end` flushes what was held back when the upstream ends. A transform
 * never sees the same bytes twice and never drops bytes it has not decided to drop.
 */
export interface ResponseTransform {
  /** Stable name, for stage metrics. */
  readonly name: string;
  push(chunk: Buffer): Buffer;
  end(): Buffer;
}

/** Runs a chunk through every transform in order; on the last chunk each transform's tail is flushed into the next. */
export function runTransforms(transforms: readonly ResponseTransform[], chunk: Buffer, endOfStream: boolean): Buffer {
  let data = chunk;
  for (const transform of transforms) {
    const pushed = transform.push(data);
    data = endOfStream ? concat(pushed, transform.end()) : pushed;
  }
  return data;
}

function concat(a: Buffer, b: Buffer): Buffer {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return Buffer.concat([a, b]);
}
