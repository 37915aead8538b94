/**
 * Routing: which model serves a request (explicit, alias or `auto`: select.ts), and when that model's
 * breaker is open or all its provider's keys cool down after 429s, which of its fallbacks serves instead
 * (chain.ts). The chosen provider names the Envoy cluster (written into the cluster header, with
 * clear_route_cache), the upstream path and the credential, taken from the provider's pool skipping
 * cooling keys. A model whose provider speaks another API than the client's is routed like any other
 * when the client's API can be translated (the pipeline translates, src/pipeline/translation.ts);
 * otherwise it is refused with a clear message (or skipped when it is a fallback).
 *
 * Every target carries a ticket: the exchange reports the provider's answer on it (breaker outcome, a
 * 429 cools the key), or releases it when no answer came, so a half-open probe slot is never lost.
 */
import type { ApiFamily, RuntimeConfig, RuntimeModel, RuntimeProvider, RuntimeTenant } from '../config/runtime';
import type { SecretSource, SecretStore } from '../config/secrets';
import { BreakerBoard, breakerKey, type BreakerPermit } from './breaker';
import { AttemptRegistry } from './attempts';
import { fallbackChain } from './chain';
import { KeyCooldowns, retryAfterSeconds } from './cooldown';
import { sameApiOrTranslatable, selectModel, type ApiCompatibility, type SelectedBy, type SelectionFacts } from './select';

export interface RouteRequest {
  readonly family: ApiFamily;
  readonly model: string;
  readonly tenant: RuntimeTenant;
  /** The client's path with its query string. */
  readonly path: string;
  /** What `auto` reads (prompt, tools, images...); without it, a request for `auto` fits nothing. */
  readonly facts?: SelectionFacts;
}

/** The provider's answer, reported once per target; undefined status: no answer (client gone...). */
export interface RouteTicket {
  observe(status: number, headers: ReadonlyMap<string, string>): void;
  release(): void;
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
  readonly selectedBy: SelectedBy;
  /** The model selection named before breakers and cool-downs were considered. */
  readonly selectedModel: string;
  /** Models passed over for this one, with why (breaker open, keys cooling...). */
  readonly skipped: readonly string[];
  /** The rest of the chain, in order (for the per-attempt upstream filter). */
  readonly alternatives: readonly RuntimeModel[];
  readonly reason: string;
  readonly ticket: RouteTicket;
}

export type RouteFailure =
  | { readonly code: 'model_not_found'; readonly model: string }
  | { readonly code: 'model_not_allowed'; readonly model: string }
  | { readonly code: 'no_model_fits'; readonly model: string; readonly reason: string }
  | { readonly code: 'model_api_mismatch'; readonly model: string; readonly providerApi: ApiFamily }
  | { readonly code: 'model_unavailable'; readonly model: string; readonly reason: string }
  | { readonly code: 'provider_credential_unavailable'; readonly provider: string };

export type RouteResult = { readonly ok: true; readonly target: RouteTarget } | { readonly ok: false; readonly failure: RouteFailure };

/** Process-wide routing state that outlives config reloads. */
export interface RouteHealth {
  readonly breakers: BreakerBoard;
  readonly cooldowns: KeyCooldowns;
  /** Requests whose attempts the per-attempt upstream filter adapts (fallback across providers). */
  readonly attempts: AttemptRegistry;
}

export interface RouterOptions {
  /** Breakers and cool-downs; default: fresh in-memory ones (tests, single-use routers). */
  readonly health?: RouteHealth;
  /** Which provider APIs a client API can be served through; default the same API, or any through translation. */
  readonly compatible?: ApiCompatibility;
}

type PickedKey = { readonly index: number; readonly source?: SecretSource; readonly value?: string };
type Tried =
  | { readonly ok: true; readonly key: PickedKey; readonly breaker: string; readonly permit: BreakerPermit }
  | { readonly ok: false; readonly reason: string; readonly heldBack?: boolean };

export function inMemoryRouteHealth(config: RuntimeConfig, clock: () => number = Date.now): RouteHealth {
  return { breakers: new BreakerBoard(() => config.routing.breaker, { clock }), cooldowns: new KeyCooldowns(clock), attempts: new AttemptRegistry() };
}

const DEFAULT_API: Record<ApiFamily, SelectionFacts['api']> = { openai: 'openai.chat_completions', anthropic: 'anthropic.messages', gemini: 'gemini.generate_content' };

