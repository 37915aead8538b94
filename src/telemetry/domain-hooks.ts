/**
 * Domain events (budget store, audit sinks) mapped to metrics and log lines, so the domain modules stay
 * free of telemetry and the composition root stays short.
 */
import type { Logger } from 'pino';
import type { AuditSinkHooks } from '../audit/config';
import type { BudgetEvents } from '../budget';
import type { BudgetAlertHooks } from '../budget/alerts';
import type { SidecarMetrics } from './metrics';
import type { PolicyServiceHooks } from '../policy/service';

export function budgetEventHooks(metrics: SidecarMetrics, log: Logger): BudgetEvents {
  return {
    storeDown: ({ mode }) => {
      metrics.budgetStoreUp.set(0);
      log.warn({ mode }, 'budget store unreachable: failure mode in force');
    },
    storeUp: ({ downForMs, replayed }) => {
      metrics.budgetStoreUp.set(1);
      log.info({ downForMs, replayed }, 'budget store back');
    },
    reserveOutcome: (outcome, allowed) => metrics.budgetDecisions.inc({ outcome, allowed: String(allowed) }),
    pendingDropped: (count) => metrics.budgetSettleErrors.inc({ reason: 'queue_full' }, count),
    settleFailed: (error) => {
      metrics.budgetSettleErrors.inc({ reason: 'failed' });
      log.error({ err: error }, 'budget settlement failed');
    },
  };
}

export function auditSinkHooks(metrics: SidecarMetrics, log: Logger): AuditSinkHooks {
  return {
    queueDepth: (sink, depth) => metrics.auditQueueDepth.set({ sink }, depth),
    dropped: (sink, reason) => metrics.auditDropped.inc({ sink, reason }),
    written: (sink, _tenant, count) => metrics.auditWritten.inc({ sink }, count),
    // The tenant is logged (it is a config id), never the record.
    error: (sink, error, { tenant, op }) => {
      metrics.auditErrors.inc({ sink, op });
      log.error({ err: error, sink, tenant, op }, 'audit sink error');
    },
  };
}

/** `tenantLabel` bounds the metric's tenant label like every other per-tenant metric; the log line keeps the id. */
export function budgetAlertHooks(metrics: SidecarMetrics, log: Logger, tenantLabel: (tenant: string) => string = (tenant) => tenant): BudgetAlertHooks {
  return {
    crossed: (alert) => {
      metrics.budgetAlerts.inc({ tenant: tenantLabel(alert.tenant), limit: alert.limit, threshold: String(alert.threshold) });
      log.warn({ alert: { id: alert.id, tenant: alert.tenant, scope: alert.scope, limit: alert.limit, threshold: alert.threshold, used: alert.used, max: alert.max } }, 'budget threshold crossed');
    },
    webhookFailed: (alert, reason) => {
      metrics.budgetAlertWebhookErrors.inc({ reason });
      log.error({ alertId: alert.id, reason }, 'budget alert webhook failed');
    },
    webhookDropped: (alert) => {
      metrics.budgetAlertWebhookErrors.inc({ reason: 'queue_full' });
      log.error({ alertId: alert.id }, 'budget alert webhook queue full: alert dropped');
    },
  };
}

export function policyServiceHooks(metrics: SidecarMetrics, log: Logger, tenantLabel: (tenant: string) => string = (tenant) => tenant): PolicyServiceHooks {
  return {
    onBundleLoad: (event) => {
      // `unchanged` polls are the normal case: not counted, or the counter would tick every poll.
      if (event.result === 'unchanged') return;
      metrics.policyBundleLoads.inc({ bundle: event.bundle, trigger: event.trigger, result: event.result });
      if (event.result === 'ok') log.info({ bundle: event.bundle, revision: event.revision, trigger: event.trigger }, 'policy bundle loaded');
      else log.error({ bundle: event.bundle, trigger: event.trigger, result: event.result, error: event.error }, 'policy bundle rejected; keeping the previous one');
    },
    onDisagreement: (disagreement) => {
      const tenant = tenantLabel(disagreement.tenant);
      for (const rule of disagreement.differences) metrics.policyShadowDisagreements.inc({ tenant, rule });
    },
    onConfigureFailed: (error) => log.error({ error }, 'policy config not applied; keeping the previous policy'),
  };
}
