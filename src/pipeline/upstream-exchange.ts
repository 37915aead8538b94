/**
 * One attempt of a request, as the per-attempt (upstream) ext_proc filter sees it. Envoy runs the
 * cluster's upstream HTTP filters once per attempt, after the router picked the host; with a failover
 * cluster (priority 0 the primary provider's endpoints, lower priorities other providers', each endpoint
 * tagged `llmgw.provider`) and a retry policy that moves to the next priority, each attempt may land on
 * another provider. This exchange learns which one from the `xds.upstream_host_metadata` attribute, finds
 * the request the router-level exchange registered (`x-llmgw-attempt`), and makes the attempt right for
 * that provider: the model of the fallback chain it serves, the path, the credential, the body (model id;
 * translation when the provider speaks another API), and the response back into the client's API.
 *
 * An attempt that cannot be adapted (no model of the chain on that provider, breaker open, keys cooling,
 * no translation) is answered 503 so the retry policy moves on; the router-level exchange still sees the
 * final answer, meters it and audits it with the model that actually served.
 */
import type { Logger } from 'pino';
import type { ApiFamily } from '../config/runtime';
import { apiError, parseRequest, renderError, rewriteRequest, type ApiError, type CanonicalRequest } from '../llm';
import type { RequestTranslation, ResponseTranslation, TranslationOutcome } from './translation';
import { ATTEMPT_HEADER, HOST_METADATA_ATTRIBUTE, HOST_METADATA_NAMESPACE, HOST_METADATA_PROVIDER_KEY, type RoutedRequest } from '../route/attempts';
import { hostMetadataString } from '../route/host-metadata';
import type { Router, RouteTarget } from '../route/router';
import { CLIENT_CREDENTIAL_HEADERS } from '../tenant/identify';
import { runTransforms, type ResponseTransform } from './transform';
import type { Decision, Exchange, ExchangeContext, RequestHeaders, ResponseHeaders } from './types';

/** Translation between APIs for one attempt: the same glue the router-level exchange uses (translation.ts). */
export interface AttemptTranslator {
  request(request: CanonicalRequest, target: RouteTarget): TranslationOutcome;
  response(request: CanonicalRequest, translation: RequestTranslation, status: number, mode: 'buffered' | 'streamed' | 'none', requestId: string): ResponseTranslation | undefined;
}

export interface UpstreamExchangeDeps {
  readonly router: Router;
  readonly logger: Logger;
  readonly translator?: AttemptTranslator;
}

const CONTINUE: Decision = { kind: 'continue' };

export function isUpstreamAttempt(context: ExchangeContext): boolean {
  return typeof context.attributes[HOST_METADATA_ATTRIBUTE] === 'string';
}

export class UpstreamAttemptExchange implements Exchange {
  private readonly log: Logger;
  private entry: RoutedRequest | undefined;
  private target: RouteTarget | undefined;
  /** The body must be rewritten for this attempt (another model or API than the router-level choice). */
  private rewriteBody = false;
  private translated = false;
  private parsed: CanonicalRequest | undefined;
  private translation: RequestTranslation | undefined;
  private family: ApiFamily = 'openai';
  private transforms: ResponseTransform[] = [];

  constructor(
    private readonly deps: UpstreamExchangeDeps,
    private readonly context: ExchangeContext,
  ) {
    this.log = deps.logger.child({ requestId: context.requestId, upstreamAttempt: true });
  }

  onRequestHeaders(headers: RequestHeaders): Decision {
    const entry = this.deps.router.routeHealth.attempts.get(headers.headers.get(ATTEMPT_HEADER));
    const metadata = this.context.attributes[HOST_METADATA_ATTRIBUTE];
    const provider = typeof metadata === 'string' ? hostMetadataString(metadata, HOST_METADATA_NAMESPACE, HOST_METADATA_PROVIDER_KEY) : undefined;
    if (!entry) {
      // Not prepared by the router-level exchange of this process: never forward it unadapted.
      this.log.error('upstream attempt without a routed request');
      return this.reject(apiError(500, 'internal_error', 'The gateway failed to process the request.'));
    }
    this.entry = entry;
    this.family = entry.request.family;
    entry.attempts += 1;
    if (!provider) {
      this.log.error('upstream attempt without llmgw.provider host metadata');
      return this.reject(apiError(500, 'internal_error', 'The gateway failed to process the request.'));
    }
    const first = entry.attempts === 1 && provider === entry.primary.provider.name;
    const target = first ? entry.primary : this.attemptTarget(entry, provider);
    if (typeof target === 'string') {
      this.log.warn({ provider, reason: target }, 'attempt cannot be served by this provider');
      return this.reject(apiError(503, 'upstream_unavailable', 'The provider for this model is not available right now.'));
    }
    this.target = target;
    const remove = [ATTEMPT_HEADER];
    if (first) return { kind: 'mutate', headers: { remove } };
    this.rewriteBody = true;
    this.translated = target.provider.api !== entry.request.family;
    if (this.translated && !this.deps.translator) return this.reject(apiError(503, 'upstream_unavailable', 'The provider for this model is not available right now.'));
    const set = target.setHeaders.filter(([name]) => name !== this.deps.router.clusterHeader);
    if (!this.translated && target.upstreamPath !== headers.path) set.push([':path', target.upstreamPath]);
    // Headers the primary's provider config added (an organisation id, an API version) are that
    // provider's business: they do not follow the request to another one.
    const primaryOnly = [...entry.primary.provider.headers].map(([name]) => name).filter((name) => !set.some(([setName]) => setName === name));
    return { kind: 'mutate', headers: { remove: [...remove, ...CLIENT_CREDENTIAL_HEADERS, ...primaryOnly], set } };
  }

