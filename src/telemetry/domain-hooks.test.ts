import pino from 'pino';
import type { BudgetAlert } from '../budget/alerts';
import { metricsTelemetrySchema } from './config';
import { budgetAlertHooks } from './domain-hooks';
import { createMetrics } from './metrics';
import { TenantLabels } from './tenant-labels';

describe('budget alert hooks', () => {
  it('count crossings under the bounded tenant label, and log the tenant id itself', async () => {
    const metrics = createMetrics();
    const labels = new TenantLabels(() => metricsTelemetrySchema.parse({ tenantLabels: ['acme'] }));
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const hooks = budgetAlertHooks(metrics, log, (tenant) => labels.label(tenant));
    const alert = (tenant: string): BudgetAlert => ({ id: `${tenant}-1`, tenant, scope: { kind: 'tenant', name: tenant }, limit: 'tokensPerDay', threshold: 0.8, used: 80, max: 100, windowEndsAt: '2026-11-28T00:00:00Z' });
    for (const tenant of ['acme', 'tenant-0001', 'tenant-0002']) hooks.crossed(alert(tenant));
    const values = (await metrics.budgetAlerts.get()).values.map((v) => [v.labels.tenant, v.value]);
    expect(values).toEqual([['acme', 1], ['other', 2]]);
    expect(lines.map((l) => (JSON.parse(l) as { alert: { tenant: string } }).alert.tenant)).toEqual(['acme', 'tenant-0001', 'tenant-0002']);
  });
});
