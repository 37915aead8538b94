/**
 * A cached answer, served in the client API's own format: a JSON body, or a well-formed SSE stream
 * (OpenAI chat chunks ending in [DONE], Anthropic message_start..message_stop, Gemini
 * GenerateContentResponse events) that the official SDKs parse like a provider's stream. Ids are new
 * per replay: nothing of the request that first produced the answer is repeated.
 */
import { randomBytes } from 'node:crypto';
import { formatSseEvent } from '../llm';
import type { CachedCompletion } from './entry';

export interface Replay {
  readonly contentType: string;
  readonly body: Buffer;
}

export interface ReplayOptions {
  readonly stream: boolean;
  /** OpenAI chat: the client asked for the usage chunk (`stream_options.include_usage`). */
  readonly includeUsage: boolean;
  readonly now?: () => number;
}

/** Text per streamed chunk: SDKs see several deltas, as from a provider, without one event per word. */
const CHUNK_CHARS = 96;

export function replay(completion: CachedCompletion, options: ReplayOptions): Replay {
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  switch (completion.api) {
    case 'openai.chat_completions':
      return options.stream ? sse(openAiChunks(completion, nowSeconds, options.includeUsage)) : json(openAiCompletion(completion, nowSeconds));
    case 'anthropic.messages':
      return options.stream ? sse(anthropicEvents(completion)) : json(anthropicMessage(completion));
    case 'gemini.generate_content':
    case 'gemini.stream_generate_content':
      return options.stream ? sse(geminiChunks(completion).map((data) => ({ data }))) : json(geminiResponse(completion, completion.text, true));
  }
}

function json(value: object): Replay {
  return { contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) };
}

function sse(events: ReadonlyArray<{ readonly event?: string; readonly data: object | string }>): Replay {
  const text = events.map((event) => formatSseEvent({ ...(event.event ? { event: event.event } : {}), data: typeof event.data === 'string' ? event.data : JSON.stringify(event.data) })).join('');
  return { contentType: 'text/event-stream; charset=utf-8', body: Buffer.from(text) };
}

function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** Splits at spaces near CHUNK_CHARS, never inside a surrogate pair. */
export function chunkText(text: string): string[] {
  if (text.length === 0) return [''];
  const chunks: string[] = [];
  const chars = Array.from(text);
  let start = 0;
  while (start < chars.length) {
    let end = Math.min(chars.length, start + CHUNK_CHARS);
    if (end < chars.length) {
      const space = chars.lastIndexOf(' ', end);
      if (space > start) end = space + 1;
    }
    chunks.push(chars.slice(start, end).join(''));
    start = end;
  }
  return chunks;
}

function openAiUsage(completion: CachedCompletion): object {
  const input = completion.usage?.inputTokens ?? 0;
  const output = completion.usage?.outputTokens ?? 0;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

function openAiCompletion(completion: CachedCompletion, created: number): object {
  return {
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created,
    model: completion.model,
    choices: [{ index: 0, message: { role: 'assistant', content: completion.text, refusal: null }, logprobs: null, finish_reason: completion.finish }],
    usage: openAiUsage(completion),
  };
}

function openAiChunks(completion: CachedCompletion, created: number, includeUsage: boolean): Array<{ data: object | string }> {
  const id = newId('chatcmpl-');
  const chunk = (choices: object[], extra: object = {}): { data: object } => ({
    data: { id, object: 'chat.completion.chunk', created, model: completion.model, choices, ...(includeUsage ? { usage: null } : {}), ...extra },
  });
  const events = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])];
  for (const piece of chunkText(completion.text)) if (piece) events.push(chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
  events.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: completion.finish }]));
  if (includeUsage) events.push(chunk([], { usage: openAiUsage(completion) }));
  return [...events, { data: '[DONE]' }];
}

function anthropicUsage(completion: CachedCompletion): { input_tokens: number; output_tokens: number } {
  return { input_tokens: completion.usage?.inputTokens ?? 0, output_tokens: completion.usage?.outputTokens ?? 0 };
}

function anthropicMessage(completion: CachedCompletion): object {
  return {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content: [{ type: 'text', text: completion.text }],
    stop_reason: completion.finish,
    stop_sequence: null,
    usage: anthropicUsage(completion),
  };
}

function anthropicEvents(completion: CachedCompletion): Array<{ event: string; data: object }> {
  const usage = anthropicUsage(completion);
  const events: Array<{ event: string; data: object }> = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: { id: newId('msg_'), type: 'message', role: 'assistant', model: completion.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input_tokens, output_tokens: 0 } },
      },
    },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
  ];
  for (const piece of chunkText(completion.text)) {
    if (piece) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } } });
  }
  events.push(
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: completion.finish, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}

function geminiResponse(completion: CachedCompletion, text: string, last: boolean): object {
  const input = completion.usage?.inputTokens ?? 0;
  const output = completion.usage?.outputTokens ?? 0;
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(last ? { finishReason: completion.finish } : {}) }],
    ...(last ? { usageMetadata: { promptTokenCount: input, candidatesTokenCount: output, totalTokenCount: input + output } } : {}),
    modelVersion: completion.model,
  };
}

function geminiChunks(completion: CachedCompletion): object[] {
  const pieces = chunkText(completion.text);
  return pieces.map((piece, i) => geminiResponse(completion, piece, i === pieces.length - 1));
}
