/**
 * Remote analyser for operators who run Presidio's analyzer service: `POST {url}/analyze` with
 * `{text, language, entities?, score_threshold?}` answers `[{entity_type, start, end, score}]`.
 * A timeout and an explicit fail mode: `closed` (the default for a security check) throws
 * `DetectorUnavailableError` so the request is refused; `open` returns no findings and counts it.
 */
import { z } from 'zod';
import type { Finding, InspectorPlugin } from '../registry';
import { DetectorUnavailableError, isTimeout, remoteOutcomes, thrownName, type RemoteInspector, type RemoteOutcome } from '../remote';
import { pattern } from './patterns';

export const presidioParamsSchema = z.strictObject({
  /** Base URL of the analyzer service, for example http://presidio-analyzer:3000 */
  url: z.url({ protocol: pattern('presidio.protocol', '^https?$', '') }),
  language: z.string().min(2).max(16).default('en'),
  timeoutMs: z.number().int().min(1).max(60_000).default(2000),
  failMode: z.enum(['open', 'closed']).default('closed'),
  /** Passed to Presidio; omitted means all its recognizers. */
  entities: z.array(z.string().min(1)).min(1).optional(),
  scoreThreshold: z.number().min(0).max(1).optional(),
});
export type PresidioParams = z.infer<typeof presidioParamsSchema>;

const resultSchema = z.array(
  z.object({ entity_type: z.string().min(1), start: z.number().int().min(0), end: z.number().int().min(0), score: z.number().min(0).max(1) }),
);

export { DetectorUnavailableError, type RemoteInspector, type RemoteOutcome } from '../remote';

/**
 * Presidio (Python) counts offsets in code points, JavaScript strings in UTF-16 units: they differ after any
 * character outside the BMP (emoji). Returns a converter, clamped to the text.
 */
export function codePointOffsets(text: string): (offset: number) => number {
  let astral = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      astral = true;
      break;
    }
  }
  if (!astral) return (offset) => Math.min(offset, text.length);
  const units: number[] = [];
  for (let i = 0; i < text.length; ) {
    units.push(i);
    const code = text.codePointAt(i)!;
    i += code > 0xffff ? 2 : 1;
  }
  units.push(text.length);
  return (offset) => units[Math.min(offset, units.length - 1)]!;
}

export const PRESIDIO_DETECTOR_ID = 'pii.presidio';

export function createPresidioInspector(params: PresidioParams, onOutcome?: (outcome: RemoteOutcome, reason?: string) => void): RemoteInspector {
  const endpoint = new URL('analyze', params.url.endsWith('/') ? params.url : `${params.url}/`).toString();
  const { record, fail, outcomes } = remoteOutcomes(PRESIDIO_DETECTOR_ID, params.failMode, onOutcome);
  return {
    outcomes,
    async inspect(text, context) {
      if (!text) return [];
      const body: Record<string, unknown> = { text, language: params.language };
      if (params.entities) body.entities = params.entities;
      if (params.scoreThreshold !== undefined) body.score_threshold = params.scoreThreshold;
      let payload: unknown;
      let stage: 'request' | 'body' = 'request';
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(params.timeoutMs),
        });
        if (!response.ok) {
          await response.body?.cancel();
          return fail('http_error');
        }
        stage = 'body';
        payload = await response.json();
      } catch (error) {
        if (error instanceof DetectorUnavailableError) throw error;
        if (isTimeout(error)) return fail('timeout');
        return fail(stage === 'body' && thrownName(error) === 'SyntaxError' ? 'bad_response' : 'network');
      }
      const parsed = resultSchema.safeParse(payload);
      if (!parsed.success) return fail('bad_response');
      record('ok');
      const toUtf16 = codePointOffsets(text);
      const findings: Finding[] = [];
      for (const r of parsed.data) {
        const start = toUtf16(r.start);
        const end = toUtf16(r.end);
        if (start >= end) continue;
        findings.push({ detector: PRESIDIO_DETECTOR_ID, type: r.entity_type, score: r.score, channel: context.channel, segment: context.segment, start, end });
      }
      return findings;
    },
  };
}

export const presidioPlugin: InspectorPlugin<PresidioParams> = {
  kind: 'inspector',
  id: PRESIDIO_DETECTOR_ID,
  description: "Presidio analyzer service over HTTP (its /analyze REST shape), with timeout and fail mode",
  params: presidioParamsSchema,
  create: (params) => createPresidioInspector(params),
};
