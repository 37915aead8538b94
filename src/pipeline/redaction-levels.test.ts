/**
 * Which redaction levels a request's redaction achieved, for a policy obligation ("external providers
 * only after redaction"): anything left as written, or a channel never looked at, vouches for nothing.
 */
import type { RuntimeTenant } from '../config/runtime';
import type { AuditRedaction } from '../audit/record';
import { apiError } from '../llm';
import { appliedRedactionLevels, type RedactionOutcome } from './redaction';

const redacting = { redaction: {} } as unknown as RuntimeTenant;
const someChannels = { redaction: { channels: new Set(['user']) } } as unknown as RuntimeTenant;
const none = {} as unknown as RuntimeTenant;
const count = (action: string, n = 1): AuditRedaction => ({ direction: 'request', type: 'EMAIL_ADDRESS', action, count: n });
const ok = (counts: AuditRedaction[], unredacted = 0): RedactionOutcome => ({ ok: true, segments: new Map(), restore: new Map(), counts, unredacted });

it.each<[string, RuntimeTenant, RedactionOutcome, string[]]>([
  ['tenant without redaction', none, ok([]), []],
  ['masked everything it found', redacting, ok([count('mask', 2)]), ['irreversible']],
  ['nothing to redact', redacting, ok([]), ['irreversible']],
  ['a reversible placeholder among them', redacting, ok([count('mask'), count('reversible')]), ['reversible']],
  ['a span left as written (allow, or signed thinking)', redacting, ok([count('mask')], 1), []],
  ['redaction limited to some channels', someChannels, ok([count('mask')]), []],
  ['the redaction refused the request', redacting, { ok: false, error: apiError(400, 'pii_detected', 'refused'), counts: [] }, []],
])('%s', (_name, tenant, outcome, levels) => {
  expect([...appliedRedactionLevels(tenant, outcome)]).toEqual(levels);
});
