/**
 * One audit sink in front of several: each record goes to the sinks its tenant is routed to (the
 * default route when the tenant has none, and for records without a tenant). A sink that throws does
 * not keep the record from the others. flush()/close() reach every sink, and wait for all of them.
 */
import type { ClosableAuditSink } from './file-sink';
import type { AuditRecord } from './record';
import type { AuditSink } from './sink';

export interface FanoutRoutes {
  /** Sink names for tenants without their own route (default: every sink). */
  readonly default?: readonly string[];
  /** Tenant id -> sink names. */
  readonly tenants?: Readonly<Record<string, readonly string[]>>;
}

function closable(sink: AuditSink): sink is ClosableAuditSink {
  return typeof (sink as Partial<ClosableAuditSink>).close === 'function';
}

export class FanoutSink implements ClosableAuditSink {
  private readonly fallback: readonly AuditSink[];
  private readonly byTenant = new Map<string, readonly AuditSink[]>();

  constructor(
    private readonly sinks: Readonly<Record<string, AuditSink>>,
    routes: FanoutRoutes = {},
    private readonly onError: (error: Error, sink: string) => void = () => undefined,
  ) {
    const pick = (names: readonly string[]): AuditSink[] =>
      names.map((name) => {
        const sink = sinks[name];
        if (!sink) throw new Error(`audit route names sink "${name}", which is not configured`);
        return sink;
      });
    this.fallback = routes.default ? pick(routes.default) : Object.values(sinks);
    for (const [tenant, names] of Object.entries(routes.tenants ?? {})) this.byTenant.set(tenant, pick(names));
  }

  /** The sinks a tenant's records go to (for tests and the admin view). */
  routeOf(tenant: string | null): readonly AuditSink[] {
    return (tenant !== null ? this.byTenant.get(tenant) : undefined) ?? this.fallback;
  }

  write(record: AuditRecord): void {
    for (const sink of this.routeOf(record.tenant)) {
      try {
        sink.write(record);
      } catch (error) {
        this.onError(error instanceof Error ? error : new Error(String(error)), this.nameOf(sink));
      }
    }
  }

  private nameOf(sink: AuditSink): string {
    return Object.entries(this.sinks).find(([, candidate]) => candidate === sink)?.[0] ?? 'unknown';
  }

  private async all(op: (sink: AuditSink) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(Object.values(this.sinks).map((sink) => op(sink)));
    results.forEach((result, index) => {
      if (result.status === 'rejected') this.onError(result.reason instanceof Error ? result.reason : new Error(String(result.reason)), Object.keys(this.sinks)[index]!);
    });
  }

  flush(): Promise<void> {
    return this.all((sink) => sink.flush());
  }

  close(): Promise<void> {
    return this.all((sink) => (closable(sink) ? sink.close() : sink.flush()));
  }
}
