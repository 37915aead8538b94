/**
 * Basic routing: the requested model names a provider, the provider names the Envoy cluster (written
 * into the cluster header, with clear_route_cache) and how its credential is sent. The full engine
 * (aliases, `auto`, failover) builds on this. A model whose provider speaks another API than the
 * client's is routed like any other: the pipeline translates (src/pipeline/translation.ts).
 */
import type { ApiFamily, RuntimeConfig, RuntimeModel, RuntimeProvider, RuntimeTenant } from '../config/runtime';
import type { SecretStore } from '../config/secrets';

export interface RouteRequest {
  readonly family: ApiFamily;
  readonly model: string;
  readonly tenant: RuntimeTenant;
  /** The client's path with its query string. */
  readonly path: string;
}

export interface RouteTarget {
  readonly model: RuntimeModel;
  readonly provider: RuntimeProvider;
  readonly cluster: string;
  /** The path to send upstream (always set; may equal the client's). */
  readonly upstreamPath: string;
  /** Headers to set upstream: cluster header, credential, provider-required headers. */
  readonly setHeaders: ReadonlyArray<readonly [string, string]>;
  /** The model id to write into the body when it differs from what the client sent. */
  readonly bodyModel?: string;
  /** Which key of the provider's pool was used (index, never the key). */
  readonly keyIndex: number;
  readonly reason: string;
}

export type RouteFailure =
  | { readonly code: 'model_not_found'; readonly model: string }
  | { readonly code: 'model_not_allowed'; readonly model: string }
  | { readonly code: 'provider_credential_unavailable'; readonly provider: string };

export type RouteResult = { readonly ok: true; readonly target: RouteTarget } | { readonly ok: false; readonly failure: RouteFailure };

export class BasicRouter {
  /** Round-robin position per provider, so a pool of keys shares the load (and the provider's limits). */
  private readonly nextKey = new Map<string, number>();

  constructor(
    private readonly config: RuntimeConfig,
    private readonly secrets: SecretStore,
  ) {}

  route(request: RouteRequest, clientHeaders: ReadonlyMap<string, string>): RouteResult {
    const model = this.config.models.get(request.model);
    if (!model) return { ok: false, failure: { code: 'model_not_found', model: request.model } };
    if (!request.tenant.mayUseModel(model.name)) return { ok: false, failure: { code: 'model_not_allowed', model: model.name } };
    const provider = model.provider;
    const setHeaders: [string, string][] = [[this.config.gateway.clusterHeader, provider.cluster]];
    let keyIndex = -1;
    if (provider.auth !== 'none') {
      keyIndex = this.pickKey(provider);
      const key = keyIndex >= 0 ? this.secrets.value(provider.keys[keyIndex]) : '';
      if (!key) return { ok: false, failure: { code: 'provider_credential_unavailable', provider: provider.name } };
      setHeaders.push(credentialHeader(provider, key));
    }
    for (const [name, value] of provider.headers) {
      if (!clientHeaders.has(name)) setHeaders.push([name, value]);
    }
    return {
      ok: true,
      target: {
        model,
        provider,
        cluster: provider.cluster,
        upstreamPath: upstreamPath(request, model, provider),
        setHeaders,
        bodyModel: request.family !== 'gemini' && model.upstreamModel !== request.model ? model.upstreamModel : undefined,
        keyIndex,
        reason: 'explicit model',
      },
    };
  }

  private pickKey(provider: RuntimeProvider): number {
    if (provider.keys.length === 0) return -1;
    const position = this.nextKey.get(provider.name) ?? 0;
    this.nextKey.set(provider.name, (position + 1) % provider.keys.length);
    return position % provider.keys.length;
  }
}

function credentialHeader(provider: RuntimeProvider, key: string): [string, string] {
  switch (provider.auth) {
    case 'bearer':
      return ['authorization', `Bearer ${key}`];
    case 'x-api-key':
      return ['x-api-key', key];
    case 'x-goog-api-key':
      return ['x-goog-api-key', key];
    case 'api-key':
      return ['api-key', key];
    case 'none':
      throw new Error('no credential for auth "none"');
  }
}

/**
 * Gemini carries the model in the path (`/v1beta/models/{model}:action`), so it is rewritten there; a
 * `key` query parameter is always dropped so a client credential can never ride along to the provider.
 */
function upstreamPath(request: RouteRequest, model: RuntimeModel, provider: RuntimeProvider): string {
  const queryStart = request.path.indexOf('?');
  let pathname = queryStart < 0 ? request.path : request.path.slice(0, queryStart);
  const query = queryStart < 0 ? '' : request.path.slice(queryStart + 1);
  if (request.family === 'gemini') {
    pathname = pathname.replace(/^(\/v1(?:beta)?\/models\/)[^/:]+(:[A-Za-z]+)$/, (_match, prefix: string, action: string) => `${prefix}${encodeURIComponent(model.upstreamModel)}${action}`);
  }
  const params = new URLSearchParams(query);
  params.delete('key');
  const rest = params.toString();
  return `${provider.pathPrefix}${pathname}${rest ? `?${rest}` : ''}`;
}
