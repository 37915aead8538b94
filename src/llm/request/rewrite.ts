/**
 * Writing changes back into a request body: replaced segment texts (redaction), and the few fields
 * the gateway itself sets (routed model, token cap, usage in streams). The parsed body is never
 * mutated; changed containers are copied (see applyJsonEdits).
 */
import type { CanonicalRequest, TextSegment } from '../canonical';
import { applyJsonEdits, formatPointer, getAt, getObject, own, type JsonEdit, type JsonPointer, type JsonValue } from '../json';
import { protoField } from './gemini-generate';

/** A caller bug: a replacement that cannot be written (unknown index, locked segment, invalid JSON). */
export class RewriteError extends Error {
  override readonly name = 'RewriteError';
}

export interface RequestEdits {
  /** New texts by segment index. */
  readonly segments?: ReadonlyMap<number, string>;
  /** Routed model, written to `model` (not for Gemini: its model is in the path, see `geminiPath`). */
  readonly model?: string;
  /** Token cap written to the API's max-output field. */
  readonly maxOutputTokens?: number;
  /** OpenAI chat: the field a cap goes into when the client set none (the provider's `maxTokensField`). */
  readonly maxOutputTokensField?: 'max_completion_tokens' | 'max_tokens';
  /** OpenAI chat streaming: ask for the final usage chunk (`stream_options.include_usage`). */
  readonly includeUsage?: boolean;
}

/** Re-serialises the body with `replacements` (segment index -> new text) applied. */
export function rewriteSegments(request: CanonicalRequest, replacements: ReadonlyMap<number, string>): Buffer {
  return rewriteRequest(request, { segments: replacements });
}

/** Applies `edits` and serialises; with nothing to change, returns the original bytes. */
export function rewriteRequest(request: CanonicalRequest, edits: RequestEdits): Buffer {
  const changes: JsonEdit[] = [];
  for (const [index, text] of edits.segments ?? []) {
    const segment = request.segments[index];
    if (segment === undefined || segment.index !== index) throw new RewriteError(`no segment ${index}`);
    if (!segment.rewritable) throw new RewriteError(`segment ${index} (${formatPointer(segment.pointer)}) is verified by the provider and cannot be rewritten`);
    if (text !== segment.text) changes.push({ pointer: segment.pointer, value: encodeSegment(segment, text, getAt(request.body, segment.pointer)) });
  }
  if (edits.model !== undefined) {
    if (request.family === 'gemini') throw new RewriteError('a Gemini model is part of the path; rebuild the path with geminiPath()');
    changes.push({ pointer: ['model'], value: edits.model });
  }
  if (edits.maxOutputTokens !== undefined) {
    for (const pointer of maxOutputTokensPointers(request, edits.maxOutputTokensField)) changes.push({ pointer, value: edits.maxOutputTokens });
  }
  if (edits.includeUsage !== undefined) {
    if (request.api !== 'openai.chat_completions') throw new RewriteError('include_usage exists only in OpenAI chat completions');
    changes.push({ pointer: ['stream_options', 'include_usage'], value: edits.includeUsage });
  }
  if (changes.length === 0) return request.raw;
  return Buffer.from(JSON.stringify(applyJsonEdits(request.body, changes)));
}

/** The JSON value that stores `text` the way `segment` is stored; `current` is the value there now (for data URLs' prefix). */
export function encodeSegment(segment: Pick<TextSegment, 'encoding' | 'index' | 'pointer'>, text: string, current?: JsonValue): JsonValue {
  switch (segment.encoding) {
    case 'string':
      return text;
    case 'base64':
      return Buffer.from(text, 'utf8').toString('base64');
    case 'data_url': {
      const comma = typeof current === 'string' ? current.indexOf(',') : -1;
      if (typeof current !== 'string' || comma < 0) throw new RewriteError(`segment ${segment.index} (${formatPointer(segment.pointer)}) is not a data URL`);
      return `${current.slice(0, comma + 1)}${Buffer.from(text, 'utf8').toString('base64')}`;
    }
    case 'json': {
      let value: JsonValue;
      try {
        value = JSON.parse(text) as JsonValue;
      } catch {
        throw new RewriteError(`segment ${segment.index} (${formatPointer(segment.pointer)}) holds JSON; the replacement is not valid JSON`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new RewriteError(`segment ${segment.index} (${formatPointer(segment.pointer)}) holds a JSON object; the replacement is not one`);
      }
      return value;
    }
  }
}

/**
 * Where the API keeps its output-token cap: every field the client set, or, when none, `openAiField` (OpenAI chat: the
 * provider's choice; default the current field). A provider that reads only max_tokens gets it in any case: a cap in
 * max_completion_tokens alone would not bind it.
 */
export function maxOutputTokensPointers(request: CanonicalRequest, openAiField: 'max_completion_tokens' | 'max_tokens' = 'max_completion_tokens'): JsonPointer[] {
  switch (request.api) {
    case 'openai.chat_completions': {
      // A cap must bind whichever field the provider reads. max_tokens is deprecated at OpenAI (reasoning
      // models reject it), but servers such as Ollama read nothing else: the provider config says which.
      const present = ['max_completion_tokens', 'max_tokens'].filter((key) => typeof own(request.body, key) === 'number');
      if (openAiField === 'max_tokens' && !present.includes('max_tokens')) present.push('max_tokens');
      return (present.length === 0 ? [openAiField] : present).map((key) => [key]);
    }
    case 'openai.responses':
      return [['max_output_tokens']];
    case 'anthropic.messages':
      return [['max_tokens']];
    case 'gemini.generate_content':
    case 'gemini.stream_generate_content': {
      const config = protoField(request.body, 'generationConfig');
      const key = config?.key ?? 'generationConfig';
      const inner = getObject(request.body, key);
      const field = inner ? protoField(inner, 'maxOutputTokens') : undefined;
      return [[key, field?.key ?? (key === 'generationConfig' ? 'maxOutputTokens' : 'max_output_tokens')]];
    }
    case 'openai.embeddings':
      throw new RewriteError('embeddings have no output tokens');
  }
}
