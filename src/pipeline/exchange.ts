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
import type { AuditDecision, AuditFinding, AuditRecord } from '../audit/record';
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
import { appliedRedactionLevels, redactedRequest, redactForTenant } from './redaction';
import { outputStages } from './output/setup';
import type { OutputReport } from './output/slots';
import { outputBlockError, outputOutcome } from './output/outcome';
import type { AuditRedaction } from '../audit/record';
import { translateForProvider, translateResponse, type RequestTranslation } from './translation';
import { startPolicyRun, type PolicyRun } from './policy-stage';
import { CacheStage } from './cache-stage';
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
  private readonly outputFindings: AuditFinding[] = [];
  /** What the input detectors found (block and flag guards); recorded in audit, never with text. */
  private findings: readonly GuardedFinding[] = [];
  /** Redaction counts (request side, then what output guards did): types and numbers only. */
  private redactions: AuditRedaction[] = [];
  /** Reversible placeholders sent upstream -> originals, restored in the response (memory only). */
  private restoreMap: ReadonlyMap<string, string> = new Map();
  /** What the output guards found and whether they stopped the response. */
  private output: OutputReport | undefined;
  private responseMode: 'none' | 'buffered' | 'streamed' = 'none';
  /** The tenant policy's stage (src/pipeline/policy-stage.ts); absent without a `policy:` section. */
  private policy: PolicyRun | undefined;
  /** The response cache's part in this exchange (lookup result, recorder); absent when the tenant has it off. */
  private cache: CacheStage | undefined;

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
    this.policy = startPolicyRun(this.deps.policy?.snapshot(), this.policyDeps(), this.context.requestId, identity, this.context.metadata, this.log);

    const refusal = await this.inspect(request, identity);
    if (refusal) return refusal;
    const redaction = this.stage('redact', () => redactForTenant(request, identity.tenant, this.context.requestId));
    this.redactions = [...redaction.counts];
    if (!redaction.ok) return this.reject('redact', redaction.error);
    this.restoreMap = redaction.restore;
    if (redaction.segments.size > 0) this.decisions.push({ stage: 'redact', action: 'modify' });
    // What leaves: the request with redacted texts (translated from there when the provider speaks another API).
    const outbound = redaction.segments.size > 0 ? this.stage('redact', () => redactedRequest(request, redaction.segments, { pathModel: this.pathModel, pathStream: this.pathStream })) : request;

    const policy = this.policy;
    const beforeRouting = policy ? this.stage('policy', () => policy.beforeRouting(request, this.findings)) : undefined;
    if (beforeRouting && !beforeRouting.ok) return this.reject('policy', beforeRouting.error);

    const model = policy?.modelToRoute(request) ?? request.model;
    const routed = this.stage('route', () => this.deps.router.route({ family: request.family, model, tenant: identity.tenant, path: this.path, facts: request }, this.requestHeaders));
    if (!routed.ok) return this.reject('route', this.routeError(routed.failure));
    const target = routed.target;
    this.route = target;
    this.decisions.push({ stage: 'route', action: 'allow', reason: target.reason });

    const afterRouting = policy ? this.stage('policy', () => policy.afterRouting(request, target, appliedRedactionLevels(identity.tenant, redaction))) : undefined;
    if (afterRouting && !afterRouting.ok) return this.reject('policy', afterRouting.error);
    const obligations = policy?.obligations ?? {};
    if (policy) {
      policy.countAllowed();
      const modified = obligations.forcedModel !== undefined || obligations.maxOutputTokens !== undefined;
      this.decisions.push({ stage: 'policy', action: modified ? 'modify' : 'allow', reason: `decision ${policy.decision?.decisionId ?? ''}` });
    }
    // Cache after inspection and policy (a blocked or denied request never reaches it) and routing (the key
    // names the model that serves, so answers of one model never stand in for another's). A request the
    // gateway changed (redacted, capped by policy) is neither looked up nor stored; one whose model the
    // policy forced is looked up (the key names the forced model) but not stored (its decision is `modify`).
    if (this.deps.cache && redaction.segments.size === 0 && obligations.maxOutputTokens === undefined) {
      const caller = { tenant: identity.tenant.id, ...(identity.keyId ? { keyId: identity.keyId } : {}), ...(identity.user ? { user: identity.user } : {}) };
      this.cache = await CacheStage.lookup(this.deps.cache, { policy: identity.tenant.cache, request, servedModel: target.model.name, caller }, this.deps.metrics, this.log, this.deps.tenantLabel);
      if (this.cache?.hit) return this.answerFromCache(request, identity);
    }
    // Translation reads the body: a policy token cap goes into it first (the routed, possibly forced, model comes from the target).
    const translated = this.stage('translate', () => translateForProvider(withOutputCap(outbound, target, obligations.maxOutputTokens), target));
    if (!translated.ok) return this.reject('translate', translated.error);
    this.translation = translated.translation;
    if (this.translation) this.decisions.push({ stage: 'translate', action: 'allow', reason: `${request.family} -> ${target.provider.api}` });

    // Budget after routing, so the reservation is priced on the model that will actually serve it. The
    // token estimate (a BPE pass over the prompt) is only worth its cost when a limit can apply.
    const estimated = budgetApplies(identity.tenant.budget)
      ? this.stage('estimate', () => estimateRequest(request, { family: target.provider.api, model: target.model.upstreamModel }))
      : { promptTokens: 0, requestedMaxOutputTokens: request.maxOutputTokens, n: request.n ?? 1, producesOutput: request.api !== 'openai.embeddings' };
    // The policy's token cap is written into the request below: reserve for the capped output.
    const estimate = obligations.maxOutputTokens === undefined ? estimated : { ...estimated, requestedMaxOutputTokens: obligations.maxOutputTokens };
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
          rewriteRequest(outbound, {
            // A model the policy forced replaces the client's in the body (Gemini's is in the path, rewritten by the router).
            ...(target.bodyModel ? { model: target.bodyModel } : obligations.forcedModel !== undefined && outbound.family !== 'gemini' ? { model: target.model.upstreamModel } : {}),
            ...(obligations.maxOutputTokens !== undefined ? { maxOutputTokens: obligations.maxOutputTokens, maxOutputTokensField: target.provider.maxTokensField } : {}),
            ...(this.addedIncludeUsage ? { includeUsage: true } : {}),
          }),
        );
    let setHeaders: Array<readonly [string, string]> = [...target.setHeaders];
    if (translation) setHeaders.push(...translation.setHeaders);
    else if (target.upstreamPath !== this.path) setHeaders.push([':path', target.upstreamPath]);
    // Per-attempt fallback starts from a body in the client's API (a translated primary stays on its cluster).
    // The upstream filter switches models without coming back here, so only fallbacks the policy's final
    // decision would also allow (same redaction, model and format rules) may serve an attempt.
    const applied = appliedRedactionLevels(identity.tenant, redaction);
    const chain = [target.model, ...target.alternatives.filter((alternative) => !policy || policy.permitsAlternative(request, alternative, applied))];
    const failover = translation || chain.length < 2 ? undefined : failoverClusterFor(target);
    if (failover) {
      // Envoy's retries walk the failover cluster's priorities; the upstream filter adapts each attempt.
      const clusterHeader = this.deps.config.gateway.clusterHeader;
      this.attemptToken = this.deps.router.routeHealth.attempts.register({
        request: { family: request.family, model: request.model, tenant: identity.tenant, path: this.path, facts: request },
        api: request.api,
        clientHeaders: this.requestHeaders,
        primary: target,
        chain,
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
    this.responseMode = mode;
    // Output guards and restoration run on the client API's format, after the translation stage.
    if (mode !== 'none' && headers.status < 400 && this.identity) {
      const stages = outputStages({ request: this.request, mode, guards: this.identity.tenant.output, restore: this.restoreMap, requestId: this.context.requestId });
      this.output = stages.report;
      this.responseTransforms.push(...stages.transforms);
    }
    if (mode === 'streamed' && this.addedIncludeUsage) this.responseTransforms.push(new OpenAiUsageStripper());
    // Last in the chain: the cache records exactly what the client receives.
    const cacheHeaders = this.cache?.onResponse(mode, headers.status, this.route?.model.upstreamModel ?? this.request.model) ?? [];
    if (this.cache?.transform) this.responseTransforms.push(this.cache.transform);
    if (headers.status >= 400) this.errorCode ??= headers.status === 413 ? 'body_too_large' : 'upstream_error';
    return { kind: 'mutate', headers: { set: [['x-llmgw-request-id', this.context.requestId], ...this.budgetHeaders, ...(translated?.setHeaders ?? []), ...cacheHeaders] }, responseBodyMode: mode };
  }

  onResponseBody(chunk: Buffer, endOfStream: boolean): Decision {
    this.firstByteAt ??= performance.now();
    // Meter what the provider sent, before anything is taken out for the client.
    if (this.meter) this.stage('response_read', () => this.meter?.feed(chunk, endOfStream));
    const transforms = this.responseTransforms;
    const body = transforms.length === 0 ? chunk : this.stage('response_rewrite', () => runTransforms(transforms, chunk, endOfStream));
    // A buffered response's headers are still held by Envoy (B1), so a blocked one becomes an error answer (R5).
    if (this.output?.block && this.responseMode === 'buffered') return this.reject('output', outputBlockError(this.output.block, this.context.requestId));
    const replaced = body === chunk || body.equals(chunk) ? undefined : body;
    // What the output guards did goes into the last answer's metadata (and the audit record).
    if (endOfStream) this.recordOutputGuards();
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
    this.recordOutputGuards();
    const cache = this.cache?.finish({
      outcome,
      status: this.status,
      upstreamError: this.meter?.reading().upstreamError !== undefined,
      decisions: this.decisions,
      findings: this.findings.length + this.outputFindings.length,
      redactions: this.redactions.reduce((sum, r) => sum + r.count, 0),
      ...(this.route ? { servedModel: this.route.model.name } : {}),
      ...(this.meter?.reading().usage ? { usage: this.meter.reading().usage } : {}),
    });
    // Passed-through requests are audited too: the record says what the gateway let through unread.
    const record = { ...this.auditRecord(outcome), ...(cache ? { cache } : {}) };
    // Request metrics (tenant labels bounded) and the trace span are derived from this record by
    // src/telemetry/observed-exchange.ts.
    this.deps.audit.write(record);
    this.log.info(
      { outcome, status: record.status, api: record.api, model: record.modelServed, tokensIn: record.tokens.input, tokensOut: record.tokens.output, ms: Math.round(record.latencyMs.total) },
      'request finished',
    );
  }

  /** Output guard findings into metrics, audit redactions and decisions (once, at the end). */
  private recordOutputGuards(): void {
    if (!this.output) return;
    const outcome = outputOutcome(this.output);
    this.output = undefined;
    for (const f of outcome.counts) this.deps.metrics.guardFindings.inc({ guard: f.detector, type: f.type, action: f.action }, f.count);
    this.outputFindings.push(...outcome.findings);
    this.redactions.push(...outcome.redactions);
    if (outcome.errorCode) this.errorCode ??= outcome.errorCode;
    // A buffered block already recorded its decision when it was refused.
    if (outcome.decision && !this.decisions.some((d) => d.stage === 'output')) this.decisions.push(outcome.decision);
  }

  /** Runs the tenant's input detectors; returns the refusal when one blocks (or fails closed). */
  private async inspect(request: CanonicalRequest, identity: Identity): Promise<Decision | undefined> {
    const guards = this.policy?.inputGuards(identity.tenant.inputGuards) ?? identity.tenant.inputGuards;
    if (guards.length === 0 && !this.policy?.shadowsGuards) return undefined;
    const started = performance.now();
    const outcome = await inspectRequest(request, guards);
    await this.policy?.shadowGuards(request, outcome);
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
    const held = this.reservation;
    if (!held) return;
    this.reservation = undefined;
    // A per-attempt fallback may have served instead of the reserved model: charge what it costs (the
    // audit and metrics price it the same way). The hold stays in the reserved model's windows.
    const reservation = this.route && this.route.model.name !== held.model ? { ...held, pricing: this.route.model.pricing } : held;
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

  /**
   * A cache hit: the stored answer as JSON or SSE in the client's API. The budget is charged only when
   * the tenant's policy says so (reserved and settled at once with the usage the answer first cost).
   */
  private async answerFromCache(request: CanonicalRequest, identity: Identity): Promise<Decision> {
    const answer = this.cache?.answer(request);
    const route = this.route;
    if (!answer || !route) throw new Error('cache hit without an answer');
    const usage = this.cache?.hitUsage;
    if (identity.tenant.cache.chargeOnHit === 'usage' && usage && budgetApplies(identity.tenant.budget)) {
      const charged = await this.deps.budgets.reserve({
        tenant: identity.tenant.budget,
        ...(identity.keyId ? { caller: `key:${identity.keyId}` } : identity.user ? { caller: `user:${identity.user}` } : {}),
        model: { name: route.model.name, pricing: route.model.pricing, maxOutputTokens: route.model.maxOutputTokens },
        estimate: { promptTokens: usage.inputTokens, requestedMaxOutputTokens: usage.outputTokens, n: 1, producesOutput: true },
      });
      if (!charged.ok) return this.reject('budget', apiError(charged.status, charged.code, charged.message, { headers: charged.headers }));
      this.deps.budgets.settle(charged.reservation, usage).catch((error: unknown) => this.log.error({ err: error }, 'budget charge of a cache hit failed'));
    }
    this.status = 200;
    this.decisions.push({ stage: 'cache', action: 'allow', code: 'cache_hit' });
    return {
      kind: 'respond',
      status: 200,
      headers: [...answer.headers, ['x-llmgw-request-id', this.context.requestId]],
      body: answer.body,
      details: 'llmgw_cache_hit',
      metadata: { ...this.metadata(), cache: 'hit' },
    };
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
    if (this.redactions.length > 0) metadata.redactions = this.redactions.map((r) => ({ direction: r.direction, type: r.type, action: r.action, count: r.count }));
    if (this.policy) Object.assign(metadata, this.policy.metadata());
    return metadata;
  }

  /**
   * The redaction level the tenant policy requires for this request (`reversible` or `irreversible`),
   * for the request redaction stage. Until one exists, such a request is denied (redaction_unavailable).
   */
  get requiredRedaction(): 'reversible' | 'irreversible' | undefined {
    return this.policy?.obligations.redaction;
  }

  private policyDeps(): Parameters<typeof startPolicyRun>[1] {
    const { config, metrics, now } = this.deps;
    return { config, metrics, now, redactionLevels: this.deps.redactionLevels ?? new Set(), ...(this.deps.tenantLabel ? { tenantLabel: this.deps.tenantLabel } : {}) };
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
    const policyAudit = this.policy?.audit();
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
      findings: this.findings.map((finding): AuditFinding => ({
        detector: finding.detector,
        type: finding.type,
        score: finding.score,
        ...(finding.channel === undefined ? {} : { channel: finding.channel }),
        ...(finding.segment === undefined ? {} : { segment: finding.segment }),
      })).concat(this.outputFindings),
      ...(this.redactions.length > 0 ? { redactions: this.redactions } : {}),
      ...(policyAudit ? { policy: policyAudit } : {}),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The request as translation should read it: with the policy's output cap written into its body (only when translating). */
function withOutputCap(request: CanonicalRequest, target: RouteTarget, cap: number | undefined): CanonicalRequest {
  if (cap === undefined || target.provider.api === request.family) return request;
  return { ...request, maxOutputTokens: cap, body: JSON.parse(rewriteRequest(request, { maxOutputTokens: cap }).toString('utf8')) as CanonicalRequest['body'] };
}
