/**
 * The composition root: the one place that wires config, telemetry, the pipeline and the servers.
 * Everything else receives what it needs through its constructor.
 */
import * as path from 'node:path';
import type { Logger } from 'pino';
import { ConfigStore } from './config/store';
import type { RuntimeConfig } from './config/runtime';
import type { RouteHealth } from './route/router';
import { ExtProcServer, type BoundAddresses } from './extproc/server';
import { GatewayPipeline } from './pipeline/gateway';
import type { Pipeline } from './pipeline/types';
import type { AuditSink } from './audit/sink';
import { createAuditSinks, type AuditSinks } from './audit/config';
import { createBudgetService, warmUpTokenizers, type BudgetService } from './budget';
import { budgetUsageHandler } from './budget/usage-api';
import { AdminServer } from './telemetry/admin-server';
import { createLogger } from './telemetry/logger';
import { createMetrics, type SidecarMetrics } from './telemetry/metrics';
import { auditSinkHooks, budgetAlertHooks, budgetEventHooks, policyServiceHooks } from './telemetry/domain-hooks';
import { BudgetAlerts } from './budget/alerts';
import { BREAKERS_PATH, breakersAdminView, createRouteHealth } from './route/setup';
import { breakerEventHooks, registerRouteMetrics } from './telemetry/route-metrics';
import { attemptTranslator } from './pipeline/attempt-translation';
import { PolicyService } from './policy/service';
import type { RuntimeInputGuard } from './config/runtime';
import { createTelemetry, type Telemetry } from './telemetry/setup';
import { createResponseCache } from './cache/setup';
import { cacheAdminHandler } from './cache/admin';
import type { ResponseCache } from './cache/service';

export interface AppOptions {
  readonly configPath: string;
  /** Tests pass their own logger (for example silent, or capturing). */
  readonly logger?: Logger;
  /** Watch the config file and reload on change (serve does; tests usually call reload()). */
  readonly watchConfig?: boolean;
  /** Where audit records go; default JSON lines on stdout. */
  readonly audit?: AuditSink;
}

export class App {
  private draining = false;

  private constructor(
    readonly store: ConfigStore,
    readonly metrics: SidecarMetrics,
    readonly logger: Logger,
    private readonly extProc: ExtProcServer,
    private readonly admin: AdminServer,
    readonly addresses: BoundAddresses & { readonly adminPort: number },
    readonly audit: AuditSink,
    readonly budgets: BudgetService,
    private readonly auditSinks: AuditSinks | undefined,
    readonly policy: PolicyService<RuntimeInputGuard>,
    private readonly telemetry: Telemetry,
    readonly cache: ResponseCache,
    readonly routeHealth: RouteHealth & { close(): Promise<void> },
  ) {}

