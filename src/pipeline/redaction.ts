/**
 * The redaction stage of an exchange: the tenant's redaction over the parsed request, turned into what
 * the exchange needs (segment edits for rewriteRequest, the restore map for the response, counts for
 * audit and metadata) or the refusal to send. Counts and types only; values stay in the restore map.
 */
import type { RuntimeTenant } from '../config/runtime';
import { PiiPolicyError } from '../guard/pii/redact';
import { redactRequest } from '../guard/pii/request-redaction';
import { apiError, parseRequest, rewriteRequest, type ApiError, type CanonicalRequest } from '../llm';
import type { AuditRedaction } from '../audit/record';
import type { RedactionLevel } from '../policy';

export type RedactionOutcome =
  | {
      readonly ok: true;
      readonly segments: ReadonlyMap<number, string>;
      readonly restore: ReadonlyMap<string, string>;
      readonly counts: readonly AuditRedaction[];
      /** Spans found but left as written (action `allow`): the request still carries them. */
      readonly unredacted: number;
    }
  | { readonly ok: false; readonly error: ApiError; readonly counts: readonly AuditRedaction[] };

const NOTHING: RedactionOutcome = { ok: true, segments: new Map(), restore: new Map(), counts: [], unredacted: 0 };

export function redactForTenant(request: CanonicalRequest, tenant: RuntimeTenant, requestId: string): RedactionOutcome {
  const redaction = tenant.redaction;
  if (!redaction || request.segments.length === 0) return NOTHING;
  let result;
  try {
    result = redactRequest(request, redaction);
  } catch (error) {
    // The hash key vanished (file removed, variable unset): fail closed rather than send the values.
    if (error instanceof PiiPolicyError) return { ok: false, error: apiError(503, 'detector_unavailable', `Redaction is unavailable, so the request was not sent (request ${requestId}).`), counts: [] };
    throw error;
  }
  // Spans left alone are not redactions; only what was acted on is counted.
  const counts = result.counts.filter((c) => c.action !== 'allow').map((c): AuditRedaction => ({ direction: 'request', type: c.type, action: c.action, count: c.count }));
  if (result.blocked.length > 0 || result.broken > 0) {
    return { ok: false, error: apiError(400, 'pii_detected', `The request contains data the gateway's policy does not allow to send (request ${requestId}).`), counts };
  }
  // Left as written: spans whose action is `allow`, and segments that could not change (signed thinking).
  const unredacted = result.counts.filter((c) => c.action === 'allow').reduce((sum, c) => sum + c.count, 0) + result.locked;
  return { ok: true, segments: result.segments, restore: result.restore, counts, unredacted };
}

/**
 * The redaction levels this request's redaction achieved, for a policy obligation ("send to external
 * providers only after redaction"). Nothing unless the tenant redacts and left no detected span as
 * written (signed thinking blocks included) and looked at every channel; `irreversible` only when no
 * placeholder can be turned back into its value. A tenant without redaction gets nothing, so such an
 * obligation denies (fail closed) instead of sending the text.
 */
export function appliedRedactionLevels(tenant: RuntimeTenant, outcome: RedactionOutcome): ReadonlySet<RedactionLevel> {
  // A redaction limited to some channels never looked at the others, so it cannot vouch for the request.
  if (!tenant.redaction || tenant.redaction.channels || !outcome.ok || outcome.unredacted > 0) return new Set();
  return new Set<RedactionLevel>([outcome.counts.some((c) => c.action === 'reversible') ? 'reversible' : 'irreversible']);
}

/**
 * The request as it leaves, with the redacted texts: re-parsed from the rewritten body so every later
 * stage (translation to another provider's API included) starts from the redacted version.
 */
export function redactedRequest(request: CanonicalRequest, segments: ReadonlyMap<number, string>, path: { pathModel?: string | undefined; pathStream?: boolean | undefined }): CanonicalRequest {
  const body = rewriteRequest(request, { segments });
  const parsed = parseRequest(request.api, body, {
    maxBytes: Number.MAX_SAFE_INTEGER,
    ...(path.pathModel === undefined ? {} : { pathModel: path.pathModel }),
    ...(path.pathStream === undefined ? {} : { pathStream: path.pathStream }),
  });
  // The body was valid and only string values changed: failing here is a gateway bug, never sent on.
  if (!parsed.ok) throw new Error(`redacted request no longer parses: ${parsed.error.code}`);
  return parsed.request;
}
