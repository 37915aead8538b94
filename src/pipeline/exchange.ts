/**
 * One request through the gateway, phase by phase:
 *   request headers: which API, method, content type, who is calling (401), size precheck;
 *   request body:    parse and validate (400/413), route (404/403), rewrite path, body, credentials;
 *   response:        choose the body mode (SSE streamed, JSON buffered), read usage;
 *   end:             one audit record and the request metrics, however the stream ended.
 * Later stages (inspect, policy, budget, redaction, output guards) slot into the same phases.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ApiFamily, RuntimeModel } from '../config/runtime';
import {
  apiError,
  bodyTooLarge,
  checkRequestContentType,
  internalError,
  invalidApiKey,
  invalidRequest,
  isParseableApi,
  matchApi,
  missingApiKey,
  modelNotAllowed,
  parseRequest,
  renderError,
  rewriteRequest,
  type ApiError,
  type ApiId,
  type CanonicalRequest,
} from '../llm';
import type { AuditDecision, AuditRecord } from '../audit/record';
import { AUDIT_RECORD_VERSION } from '../audit/record';
import { budgetApplies, costUsd, estimateRequest, streamedOutputTokens, type Reservation } from '../budget';
import { CLIENT_CREDENTIAL_HEADERS, identify, type Identity } from '../tenant/identify';
import type { RouteFailure, RouteTarget } from '../route/router';
import { routeAudit } from '../route/audit';
import { ATTEMPT_HEADER, failoverClusterFor, servedRoute } from '../route/attempts';
import type { JsonObject } from '../extproc/struct';
import type { GatewayDeps } from './gateway';
import { modelBody, modelListBody, visibleModels } from './model-list';
import { ResponseMeter } from './response-meter';
import { OpenAiUsageStripper } from './usage-stripper';
import { runTransforms, type ResponseTransform } from './transform';
import { inspectRequest, type GuardedFinding } from './inspect';
import { translateForProvider, translateResponse, type RequestTranslation } from './translation';
import type { Decision, ExchangeContext, ExchangeEnd, Exchange, RequestHeaders, ResponseHeaders } from './types';

const CONTINUE: Decision = { kind: 'continue' };

export class GatewayExchange implements Exchange {
  private readonly startedAt = performance.now();
  private readonly startedWallMs: number;
  private log: Logger;
  private method = '';
  private path = '';
  private api: ApiId | undefined;
  private family: ApiFamily = 'openai';
  private pathModel: string | undefined;
  private pathStream: boolean | undefined;
  /** Unknown path forwarded unchanged (gateway.unknownPaths: passthrough): nothing else to do. */
  private passthrough = false;
  /** The client's request headers, for decisions that depend on what it sent (provider headers). */
  private requestHeaders: ReadonlyMap<string, string> = new Map();
  private identity: Identity | undefined;
  private request: CanonicalRequest | undefined;
  private route: RouteTarget | undefined;
  private status: number | null = null;
  private errorCode: string | null = null;
  private firstByteAt: number | undefined;
  private meter: ResponseMeter | undefined;
  /** Tokens and money held for this request until the provider's usage settles them. */
  private reservation: Reservation | undefined;
  private stopKeepAlive: (() => void) | undefined;
  /** x-ratelimit-* headers from the budget check, for the response. */
  private budgetHeaders: ReadonlyArray<readonly [string, string]> = [];
  /** Usage was asked for upstream on the client's behalf and must be taken out of the stream again. */
  private addedIncludeUsage = false;
  /** Set when the provider speaks another API than the client: request rewritten, response translated back. */
  private translation: RequestTranslation | undefined;
  /**
   * What the provider's response body goes through on its way to the client, in order: translation to
   * the client's API, output guards, placeholder restoration, usage removal. Built at response headers.
   */
  private responseTransforms: ResponseTransform[] = [];
  private readonly decisions: AuditDecision[] = [];
  /** Token of this request in the attempt registry, when Envoy sends it to a failover cluster. */
  private attemptToken: string | undefined;
  /** What the input detectors found (block and flag guards); recorded in audit, never with text. */
  private findings: readonly GuardedFinding[] = [];

  constructor(
    private readonly deps: GatewayDeps,
    private readonly context: ExchangeContext,
  ) {
    this.startedWallMs = deps.now();
    this.log = deps.logger.child({ requestId: context.requestId });
  }

  onRequestHeaders(headers: RequestHeaders): Decision {
    this.method = headers.method;
    this.path = headers.path;
    this.requestHeaders = headers.headers;
    const match = matchApi(headers.method, headers.path, headers.headers);
    if (match.kind !== 'matched') {
      this.family = match.family;
      if (match.kind === 'unknown' && this.deps.config.gateway.unknownPaths === 'passthrough') {
        // Envoy's own route table decides what happens to paths the gateway does not know.
        this.passthrough = true;
        this.decisions.push({ stage: 'validate', action: 'allow', code: 'unknown_path', reason: 'passed through to Envoy routes' });
        return { kind: 'mutate', headers: { remove: [this.deps.config.gateway.clusterHeader] }, clearRouteCache: true };
      }
      return this.reject('validate', match.error);
    }
    this.api = match.api;
    this.family = match.family;
    this.pathModel = match.model;
    this.pathStream = match.stream;

    const who = identify(headers.headers, this.context.metadata, this.deps.config);
    if (!who.ok) {
      const error =
        who.reason === 'missing_credentials'
          ? missingApiKey()
          : who.reason === 'invalid_api_key'
            ? invalidApiKey()
            : apiError(403, 'permission_denied', 'The caller is not a tenant of this gateway.');
      return this.reject('auth', error);
    }
    this.identity = who.identity;
    this.log = this.log.child({ tenant: who.identity.tenant.id });
    this.decisions.push({ stage: 'auth', action: 'allow', reason: who.identity.via });

    if (match.method === 'GET') return this.answerModels(match.api);
    if (!isParseableApi(match.api)) {
      return this.reject('validate', apiError(404, 'unknown_path', 'This endpoint is not served by the gateway.'));
    }

    const contentTypeError = checkRequestContentType(headers.headers.get('content-type'));
    if (contentTypeError) return this.reject('validate', contentTypeError);
    const limit = who.identity.tenant.maxRequestBytes;
    const declared = Number.parseInt(headers.headers.get('content-length') ?? '', 10);
    if (Number.isFinite(declared) && declared > limit) return this.reject('validate', bodyTooLarge(declared, limit));
    if (headers.endOfStream) return this.reject('validate', invalidRequest('The request needs a JSON body.'));

    // The client's credential never leaves the mesh, and upstream must answer in identity encoding
    // so usage parsing and output guards read plain bytes. Envoy picks a route before any HTTP filter
    // runs; the shipped configs strip x-llmgw-* before that (early_header_mutation_extensions), and the
    // route cache is cleared here as well, so even a mis-configured Envoy cannot let a client-forged
    // cluster header choose the upstream.
    return {
      kind: 'mutate',
      headers: { remove: [...CLIENT_CREDENTIAL_HEADERS, this.deps.config.gateway.clusterHeader], set: [['accept-encoding', 'identity']] },
      clearRouteCache: true,
    };
  }

  async onRequestBody(body: Buffer): Promise<Decision> {
    if (this.passthrough) return CONTINUE;
    const api = this.api;
    const identity = this.identity;
    // Headers already refused everything else; a body here without them is a protocol bug.
    if (!api || !identity || !isParseableApi(api)) throw new Error('request body without accepted request headers');

    const parsed = this.stage('parse', () =>
      parseRequest(api, body, { maxBytes: identity.tenant.maxRequestBytes, pathModel: this.pathModel, pathStream: this.pathStream }),
    );
    if (!parsed.ok) return this.reject('validate', parsed.error);
    const request = parsed.request;
    this.request = request;

    const refusal = await this.inspect(request, identity);
    if (refusal) return refusal;

    const routed = this.stage('route', () =>
      this.deps.router.route({ family: request.family, model: request.model, tenant: identity.tenant, path: this.path, facts: request }, this.requestHeaders),
    );
    if (!routed.ok) return this.reject('route', this.routeError(routed.failure));
    const target = routed.target;
    this.route = target;
    this.decisions.push({ stage: 'route', action: 'allow', reason: target.reason });
    const translated = this.stage('translate', () => translateForProvider(request, target));
    if (!translated.ok) return this.reject('translate', translated.error);
    this.translation = translated.translation;
    if (this.translation) this.decisions.push({ stage: 'translate', action: 'allow', reason: `${request.family} -> ${target.provider.api}` });

    // Budget after routing, so the reservation is priced on the model that will actually serve it. The
    // token estimate (a BPE pass over the prompt) is only worth its cost when a limit can apply.
    const estimate = budgetApplies(identity.tenant.budget)
      ? this.stage('estimate', () => estimateRequest(request, { family: target.provider.api, model: target.model.upstreamModel }))
      : { promptTokens: 0, requestedMaxOutputTokens: request.maxOutputTokens, n: request.n ?? 1, producesOutput: request.api !== 'openai.embeddings' };
    const budget = await this.deps.budgets.reserve({
      tenant: identity.tenant.budget,
      ...(identity.keyId ? { caller: `key:${identity.keyId}` } : identity.user ? { caller: `user:${identity.user}` } : {}),
      model: { name: target.model.name, pricing: target.model.pricing, maxOutputTokens: target.model.maxOutputTokens },
      estimate,
    });
    this.deps.alerts?.observe(identity.tenant.id, budget.limits);
    if (!budget.ok) return this.reject('budget', apiError(budget.status, budget.code, budget.message, { headers: budget.headers }));
    this.reservation = budget.reservation;
    this.budgetHeaders = budget.headers;
    // A long stream renews its hold so it cannot expire (and be re-spent) while tokens still flow.
    if (request.stream) this.stopKeepAlive = this.deps.budgets.keepAlive(budget.reservation);

    // Budgets settle on the provider's usage: OpenAI streams report it only when asked, so ask.
    // (A translated request always asks; the translator then honours what the client asked.)
    const translation = this.translation;
    this.addedIncludeUsage = !translation && request.api === 'openai.chat_completions' && request.stream && request.includeUsage !== true;
    const rewritten = translation
      ? translation.body
      : this.stage('rewrite', () =>
          rewriteRequest(request, { ...(target.bodyModel ? { model: target.bodyModel } : {}), ...(this.addedIncludeUsage ? { includeUsage: true } : {}) }),
        );
    let setHeaders: Array<readonly [string, string]> = [...target.setHeaders];
    if (translation) setHeaders.push(...translation.setHeaders);
    else if (target.upstreamPath !== this.path) setHeaders.push([':path', target.upstreamPath]);
    // Per-attempt fallback starts from a body in the client's API (a translated primary stays on its cluster).
    const failover = translation ? undefined : failoverClusterFor(target);
    if (failover) {
      // Envoy's retries walk the failover cluster's priorities; the upstream filter adapts each attempt.
      const clusterHeader = this.deps.config.gateway.clusterHeader;
      this.attemptToken = this.deps.router.routeHealth.attempts.register({
        request: { family: request.family, model: request.model, tenant: identity.tenant, path: this.path, facts: request },
        api: request.api,
        clientHeaders: this.requestHeaders,
        primary: target,
        chain: [target.model, ...target.alternatives],
        attempts: 0,
      });
      setHeaders = [...setHeaders.filter(([name]) => name !== clusterHeader), [clusterHeader, failover], [ATTEMPT_HEADER, this.attemptToken]];
    }
    return {
      kind: 'mutate',
      headers: { set: setHeaders },
      ...(rewritten === request.raw ? {} : { body: rewritten }),
      clearRouteCache: true,
      metadata: this.metadata(),
    };
  }

  onResponseHeaders(headers: ResponseHeaders): Decision {
    this.status = headers.status;
    // The provider's answer feeds its breaker and, on 429, cools the key it was sent with; when the
    // upstream filter ran, it reported every attempt itself and the route is the model that served.
    const attempts = this.deps.router.routeHealth.attempts.get(this.attemptToken);
    if (attempts && attempts.attempts > 0 && this.route) {
      this.route.ticket.release();
      this.route = servedRoute(this.route, attempts);
    } else {
      this.route?.ticket.observe(headers.status, headers.headers);
    }
    if (this.passthrough || !this.request || headers.endOfStream) return { kind: 'continue', responseBodyMode: 'none' };
    const contentType = (headers.headers.get('content-type') ?? '').toLowerCase();
    let mode: 'streamed' | 'buffered' | 'none' = contentType.startsWith('text/event-stream') ? 'streamed' : contentType.includes('json') ? 'buffered' : 'none';
    // Translation comes first in the chain; usage is metered in the provider's API, before it.
    const translated = this.translation ? translateResponse(this.request, this.translation, headers.status, mode, this.context.requestId) : undefined;
    if (translated) {
      mode = translated.mode;
      this.responseTransforms.push(translated.transform);
    }
    if (mode !== 'none') this.meter = new ResponseMeter(this.translation?.providerApi ?? this.request.api, mode, headers.status);
    if (mode === 'streamed' && this.addedIncludeUsage) this.responseTransforms.push(new OpenAiUsageStripper());
    if (headers.status >= 400) this.errorCode ??= headers.status === 413 ? 'body_too_large' : 'upstream_error';
    return { kind: 'mutate', headers: { set: [['x-llmgw-request-id', this.context.requestId], ...this.budgetHeaders, ...(translated?.setHeaders ?? [])] }, responseBodyMode: mode };
  }

  onResponseBody(chunk: Buffer, endOfStream: boolean): Decision {
    this.firstByteAt ??= performance.now();
    // Meter what the provider sent, before anything is taken out for the client.
    if (this.meter) this.stage('response_read', () => this.meter?.feed(chunk, endOfStream));
    const transforms = this.responseTransforms;
    const body = transforms.length === 0 ? chunk : this.stage('response_rewrite', () => runTransforms(transforms, chunk, endOfStream));
    const replaced = body === chunk || body.equals(chunk) ? undefined : body;
    const metadata = endOfStream ? this.usageMetadata() : undefined;
    if (replaced === undefined) return metadata ? { kind: 'continue', metadata } : CONTINUE;
    return { kind: 'mutate', body: replaced, ...(metadata ? { metadata } : {}) };
  }

  /** The last answer carries the usage, so Envoy's access log and rate limits (hits_addend) can read it. */
  private usageMetadata(): JsonObject | undefined {
    const usage = this.meter?.reading().usage;
    if (!usage || !this.route) return undefined;
    return {
      ...this.metadata(),
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
      cost_usd: costUsd(this.route.model.pricing, usage),
    };
  }

  /** Fields for every log line the transport writes about this request. */
  logContext(): JsonObject {
    return this.identity ? { tenant: this.identity.tenant.id } : {};
  }

  onEnd(outcome: ExchangeEnd): void {
    this.route?.ticket.release();
    if (this.attemptToken) this.deps.router.routeHealth.attempts.delete(this.attemptToken);
    this.settleBudget();
    // Passed-through requests are audited too: the record says what the gateway let through unread.
    const record = this.auditRecord(outcome);
    // Request metrics (tenant labels bounded) and the trace span are derived from this record by
    // src/telemetry/observed-exchange.ts.
    this.deps.audit.write(record);
    this.log.info(
      { outcome, status: record.status, api: record.api, model: record.modelServed, tokensIn: record.tokens.input, tokensOut: record.tokens.output, ms: Math.round(record.latencyMs.total) },
      'request finished',
    );
  }

  /** Runs the tenant's input detectors; returns the refusal when one blocks (or fails closed). */
  private async inspect(request: CanonicalRequest, identity: Identity): Promise<Decision | undefined> {
    const guards = identity.tenant.inputGuards;
    if (guards.length === 0) return undefined;
    const started = performance.now();
    const outcome = await inspectRequest(request, guards);
    this.deps.metrics.stageSeconds.observe({ stage: 'inspect' }, (performance.now() - started) / 1000);
    for (const failure of outcome.failures) {
      this.deps.metrics.guardErrors.inc({ guard: failure.guard, fail_mode: failure.failMode });
      this.log.warn({ guard: failure.guard, failMode: failure.failMode }, 'detector failed');
    }
    for (const finding of [...outcome.findings, ...outcome.shadow]) {
      this.deps.metrics.guardFindings.inc({ guard: finding.detector, type: finding.type, action: finding.action });
    }
    if (outcome.shadow.length > 0) {
      this.log.info({ shadow: outcome.shadow.map((f) => ({ detector: f.detector, type: f.type, score: f.score, channel: f.channel, segment: f.segment })) }, 'shadow findings');
    }
    this.findings = outcome.findings;
    if (outcome.block) this.decisions.push({ stage: 'inspect', action: 'deny', code: outcome.block.code });
    else if (outcome.findings.length > 0) this.decisions.push({ stage: 'inspect', action: 'flag' });
    if (!outcome.block) return undefined;
    // Nothing in the answer says which rule fired: that would teach an attacker how to get around it.
    const error =
      outcome.block.code === 'detector_unavailable'
        ? apiError(503, 'detector_unavailable', `A content check is unavailable, so the request was not sent (request ${this.context.requestId}).`)
        : apiError(400, outcome.block.code, `The request was blocked by the gateway's content policy (request ${this.context.requestId}).`);
    return this.reject('inspect', error);
  }

  /**
   * Replaces the hold with what the provider reports. Without a usage report (client gone, upstream
   * failed mid-stream), the prompt and what was streamed are charged; when the provider produced
   * nothing billable (an error status, or no response at all), the hold is released.
   */
  private settleBudget(): void {
    const reservation = this.reservation;
    if (!reservation) return;
    this.reservation = undefined;
    this.stopKeepAlive?.();
    const reading = this.meter?.reading();
    const route = this.route;
    let settling: Promise<unknown>;
    if (reading?.usage) {
      settling = this.deps.budgets.settle(reservation, reading.usage);
    } else if (route && this.status !== null && this.status < 400 && (reading?.streamedChars ?? 0) > 0) {
      const outputTokens = streamedOutputTokens({ family: route.provider.api, model: route.model.upstreamModel }, { chars: reading?.streamedChars ?? 0 });
      settling = this.deps.budgets.settle(reservation, { inputTokens: reservation.promptTokens, outputTokens });
    } else {
      settling = this.deps.budgets.release(reservation);
    }
    settling.catch((error: unknown) => {
      this.deps.metrics.budgetSettleErrors.inc({ reason: 'failed' });
      this.log.error({ err: error }, 'budget settlement failed');
    });
  }

  private answerModels(api: ApiId): Decision {
    const identity = this.identity;
    if (!identity) return this.reject('auth', missingApiKey());
    const family = this.family;
    let body: object;
    if (api.endsWith('.list')) {
      body = modelListBody(family, visibleModels(this.deps.config, identity.tenant));
    } else {
      const model: RuntimeModel | undefined = this.pathModel ? this.deps.config.models.get(this.pathModel) : undefined;
      if (!model || !identity.tenant.mayUseModel(model.name)) {
        return this.reject('route', apiError(404, 'model_not_found', 'The model does not exist or is not available to this tenant.', { param: 'model' }));
      }
      body = modelBody(family, model);
    }
    this.status = 200;
    return {
      kind: 'respond',
      status: 200,
      headers: [
        ['content-type', 'application/json'],
        ['x-llmgw-request-id', this.context.requestId],
      ],
      body: Buffer.from(JSON.stringify(body)),
      details: 'llmgw_models',
    };
  }

  private routeError(failure: RouteFailure): ApiError {
    switch (failure.code) {
      case 'model_not_found':
        return apiError(404, 'model_not_found', 'The model does not exist or is not available to this tenant.', { param: 'model' });
      case 'model_not_allowed':
        return modelNotAllowed(failure.model);
      case 'model_api_mismatch':
        return invalidRequest(`This model is served through the ${failure.providerApi} API; call it with that API.`, 'model');
      case 'no_model_fits':
        return apiError(400, 'no_model_fits', `No model available to this tenant fits the request (${failure.reason}).`, { param: 'model' });
      case 'model_unavailable':
        this.log.warn({ model: failure.model, reason: failure.reason }, 'model and its fallbacks unavailable');
        return apiError(503, 'upstream_unavailable', 'The provider for this model is not available right now.');
      case 'provider_credential_unavailable':
        // An operator problem (missing key file): logged loudly, never explained to the client.
        this.log.error({ provider: failure.provider }, 'provider credential unavailable');
        this.deps.metrics.internalErrors.inc({ stage: 'route' });
        return apiError(503, 'upstream_unavailable', 'The provider for this model is not available right now.');
    }
  }

  private reject(stage: string, error: ApiError): Decision {
    const rendered = renderError(this.family, error, { requestId: this.context.requestId });
    this.status = rendered.status;
    this.errorCode = error.code;
    if (stage !== 'inspect') this.decisions.push({ stage, action: 'deny', code: error.code });
    return {
      kind: 'reject',
      status: rendered.status,
      headers: [...rendered.headers, ['x-llmgw-request-id', this.context.requestId]],
      body: rendered.body,
      details: `llmgw_${error.code}`,
      metadata: { ...this.metadata(), code: error.code, decision: 'deny' },
    };
  }

  /** Fields for Envoy's access log and rate limits (namespace `llmgw`; names match envoy/envoy.yaml). */
  private metadata(): JsonObject {
    const metadata: JsonObject = { request_id: this.context.requestId };
    if (this.identity) metadata.tenant = this.identity.tenant.id;
    if (this.api) metadata.api = this.api;
    if (this.route) {
      metadata.model = this.route.model.name;
      metadata.provider = this.route.provider.name;
      metadata.route_selected_by = this.route.selectedBy;
      metadata.route_reason = this.route.reason;
    }
    if (this.findings.length > 0) {
      metadata.findings = this.findings.map((finding) => ({ detector: finding.detector, type: finding.type, score: finding.score }));
    }
    return metadata;
  }

  private stage<T>(name: string, run: () => T): T {
    const started = performance.now();
    try {
      return run();
    } finally {
      this.deps.metrics.stageSeconds.observe({ stage: name }, (performance.now() - started) / 1000);
    }
  }

  private auditRecord(outcome: ExchangeEnd): AuditRecord {
    const reading = this.meter?.reading();
    const usage = reading?.usage;
    const tokens: AuditRecord['tokens'] = usage
      ? {
          input: usage.inputTokens,
          output: usage.outputTokens,
          ...(usage.cachedInputTokens === undefined ? {} : { cachedInput: usage.cachedInputTokens }),
          ...(usage.cacheWriteTokens === undefined ? {} : { cacheWrite: usage.cacheWriteTokens }),
          ...(usage.reasoningTokens === undefined ? {} : { reasoning: usage.reasoningTokens }),
          source: 'provider',
        }
      : { input: 0, output: 0, source: 'none' };
    const cost = usage && this.route ? costUsd(this.route.model.pricing, usage) : 0;
    const errorCode = this.errorCode ?? (reading?.upstreamError ? 'upstream_error' : null) ?? (outcome === 'failed' ? internalError().code : null);
    const clientAddress = this.context.attributes['source.address'];
    return {
      kind: 'llmgw.audit',
      version: AUDIT_RECORD_VERSION,
      requestId: this.context.requestId,
      time: new Date(this.startedWallMs).toISOString(),
      tenant: this.identity?.tenant.id ?? null,
      keyId: this.identity?.keyId ?? null,
      user: this.identity?.user ?? null,
      clientAddress: typeof clientAddress === 'string' ? clientAddress : null,
      api: this.api ?? null,
      method: this.method,
      path: this.path.split('?')[0] ?? '',
      stream: this.request?.stream ?? false,
      modelRequested: this.request?.model ?? this.pathModel ?? null,
      modelServed: this.route?.model.upstreamModel ?? null,
      provider: this.route?.provider.name ?? null,
      cluster: this.route?.cluster ?? null,
      ...(this.route ? { route: routeAudit(this.route) } : {}),
      tokens,
      costUsd: cost,
      latencyMs: {
        total: round(performance.now() - this.startedAt),
        firstByte: this.firstByteAt === undefined ? null : round(this.firstByteAt - this.startedAt),
      },
      status: this.status,
      outcome,
      errorCode,
      decisions: this.decisions,
      findings: this.findings.map((finding) => ({
        detector: finding.detector,
        type: finding.type,
        score: finding.score,
        ...(finding.channel === undefined ? {} : { channel: finding.channel }),
        ...(finding.segment === undefined ? {} : { segment: finding.segment }),
      })),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
