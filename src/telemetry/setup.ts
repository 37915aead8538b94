/**
 * Builds the request observer (metrics with bounded tenant labels, optional traces, optional encrypted
 * audit bodies) from the startup config, for the composition root. Fails fast on a bad body key or an
 * unreadable trace header secret, like the audit sinks do.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { AuditBodyEncryption } from '../audit/bodies';
import type { AuditSink } from '../audit/sink';
import type { BudgetAlerts } from '../budget/alerts';
import type { LimitStatus } from '../budget/service-types';
import type { RuntimeConfig } from '../config/runtime';
import type { Exchange, ExchangeContext, Pipeline } from '../pipeline/types';
import { ExchangeObserver, type AuditablePipeline } from './observed-exchange';
import type { SidecarMetrics } from './metrics';
import { TenantLabels } from './tenant-labels';
import { createRequestTracer, type RequestTracer } from './tracing';

/** Budget limits worth a gauge: the day and month windows (minute windows and concurrency churn too fast). */
const GAUGED_LIMITS: ReadonlyMap<string, string> = new Map([
  ['tokensPerDay', 'tokens'],
  ['usdPerDay', 'usd'],
  ['usdPerMonth', 'usd'],
]);

export interface Telemetry {
  /** Observes every exchange of the pipeline (metrics, span, audit bodies). */
  wrap(pipeline: AuditablePipeline, audit: AuditSink): Pipeline;
  /** The budget alerts plus the budget-remaining gauges, for the pipeline's `alerts`. */
  budgetObserver(alerts: Pick<BudgetAlerts, 'observe'> | undefined): Pick<BudgetAlerts, 'observe'>;
  /** Exports the spans still buffered. */
  shutdown(): Promise<void>;
  /** The bounded `tenant` label value for a tenant (other metric families use the same bound). */
  tenantLabel(tenant: string): string;
}

export interface TelemetryOptions {
  readonly config: () => RuntimeConfig;
  readonly metrics: SidecarMetrics;
  readonly logger: Logger;
  /** Relative key and header files are resolved from here (the config file's folder). */
  readonly baseDir: string;
  /** Wall clock in ms (budget window ends); injectable for tests. */
  readonly now?: () => number;
}

function readSecret(source: { file: string } | { env: string }, baseDir: string): string {
  return 'file' in source ? readFileSync(path.resolve(baseDir, source.file), 'utf8').trim() : (process.env[source.env] ?? '').trim();
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { metrics, logger, baseDir } = options;
  const startup = options.config();
  const tenantLabels = new TenantLabels(() => options.config().telemetry.metrics);
  const traces = startup.telemetry.traces;
  const headers = Object.fromEntries(Object.entries(traces.headers).map(([name, source]) => [name, readSecret(source, baseDir)]));
  const tracer: RequestTracer | undefined = createRequestTracer(traces, headers, {
    exportFailed: (spans, error) => {
      metrics.genai.traceSpansDropped.inc({ reason: 'export_failed' }, spans);
      logger.warn({ spans, err: error }, 'trace export failed');
    },
  });
  const bodies = startup.audit.bodies ? AuditBodyEncryption.fromConfig(startup.audit.bodies, (file) => path.resolve(baseDir, file)) : undefined;
  if (bodies) logger.info({ keyId: bodies.keyId, tenants: startup.audit.bodies?.tenants.length }, 'audit bodies encrypted for listed tenants');
  const observer = new ExchangeObserver({
    metrics,
    tenantLabels,
    providerFamily: (provider) => options.config().providers.get(provider)?.api,
    isConfiguredModel: (model) => options.config().models.has(model),
    ...(tracer ? { tracer } : {}),
    ...(bodies ? { bodies } : {}),
  });

  const now = options.now ?? Date.now;
  const observeBudget = (tenant: string, limits: readonly LimitStatus[]): void => {
    const label = tenantLabels.label(tenant);
    for (const limit of limits) {
      const unit = GAUGED_LIMITS.get(limit.limit);
      // Per-caller scopes are left out: one series per API key is the cardinality this bounds.
      if (!unit || limit.max <= 0 || limit.scope.kind === 'caller') continue;
      const scope = limit.scope.kind === 'tenant' ? 'tenant' : `model:${limit.scope.name}`;
      const left = Math.max(0, limit.max - limit.used - limit.held);
      metrics.genai.budgetRemaining.set({ tenant: label, limit: limit.limit, scope, unit }, left);
      metrics.genai.budgetUsedRatio.set({ tenant: label, limit: limit.limit, scope }, (limit.used + limit.held) / limit.max);
      // The gauges keep their last value until the tenant's next request: alerts use this to ignore a window that ended.
      metrics.genai.budgetWindowEnd.set({ tenant: label, limit: limit.limit, scope }, Math.round((now() + limit.resetMs) / 1000));
    }
  };

  return {
    wrap: (pipeline, audit) => {
      const observed = observer.wrap(pipeline, audit);
      return { newExchange: (context: ExchangeContext): Exchange => observed.newExchange(context) };
    },
    budgetObserver: (alerts) => ({
      observe: (tenant, limits) => {
        observeBudget(tenant, limits);
        alerts?.observe(tenant, limits);
      },
    }),
    tenantLabel: (tenant) => tenantLabels.label(tenant),
    shutdown: async () => {
      await tracer?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'trace exporter shutdown failed'));
    },
  };
}
