/**
 * The output stages of one exchange, in chain order: the tenant's output guards (on what the provider
 * sent), then the restoration of reversible placeholders (last, so no guard ever sees a restored value).
 * Both work on the client API's format; a translation stage, when there is one, runs before them.
 */
import type { RuntimeOutputGuards } from '../../config/runtime';
import type { GuardBlock } from '../../guard/registry';
import type { CanonicalRequest, StreamingApiId } from '../../llm';
import type { ResponseTransform } from '../transform';
import { JsonSlotTransform } from './json-transform';
import { guardSlots, OutputReport, restoreSlots } from './slots';
import { SseSlotTransform } from './sse-transform';

export interface OutputStagesInput {
  readonly request: CanonicalRequest;
  readonly mode: 'streamed' | 'buffered';
  readonly guards: RuntimeOutputGuards;
  /** placeholder -> original, from the request's redaction. */
  readonly restore: ReadonlyMap<string, string>;
  readonly requestId: string;
}

export interface OutputStages {
  readonly transforms: ResponseTransform[];
  readonly report: OutputReport;
}

export function outputStages(input: OutputStagesInput): OutputStages {
  const report = new OutputReport();
  const transforms: ResponseTransform[] = [];
  const api = input.request.api;
  if (api === 'openai.embeddings') return { transforms, report };
  const onBlock = (block: GuardBlock): void => {
    report.block ??= block;
  };
  if (input.guards.guards.length > 0) {
    const slots = guardSlots(input.guards.guards, report, {
      holdBackChars: input.guards.holdBackChars,
      ...(input.request.responseFormat ? { responseFormat: input.request.responseFormat } : {}),
    });
    transforms.push(
      input.mode === 'streamed'
        ? new SseSlotTransform({ name: 'output_guards', api: api as StreamingApiId, slots, requestId: input.requestId, onBlock })
        : new JsonSlotTransform({ name: 'output_guards', api, slots, unreadable: 'block', onBlock }),
    );
  }
  const restore = restoreSlots(input.restore);
  if (restore) {
    transforms.push(
      input.mode === 'streamed'
        ? new SseSlotTransform({ name: 'restore_placeholders', api: api as StreamingApiId, slots: restore, requestId: input.requestId })
        : new JsonSlotTransform({ name: 'restore_placeholders', api, slots: restore, unreadable: 'pass' }),
    );
  }
  return { transforms, report };
}
