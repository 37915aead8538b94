/** The local PII detector as a guard plug-in (`pii`), with its params schema. */
import { z } from 'zod';
import type { Finding, GuardRegistry, InspectorPlugin } from '../registry';
import { PiiAnalyzer } from './analyzer';
import { presidioPlugin } from './presidio';
import { BUILTIN_ENTITIES } from './recognizers';

/** Entity names the local recognizers report (families written `secret.*`); config is checked against them. */
export const PII_ENTITIES: readonly string[] = [...BUILTIN_ENTITIES, 'DATE_OF_BIRTH'].filter((e, i, all) => all.indexOf(e) === i).sort();

const entityName = z.string().refine((name) => name === '*' || PII_ENTITIES.includes(name) || (name.startsWith('secret.') && name.length > 7), {
  message: `unknown entity (known: ${[...PII_ENTITIES].sort().join(', ')}, secret.<kind>, *)`,
});
const score = z.number().min(0).max(1);

export const piiParamsSchema = z.strictObject({
  /** Entity types to detect; default all. */
  entities: z.array(entityName).min(1).optional(),
  /** Minimum score per entity type (keys: entity, `secret.*` or `*`). */
  thresholds: z.record(entityName, score).default({}),
  defaultThreshold: score.default(0.5),
  /** Context window in words before and after a match. */
  context: z.strictObject({ before: z.number().int().min(0).max(50).default(6), after: z.number().int().min(0).max(50).default(3) }).default({ before: 6, after: 3 }),
  /** More context words per entity type. */
  extraContext: z.record(entityName, z.array(z.string().min(1)).max(200)).default({}),
  /** Exact values that are never reported. */
  allowList: z.array(z.string().min(1)).max(10_000).default([]),
});
export type PiiParams = z.infer<typeof piiParamsSchema>;

export function analyzerFromParams(params: PiiParams): PiiAnalyzer {
  return new PiiAnalyzer({
    entities: params.entities,
    thresholds: params.thresholds,
    defaultThreshold: params.defaultThreshold,
    contextWindow: params.context,
    extraContext: params.extraContext,
    allowList: params.allowList,
  });
}

export const PII_DETECTOR_ID = 'pii';

export const piiPlugin: InspectorPlugin<PiiParams> = {
  kind: 'inspector',
  id: PII_DETECTOR_ID,
  description: 'PII and secrets: checksummed identifiers, contact details, credentials, best-effort names and addresses',
  params: piiParamsSchema,
  create(params) {
    const analyzer = analyzerFromParams(params);
    return {
      inspect(text, context): Finding[] {
        return analyzer.analyze(text).map((span) => ({
          detector: PII_DETECTOR_ID,
          type: span.type,
          score: span.score,
          channel: context.channel,
          segment: context.segment,
          start: span.start,
          end: span.end,
        }));
      },
    };
  },
};

/** Registers `pii` and `pii.presidio`. */
export function registerPiiPlugins(registry: GuardRegistry): GuardRegistry {
  return registry.register(piiPlugin).register(presidioPlugin);
}
