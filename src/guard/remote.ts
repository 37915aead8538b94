/**
 * What every detector that calls a remote service shares (Presidio's analyzer, a Prompt Guard or Llama
 * Guard endpoint): the error a closed fail mode raises, the outcome counts a metric reads, and the one
 * place that turns "the service could not answer" into fail-open (no findings) or fail-closed (refuse).
 */
import type { Finding, Inspector } from './registry';

/** A detector could not answer and its fail mode is `closed`: the caller refuses the request. */
export class DetectorUnavailableError extends Error {
  readonly code = 'detector_unavailable';
  constructor(
    readonly detector: string,
    readonly reason: 'timeout' | 'http_error' | 'bad_response' | 'network',
  ) {
    super(`${detector} unavailable: ${reason}`);
    this.name = 'DetectorUnavailableError';
  }
}

export type RemoteOutcome = 'ok' | 'fail_open' | 'fail_closed';

export interface RemoteInspector extends Inspector {
  /** Counts per outcome since creation (for a metric labelled by outcome). */
  outcomes(): Readonly<Record<RemoteOutcome, number>>;
}

export interface RemoteOutcomes {
  /** Counts an answer (or a failure already decided by `fail`). */
  record(outcome: RemoteOutcome, reason?: string): void;
  /** The service could not answer: no findings (fail open) or DetectorUnavailableError (fail closed). */
  fail(reason: DetectorUnavailableError['reason']): Finding[];
  outcomes(): Readonly<Record<RemoteOutcome, number>>;
}

export function remoteOutcomes(detector: string, failMode: 'open' | 'closed', onOutcome?: (outcome: RemoteOutcome, reason?: string) => void): RemoteOutcomes {
  const counts: Record<RemoteOutcome, number> = { ok: 0, fail_open: 0, fail_closed: 0 };
  const record = (outcome: RemoteOutcome, reason?: string): void => {
    counts[outcome]++;
    onOutcome?.(outcome, reason);
  };
  return {
    record,
    fail(reason) {
      if (failMode === 'open') {
        record('fail_open', reason);
        return [];
      }
      record('fail_closed', reason);
      throw new DetectorUnavailableError(detector, reason);
    },
    outcomes: () => ({ ...counts }),
  };
}

/**
 * The `name` of whatever a failed fetch threw. Duck-typed: the abort reason is a DOMException, which may
 * come from another realm, so `instanceof` cannot be trusted.
 */
export function thrownName(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : '';
}

/** Whether a fetch failed because its AbortSignal.timeout fired. */
export function isTimeout(error: unknown): boolean {
  const name = thrownName(error);
  return name === 'TimeoutError' || name === 'AbortError';
}
