/**
 * JSON response translation: a provider's 2xx body -> the body the client's API returns, with the
 * model name the client asked for. Reads through the shared response parsers (src/llm/response).
 */
import type { ApiFamily, ParseableApiId } from '../apis';
import { getString, type JsonObject, type JsonValue } from '../json';
import { parseResponse } from '../response/index';
import type { CanonicalResponse } from '../response/types';
import { parseArguments } from './ir';
import { anthropicId, anthropicStop, anthropicUsage, geminiFinish, geminiUsage, openAiFinish, openAiUsage, responseId, toolCallId } from './shapes';

export interface TranslateResponseOptions {
  /** The provider's response API (TranslatedRequest.providerApi). */
  readonly from: ParseableApiId;
  readonly to: ApiFamily;
  /** The model name the client asked for: what its SDK expects to see. */
  readonly model: string;
  /** Seconds since the epoch for OpenAI's `created` (tests pin it). */
  readonly now?: () => number;
}

/** Translates a 2xx JSON body; undefined when the body is not a readable response (passed on as it is). */
export function translateResponseBody(body: Buffer, options: TranslateResponseOptions): Buffer | undefined {
  const parsed = parseResponse(options.from, body);
  if (!parsed.ok) return undefined;
  return Buffer.from(JSON.stringify(writeResponse(parsed.response, options)));
}

function providerId(response: CanonicalResponse): string | undefined {
  return getString(response.body, 'id') ?? getString(response.body, 'responseId');
}

function writeResponse(response: CanonicalResponse, options: TranslateResponseOptions): JsonObject {
  const texts = response.texts.filter((t) => t.kind === 'text' && (t.index === 0 || options.from !== 'openai.chat_completions'));
  const refusal = response.texts.filter((t) => t.kind === 'refusal').map((t) => t.text).join('');
  const text = texts.map((t) => t.text).join('');
  const calls = response.toolCalls.filter((c) => (c.choice ?? 0) === 0);
  const id = responseId(options.to, providerId(response));
  const stop = getString(response.body, 'stop_reason');
  switch (options.to) {
    case 'openai': {
      const toolCalls = calls.map((c) => ({ id: c.id ?? toolCallId('openai'), type: 'function', function: { name: c.name, arguments: c.arguments.length > 0 ? c.arguments : '{}' } }));
      const message: JsonObject = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null, refusal: refusal.length > 0 ? refusal : null };
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      return {
        id,
        object: 'chat.completion',
        created: Math.floor(options.now ? options.now() : Date.now() / 1000),
        model: options.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: openAiFinish(response.finishReason) }],
        ...(response.usage ? { usage: openAiUsage(response.usage) } : {}),
      };
    }
    case 'anthropic': {
      const content: JsonValue[] = [];
      if (text.length > 0 || refusal.length > 0) content.push({ type: 'text', text: text + refusal });
      for (const c of calls) content.push({ type: 'tool_use', id: anthropicId(c.id ?? toolCallId('anthropic')), name: c.name, input: argumentsObject(c.arguments) });
      return {
        id,
        type: 'message',
        role: 'assistant',
        model: options.model,
        content,
        stop_reason: anthropicStop(response.finishReason, stop),
        stop_sequence: null,
        usage: anthropicUsage(response.usage ?? { inputTokens: 0, outputTokens: 0 }),
      };
    }
    case 'gemini': {
      const parts: JsonValue[] = [];
      if (text.length > 0 || refusal.length > 0) parts.push({ text: text + refusal });
      // No id: Gemini sends none, and its clients answer a call by name (the reader pairs them again).
      for (const c of calls) parts.push({ functionCall: { name: c.name, args: argumentsObject(c.arguments) } });
      return {
        candidates: [{ content: { role: 'model', parts }, finishReason: geminiFinish(response.finishReason), index: 0 }],
        ...(response.usage ? { usageMetadata: geminiUsage(response.usage) } : {}),
        modelVersion: options.model,
        responseId: id,
      };
    }
  }
}

/** Arguments a model produced are usually a JSON object; anything else is wrapped so Anthropic/Gemini clients get an object. */
export function argumentsObject(text: string): JsonObject {
  try {
    return parseArguments(text, 'arguments');
  } catch {
    return { arguments: text };
  }
}

