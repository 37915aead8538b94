/** Usage, finish reasons and ids in each client API's own shape; shared by JSON and stream translation. */
import { randomBytes } from 'node:crypto';
import type { ApiFamily } from '../apis';
import type { JsonObject } from '../json';
import type { FinishReason, TokenUsage } from '../response/types';

/** OpenAI chat `usage`: cached tokens are part of prompt_tokens, reasoning part of completion_tokens. */
export function openAiUsage(usage: TokenUsage): JsonObject {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

/** Anthropic `usage`: input_tokens is only the uncached part; cache reads and writes are reported apart. */
export function anthropicUsage(usage: TokenUsage): JsonObject {
  const read = usage.cachedInputTokens ?? 0;
  const write = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - read - write),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: usage.outputTokens,
  };
}

/** Gemini `usageMetadata`: thoughts are counted apart from candidates, inside the total. */
export function geminiUsage(usage: TokenUsage): JsonObject {
  const thoughts = usage.reasoningTokens ?? 0;
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - thoughts),
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}

export function openAiFinish(reason: FinishReason | undefined): string {
  return reason === 'length' || reason === 'tool_calls' || reason === 'content_filter' ? reason : 'stop';
}

export function anthropicStop(reason: FinishReason | undefined, raw: string | undefined): string {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return raw === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
  }
}

export function geminiFinish(reason: FinishReason | undefined): string {
  switch (reason) {
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'other':
      return 'OTHER';
    default:
      // Gemini ends a turn with function calls as STOP too.
      return 'STOP';
  }
}

/** The response id in the client's usual form, derived from the provider's when it sent one. */
export function responseId(client: ApiFamily, providerId: string | undefined): string {
  const base = providerId && /^[A-Za-z0-9_-]{1,128}$/.test(providerId) ? providerId : randomBytes(12).toString('hex');
  switch (client) {
    case 'openai':
      return base.startsWith('chatcmpl-') ? base : `chatcmpl-${base}`;
    case 'anthropic':
      return base.startsWith('msg_') ? base : `msg_${base}`;
    case 'gemini':
      return base;
  }
}

/** Anthropic tool ids must match ^[a-zA-Z0-9_-]+$; other providers' ids are mapped the same way on both sides. */
export function anthropicId(id: string): string {
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned.length > 0 ? cleaned : 'toolu_0';
}

/** A tool-call id for clients that need one when the provider (Gemini) gave none. */
export function toolCallId(client: ApiFamily): string {
  return `${client === 'anthropic' ? 'toolu_' : 'call_'}${randomBytes(12).toString('hex')}`;
}
