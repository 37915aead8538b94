/**
 * Admin HTTP port for the platform: /metrics (Prometheus), /healthz (liveness: the process answers),
 * /readyz (readiness: config loaded and not draining; a dependency whose outage the config tolerates
 * does not make the pod unready, which is why readiness is a list of named checks the app supplies).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  readonly name: string;
  /** Returns undefined when ready, or a short reason (no secrets) when not. */
  readonly check: () => string | undefined;
}

/** An authenticated JSON API under /admin/ (for example a tenant's budget usage). */
export interface AdminApi {
  /** The bearer token callers must present; undefined disables the API (404). Read per request (rotation). */
  token(): string | undefined;
  /** `method` is GET, HEAD or DELETE (DELETE reaches only /admin/ paths). */
  handle(path: string, query: URLSearchParams, method: string): Promise<{ readonly status: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }>;
}

export interface AdminServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
  readonly api?: AdminApi;
}

export class AdminServer {
  private readonly server: http.Server;

  constructor(private readonly options: AdminServerOptions) {
    this.server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
    // Scrapers keep connections alive; don't let them hold up shutdown.
    this.server.keepAliveTimeout = 5000;
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const path = url.pathname;
    // DELETE only for the authenticated admin API (cache purge); everything else is read-only.
    if (req.method !== 'GET' && req.method !== 'HEAD' && !(req.method === 'DELETE' && path.startsWith('/admin/') && this.options.api)) {
      reply(res, 405, { error: 'method not allowed' });
      return;
    }
    switch (path) {
      case '/metrics': {
        try {
          const text = await this.options.registry.metrics();
          res.writeHead(200, { 'content-type': this.options.registry.contentType });
          res.end(text);
        } catch {
          reply(res, 500, { error: 'metrics collection failed' });
        }
        return;
      }
      case '/healthz':
        reply(res, 200, { status: 'ok' });
        return;
      case '/readyz': {
        const failing = this.options.readiness
          .map((check) => ({ name: check.name, reason: check.check() }))
          .filter((result) => result.reason !== undefined);
        reply(res, failing.length === 0 ? 200 : 503, failing.length === 0 ? { status: 'ready' } : { status: 'not ready', failing });
        return;
      }
      default:
        if (path.startsWith('/admin/') && this.options.api) {
          await this.handleApi(this.options.api, req, res, path, url.searchParams);
          return;
        }
        reply(res, 404, { error: 'not found' });
    }
  }

  private async handleApi(api: AdminApi, req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const expected = api.token();
    if (!expected) {
      reply(res, 404, { error: 'not found' });
      return;
    }
    const presented = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!sameSecret(presented, expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      reply(res, 401, { error: 'unauthorized' });
      return;
    }
    try {
      const answer = await api.handle(path, query, req.method ?? 'GET');
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      reply(res, answer.status, answer.body);
    } catch {
      reply(res, 500, { error: 'admin request failed' });
    }
  }
}

/** Constant-time comparison through fixed-length digests, so neither content nor length leaks by timing. */
function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
