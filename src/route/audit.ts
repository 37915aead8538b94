/** The audit record's view of a routing decision (names and reasons only: no keys, no key indexes). */
import type { AuditRoute } from '../audit/record';
import type { RouteTarget } from './router';

export function routeAudit(target: RouteTarget): AuditRoute {
  return { selectedBy: target.selectedBy, selected: target.selectedModel, model: target.model.name, reason: target.reason, skipped: [...target.skipped] };
}