export class Router {
  /** Round-robin position per provider, so a pool of keys shares the load (and the provider's limits). */
  private readonly nextKey = new Map<string, number>();
  private readonly health: RouteHealth;
  private readonly compatible: ApiCompatibility;

  constructor(
    private readonly config: RuntimeConfig,
    private readonly secrets: SecretStore,
    options: RouterOptions = {},
  ) {
    this.health = options.health ?? inMemoryRouteHealth(config);
    this.compatible = options.compatible ?? sameApiOrTranslatable;
  }

  get clusterHeader(): string {
    return this.config.gateway.clusterHeader;
  }

  get routeHealth(): RouteHealth {
    return this.health;
  }

  /** Whether a request in `api` can be served by a provider speaking `providerApi`. */
  canServe(api: SelectionFacts['api'], providerApi: ApiFamily): boolean {
    return this.compatible(api, providerApi);
  }

  route(request: RouteRequest, clientHeaders: ReadonlyMap<string, string>): RouteResult {
    const facts: SelectionFacts = request.facts ?? { api: DEFAULT_API[request.family], family: request.family, model: request.model, tools: [], segments: [], media: [] };
    const selection = selectModel({ ...facts, model: request.model }, request.tenant, this.config, this.compatible);
    if (!selection.ok) {
      if (selection.code === 'no_model_fits') return { ok: false, failure: { code: 'no_model_fits', model: selection.model, reason: selection.reason } };
      return { ok: false, failure: { code: selection.code, model: selection.model } };
    }
    const primary = selection.model;
    const chain = fallbackChain(primary, this.config.models);
    const skipped: string[] = [];
    let credentialProblem: string | undefined;
    /** The primary was kept out only by its open breaker or cooling keys: served anyway when nothing else can (no failFast). */
    let primaryHeldBack = false;
    for (let index = 0; index < chain.length; index += 1) {
      const model = chain[index];
      if (model !== primary && !request.tenant.mayUseModel(model.name)) {
        skipped.push(`${model.name}: denied by the tenant`);
        continue;
      }
      if (!this.compatible(facts.api, model.provider.api)) {
        if (model === primary) return { ok: false, failure: { code: 'model_api_mismatch', model: model.name, providerApi: model.provider.api } };
        skipped.push(`${model.name}: served through the ${model.provider.api} API`);
        continue;
      }
      const tried = this.tryModel(model);
      if (!tried.ok) {
        if (tried.reason.endsWith('credential unavailable')) credentialProblem ??= model.provider.name;
        if (model === primary && tried.heldBack) primaryHeldBack = true;
        skipped.push(`${model.name}: ${tried.reason}`);
        continue;
      }
      const { key, breaker, permit } = tried;
      return { ok: true, target: this.target(request, clientHeaders, { model, key, breaker, permit, selectedBy: selection.selectedBy, selectionReason: selection.reason, primary, skipped, alternatives: chain.slice(index + 1) }) };
    }
    if (primaryHeldBack && !this.config.routing.breaker.failFast) {
      // No fallback can take it: the model itself is its only chance, so it is tried (its answer does not
      // close the breaker early, probes still decide that; a still-limited key gets the provider's own 429).
      const key = this.pickKey(primary.provider, true);
      if (key !== 'cooling' && key !== 'missing') {
        const reason = `${selection.reason}; no fallback available (${skipped.join('; ')})`;
        const breaker = breakerKey(primary.provider.name, primary.name);
        return { ok: true, target: this.target(request, clientHeaders, { model: primary, key, breaker, permit: 'closed', selectedBy: selection.selectedBy, selectionReason: reason, primary, skipped: [], alternatives: [] }) };
      }
    }
    if (credentialProblem !== undefined && skipped.length === 1) return { ok: false, failure: { code: 'provider_credential_unavailable', provider: credentialProblem } };
    return { ok: false, failure: { code: 'model_unavailable', model: primary.name, reason: skipped.join('; ') } };
  }

  /**
   * One attempt of a request that Envoy sent to `model`'s provider (the per-attempt upstream filter): its
   * key, path and headers, or why this model cannot take the attempt now (breaker open, keys cooling).
   */
  attempt(request: RouteRequest, model: RuntimeModel, clientHeaders: ReadonlyMap<string, string>, selectedBy: SelectedBy, primary: RuntimeModel): RouteTarget | string {
    const tried = this.tryModel(model);
    if (!tried.ok) return `${model.name}: ${tried.reason}`;
    const { key, breaker, permit } = tried;
    return this.target(request, clientHeaders, { model, key, breaker, permit, selectedBy, selectionReason: `attempt on ${model.provider.name}`, primary, skipped: [], alternatives: [] });
  }

