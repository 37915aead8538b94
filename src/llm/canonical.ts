/**
 * One view of every LLM request, whatever API it came in: what later stages (detectors, policy,
 * routing, budgets, redaction) read, and the handles (pointers) they need to change the body in place.
 */
import type { ApiFamily, ParseableApiId } from './apis';
import type { JsonObject, JsonPointer, JsonValue } from './json';

/** Who authored the text, in the conversation's terms. */
export type SegmentRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/**
 * What kind of content the text is, which decides how detectors treat it: instructions (`system`),
 * the user's own words (`user`), earlier model output (`assistant`), arguments the model produced
 * for a tool call (`tool_call_arguments`), and third-party content that may carry indirect prompt
 * injection (`tool_result`, `document`).
 */
export type SegmentChannel = 'system' | 'user' | 'assistant' | 'tool_call_arguments' | 'tool_result' | 'document';

/**
 * How the text is stored at its pointer.
 * - `string`: a JSON string whose value is the text.
 * - `json`: a JSON value (an object such as Anthropic's `tool_use.input` or Gemini's
 *   `functionCall.args`) and the text is its JSON serialisation; a replacement must be valid JSON.
 * - `base64`: a JSON string holding the base64 of the UTF-8 text (Gemini `inlineData` with a
 *   text type: a document the model reads); a replacement is re-encoded.
 * - `data_url`: a JSON string `data:<type>;base64,<base64 of the UTF-8 text>` (a text file sent
 *   inline as OpenAI `file_data`); a replacement is re-encoded under the same prefix.
 */
export type TextEncoding = 'string' | 'json' | 'base64' | 'data_url';

export interface TextSegment {
  /** Position in `CanonicalRequest.segments`; the key for `rewriteSegments`. */
  readonly index: number;
  readonly role: SegmentRole;
  readonly channel: SegmentChannel;
  readonly text: string;
  /** Where the text lives in `CanonicalRequest.body`. */
  readonly pointer: JsonPointer;
  readonly encoding: TextEncoding;
  /**
   * False when the provider verifies the text and would reject the request if it changed (signed
   * Anthropic thinking blocks). Still inspected; `rewriteSegments` refuses to change it.
   */
  readonly rewritable: boolean;
  /** Index of the message / input item / content this text belongs to; absent for top-level fields (system, instructions). */
  readonly turn?: number;
}

export type MediaModality = 'image' | 'audio' | 'video' | 'document' | 'file';
export type MediaSource = 'url' | 'base64' | 'file_id';

/** A non-text input, counted for token estimation and policy (no content is decoded). */
export interface MediaRef {
  readonly modality: MediaModality;
  readonly source: MediaSource;
  readonly role: SegmentRole;
  readonly pointer: JsonPointer;
  readonly mimeType?: string;
  /** Decoded size of base64 data, estimated from its length. */
  readonly approxBytes?: number;
  /** Image detail / resolution hint when the API has one (`low`, `high`, `auto`...). */
  readonly detail?: string;
}

export interface ToolRef {
  readonly name: string;
  /** `builtin` for provider-run tools (web search, code execution...): `name` is then their type. */
  readonly kind: 'function' | 'custom' | 'builtin';
}

export interface ResponseFormat {
  readonly type: 'text' | 'json_object' | 'json_schema';
  /** The JSON schema the output must follow, when given. */
  readonly schema?: JsonValue;
  readonly name?: string;
}

/** A content part or input item of a type this parser does not know: any `text` in it is still a segment. */
export interface UnknownContent {
  readonly pointer: JsonPointer;
  readonly type: string;
}

export interface CanonicalRequest {
  readonly api: ParseableApiId;
  readonly family: ApiFamily;
  readonly model: string;
  readonly stream: boolean;
  /** max_completion_tokens / max_tokens / max_output_tokens / generationConfig.maxOutputTokens. */
  readonly maxOutputTokens?: number;
  /** n / generationConfig.candidateCount. */
  readonly n?: number;
  readonly temperature?: number;
  /** OpenAI chat streaming: whether the stream will end with a usage chunk (`stream_options.include_usage`). */
  readonly includeUsage?: boolean;
  readonly tools: readonly ToolRef[];
  readonly responseFormat?: ResponseFormat;
  /** Every text the model will read, in body order. */
  readonly segments: readonly TextSegment[];
  readonly media: readonly MediaRef[];
  /** Embeddings given as token arrays: how many tokens (they have no text segment). */
  readonly tokenInputCount: number;
  readonly unknownContent: readonly UnknownContent[];
  /** The parsed body; treat as read-only (rewrite functions copy what they change). */
  readonly body: JsonObject;
  /** The bytes as received, forwarded unchanged when nothing is rewritten. */
  readonly raw: Buffer;
}
