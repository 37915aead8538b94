/** What each per-API request parser returns besides the segments it collected. */
import type { CanonicalRequest } from '../canonical';
import type { JsonObject } from '../json';
import type { RequestCollector } from './collector';

export type RequestFacts = Pick<
  CanonicalRequest,
  'model' | 'stream' | 'maxOutputTokens' | 'n' | 'temperature' | 'includeUsage' | 'tools' | 'responseFormat'
>;

/** Request facts that come from the URL rather than the body (Gemini). */
export interface PathFacts {
  readonly model?: string;
  readonly stream?: boolean;
}

/** Reads a body that already passed its schema; still reads defensively (accessors return undefined on a mismatch). */
export type RequestExtractor = (body: JsonObject, collect: RequestCollector, path: PathFacts) => RequestFacts;

