/**
 * R5: an ImmediateResponse (from the processor, or built by the filter for T1/T3/T4/S3 errors) turned
 * into the local reply Envoy sends: a missing or informational status becomes 200, headers are applied
 * with the filter's mutation rules (a failure there is only logged), spaces in details become '_'.
 */
import type { ProtoImmediateResponse } from '../../../src/extproc/envoy-types';
import type { MutationRules } from './config-types';
import type { HeaderList } from './headers';
import type { LocalReplyRequest } from './local-reply';
import { type MutationEvent, applyHeaderMutation } from './mutation-rules';
import type { Decider } from './record';
import { httpStatusOf } from './status-codes';

export interface ImmediateResponseOptions {
  readonly rules: MutationRules;
  readonly maxHeadersCount: number;
  readonly maxHeadersKb: number;
  onMutations(events: MutationEvent[], error: string | undefined): void;
}

export function immediateResponseToLocalReply(response: ProtoImmediateResponse, decidedBy: Decider, reason: string, options: ImmediateResponseOptions): LocalReplyRequest {
  const requestedStatus = httpStatusOf(response.status?.code);
  const status = requestedStatus < 200 ? 200 : requestedStatus;
  const mutation = response.headers;
  const mutateHeaders = mutation
    ? (headers: HeaderList): void => {
        const result = applyHeaderMutation(mutation, headers, {
          rules: options.rules,
          replacingMessage: false,
          skipContentLength: false,
          maxHeadersCount: options.maxHeadersCount,
          maxHeadersKb: options.maxHeadersKb,
        });
        options.onMutations(result.events, result.ok ? undefined : result.error);
      }
    : undefined;
  return {
    status,
    requestedStatus,
    body: response.body ? Buffer.from(response.body) : Buffer.alloc(0),
    details: (response.details ?? '').replace(/\s/g, '_'),
    decidedBy,
    reason,
    mutateHeaders,
  };
}
