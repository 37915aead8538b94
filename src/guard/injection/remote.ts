/**
 * `prompt_injection.remote`: a remote classifier for operators who run a model server, for example
 * Llama Prompt Guard behind a Hugging Face text-classification endpoint (TEI `/predict`, the inference
 * toolkit) or Llama Guard behind an OpenAI-compatible `/chat/completions`.
 *
 * - `api: classifier` posts `{"<inputField>": text}` and reads labels and scores
 *   (`[{label, score}]`, nested or not) or one numeric field;
 * - `api: openai_chat` posts the text as the user message of a chat request and reads the first word
 *   of the answer (`safe` / `unsafe`, Llama Guard's output).
 *
 * The answer is mapped to a 0..1 score (`mapping`), compared with the channel's threshold, and reported
 * as a finding without text. Timeout and fail mode as for every remote detector: `closed` (the default
 * for a security check) throws `DetectorUnavailableError` so the request is refused; `open` returns no
 * findings and counts the failure.
 */
import { z } from 'zod';
import type { SegmentChannel } from '../../llm';
import { DetectorUnavailableError, isTimeout, remoteOutcomes, type RemoteInspector, type RemoteOutcome } from '../remote';
import type { InspectorPlugin } from '../registry';
import { isDataChannel } from './detector';
import { pattern } from './patterns';

export const REMOTE_INJECTION_DETECTOR_ID = 'prompt_injection.remote';

const CHANNELS = ['system', 'user', 'assistant', 'tool_call_arguments', 'tool_result', 'document'] as const satisfies readonly SegmentChannel[];
/** An answer larger than this is not a classifier's verdict. */
const MAX_ANSWER_BYTES = 1 << 20;

const mappingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('labels'),
    /** Labels whose score is the attack score (the highest one counts). Compared case-insensitively. */
    attackLabels: z.array(z.string().min(1)).min(1).default(['INJECTION', 'JAILBREAK', 'MALICIOUS', 'UNSAFE', 'LABEL_1']),
    /** When no attack label is in the answer: attack score = 1 - the highest score of these. */
    benignLabels: z.array(z.string().min(1)).default(['BENIGN', 'SAFE', 'LABEL_0']),
    /** Labels reported as type `jailbreak` rather than `prompt_injection`. */
    jailbreakLabels: z.array(z.string().min(1)).default(['JAILBREAK']),
  }),
  z.strictObject({
    kind: z.literal('field'),
    /** Dotted path to a number in the answer (`score`, `result.0.probability`). */
    path: z.string().min(1).max(200),
    /** The number is a benign probability: attack score = 1 - value. */
    invert: z.boolean().default(false),
  }),
  z.strictObject({
    kind: z.literal('verdict'),
    /** First word of the chat answer meaning "attack" (score 1) or "fine" (score 0); anything else is a bad answer. */
    unsafe: z.array(z.string().min(1)).min(1).default(['unsafe']),
    safe: z.array(z.string().min(1)).min(1).default(['safe']),
  }),
]);

export const remoteInjectionParamsSchema = z
  .strictObject({
    /** Endpoint: the classifier's URL, or the base URL of an OpenAI-compatible API (`.../v1`). */
    url: z.url({ protocol: pattern('remote.protocol', '^https?$') }),
    api: z.enum(['classifier', 'openai_chat']).default('classifier'),
    /** Model name sent to an OpenAI-compatible API. */
    model: z.string().min(1).max(200).optional(),
    /** Classifier API: the request field that carries the text (`inputs` for Hugging Face servers). */
    inputField: z.string().min(1).max(100).default('inputs'),
    /** Environment variable holding a bearer token for the endpoint (read once at start; never logged). */
    apiKeyEnv: z.string().min(1).max(200).optional(),
    timeoutMs: z.number().int().min(1).max(60_000).default(1500),
    failMode: z.enum(['open', 'closed']).default('closed'),
    threshold: z.number().min(0).max(1).default(0.5),
    /** Threshold on document and tool_result channels. */
    dataThreshold: z.number().min(0).max(1).default(0.5),
    channels: z.array(z.enum(CHANNELS)).min(1).default(['user', 'document', 'tool_result']),
    /** Characters sent per segment (model servers have a context limit; the head is where attacks start). */
    maxChars: z.number().int().min(1).max(1_000_000).default(8000),
    mapping: mappingSchema.default({ kind: 'labels', attackLabels: ['INJECTION', 'JAILBREAK', 'MALICIOUS', 'UNSAFE', 'LABEL_1'], benignLabels: ['BENIGN', 'SAFE', 'LABEL_0'], jailbreakLabels: ['JAILBREAK'] }),
  })
  .refine((p) => p.api !== 'openai_chat' || p.model !== undefined, { message: 'api openai_chat needs a model', path: ['model'] })
  .refine((p) => p.api !== 'openai_chat' || p.mapping.kind !== 'labels', { message: 'api openai_chat answers in text: use mapping kind verdict (or field)', path: ['mapping'] });

export type RemoteInjectionParams = z.infer<typeof remoteInjectionParamsSchema>;
type Mapping = z.infer<typeof mappingSchema>;

interface Scored {
  readonly score: number;
  readonly type: 'prompt_injection' | 'jailbreak';
}

const labelSchema = z.object({ label: z.string(), score: z.number().min(0).max(1) });
const chatSchema = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1) });

/** `[{label, score}]`, `[[{label, score}]]` (batch of one) or `{label, score}`: a flat list. */
function labelsOf(answer: unknown): { label: string; score: number }[] | undefined {
  const flat = Array.isArray(answer) ? (answer.length === 1 && Array.isArray(answer[0]) ? (answer[0] as unknown[]) : answer) : [answer];
  const parsed = z.array(labelSchema).min(1).safeParse(flat);
  return parsed.success ? parsed.data : undefined;
}

