/**
 * The API-aware pipeline: one GatewayExchange per request, sharing the compiled config, the router,
 * the audit sink and the metrics. A config reload builds a new GatewayPipeline; streams already open
 * finish on the one they started with.
 */
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config/runtime';
import type { SecretStore } from '../config/secrets';
import type { AuditSink } from '../audit/sink';
import { BasicRouter } from '../route/router';
import type { BudgetService } from '../budget';
import type { BudgetAlerts } from '../budget/alerts';
import type { SidecarMetrics } from '../telemetry/metrics';
import type { ResponseCache } from '../cache/service';
import { GatewayExchange } from './exchange';
import type { ExchangeContext, Pipeline } from './types';

export interface GatewayDeps {
  readonly config: RuntimeConfig;
  readonly router: BasicRouter;
  readonly budgets: BudgetService;
  readonly alerts?: BudgetAlerts;
  /** The response cache (process-wide, like the budget store); absent: no caching. */
  readonly cache?: ResponseCache;
  readonly audit: AuditSink;
  readonly metrics: SidecarMetrics;
  readonly logger: Logger;
  /** Wall clock (ms since epoch) for audit timestamps; injectable for tests. */
  readonly now: () => number;
}

export interface GatewayPipelineOptions {
  readonly config: RuntimeConfig;
  readonly secrets: SecretStore;
  readonly audit: AuditSink;
  readonly metrics: SidecarMetrics;
  readonly logger: Logger;
  readonly budgets: BudgetService;
  readonly alerts?: BudgetAlerts;
  readonly cache?: ResponseCache;
  readonly now?: () => number;
}

export class GatewayPipeline implements Pipeline {
  private readonly deps: GatewayDeps;

  constructor(options: GatewayPipelineOptions) {
    const { config, secrets, audit, metrics, logger, budgets, alerts, cache, now = Date.now } = options;
    this.deps = { config, router: new BasicRouter(config, secrets), budgets, ...(alerts ? { alerts } : {}), ...(cache ? { cache } : {}), audit, metrics, logger, now };
  }

  newExchange(context: ExchangeContext): GatewayExchange {
    return new GatewayExchange(this.deps, context);
  }
}
