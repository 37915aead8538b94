/**
 * What the cache keeps of a completed answer: the assistant's text (no tool calls, one choice), why it
 * stopped and the provider's usage, in the client API's terms. Replayed as JSON or as SSE in that API's
 * format, whichever the asking request wants, so a streamed answer can serve a buffered request and the
 * other way round.
 */
import type { TokenUsage } from '../llm';
import type { Vector } from './embed/types';

/** The APIs whose answers the cache keeps and replays. */
export const CACHEABLE_APIS = ['openai.chat_completions', 'anthropic.messages', 'gemini.generate_content', 'gemini.stream_generate_content'] as const;
export type CacheableApi = (typeof CACHEABLE_APIS)[number];

export function isCacheableApi(api: string): api is CacheableApi {
  return (CACHEABLE_APIS as readonly string[]).includes(api);
}

export interface CachedCompletion {
  readonly v: 1;
  readonly api: CacheableApi;
  /** The model the provider said answered. */
  readonly model: string;
  readonly text: string;
  /** The provider's own finish value (stop, end_turn, STOP). */
  readonly finish: string;
  readonly usage?: TokenUsage;
  /** When the answer was stored (ms since epoch). */
  readonly storedAt: number;
}

/** Where a semantic entry sits in the index and what its hit check compares. */
export interface SemanticRecord {
  readonly partition: string;
  readonly vector: Vector;
  /** Hashes of the question's content words, in order, and their token positions (word-order check). */
  readonly words: readonly number[];
  readonly positions: readonly number[];
  /** Token positions of prepositions (see text/wording.ts). */
  readonly connectors: readonly number[];
}

export function parseCachedCompletion(text: string): CachedCompletion | undefined {
  try {
    const value = JSON.parse(text) as Partial<CachedCompletion>;
    if (value.v !== 1 || typeof value.text !== 'string' || typeof value.finish !== 'string' || typeof value.model !== 'string') return undefined;
    if (typeof value.api !== 'string' || !isCacheableApi(value.api) || typeof value.storedAt !== 'number') return undefined;
    return value as CachedCompletion;
  } catch {
    return undefined;
  }
}
