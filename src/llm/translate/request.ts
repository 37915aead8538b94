/** Request translation: the client's body in its API -> the provider's body and upstream path. */
import type { ApiFamily, ParseableApiId } from '../apis';
import type { CanonicalRequest } from '../canonical';
import type { JsonObject } from '../json';
import { TranslationError, apiName, type IrRequest } from './ir';
import { readAnthropicMessages } from './read-anthropic';
import { readGeminiGenerate } from './read-gemini';
import { readOpenAiChat } from './read-openai';
import { writeAnthropicMessages, writeGeminiGenerate, writeOpenAiChat } from './write-requests';

/** The client APIs translation understands (the Responses API and embeddings have no counterpart everywhere). */
export type TranslatableApi = 'openai.chat_completions' | 'anthropic.messages' | 'gemini.generate_content' | 'gemini.stream_generate_content';

export function isTranslatable(api: ParseableApiId): api is TranslatableApi {
  return api === 'openai.chat_completions' || api === 'anthropic.messages' || api === 'gemini.generate_content' || api === 'gemini.stream_generate_content';
}

/** Anthropic's max_tokens when neither the client nor the catalogue gives one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export interface TranslateRequestOptions {
  /** The provider's model id (the catalogue's upstreamModel). */
  readonly model: string;
  /** Anthropic requires max_tokens: used when the client set no cap (the model's maxOutputTokens is a good value). */
  readonly defaultMaxOutputTokens?: number;
  /** The body to translate when an earlier stage rewrote it (redaction); default `request.body`. */
  readonly body?: JsonObject;
  /** OpenAI-API providers: the output-cap field they read (Ollama and LM Studio read only max_tokens); default max_completion_tokens. */
  readonly maxTokensField?: 'max_completion_tokens' | 'max_tokens';
}

export interface TranslatedRequest {
  /** The provider's JSON body. */
  readonly body: Buffer;
  /** The provider's path (without the provider's pathPrefix), query included. */
  readonly path: string;
  /** What the provider's response will be, for the meter and the response translator. */
  readonly providerApi: ParseableApiId;
}

/**
 * Translates `request` for a provider speaking `provider`. Throws TranslationError (a 400 for the
 * client) when the request uses something the provider's API cannot express.
 */
export function translateRequest(request: CanonicalRequest, provider: ApiFamily, options: TranslateRequestOptions): TranslatedRequest {
  if (!isTranslatable(request.api)) throw new TranslationError(`This model is served through the ${apiName(provider)} API, which the ${request.api} endpoint cannot be translated to; call it with that API or chat completions.`, 'model');
  const ir = readRequest(request.api, options.body ?? request.body, request.stream);
  const body = writeRequest(ir, provider, options);
  return { body: Buffer.from(JSON.stringify(body)), path: providerPath(provider, options.model, request.stream), providerApi: providerApiId(provider, request.stream) };
}

export function readRequest(api: TranslatableApi, body: JsonObject, stream: boolean): IrRequest {
  switch (api) {
    case 'openai.chat_completions':
      return readOpenAiChat(body);
    case 'anthropic.messages':
      return readAnthropicMessages(body);
    case 'gemini.generate_content':
    case 'gemini.stream_generate_content':
      return readGeminiGenerate(body, stream);
  }
}

export function writeRequest(ir: IrRequest, provider: ApiFamily, options: TranslateRequestOptions): JsonObject {
  switch (provider) {
    case 'openai':
      return writeOpenAiChat(ir, {
        model: options.model,
        defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
        ...(options.maxTokensField ? { maxTokensField: options.maxTokensField } : {}),
      });
    case 'anthropic':
      return writeAnthropicMessages(ir, { model: options.model, defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS });
    case 'gemini':
      return writeGeminiGenerate(ir);
  }
}

/** The provider API's endpoint for a chat request: Gemini carries the model (and SSE) in the path. */
export function providerPath(provider: ApiFamily, model: string, stream: boolean): string {
  switch (provider) {
    case 'openai':
      return '/v1/chat/completions';
    case 'anthropic':
      return '/v1/messages';
    case 'gemini':
      return `/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
  }
}

/** Which API's response the provider sends back. */
export function providerApiId(provider: ApiFamily, stream: boolean): ParseableApiId {
  switch (provider) {
    case 'openai':
      return 'openai.chat_completions';
    case 'anthropic':
      return 'anthropic.messages';
    case 'gemini':
      return stream ? 'gemini.stream_generate_content' : 'gemini.generate_content';
  }
}
