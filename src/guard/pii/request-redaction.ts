/**
 * Redaction of a whole request: the local recognizers over every text segment the tenant's config
 * covers, then the per-entity actions (mask, placeholder, hash, reversible, block). Returns the new
 * segment texts by index (for rewriteRequest), the restore map for the response, and counts per entity
 * type and action: never the values.
 */
import { z } from 'zod';
import type { CanonicalRequest, SegmentChannel } from '../../llm';
import { PiiAnalyzer } from './analyzer';
import { analyzerFromParams, piiParamsSchema } from './plugin';
import { checkPolicy, PII_ACTIONS, PlaceholderAllocator, redactSegments, type PiiAction, type PiiPolicy, type SpanLike } from './redact';

const CHANNELS = ['system', 'user', 'assistant', 'tool_call_arguments', 'tool_result', 'document'] as const satisfies readonly SegmentChannel[];

const maskText = z
  .string()
  .min(1)
  .max(64)
  .refine((text) => !text.includes('"') && !text.includes('\\'), { message: 'no quotes or backslashes (the mask is also written inside JSON tool arguments)' });

/**
 * The `redaction` config section (top level as the default, per tenant to replace it), without the HMAC
 * key: that is a secret source, added by the config schema, resolved by the runtime.
 */
export const redactionBaseSchema = z.strictObject({
  /** Which entities the recognizers look for, thresholds, context words, allow-list (as the `pii` detector). */
  detector: piiParamsSchema.prefault({}),
  /** Action per entity type (`EMAIL_ADDRESS`, `secret.*`, `*`). */
  actions: z.record(z.string().min(1), z.enum(PII_ACTIONS)).default({}),
  defaultAction: z.enum(PII_ACTIONS).default('allow'),
  maskText: maskText.default('[REDACTED]'),
  /** Segment channels redacted (default all: system, user, assistant, tool calls, tool results, documents). */
  channels: z.array(z.enum(CHANNELS)).min(1).optional(),
});
export type RedactionBaseConfig = z.infer<typeof redactionBaseSchema>;

export interface CompiledRedaction {
  readonly analyzer: PiiAnalyzer;
  readonly policy: PiiPolicy;
  readonly channels?: ReadonlySet<SegmentChannel>;
}

export function compileRedaction(config: RedactionBaseConfig, hashKey?: () => string): { redaction: CompiledRedaction; problems: string[] } {
  const policy: PiiPolicy = { actions: config.actions, defaultAction: config.defaultAction, maskText: config.maskText, ...(hashKey ? { hashKey } : {}) };
  return {
    redaction: { analyzer: analyzerFromParams(config.detector), policy, ...(config.channels ? { channels: new Set(config.channels) } : {}) },
    problems: hashKey ? [] : checkPolicy(policy),
  };
}

export interface RequestRedaction {
  /** New texts by segment index, only for segments that changed. */
  readonly segments: ReadonlyMap<number, string>;
  /** placeholder -> original, for reversible spans (memory only, never logged). */
  readonly restore: ReadonlyMap<string, string>;
  /** Spans per entity type and the action taken. */
  readonly counts: readonly { readonly type: string; readonly action: PiiAction; readonly count: number }[];
  /** Entity types whose action is block and that were found. */
  readonly blocked: readonly string[];
  /** Segments with findings that could not be rewritten (signed thinking): counted, sent unchanged. */
  readonly locked: number;
  /** JSON-valued segments (tool-call arguments as objects) whose redacted text is no longer JSON: do not send. */
  readonly broken: number;
}

export function redactRequest(request: CanonicalRequest, redaction: CompiledRedaction): RequestRedaction {
  const segments = request.segments.filter((segment) => !redaction.channels || redaction.channels.has(segment.channel));
  const texts = segments.map((segment) => segment.text);
  const spans: SpanLike[][] = texts.map((text) => redaction.analyzer.analyze(text));
  // Placeholders must not collide with text already in the request, anywhere in it.
  const allocator = new PlaceholderAllocator(request.segments.map((segment) => segment.text));
  const result = redactSegments(texts, spans, redaction.policy, allocator);
  const changed = new Map<number, string>();
  let locked = 0;
  let broken = 0;
  for (const position of result.changed) {
    const segment = segments[position];
    if (!segment) continue;
    if (!segment.rewritable) {
      locked++;
      continue;
    }
    const text = result.texts[position] as string;
    if (segment.encoding === 'json' && !isJsonObjectText(text)) {
      broken++;
      continue;
    }
    changed.set(segment.index, text);
  }
  const counts = Object.entries(result.counts)
    .map(([type, count]) => ({ type, action: result.actions[type] ?? 'allow', count }))
    .sort((a, b) => a.type.localeCompare(b.type));
  return { segments: changed, restore: result.restore, counts, blocked: result.blocked, locked, broken };
}

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
