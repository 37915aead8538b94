/**
 * A provider's embeddings endpoint (OpenAI-compatible `POST /v1/embeddings`: OpenAI, Azure OpenAI,
 * vLLM, Ollama, TEI...). Bounded by a timeout well under Envoy's message timeout; any failure (timeout,
 * status, malformed answer) is a cache miss, never an error for the client.
 */
import { normaliseDense, type Embedder, type Vector } from './types';

export interface HttpEmbedderOptions {
  readonly url: string;
  readonly model: string;
  /** The bearer token, read per call (rotation); undefined sends none. */
  readonly apiKey: () => string | undefined;
  readonly timeoutMs: number;
  /** Called with a short reason when an embedding could not be had (metrics, logs). */
  readonly onFailure?: (reason: string) => void;
  readonly fetch?: typeof fetch;
}

export class HttpEmbedder implements Embedder {
  readonly id: string;
  readonly kind = 'dense' as const;

  constructor(private readonly options: HttpEmbedderOptions) {
    this.id = `http:${options.url}#${options.model}`;
  }

  async embed(text: string): Promise<Vector | undefined> {
    const { url, model, timeoutMs, onFailure } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    const key = this.options.apiKey();
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ model, input: text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        onFailure?.(`status ${response.status}`);
        return undefined;
      }
      const body = (await response.json()) as unknown;
      const values = firstEmbedding(body);
      const vector = values ? normaliseDense(Float32Array.from(values)) : undefined;
      if (!vector) {
        onFailure?.('malformed answer');
        return undefined;
      }
      return { kind: 'dense', values: vector };
    } catch (error) {
      // The timeout surfaces as a DOMException (not always `instanceof Error`): compare the name.
      const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
      onFailure?.(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable');
      return undefined;
    }
  }
}

function firstEmbedding(body: unknown): number[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length === 0) return undefined;
  const embedding = (data[0] as { embedding?: unknown }).embedding;
  if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  return embedding as number[];
}
