/**
 * The inspect stage: every input detector of the tenant over every text segment of the request, with
 * its channel (user, document, tool result...). The outcome is plain data: the findings (types, scores,
 * channels, segment indexes: never text) and, when a blocking guard fired or a fail-closed detector
 * failed, the refusal to send.
 */
import type { RuntimeInputGuard } from '../config/runtime';
import type { Finding } from '../guard/registry';
import type { CanonicalRequest } from '../llm';

export interface GuardedFinding extends Finding {
  readonly action: RuntimeInputGuard['action'];
}

export interface InspectOutcome {
  /** Findings of block and flag guards (shadow findings are only counted). */
  readonly findings: readonly GuardedFinding[];
  readonly shadow: readonly GuardedFinding[];
  readonly block?: { readonly guard: string; readonly code: RuntimeInputGuard['code'] | 'detector_unavailable' };
  /** Detectors that failed, with the fail mode applied. */
  readonly failures: readonly { readonly guard: string; readonly failMode: 'open' | 'closed' }[];
}

export async function inspectRequest(request: CanonicalRequest, guards: readonly RuntimeInputGuard[]): Promise<InspectOutcome> {
  const findings: GuardedFinding[] = [];
  const shadow: GuardedFinding[] = [];
  const failures: { guard: string; failMode: 'open' | 'closed' }[] = [];
  let block: InspectOutcome['block'];
  for (const guard of guards) {
    for (const segment of request.segments) {
      let found: readonly Finding[];
      try {
        found = await guard.inspector.inspect(segment.text, { channel: segment.channel, role: segment.role, segment: segment.index });
      } catch {
        failures.push({ guard: guard.id, failMode: guard.failMode });
        if (guard.failMode === 'closed') return { findings, shadow, failures, block: { guard: guard.id, code: 'detector_unavailable' } };
        break;
      }
      for (const finding of found) {
        const triggered = guard.on === undefined || guard.on.has(finding.type);
        const guarded: GuardedFinding = { ...finding, action: triggered ? guard.action : 'flag' };
        if (guarded.action === 'shadow') shadow.push(guarded);
        else findings.push(guarded);
        if (triggered && guard.action === 'block') block ??= { guard: guard.id, code: guard.code };
      }
    }
  }
  return { findings, shadow, failures, ...(block ? { block } : {}) };
}
