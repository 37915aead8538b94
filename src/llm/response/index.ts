/** Entry points for provider responses: parse a JSON body, decode a stream, write changes back. */
import type { ParseableApiId } from '../apis';
import type { TextEncoding } from '../canonical';
import { applyJsonEdits, getAt, getObject, isJsonObject, type JsonEdit, type JsonObject, type JsonPointer } from '../json';
import { encodeSegment, RewriteError } from '../request/rewrite';
import { parseJson } from '../request/parse';
import { formatSseEvent, SseParser, type SseEvent, type SseParserOptions } from '../sse';
import { MessagesStreamDecoder, parseMessagesResponse } from './anthropic-messages';
import { count, usage } from './common';
import { GenerateContentStreamDecoder, parseGenerateContentResponse } from './gemini-generate';
import { ChatStreamDecoder, parseChatResponse } from './openai-chat';
import { parseResponsesResponse, ResponsesStreamDecoder } from './openai-responses';
import type { CanonicalResponse, ParseResponseResult, StreamDecoder, StreamEvent } from './types';

export type StreamingApiId = Exclude<ParseableApiId, 'openai.embeddings'>;

/** Parses a successful (2xx) JSON response body. */
export function parseResponse(api: ParseableApiId, body: Buffer): ParseResponseResult {
  const parsed = parseJson(body);
  if (!parsed.ok) return { ok: false, message: `the response body is not valid JSON: ${parsed.problem}` };
  if (!isJsonObject(parsed.value)) return { ok: false, message: 'the response body is not a JSON object' };
  const json = parsed.value;
  const view = RESPONSE_PARSERS[api](json);
  return { ok: true, response: { api, ...view, body: json, raw: body } };
}

const RESPONSE_PARSERS: Readonly<Record<ParseableApiId, (body: JsonObject) => Omit<CanonicalResponse, 'api' | 'body' | 'raw'>>> = {
  'openai.chat_completions': parseChatResponse,
  'openai.responses': parseResponsesResponse,
  'openai.embeddings': parseEmbeddingsResponse,
  'anthropic.messages': parseMessagesResponse,
  'gemini.generate_content': parseGenerateContentResponse,
  'gemini.stream_generate_content': parseGenerateContentResponse,
};

/** Embeddings have no text to guard; only usage matters (prompt_tokens, total_tokens). */
function parseEmbeddingsResponse(body: JsonObject): Omit<CanonicalResponse, 'api' | 'body' | 'raw'> {
  const raw = getObject(body, 'usage');
  const input = count(raw, 'prompt_tokens');
  const total = count(raw, 'total_tokens');
  const model = typeof body.model === 'string' ? body.model : undefined;
  return {
    ...(model === undefined ? {} : { model }),
    texts: [],
    toolCalls: [],
    ...(input === undefined ? {} : { usage: usage({ inputTokens: input, outputTokens: 0, totalTokens: total }) }),
  };
}

/** A decoder for one SSE response stream (one per exchange: decoders keep state). */
export function createStreamDecoder(api: StreamingApiId): StreamDecoder {
  switch (api) {
    case 'openai.chat_completions':
      return new ChatStreamDecoder();
    case 'openai.responses':
      return new ResponsesStreamDecoder();
    case 'anthropic.messages':
      return new MessagesStreamDecoder();
    case 'gemini.generate_content':
    case 'gemini.stream_generate_content':
      return new GenerateContentStreamDecoder();
  }
}

/**
 * Decodes a complete SSE body (a stream that was buffered, or a recording) into canonical events,
 * including the end-of-stream check. An SSE framing error becomes an `error` event.
 */
export function decodeSseBody(api: StreamingApiId, body: Uint8Array, options: SseParserOptions = {}): StreamEvent[] {
  const parser = new SseParser(options);
  const decoder = createStreamDecoder(api);
  const events: StreamEvent[] = [];
  const parsed = parser.push(body);
  for (const event of parsed.events) events.push(...decoder.decode(event).events);
  const end = parser.end();
  const error = parsed.error ?? end.error;
  if (error) return [...events, { type: 'error', message: error.message, code: error.code }];
  return [...events, ...decoder.end()];
}

export interface ResponseEdits {
  /** New text by position in `response.texts`. */
  readonly texts?: ReadonlyMap<number, string>;
  /** New arguments (JSON text) by position in `response.toolCalls`. */
  readonly toolCalls?: ReadonlyMap<number, string>;
}

/** Re-serialises a JSON response with texts / tool-call arguments replaced; unchanged bytes when nothing changes. */
export function rewriteResponse(response: CanonicalResponse, edits: ResponseEdits): Buffer {
  const changes: JsonEdit[] = [];
  for (const [position, text] of edits.texts ?? []) {
    const target = response.texts[position];
    if (target === undefined) throw new RewriteError(`no response text ${position}`);
    if (!target.rewritable) throw new RewriteError(`response text ${position} is verified by the provider and cannot be rewritten`);
    if (text !== target.text) changes.push({ pointer: target.pointer, value: text });
  }
  for (const [position, args] of edits.toolCalls ?? []) {
    const target = response.toolCalls[position];
    if (target === undefined) throw new RewriteError(`no tool call ${position}`);
    if (args !== target.arguments) changes.push({ pointer: target.pointer, value: encodeSegment({ encoding: target.encoding, index: position, pointer: target.pointer }, args, getAt(response.body, target.pointer)) });
  }
  if (changes.length === 0) return response.raw;
  return Buffer.from(JSON.stringify(applyJsonEdits(response.body, changes)));
}

export interface StreamTextEdit {
  readonly pointer: JsonPointer;
  readonly text: string;
  /** How the target stores its text (the stream event's `encoding`; `string` for text deltas). */
  readonly encoding?: TextEncoding;
}

/**
 * Re-encodes one SSE event after changing texts inside its JSON data (at the pointers the decoder
 * reported). Other fields of the event (`event`, `id`) are kept.
 */
export function rewriteSseEvent(event: SseEvent, data: JsonObject, edits: readonly StreamTextEdit[]): string {
  const changes = edits.map((edit, i): JsonEdit => ({ pointer: edit.pointer, value: encodeSegment({ encoding: edit.encoding ?? 'string', index: i, pointer: edit.pointer }, edit.text, getAt(data, edit.pointer)) }));
  const next = changes.length === 0 ? data : applyJsonEdits(data, changes);
  return formatSseEvent({ ...event, data: JSON.stringify(next) });
}
