/**
 * `output.pii`: personal data and secrets in what the model says (or puts in tool-call arguments).
 * The local recognizers run over the guard window; per entity type the tenant chooses to let it pass,
 * flag it, mask it or block the response. Runs on the provider's text, so reversible placeholders
 * ([EMAIL_1]) are not PII here and are restored later, after every guard.
 */
import { z } from 'zod';
import { lookupByType } from '../pii/analyzer';
import { analyzerFromParams, piiParamsSchema } from '../pii/plugin';
import type { OutputGuardPlugin, TextRewrite, TextScanner } from '../registry';
import { OUTPUT_BLOCK } from './block';
import { WindowedGuard } from './window';

export const OUTPUT_PII_ID = 'output.pii';
export const OUTPUT_LEAK_ACTIONS = ['allow', 'flag', 'mask', 'block'] as const;
export type OutputLeakAction = (typeof OUTPUT_LEAK_ACTIONS)[number];

const maskText = z
  .string()
  .min(1)
  .max(64)
  .refine((text) => !text.includes('"') && !text.includes('\\'), { message: 'no quotes or backslashes (the mask is written inside JSON tool arguments too)' });

/**
 * Entities watched when the config names none: identifiers and credentials. Names, places, URLs, dates and
 * IP addresses are everywhere in ordinary answers (and in code), so a tenant opts into them by listing them.
 */
export const OUTPUT_DEFAULT_ENTITIES: readonly string[] = ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'US_SSN', 'IBAN_CODE', 'CRYPTO', 'US_PASSPORT', 'US_DRIVER_LICENSE', 'secret.*'];

export const outputPiiParamsSchema = piiParamsSchema.extend({
  /** Action per entity type (`EMAIL_ADDRESS`, `secret.*`, `*`); others take defaultAction. */
  actions: z.record(z.string().min(1), z.enum(OUTPUT_LEAK_ACTIONS)).default({}),
  defaultAction: z.enum(OUTPUT_LEAK_ACTIONS).default('mask'),
  maskText: maskText.default('[REDACTED]'),
  /** Also watch tool-call arguments (default true). */
  toolArguments: z.boolean().default(true),
});
export type OutputPiiParams = z.infer<typeof outputPiiParamsSchema>;

export const outputPiiPlugin: OutputGuardPlugin<OutputPiiParams> = {
  kind: 'output_guard',
  id: OUTPUT_PII_ID,
  description: 'PII and secret leakage in responses: flag, mask or block per entity type',
  params: outputPiiParamsSchema,
  create(params) {
    const analyzer = analyzerFromParams({ ...params, entities: params.entities ?? [...OUTPUT_DEFAULT_ENTITIES] });
    const scan: TextScanner = (text) => {
      const rewrites: TextRewrite[] = [];
      for (const span of analyzer.analyze(text)) {
        const action = lookupByType(params.actions, span.type) ?? params.defaultAction;
        if (action === 'allow') continue;
        const finding = { detector: OUTPUT_PII_ID, type: span.type, score: span.score, start: span.start, end: span.end };
        rewrites.push({
          start: span.start,
          end: span.end,
          finding,
          ...(action === 'mask' ? { replacement: params.maskText } : {}),
          ...(action === 'block' ? { block: OUTPUT_BLOCK } : {}),
        });
      }
      return rewrites;
    };
    const scanner = (context: { kind: 'text' | 'tool_arguments' }): TextScanner | undefined => (context.kind === 'tool_arguments' && !params.toolArguments ? undefined : scan);
    return {
      scanner,
      start: (context) => new WindowedGuard([scanner(context) ?? (() => [])]),
    };
  },
};