function fieldOf(answer: unknown, path: string): unknown {
  let at: unknown = answer;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = Array.isArray(at) ? at[Number(key)] : (at as Record<string, unknown>)[key];
  }
  return at;
}

/** The answer as a score, or undefined when it does not have the configured shape. */
export function mapAnswer(answer: unknown, mapping: Mapping, api: RemoteInjectionParams['api']): Scored | undefined {
  if (mapping.kind === 'labels') {
    const labels = labelsOf(answer);
    if (!labels) return undefined;
    const upper = (list: readonly string[]): Set<string> => new Set(list.map((l) => l.toUpperCase()));
    const attack = upper(mapping.attackLabels);
    const benign = upper(mapping.benignLabels);
    const jailbreak = upper(mapping.jailbreakLabels);
    let best: Scored | undefined;
    let benignBest: number | undefined;
    for (const { label, score } of labels) {
      const name = label.toUpperCase();
      if (attack.has(name) && (!best || score > best.score)) best = { score, type: jailbreak.has(name) ? 'jailbreak' : 'prompt_injection' };
      if (benign.has(name)) benignBest = Math.max(benignBest ?? 0, score);
    }
    if (best) return best;
    return benignBest === undefined ? undefined : { score: 1 - benignBest, type: 'prompt_injection' };
  }
  const content = api === 'openai_chat' ? chatContent(answer) : undefined;
  if (mapping.kind === 'field') {
    const value = fieldOf(api === 'openai_chat' ? parseJson(content) : answer, mapping.path);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) return undefined;
    return { score: mapping.invert ? 1 - value : value, type: 'prompt_injection' };
  }
  const text = api === 'openai_chat' ? content : typeof answer === 'string' ? answer : undefined;
  if (text === undefined) return undefined;
  const first = FIRST_WORD.exec(text.trim())?.[0]?.toLowerCase();
  if (first === undefined) return undefined;
  if (mapping.unsafe.some((w) => w.toLowerCase() === first)) return { score: 1, type: 'prompt_injection' };
  if (mapping.safe.some((w) => w.toLowerCase() === first)) return { score: 0, type: 'prompt_injection' };
  return undefined;
}

const FIRST_WORD = pattern('remote.first_word', '^[\\p{L}_-]+', 'u');

function chatContent(answer: unknown): string | undefined {
  const parsed = chatSchema.safeParse(answer);
  return parsed.success ? (parsed.data.choices[0]?.message.content ?? undefined) : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function endpointOf(params: RemoteInjectionParams): string {
  if (params.api === 'classifier') return params.url;
  return new URL('chat/completions', params.url.endsWith('/') ? params.url : `${params.url}/`).toString();
}

function bodyOf(params: RemoteInjectionParams, text: string): string {
  if (params.api === 'classifier') return JSON.stringify({ [params.inputField]: text });
  return JSON.stringify({ model: params.model, messages: [{ role: 'user', content: text }], temperature: 0, max_tokens: 16, stream: false });
}

export function createRemoteInjectionInspector(params: RemoteInjectionParams, onOutcome?: (outcome: RemoteOutcome, reason?: string) => void, env: NodeJS.ProcessEnv = process.env): RemoteInspector {
  const endpoint = endpointOf(params);
  const channels = new Set<SegmentChannel>(params.channels);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (params.apiKeyEnv) {
    const key = env[params.apiKeyEnv];
    if (!key) throw new Error(`${REMOTE_INJECTION_DETECTOR_ID}: environment variable ${params.apiKeyEnv} is not set`);
    headers.authorization = `Bearer ${key}`;
  }
  const { record, fail, outcomes } = remoteOutcomes(REMOTE_INJECTION_DETECTOR_ID, params.failMode, onOutcome);
  return {
    outcomes,
    async inspect(text, context) {
      if (!text || !channels.has(context.channel)) return [];
      let answer: unknown;
      try {
        const response = await fetch(endpoint, { method: 'POST', headers, body: bodyOf(params, text.slice(0, params.maxChars)), signal: AbortSignal.timeout(params.timeoutMs) });
        if (!response.ok) {
          await response.body?.cancel();
          return fail('http_error');
        }
        const raw = await response.text();
        if (raw.length > MAX_ANSWER_BYTES) return fail('bad_response');
        answer = parseJson(raw);
        if (answer === undefined) return fail('bad_response');
      } catch (error) {
        if (error instanceof DetectorUnavailableError) throw error;
        return fail(isTimeout(error) ? 'timeout' : 'network');
      }
      const scored = mapAnswer(answer, params.mapping, params.api);
      if (!scored) return fail('bad_response');
      record('ok');
      const threshold = isDataChannel(context.channel) ? params.dataThreshold : params.threshold;
      if (scored.score < threshold) return [];
      return [{ detector: REMOTE_INJECTION_DETECTOR_ID, type: scored.type, score: Math.round(scored.score * 1000) / 1000, channel: context.channel, segment: context.segment }];
    },
  };
}

export const remoteInjectionPlugin: InspectorPlugin<RemoteInjectionParams> = {
  kind: 'inspector',
  id: REMOTE_INJECTION_DETECTOR_ID,
  description: 'remote prompt-injection classifier (Prompt Guard-style label scores, or Llama Guard behind an OpenAI-compatible API), with timeout, fail mode and score mapping',
  params: remoteInjectionParamsSchema,
  create: (params) => createRemoteInjectionInspector(params),
};
