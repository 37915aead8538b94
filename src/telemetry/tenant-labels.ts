/**
 * Bounded `tenant` label values. Tenant ids come from config, never from the client, but a config can
 * hold thousands of tenants: every labelled series multiplies by that. With an explicit list, only those
 * tenants get their own value; otherwise the first N tenants seen do. Everyone else is `other`, so the
 * series count has a ceiling the operator chose.
 */
import { OTHER_TENANT_LABEL, type MetricsTelemetryConfig } from './config';

export class TenantLabels {
  private readonly seen = new Set<string>();

  /** `settings` is read on every call, so a config reload that changes the list applies at once. */
  constructor(private readonly settings: () => MetricsTelemetryConfig) {}

  label(tenant: string | null | undefined): string {
    if (!tenant) return 'unknown';
    const { tenantLabels, maxTenantLabels } = this.settings();
    if (tenantLabels) return tenantLabels.includes(tenant) ? tenant : OTHER_TENANT_LABEL;
    if (this.seen.has(tenant)) return tenant;
    if (this.seen.size >= maxTenantLabels) return OTHER_TENANT_LABEL;
    this.seen.add(tenant);
    return tenant;
  }
}