  /** A key and a breaker permit for the model, or why not (with the key when only the breaker refused). */
  private tryModel(model: RuntimeModel): Tried {
    const provider = model.provider;
    const key = this.pickKey(provider);
    if (key === 'cooling') return { ok: false, reason: `every ${provider.name} key cooling down after 429`, heldBack: true };
    if (key === 'missing') return { ok: false, reason: `${provider.name} credential unavailable` };
    const breaker = breakerKey(provider.name, model.name);
    const permit = this.health.breakers.tryAcquire(breaker);
    if (!permit) return { ok: false, reason: 'breaker open', heldBack: true };
    return { ok: true, key, breaker, permit };
  }

  private target(
    request: RouteRequest,
    clientHeaders: ReadonlyMap<string, string>,
    chosen: {
      model: RuntimeModel;
      key: { index: number; source?: SecretSource; value?: string };
      breaker: string;
      permit: BreakerPermit;
      selectedBy: SelectedBy;
      selectionReason: string;
      primary: RuntimeModel;
      skipped: string[];
      alternatives: RuntimeModel[];
    },
  ): RouteTarget {
    const { model, key } = chosen;
    const provider = model.provider;
    const setHeaders: [string, string][] = [[this.config.gateway.clusterHeader, provider.cluster]];
    if (key.value !== undefined) setHeaders.push(credentialHeader(provider, key.value));
    for (const [name, value] of provider.headers) {
      if (!clientHeaders.has(name)) setHeaders.push([name, value]);
    }
    const fallbackNote = model === chosen.primary ? '' : `; fallback ${model.name} (${chosen.skipped.join('; ')})`;
    return {
      model,
      provider,
      cluster: provider.cluster,
      upstreamPath: upstreamPath(request, model, provider),
      setHeaders,
      bodyModel: request.family !== 'gemini' && model.upstreamModel !== request.model ? model.upstreamModel : undefined,
      keyIndex: key.index,
      selectedBy: chosen.selectedBy,
      selectedModel: chosen.primary.name,
      skipped: chosen.skipped,
      alternatives: chosen.alternatives,
      reason: `${chosen.selectionReason}${chosen.permit === 'probe' ? '; half-open probe' : ''}${fallbackNote}`,
      ticket: this.ticket(provider, chosen.breaker, chosen.permit, key.source),
    };
  }

  private ticket(provider: RuntimeProvider, breaker: string, permit: BreakerPermit, source: SecretSource | undefined): RouteTicket {
    let done = false;
    const { breakers, cooldowns } = this.health;
    const settings = this.config.routing.cooldown;
    return {
      observe: (status, headers) => {
        if (done) return;
        done = true;
        if (status === 429) {
          // Rate limiting says nothing about the provider's health: cool the key, leave the breaker be.
          if (source) cooldowns.cool(provider.name, source, retryAfterSeconds(headers, Date.now()), settings);
          breakers.release(breaker, permit);
          return;
        }
        breakers.record(breaker, permit, status < 500);
      },
      release: () => {
        if (done) return;
        done = true;
        breakers.release(breaker, permit);
      },
    };
  }

  /** The next key of the pool that is not cooling (round robin); 'cooling' when all are, 'missing' when unreadable. */
  private pickKey(provider: RuntimeProvider, ignoreCooling = false): PickedKey | 'cooling' | 'missing' {
    if (provider.auth === 'none') return { index: -1 };
    const count = provider.keys.length;
    if (count === 0) return 'missing';
    const start = this.nextKey.get(provider.name) ?? 0;
    for (let offset = 0; offset < count; offset += 1) {
      const index = (start + offset) % count;
      const source = provider.keys[index];
      if (!ignoreCooling && this.health.cooldowns.isCooling(provider.name, source)) continue;
      this.nextKey.set(provider.name, (index + 1) % count);
      const value = this.secrets.value(source);
      return value ? { index, source, value } : 'missing';
    }
    return 'cooling';
  }
}

/** The earlier name of the router, kept for callers that construct it directly. */
export { Router as BasicRouter };

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