  onRequestBody(body: Buffer): Decision {
    const entry = this.entry;
    const target = this.target;
    if (!this.rewriteBody || !entry || !target) return CONTINUE;
    // The body as the router-level stages left it (redactions included), in the client's API.
    const parsed = parseRequest(entry.api, body, { pathModel: entry.request.family === 'gemini' ? entry.request.model : undefined, pathStream: entry.request.facts?.stream });
    if (!parsed.ok) return this.reject(apiError(500, 'internal_error', 'The gateway failed to process the request.'));
    this.parsed = parsed.request;
    if (this.translated) {
      const outcome = this.deps.translator?.request(parsed.request, target);
      if (!outcome) return this.reject(apiError(503, 'upstream_unavailable', 'The provider for this model is not available right now.'));
      if (!outcome.ok) return this.reject(outcome.error);
      this.translation = outcome.translation;
      if (!this.translation) return CONTINUE;
      return { kind: 'mutate', headers: { set: [...this.translation.setHeaders] }, body: this.translation.body };
    }
    if (entry.request.family === 'gemini') return CONTINUE; // the model is in the path, set at headers
    return { kind: 'mutate', body: rewriteRequest(parsed.request, { model: target.model.upstreamModel }) };
  }

  onResponseHeaders(headers: ResponseHeaders): Decision {
    const target = this.target;
    const entry = this.entry;
    if (!target || !entry) return { kind: 'continue', responseBodyMode: 'none' };
    target.ticket.observe(headers.status, headers.headers);
    entry.served = target.model;
    if (!this.translation || !this.parsed || headers.endOfStream) return { kind: 'continue', responseBodyMode: 'none' };
    const contentType = (headers.headers.get('content-type') ?? '').toLowerCase();
    const mode = contentType.startsWith('text/event-stream') ? 'streamed' : contentType.includes('json') ? 'buffered' : 'none';
    const translated = this.deps.translator?.response(this.parsed, this.translation, headers.status, mode, this.context.requestId);
    if (!translated) return { kind: 'continue', responseBodyMode: 'none' };
    this.transforms = [translated.transform];
    return { kind: 'mutate', headers: { set: [...translated.setHeaders] }, responseBodyMode: translated.mode };
  }

  onResponseBody(chunk: Buffer, endOfStream: boolean): Decision {
    if (this.transforms.length === 0) return CONTINUE;
    return { kind: 'mutate', body: runTransforms(this.transforms, chunk, endOfStream) };
  }

  onEnd(): void {
    // An attempt Envoy abandoned (per-try timeout, reset) gives its breaker permit back.
    if (this.target && this.target !== this.entry?.primary) this.target.ticket.release();
  }

  logContext(): Record<string, string> {
    return this.target ? { attemptProvider: this.target.provider.name } : {};
  }

  /** The first model of the chain this provider serves that can take the attempt now. */
  private attemptTarget(entry: RoutedRequest, provider: string): RouteTarget | string {
    const reasons: string[] = [];
    for (const model of entry.chain) {
      if (model.provider.name !== provider) continue;
      if (!entry.request.tenant.mayUseModel(model.name)) continue;
      if (!this.deps.router.canServe(entry.api, model.provider.api) && !this.deps.translator) continue;
      const target = this.deps.router.attempt(entry.request, model, entry.clientHeaders, entry.primary.selectedBy, entry.chain[0] ?? model);
      if (typeof target !== 'string') return target;
      reasons.push(target);
    }
    return reasons.length > 0 ? reasons.join('; ') : `no model of the chain is served by ${provider}`;
  }

  private reject(error: ApiError): Decision {
    const rendered = renderError(this.family, error, { requestId: this.context.requestId });
    return { kind: 'reject', status: rendered.status, headers: [...rendered.headers], body: rendered.body, details: `llmgw_attempt_${error.code}` };
  }
}
