/** One view of provider responses, whole (JSON) or streamed (SSE), whatever the API. */
import type { ParseableApiId } from '../apis';
import type { TextEncoding } from '../canonical';
import type { JsonObject, JsonPointer, JsonValue } from '../json';

/** Why generation stopped, normalised: `other` covers pauses, malformed tool calls, provider-specific reasons. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

/**
 * Token counts, normalised so budgets can price any provider the same way:
 * - `inputTokens`: every prompt token, including those read from or written to a cache
 *   (Anthropic reports the three separately; they are summed here);
 * - `cachedInputTokens` / `cacheWriteTokens`: the parts of `inputTokens` read from / written to a cache;
 * - `outputTokens`: every generated token, including reasoning (Gemini reports thoughts apart; added here);
 * - `reasoningTokens`: the part of `outputTokens` spent thinking.
 */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
  readonly totalTokens?: number;
}

export type ResponseTextKind = 'text' | 'refusal' | 'reasoning';

export interface ResponseText {
  /** The output slot: choice index (OpenAI chat), candidate index (Gemini), output item index (Responses), content block index (Anthropic). */
  readonly index: number;
  readonly kind: ResponseTextKind;
  readonly text: string;
  readonly pointer: JsonPointer;
  /** False for signed Anthropic thinking: the client sends it back and Anthropic verifies it. */
  readonly rewritable: boolean;
}

export interface ResponseToolCall {
  /** The tool-call slot, the same as the stream's `tool_call_delta.index`: position in `tool_calls` (OpenAI chat), output item index (Responses), content block index (Anthropic), order of functionCall parts (Gemini). */
  readonly index: number;
  /** The choice / candidate the call belongs to, when the API can return several. */
  readonly choice?: number;
  readonly id?: string;
  readonly name: string;
  /** The arguments as JSON text. */
  readonly arguments: string;
  /** Where the arguments live: a JSON string (OpenAI) or an object (Anthropic `input`, Gemini `args`). */
  readonly pointer: JsonPointer;
  readonly encoding: TextEncoding;
}

export interface CanonicalResponse {
  readonly api: ParseableApiId;
  readonly model?: string;
  readonly texts: readonly ResponseText[];
  readonly toolCalls: readonly ResponseToolCall[];
  /** Of the first choice / candidate; absent for embeddings. */
  readonly finishReason?: FinishReason;
  /** The provider's own value, for logs. */
  readonly rawFinishReason?: string;
  readonly usage?: TokenUsage;
  readonly body: JsonObject;
  readonly raw: Buffer;
}

/**
 * Canonical stream events. `pointer`s point into the `data` JSON of the SSE event that produced
 * them, so a guard can change the text and re-encode that event (formatSseEvent).
 */
export type StreamEvent =
  | { readonly type: 'text_delta'; readonly index: number; readonly text: string; readonly pointer: JsonPointer; readonly refusal?: true }
  | { readonly type: 'reasoning_delta'; readonly index: number; readonly text: string; readonly pointer: JsonPointer }
  | {
      readonly type: 'tool_call_delta';
      /** Tool-call slot: stable across the deltas of one call. */
      readonly index: number;
      /** The choice / candidate, when the API can return several (OpenAI chat, Gemini). */
      readonly choice?: number;
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
      readonly pointer?: JsonPointer;
      readonly encoding: TextEncoding;
    }
  /**
   * A complete copy of text already streamed as deltas (Responses API `*.done` events and the final
   * `response.completed`). A guard that changed the deltas must change these the same way, or the
   * client receives the original text at the end.
   */
  | { readonly type: 'text_snapshot'; readonly index: number; readonly kind: ResponseTextKind | 'tool_arguments'; readonly text: string; readonly pointer: JsonPointer }
  | { readonly type: 'finish'; readonly index: number; readonly reason: FinishReason; readonly raw: string }
  /** A cumulative snapshot: a later usage event replaces an earlier one. */
  | { readonly type: 'usage'; readonly usage: TokenUsage }
  | { readonly type: 'done' }
  | { readonly type: 'error'; readonly message: string; readonly code?: string; readonly status?: number };

export interface DecodedSseEvent {
  /** The event's parsed `data` (absent for `[DONE]`, pings, or data that is not JSON). */
  readonly data?: JsonValue;
  readonly events: StreamEvent[];
}

export interface StreamDecoder {
  decode(event: { readonly event?: string; readonly data: string }): DecodedSseEvent;
  /** Call when the stream ends: reports a stream that ended before its terminator as an error. */
  end(): StreamEvent[];
}

export type ParseResponseResult = { readonly ok: true; readonly response: CanonicalResponse } | { readonly ok: false; readonly message: string };
