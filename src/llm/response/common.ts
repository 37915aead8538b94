/** Helpers shared by the per-API response parsers and stream decoders. */
import { getNumber, getString, type JsonObject, type JsonValue } from '../json';
import type { DecodedSseEvent, StreamEvent, TokenUsage } from './types';

export type StreamErrorEvent = Extract<StreamEvent, { type: 'error' }>;

/** A non-negative integer count, or undefined. Providers sometimes send null. */
export function count(object: JsonObject | undefined, key: string): number | undefined {
  const value = object ? getNumber(object, key) : undefined;
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Builds a TokenUsage leaving out the optional counts the provider did not report. */
export function usage(parts: {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number | undefined;
  cacheWriteTokens?: number | undefined;
  reasoningTokens?: number | undefined;
  totalTokens?: number | undefined;
}): TokenUsage {
  return {
    inputTokens: parts.inputTokens,
    outputTokens: parts.outputTokens,
    ...(parts.cachedInputTokens === undefined ? {} : { cachedInputTokens: parts.cachedInputTokens }),
    ...(parts.cacheWriteTokens === undefined ? {} : { cacheWriteTokens: parts.cacheWriteTokens }),
    ...(parts.reasoningTokens === undefined ? {} : { reasoningTokens: parts.reasoningTokens }),
    ...(parts.totalTokens === undefined ? {} : { totalTokens: parts.totalTokens }),
  };
}

/** The SSE data as JSON; undefined when it is not JSON. */
export function parseData(data: string): JsonValue | undefined {
  try {
    return JSON.parse(data) as JsonValue;
  } catch {
    return undefined;
  }
}

export function unparseable(): DecodedSseEvent {
  return { events: [{ type: 'error', message: 'a stream event is not valid JSON', code: 'invalid_stream_event' }] };
}

export function truncated(terminator: string): StreamErrorEvent {
  return { type: 'error', message: `the stream ended before ${terminator}`, code: 'stream_truncated' };
}

/** `{"error": {...}}` as sent in OpenAI and Gemini streams, and as the body of error responses. */
export function errorEvent(error: JsonObject): StreamErrorEvent {
  const message = getString(error, 'message') ?? 'the provider reported an error';
  const codeValue = error.code;
  const code = typeof codeValue === 'string' ? codeValue : getString(error, 'status') ?? getString(error, 'type');
  const status = typeof codeValue === 'number' ? codeValue : undefined;
  return { type: 'error', message, ...(code === undefined ? {} : { code }), ...(status === undefined ? {} : { status }) };
}
