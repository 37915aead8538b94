/**
 * Embedders turn the last user turn into a unit vector for the semantic cache. Pluggable: the built-in
 * lexical one (sparse, needs nothing), a provider's embeddings endpoint (dense, HTTP) and a local ONNX
 * model (dense, onnxruntime-node when the operator installs it). Vectors of different embedders never
 * meet: the embedder id is part of the index partition.
 */

/**
 * Sparse feature indices with this bit set are light (character n-grams: many, small weights, long
 * posting lists); the index scans only the heavy ones and bounds what the light ones can add.
 */
export const LIGHT_FEATURE_BIT = 1 << 19;

/** L2-normalised, so a dot product is the cosine similarity. */
export type Vector =
  | { readonly kind: 'dense'; readonly values: Float32Array }
  | { readonly kind: 'sparse'; readonly indices: Uint32Array; readonly values: Float32Array };

export interface Embedder {
  /** Identifies the vector space (kind, model, dimensions): cached vectors are only compared within one id. */
  readonly id: string;
  readonly kind: Vector['kind'];
  /** Resolves undefined when the embedder cannot answer now (timeout, endpoint down): the lookup is a miss. */
  embed(text: string): Promise<Vector | undefined>;
}

export function normaliseDense(values: Float32Array): Float32Array | undefined {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += (values[i] as number) * (values[i] as number);
  if (!(sum > 0) || !Number.isFinite(sum)) return undefined;
  const scale = 1 / Math.sqrt(sum);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = (values[i] as number) * scale;
  return out;
}

export function dot(a: Vector, b: Vector): number {
  if (a.kind === 'dense' && b.kind === 'dense') {
    const n = Math.min(a.values.length, b.values.length);
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += (a.values[i] as number) * (b.values[i] as number);
    return sum;
  }
  if (a.kind === 'sparse' && b.kind === 'sparse') {
    let i = 0;
    let j = 0;
    let sum = 0;
    while (i < a.indices.length && j < b.indices.length) {
      const x = a.indices[i] as number;
      const y = b.indices[j] as number;
      if (x === y) {
        sum += (a.values[i] as number) * (b.values[j] as number);
        i += 1;
        j += 1;
      } else if (x < y) i += 1;
      else j += 1;
    }
    return sum;
  }
  return 0;
}

/** Compact JSON-safe form for Redis: base64 of the float32 (and uint32) arrays. */
export function encodeVector(vector: Vector): string {
  if (vector.kind === 'dense') return `d:${Buffer.from(vector.values.buffer, vector.values.byteOffset, vector.values.byteLength).toString('base64')}`;
  const indices = Buffer.from(vector.indices.buffer, vector.indices.byteOffset, vector.indices.byteLength).toString('base64');
  const values = Buffer.from(vector.values.buffer, vector.values.byteOffset, vector.values.byteLength).toString('base64');
  return `s:${indices}:${values}`;
}

export function decodeVector(text: string): Vector | undefined {
  const floats = (b64: string): Float32Array => {
    const bytes = Buffer.from(b64, 'base64');
    const copy = new Uint8Array(bytes.length - (bytes.length % 4));
    copy.set(bytes.subarray(0, copy.length));
    return new Float32Array(copy.buffer);
  };
  if (text.startsWith('d:')) return { kind: 'dense', values: floats(text.slice(2)) };
  if (text.startsWith('s:')) {
    const [, indices, values] = text.split(':');
    if (indices === undefined || values === undefined) return undefined;
    const bytes = Buffer.from(indices, 'base64');
    const copy = new Uint8Array(bytes.length - (bytes.length % 4));
    copy.set(bytes.subarray(0, copy.length));
    const idx = new Uint32Array(copy.buffer);
    const vals = floats(values);
    if (idx.length !== vals.length) return undefined;
    return { kind: 'sparse', indices: idx, values: vals };
  }
  return undefined;
}
