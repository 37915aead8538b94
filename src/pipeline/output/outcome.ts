/**
 * What the exchange records about its output stages: findings and response-side redaction counts for the
 * audit record and metadata, the audit decision, and the error a blocked response becomes.
 */
import type { AuditDecision, AuditFinding, AuditRedaction } from '../../audit/record';
import type { GuardBlock } from '../../guard/registry';
import { apiError, type ApiError } from '../../llm';
import type { OutputFindingCount, OutputReport } from './slots';

export interface OutputOutcome {
  readonly counts: readonly OutputFindingCount[];
  readonly findings: readonly AuditFinding[];
  readonly redactions: readonly AuditRedaction[];
  readonly decision?: AuditDecision;
  readonly errorCode?: 'output_blocked' | 'upstream_error';
}

export function outputOutcome(report: OutputReport): OutputOutcome {
  const counts = report.findings();
  const findings = counts.map((f): AuditFinding => ({ detector: f.detector, type: f.type, score: f.score, channel: 'output', count: f.count }));
  const redactions = counts.filter((f) => f.action !== 'flag').map((f): AuditRedaction => ({ direction: 'response', type: f.type, action: f.action, count: f.count }));
  if (report.block) {
    const errorCode = report.block.code === 'upstream_error' ? 'upstream_error' : 'output_blocked';
    return { counts, findings, redactions, errorCode, decision: { stage: 'output', action: 'deny', code: errorCode } };
  }
  return { counts, findings, redactions, ...(findings.length > 0 ? { decision: { stage: 'output', action: 'flag' } } : {}) };
}

/** The answer to a blocked buffered response, in place of the provider's (the message names no rule). */
export function outputBlockError(block: GuardBlock, requestId: string): ApiError {
  return block.code === 'upstream_error'
    ? apiError(502, 'upstream_error', `The provider sent a response the gateway could not read (request ${requestId}).`)
    : apiError(400, 'output_blocked', `The response was stopped by the gateway's content policy (request ${requestId}).`);
}
