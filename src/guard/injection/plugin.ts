/**
 * The guard-registry plug-in: `prompt_injection`, an inspector run on every text segment with its
 * channel. One finding per segment whose score reaches the threshold of its channel (type
 * `prompt_injection` or `jailbreak`), and one `obfuscation` finding when the segment hid text (zero-width
 * or tag characters, look-alikes, leetspeak, encodings). Findings never carry the text.
 *
 * Per-tenant thresholds: create one inspector per distinct params; the model file is loaded once per
 * process and shared.
 */
import { z } from 'zod';
import type { SegmentChannel } from '../../llm';
import type { Finding, InspectContext, InspectorPlugin } from '../registry';
import { InjectionDetector, type SegmentResult } from './detector';
import { loadModels } from './model';
import { ScanPool } from './scan-pool';

/** One pool per distinct detector settings, per process: config reloads and tenants reuse it. */
const pools = new Map<string, ScanPool>();

function poolFor(params: InjectionParams): ScanPool {
  const detector = { threshold: params.threshold, dataThreshold: params.dataThreshold, maxDecodeDepth: params.maxDecodeDepth, maxDecodedChars: params.maxDecodedChars };
  const key = JSON.stringify([detector, params.modelPath ?? '', params.workers, params.maxQueuedScans]);
  let pool = pools.get(key);
  if (!pool) {
    pool = new ScanPool({ size: params.workers, maxQueue: params.maxQueuedScans, detector, ...(params.modelPath ? { modelPath: params.modelPath } : {}) });
    pools.set(key, pool);
  }
  return pool;
}

export const INJECTION_DETECTOR_ID = 'prompt_injection';

const CHANNELS = ['system', 'user', 'assistant', 'tool_call_arguments', 'tool_result', 'document'] as const satisfies readonly SegmentChannel[];

export const injectionParamsSchema = z.strictObject({
  /** Verdict threshold (0..1) on user and other first-party channels. */
  threshold: z.number().min(0).max(1).default(0.5),
  /** Verdict threshold on document and tool_result channels. */
  dataThreshold: z.number().min(0).max(1).default(0.5),
  /** Channels inspected; system prompts (the operator's own) and model output are not, by default. */
  channels: z.array(z.enum(CHANNELS)).min(1).default(['user', 'document', 'tool_result']),
  /** Report an `obfuscation` finding at or above this concealment score; 1 turns it off. */
  concealmentThreshold: z.number().min(0).max(1).default(0.5),
  /** Decoded payloads are decoded again up to this depth. */
  maxDecodeDepth: z.number().int().min(0).max(6).default(3),
  /** Decoded characters per segment, all depths together. */
  maxDecodedChars: z.number().int().min(0).max(16 * 1024 * 1024).default(262144),
  /** Model file; default: the committed models/injection/model.json. */
  modelPath: z.string().min(1).optional(),
  /** Segments longer than this (characters) are scanned in a worker thread, off the event loop. */
  offloadAboveChars: z.number().int().min(1).default(262144),
  /** Worker threads for large segments (shared by every tenant with the same detector settings); 0 scans them inline. */
  workers: z.number().int().min(0).max(16).default(2),
  /** Large scans waiting for a worker; beyond, the scan fails (and the guard's fail mode applies). */
  maxQueuedScans: z.number().int().min(0).max(1024).default(16),
});

export type InjectionParams = z.infer<typeof injectionParamsSchema>;

export const injectionPlugin: InspectorPlugin<InjectionParams> = {
  kind: 'inspector',
  id: INJECTION_DETECTOR_ID,
  description: 'prompt-injection and jailbreak detection: normalisation, bounded decoding, multilingual signatures, n-gram classifier; stricter on documents and tool results',
  params: injectionParamsSchema,
  create(params) {
    const detector = new InjectionDetector({
      threshold: params.threshold,
      dataThreshold: params.dataThreshold,
      maxDecodeDepth: params.maxDecodeDepth,
      maxDecodedChars: params.maxDecodedChars,
      models: loadModels(params.modelPath),
    });
    const channels = new Set<SegmentChannel>(params.channels);
    const report = (result: SegmentResult, context: InspectContext): Finding[] => {
      const findings: Finding[] = [];
      if (result.attack) findings.push({ detector: INJECTION_DETECTOR_ID, type: result.type, score: round(result.score), channel: context.channel, segment: context.segment });
      if (result.concealment >= params.concealmentThreshold) findings.push({ detector: INJECTION_DETECTOR_ID, type: 'obfuscation', score: round(result.concealment), channel: context.channel, segment: context.segment });
      return findings;
    };
    return {
      inspect(text, context) {
        if (!channels.has(context.channel) || text.length === 0) return [];
        // Small segments inline (a worker round trip costs more than their scan); large ones off the event loop.
        if (params.workers > 0 && text.length > params.offloadAboveChars) return poolFor(params).scan(text, context.channel).then((result) => report(result, context));
        return report(detector.analyse(text, context.channel), context);
      },
    };
  },
};

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The request's score: the highest injection or jailbreak score over its segments (0 when none). */
export function requestScore(findings: readonly Finding[]): number {
  let best = 0;
  for (const f of findings) if (f.detector === INJECTION_DETECTOR_ID && f.type !== 'obfuscation') best = Math.max(best, f.score);
  return best;
}
