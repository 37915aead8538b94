/**
 * Money from tokens, as the providers bill: cached input at its own (lower) price, cache writes at
 * theirs, reasoning tokens as output. Prices are USD per million tokens.
 */
import type { ModelPricing } from '../config/runtime';

export interface BilledTokens {
  /** All prompt tokens, cached and cache-write parts included. */
  readonly inputTokens: number;
  /** All generated tokens, reasoning included. */
  readonly outputTokens: number;
  readonly cachedInputTokens?: number;
  readonly cacheWriteTokens?: number;
}

export function costUsd(pricing: ModelPricing, tokens: BilledTokens): number {
  const cached = Math.min(tokens.cachedInputTokens ?? 0, tokens.inputTokens);
  const written = Math.min(tokens.cacheWriteTokens ?? 0, tokens.inputTokens - cached);
  const plainInput = tokens.inputTokens - cached - written;
  const micros =
    plainInput * pricing.input +
    cached * (pricing.cachedInput ?? pricing.input) +
    written * (pricing.cacheWrite ?? pricing.input) +
    tokens.outputTokens * pricing.output;
  // Round to a billionth of a dollar: avoids float noise like 0.30000000000000004 in audit records.
  return Math.round((micros / 1_000_000) * 1e9) / 1e9;
}