  static async start(options: AppOptions): Promise<App> {
    const metrics = createMetrics();
    let logger = options.logger;
    const store = new ConfigStore(options.configPath, {
      onLoaded: (config, trigger) => {
        metrics.configLoads.inc({ result: 'ok', trigger });
        metrics.genai.configLastLoad.set({ result: 'ok' }, Date.now() / 1000);
        logger?.info({ source: config.source, trigger }, 'config loaded');
      },
      onInvalid: (error, trigger) => {
        metrics.configLoads.inc({ result: 'invalid', trigger });
        metrics.genai.configLastLoad.set({ result: 'invalid' }, Date.now() / 1000);
        logger?.error({ source: error.source, problems: error.problems, trigger }, 'config invalid; keeping the previous one');
      },
    });
    const log: Logger = logger ?? createLogger(store.config.logging.level);
    if (!logger) log.info({ source: store.config.source, trigger: 'startup' }, 'config loaded');
    logger = log;
    const configDir = path.dirname(path.resolve(options.configPath));
    // Audit sinks are process-wide, built from the startup config (a reload cannot move them).
    const auditSinks = options.audit
      ? undefined
      : createAuditSinks(store.config.audit, { baseDir: configDir, hooks: auditSinkHooks(metrics, log) });
    // Fail fast: a bad audit key or a directory another writer holds must stop startup, not lose records.
    await auditSinks?.start();
    const audit: AuditSink | undefined = options.audit ?? auditSinks?.sink;
    if (!audit) throw new Error('no audit sink');
    // The budget store is process-wide: built from the startup config (a reload cannot move it).
    const budgets = createBudgetService(store.config.budgets, { baseDir: configDir, events: budgetEventHooks(metrics, log) });
    metrics.budgetStoreUp.set((await budgets.start()) ? 1 : 0);
    warmUpTokenizers();
    const telemetry = createTelemetry({ config: () => store.config, metrics, logger: log, baseDir: configDir });
    const alerts = new BudgetAlerts(store.config.budgetAlerts, budgetAlertHooks(metrics, log, telemetry.tenantLabel));
    // Policy bundles load before serving (a bad one stops startup); later configs apply once theirs load.
    const policy = new PolicyService<RuntimeInputGuard>(policyServiceHooks(metrics, log, telemetry.tenantLabel));
    await policy.configure(store.config.policy);
    // The response cache is process-wide too (memory, or Redis shared by replicas); a failing Redis is a miss.
    const cache = createResponseCache(store.config.cache, {
      baseDir: configDir,
      onError: (operation) => metrics.cacheStores.inc({ result: `redis_${operation}_error` }),
    });
    if (!(await cache.ready())) log.warn('cache store (redis) not reachable at startup: lookups miss until it is');
    const budgetObserver = telemetry.budgetObserver(alerts);
    // Breakers and key cool-downs are process-wide: a reload must not forget an open breaker.
    const routeHealth = createRouteHealth(() => store.config, { baseDir: configDir, events: breakerEventHooks(log) });
    registerRouteMetrics(metrics.registry, () => routeHealth);
    const build = (config: RuntimeConfig): Pipeline => {
      const gateway = new GatewayPipeline({ config, secrets: store.secrets, audit, metrics, logger: log, budgets, alerts: budgetObserver, policy, tenantLabel: telemetry.tenantLabel, cache, routeHealth, attemptTranslator });
      const observed = telemetry.wrap(gateway, audit);
      // One sidecar serves both ext_proc filters: router-level (observed, audited) and per attempt.
      return { newExchange: (context) => gateway.attemptExchange(context) ?? observed.newExchange(context) };
    };
    let pipeline = build(store.config);
    store.onChange((config) => {
      void policy.reconfigure(config.policy);
      pipeline = build(config);
      if (log.level !== config.logging.level) log.level = config.logging.level;
    });
    const { server, admin: adminConfig } = store.config;
    const extProc = new ExtProcServer({
      tcp: server.tcp,
      unixSocket: server.unixSocket,
      tls: server.tls,
      maxMessageBytes: server.maxMessageBytes,
      pipeline: () => pipeline,
      logger: log,
      metrics,
    });
    let app: App | undefined;
    const budgetUsage = budgetUsageHandler(() => store.config, budgets);
    const admin = new AdminServer({
      host: adminConfig.host,
      port: adminConfig.port,
      registry: metrics.registry,
      api: {
        token: () => {
          const source = store.config.admin.token;
          return source ? store.secrets.value(source) || undefined : undefined;
        },
        handle: adminHandler(budgetUsageHandler(() => store.config, budgets), cacheAdminHandler(() => store.config, cache), () => breakersAdminView(routeHealth)),
      },
      readiness: [
        { name: 'draining', check: () => (app?.draining ? 'shutting down' : undefined) },
        // A Redis outage the config tolerates (failOpen) keeps the pod ready; with failClosed it cannot serve.
        {
          name: 'budget_store',
          check: () => (store.config.budgets.onRedisFailure === 'failClosed' && !budgets.sharedHealthy ? 'budget store unreachable (failClosed)' : undefined),
        },
      ],
    });
    const bound = await extProc.start();
    const adminPort = await admin.start();
    if (options.watchConfig) store.watchFile();
    app = new App(store, metrics, log, extProc, admin, { ...bound, adminPort }, audit, budgets, auditSinks, policy, telemetry, cache, routeHealth);
    log.info({ ...app.addresses }, 'llmgw sidecar ready');
    return app;
  }

  get config(): RuntimeConfig {
    return this.store.config;
  }

  /** Graceful stop for SIGTERM: NOT_SERVING, wait for open streams up to the drain timeout, close. */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const timeoutMs = this.config.server.drainTimeoutMs;
    this.logger.info({ openStreams: this.extProc.openStreamCount, timeoutMs }, 'draining');
    const cutOff = await this.extProc.drain(timeoutMs);
    if (cutOff > 0) this.logger.warn({ cutOff }, 'drain timeout: streams cut off');
    await this.close();
  }

  /** Immediate stop (tests, second signal). */
  async close(): Promise<void> {
    this.draining = true;
    this.store.close();
    this.policy.close();
    await this.extProc.shutdown();
    await this.admin.close();
    await this.budgets.close();
    await this.cache.close();
    await this.routeHealth.close();
    // Audit records of the streams that just ended must reach their sinks before the process exits.
    if (this.auditSinks) await this.auditSinks.close();
    else await this.audit.flush();
    await this.telemetry.shutdown();
    this.logger.info('stopped');
    this.logger.flush?.();
  }
}

/** The admin API: the cache's paths first (DELETE), then the read-only budget view (GET). */
function adminHandler(
  usage: ReturnType<typeof budgetUsageHandler>,
  cache: ReturnType<typeof cacheAdminHandler>,
  breakers: () => { status: number; body: unknown },
): (path: string, query: URLSearchParams, method: string) => Promise<{ status: number; body: unknown; headers?: Readonly<Record<string, string>> }> {
  return async (path, query, method) => {
    const cached = await cache(method, path);
    if (cached) return cached;
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: { error: 'method not allowed' } };
    if (path === BREAKERS_PATH) return breakers();
    return usage(path, query);
  };
}
