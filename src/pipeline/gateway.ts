/**
 * The API-aware pipeline: one GatewayExchange per request, sharing the compiled config, the router,
 * the audit sink and the metrics. A config reload builds a new GatewayPipeline; streams already open
 * finish on the one they started with.
 */
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config/runtime';
import type { SecretStore } from '../config/secrets';
import type { AuditSink } from '../audit/sink';
import { Router, type RouteHealth } from '../route/router';
import type { ApiCompatibility } from '../route/select';
import type { BudgetService } from '../budget';
import type { BudgetAlerts } from '../budget/alerts';
import type { SidecarMetrics } from '../telemetry/metrics';
import type { RuntimeInputGuard } from '../config/runtime';
import type { PolicyService, RedactionLevel } from '../policy';
import type { ResponseCache } from '../cache/service';
import { GatewayExchange } from './exchange';
import { UpstreamAttemptExchange, isUpstreamAttempt, type AttemptTranslator } from './upstream-exchange';
import type { Exchange, ExchangeContext, Pipeline } from './types';

export interface GatewayDeps {
  readonly config: RuntimeConfig;
  readonly router: Router;
  readonly budgets: BudgetService;
  readonly alerts?: Pick<BudgetAlerts, 'observe'>;
  /** The response cache (process-wide, like the budget store); absent: no caching. */
  readonly cache?: ResponseCache;
  readonly audit: AuditSink;
  readonly metrics: SidecarMetrics;
  readonly logger: Logger;
  /** Wall clock (ms since epoch) for audit timestamps; injectable for tests. */
  readonly now: () => number;
  /** The tenant policy in force (bundles, canary); absent or empty: no policy stage. */
  readonly policy?: Pick<PolicyService<RuntimeInputGuard>, 'snapshot'>;
  /** Redaction levels the request redaction stage can apply (none yet: redaction obligations deny). */
  readonly redactionLevels?: ReadonlySet<RedactionLevel>;
  /** Bounded `tenant` label values for the policy metrics (telemetry.metrics); default: the tenant id. */
  readonly tenantLabel?: (tenant: string) => string;
}

export interface GatewayPipelineOptions {
  readonly config: RuntimeConfig;
  readonly secrets: SecretStore;
  readonly audit: AuditSink;
  readonly metrics: SidecarMetrics;
  readonly logger: Logger;
  readonly budgets: BudgetService;
  readonly alerts?: Pick<BudgetAlerts, 'observe'>;
  readonly cache?: ResponseCache;
  readonly now?: () => number;
  /** Breakers and key cool-downs shared by every pipeline of the process (they outlive reloads). */
  readonly routeHealth?: RouteHealth;
  /** Which provider APIs a client API can be served through (translation); default the same API only. */
  readonly apiCompatibility?: ApiCompatibility;
  /** Translation for per-attempt fallback to a provider in another API. */
  readonly attemptTranslator?: AttemptTranslator;
  readonly policy?: Pick<PolicyService<RuntimeInputGuard>, 'snapshot'>;
  readonly tenantLabel?: (tenant: string) => string;
}

export class GatewayPipeline implements Pipeline {
  private readonly deps: GatewayDeps;
  private readonly translator: AttemptTranslator | undefined;

  constructor(options: GatewayPipelineOptions) {
    const { config, secrets, audit, metrics, logger, budgets, alerts, now = Date.now, policy, tenantLabel, cache, routeHealth, apiCompatibility, attemptTranslator } = options;
    this.translator = attemptTranslator;
    const router = new Router(config, secrets, { ...(routeHealth ? { health: routeHealth } : {}), ...(apiCompatibility ? { compatible: apiCompatibility } : {}) });
    this.deps = { config, router, budgets, ...(alerts ? { alerts } : {}), ...(cache ? { cache } : {}), audit, metrics, logger, now, ...(policy ? { policy } : {}), ...(tenantLabel ? { tenantLabel } : {}) };
  }

  /** `audit`: where this exchange's record goes instead of the pipeline's sink (the telemetry observer's tee). */
  newExchange(context: ExchangeContext, audit?: AuditSink): GatewayExchange {
    return new GatewayExchange(audit ? { ...this.deps, audit } : this.deps, context);
  }

  /**
   * The exchange of a per-attempt (upstream filter) stream, or undefined for a router-level one: the
   * upstream filter asks Envoy for the host's metadata, the router-level filter does not.
   */
  attemptExchange(context: ExchangeContext): Exchange | undefined {
    if (!isUpstreamAttempt(context)) return undefined;
    return new UpstreamAttemptExchange({ router: this.deps.router, logger: this.deps.logger, ...(this.translator ? { translator: this.translator } : {}) }, context);
  }
}
