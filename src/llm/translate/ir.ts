/**
 * The neutral form requests and responses pass through when the client's API and the provider's
 * differ: each API has one reader into it and one writer out of it, so three APIs need six functions
 * instead of six pairwise converters. It holds only what all three can express (or what a writer can
 * refuse clearly); anything else is refused with a TranslationError rather than silently dropped.
 */
import type { ApiFamily } from '../apis';
import type { JsonObject } from '../json';

export type IrPart =
  | { readonly type: 'text'; readonly text: string }
  /** An image by URL (http(s)) or inline base64 data with its media type. */
  | { readonly type: 'image'; readonly url?: string; readonly mimeType?: string; readonly data?: string; readonly detail?: string }
  /** A tool call the model made; `arguments` is the parsed JSON object. */
  | { readonly type: 'tool_call'; readonly id: string; readonly name: string; readonly arguments: JsonObject }
  /** The result of a tool call, sent back by the client. `name` is resolved from the call when the API does not carry it. */
  | { readonly type: 'tool_result'; readonly id: string; readonly name: string; readonly content: readonly IrResultPart[]; readonly isError?: boolean };

export type IrResultPart = Extract<IrPart, { type: 'text' | 'image' }>;

export interface IrMessage {
  /** Tool results belong to `user` turns (as Anthropic and Gemini have them); OpenAI's writer splits them out into `tool` messages. */
  readonly role: 'user' | 'assistant';
  readonly parts: readonly IrPart[];
}

export interface IrTool {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments (Gemini's OpenAPI-style schemas are converted on the way in). */
  readonly parameters?: JsonObject;
}

export type IrToolChoice = { readonly type: 'auto' | 'none' | 'required' } | { readonly type: 'tool'; readonly name: string };

export type IrResponseFormat = { readonly type: 'json_object' } | { readonly type: 'json_schema'; readonly schema: JsonObject; readonly name?: string };

export interface IrRequest {
  /** System and developer instructions, in order. */
  readonly system: readonly string[];
  readonly messages: readonly IrMessage[];
  readonly tools: readonly IrTool[];
  readonly toolChoice?: IrToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  /** Anthropic top_k / Gemini topK (OpenAI has none). */
  readonly topK?: number;
  readonly stop?: readonly string[];
  readonly responseFormat?: IrResponseFormat;
  readonly stream: boolean;
  /** OpenAI clients: whether the stream must end with a usage chunk (stream_options.include_usage). */
  readonly includeUsage: boolean;
}

/**
 * A request the target API cannot express (an OpenAI `n` above 1 for Anthropic, an audio part, a
 * provider-run tool...): a client error (400) rendered in the client's API, with the field at fault.
 */
export class TranslationError extends Error {
  override readonly name = 'TranslationError';
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** Human name of an API family for messages. */
export function apiName(family: ApiFamily): string {
  return family === 'openai' ? 'OpenAI chat completions' : family === 'anthropic' ? 'Anthropic messages' : 'Gemini generateContent';
}

/** Parses tool-call arguments (JSON text) into the object Anthropic and Gemini require. */
export function parseArguments(text: string, param: string): JsonObject {
  if (text.trim().length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TranslationError('Tool call arguments must be a JSON object to be sent to this model.', param);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TranslationError('Tool call arguments must be a JSON object to be sent to this model.', param);
  return value as JsonObject;
}

/** Splits a `data:<type>;base64,<data>` URL; undefined for anything else. */
export function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return undefined;
  return { mimeType: meta.slice(0, -7) || 'application/octet-stream', data: url.slice(comma + 1) };
}

/** Appends a message, merging it into the previous one when both have the same role (Anthropic and Gemini require alternation). */
export function pushMerged(messages: IrMessage[], message: IrMessage): void {
  const last = messages[messages.length - 1];
  if (last && last.role === message.role) messages[messages.length - 1] = { role: last.role, parts: [...last.parts, ...message.parts] };
  else messages.push(message);
}
