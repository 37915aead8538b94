/**
 * The admin API's cache endpoint, served on the admin port behind its bearer token:
 *   DELETE /admin/v1/tenants/{tenant}/cache   removes every cached answer of the tenant (all scopes)
 * Answers `{ tenant, removed }`. Other methods on the path get 405.
 */
import type { RuntimeConfig } from '../config/runtime';
import type { ResponseCache } from './service';

const CACHE_PATH = /^\/admin\/v1\/tenants\/([A-Za-z0-9._:-]{1,128})\/cache$/;

export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Returns undefined for paths that are not the cache's, so the caller can try its other handlers. */
export function cacheAdminHandler(config: () => RuntimeConfig, cache: ResponseCache) {
  return async (method: string, path: string): Promise<AdminAnswer | undefined> => {
    const match = CACHE_PATH.exec(path);
    if (!match) return undefined;
    if (method !== 'DELETE') return { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'DELETE' } };
    const tenant = match[1] as string;
    if (!config().tenants.has(tenant)) return { status: 404, body: { error: 'unknown tenant' } };
    const removed = await cache.purge(tenant);
    return { status: 200, body: { tenant, removed } };
  };
}
