/**
 * One HTTP request through the edge, in Envoy's order: connection manager (H1 normalisation, early
 * header edits, route selection and caching), the HTTP filters ahead of ext_proc, ext_proc itself, the
 * router (re-selecting the route only if ext_proc cleared the cache, R4), the upstream, and the
 * response back through ext_proc to the client. Local replies follow Envoy's FilterManager: through
 * the response filter path when no response has started, directly when one has but its headers have
 * not left, and as a reset once they have.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as http from 'node:http';
import type { JsonObject } from '../../../src/extproc/struct';
import type { AttributeContext } from './attributes';
import type { EdgeConfig } from './config-types';
import type { DirectionSink } from './direction';
import { DownstreamWriter } from './downstream';
import { ExtProcFilter, type FilterHost } from './ext-proc-filter';
import { HOP_BY_HOP, applyHeaderEdits, normalizeRequestHeaders, requestHasBody } from './hcm';
import { HeaderList } from './headers';
import { type LocalReplyRequest, renderLocalReply } from './local-reply';
import type { ProcessorChannel, ProcessorStream, StreamHandlers } from './processor-stream';
import { type Decider, type EdgeRecord, type RouteSummary, type RuleId, createRecord } from './record';
import { type RouteDecision, resolveUpstream, rewriteForUpstream, selectRoute } from './router';
import { UpstreamCall } from './upstream';
import { AttemptRunner } from './upstream-attempts';

/** What a test may inject per request: metadata filters ahead of ext_proc (jwt_authn...) would set. */
export type DynamicMetadataHook = (request: IncomingMessage) => Record<string, JsonObject> | undefined;

export interface ExchangeEnvironment {
  readonly config: EdgeConfig;
  readonly channel: ProcessorChannel;
  readonly upstreams: Readonly<Record<string, string>>;
  readonly agent: http.Agent;
  readonly dynamicMetadata?: DynamicMetadataHook;
  connectionId(req: IncomingMessage): number;
  /** The exchange holds nothing open any more (its processor stream is closed). */
  release(exchange: Exchange): void;
}

export class Exchange implements FilterHost {
  readonly record: EdgeRecord;
  readonly requestSink: DirectionSink;
  readonly responseSink: DirectionSink;
  private readonly finishRecord: () => void;
  private readonly started = Date.now();
  private readonly filter: ExtProcFilter;
  private readonly downstream: DownstreamWriter;
  private readonly requestHeaders: HeaderList;
  private readonly metadata: Record<string, JsonObject> = {};
  private cachedRoute: RouteDecision | null = null;
  /** The route the router used (the cached one, or the one selected again after R4). */
  private activeRoute: RouteDecision | null = null;
  private routeCacheCleared = false;
  private routerStarted = false;
  private upstream: UpstreamCall | null = null;
  /** Attempts over a failover cluster with upstream filters (UPSTREAM-RULES.md), instead of one call. */
  private attempts: AttemptRunner | null = null;
  private upstreamStartedAt = 0;
  private routeTimer: NodeJS.Timeout | null = null;
  private responseHeaders: HeaderList | undefined;
  /** Envoy's "response headers exist" (upstream or local reply entered the response path). */
  private responseStarted = false;
  private decodeStopped = false;
  private finished = false;
  bufferLimitBytes: number;

  constructor(
    private readonly env: ExchangeEnvironment,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    id: number,
  ) {
    const created = createRecord(id, req.method ?? 'GET', req.url ?? '/', new Date(this.started));
    this.record = created.record;
    this.finishRecord = created.finish;
    this.record.dynamicMetadata.kept = this.metadata;
    this.bufferLimitBytes = env.config.listener.bufferLimitBytes;
    this.requestHeaders = normalizeRequestHeaders(req, env.config.hcm.generateRequestId);
    this.downstream = new DownstreamWriter(res, this.record, (reason) => this.resetDownstream('B5', reason));
    this.requestSink = {
      headers: (headers, endStream) => this.forwardUpstream(headers, endStream),
      data: (data, endStream) => this.writeUpstream(data, endStream),
      bufferOverflow: () =>
        this.sendLocalReply({
          status: 413,
          requestedStatus: 413,
          body: Buffer.from('Payload Too Large'),
          details: 'request_payload_too_large',
          decidedBy: 'B2',
          reason: `B2: request body over the buffer limit (${this.bufferLimitBytes} bytes) while buffered for ext_proc`,
        }),
    };
    this.responseSink = {
      headers: (headers, endStream) => this.downstream.writeHeaders(headers, endStream),
      data: (data, endStream) => this.downstream.write(data, endStream),
      bufferOverflow: () =>
        this.sendLocalReply({
          status: 500,
          requestedStatus: 500,
          body: Buffer.from('Internal Server Error'),
          details: 'response_payload_too_large',
          decidedBy: 'B2',
          reason: `B2: response body over the buffer limit (${this.bufferLimitBytes} bytes) while buffered for ext_proc`,
        }),
    };
    this.filter = new ExtProcFilter(this);
  }

  get config(): EdgeConfig {
    return this.env.config;
  }

  start(): void {
    const { config } = this.env;
    const headers = this.requestHeaders;
    this.record.requestId = headers.get('x-request-id') ?? '';
    applyHeaderEdits(headers, config.hcm.earlyHeaderEdits);
    this.record.requestHeaders = headers.pairs();
    // Envoy selects (and caches) the route now, before any HTTP filter: a cluster_header value is read here.
    this.cachedRoute = selectRoute(config.hcm.routes, headers);
    this.record.route.initial = summarize(this.cachedRoute);
    this.bufferLimitBytes = this.cachedRoute?.route.perRequestBufferLimitBytes ?? config.listener.bufferLimitBytes;
    this.record.bufferLimitBytes = this.bufferLimitBytes;
    Object.assign(this.metadata, this.env.dynamicMetadata?.(this.req) ?? {});
    for (const filter of config.hcm.preExtProcFilters) applyHeaderEdits(headers, filter.requestEdits);

    const endStream = !requestHasBody(this.req);
    this.res.on('close', () => this.finish());
    this.filter.decodeHeaders(headers, endStream);
    this.req.on('data', (chunk: Buffer) => {
      if (!this.decodeStopped) this.filter.decodeData(chunk, false);
    });
    this.req.on('end', () => {
      // S4: Envoy's HTTP/1 codec ends a body with an empty chunk carrying end_stream.
      if (!endStream && !this.decodeStopped) this.filter.decodeData(Buffer.alloc(0), true);
    });
  }

  /** Edge shutdown: reset what is in flight and close the processor stream, deferred or not. */
  abort(): void {
    if (!this.finished) this.resetDownstream('hcm', 'edge closed');
    this.finish();
    this.filter.forceClose();
    this.env.release(this);
  }

  // ---- FilterHost -----------------------------------------------------------------------------

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  attributeContext(): AttributeContext {
    const socket = this.req.socket;
    return {
      requestHeaders: this.requestHeaders,
      responseHeaders: this.responseHeaders,
      requestId: this.record.requestId || undefined,
      requestTime: this.record.startedAt,
      sourceAddress: socket.remoteAddress ?? '',
      sourcePort: socket.remotePort ?? 0,
      destinationAddress: socket.localAddress ?? '',
      destinationPort: socket.localPort ?? 0,
      connectionId: this.env.connectionId(this.req),
      protocol: `HTTP/${this.req.httpVersion}`,
    };
  }

  dynamicMetadata(): Readonly<Record<string, JsonObject>> {
    return this.metadata;
  }

  /** Envoy merges a received namespace into what the request already has. */
  setDynamicMetadata(namespace: string, value: JsonObject): void {
    this.metadata[namespace] = { ...(this.metadata[namespace] ?? {}), ...value };
  }

  deferredCloseDone(): void {
    this.env.release(this);
  }

  openStream(handlers: StreamHandlers): ProcessorStream {
    return this.env.channel.openStream(handlers);
  }

  clearRouteCache(): string | undefined {
    if (this.routerStarted) return 'R4: the router already forwarded the request: no effect';
    this.routeCacheCleared = true;
    return undefined;
  }

  sendLocalReply(reply: LocalReplyRequest): void {
    if (this.finished) return;
    if (this.downstream.headersSent) {
      this.resetDownstream(reply.decidedBy, `${reply.reason}; response headers already sent, so the stream is reset`);
      return;
    }
    this.stopDecoding();
    this.abortUpstream();
    const direct = this.responseStarted;
    if (direct) this.filter.encoding.abandoned = true;
    this.responseStarted = true;

    const headers = new HeaderList([[':status', String(reply.status)]]);
    reply.mutateHeaders?.(headers);
    const rendered = renderLocalReply(this.env.config.hcm.localReply, {
      status: reply.status,
      body: reply.body.toString('utf8'),
      details: reply.details,
      requestHeaders: this.requestHeaders,
      responseHeaders: headers,
      dynamicMetadata: this.metadata,
      startTime: this.record.startedAt,
    });
    headers.set(':status', String(rendered.status));
    const contentTypeBefore = headers.get('content-type');
    for (const [name, value] of rendered.headersToAdd) headers.add(name, value);
    const body = Buffer.from(rendered.body, 'utf8');
    if (body.length > 0) {
      headers.set('content-length', String(body.length));
      // Envoy keeps a content-type the reply already has (an immediate_response may set one) unless
      // local_reply_config rewrote the body without setting its own content-type header.
      const rewritten = rendered.body !== reply.body.toString('utf8');
      const customContentType = headers.get('content-type') !== contentTypeBefore;
      if (!headers.has('content-type') || (rewritten && !customContentType)) headers.set('content-type', rendered.contentType ?? 'text/plain');
    }
    this.responseHeaders = headers;
    this.record.localReply = {
      status: rendered.status,
      requestedStatus: reply.requestedStatus,
      decidedBy: reply.decidedBy,
      reason: reply.reason,
      details: reply.details,
      body: rendered.body,
      mapper: rendered.mapper,
      format: rendered.format,
      path: direct ? 'direct' : 'filter_chain',
    };
    this.event(`local reply ${rendered.status} (${direct ? 'direct' : 'through the response filters'}): ${reply.reason}`, asRule(reply.decidedBy));
    if (direct) {
      this.downstream.writeHeaders(headers, body.length === 0);
      if (body.length > 0) this.downstream.write(body, true);
    } else {
      this.filter.encodeHeaders(headers, body.length === 0);
      if (body.length > 0) this.filter.encodeData(body, true);
    }
  }

  // ---- router ---------------------------------------------------------------------------------

  private forwardUpstream(headers: HeaderList, endStream: boolean): void {
    if (this.finished || this.decodeStopped) return;
    this.routerStarted = true;
    let decision = this.cachedRoute;
    if (this.routeCacheCleared) {
      decision = selectRoute(this.env.config.hcm.routes, headers);
      this.record.route.reselected = true;
      this.event(`route selected again after clear_route_cache: ${decision ? `route ${decision.routeIndex}, cluster ${decision.cluster}` : 'no route'}`, 'R4');
    }
    this.record.route.final = summarize(decision);
    this.activeRoute = decision;
    const local = (status: number, body: string, details: string, reason: string): void =>
      this.sendLocalReply({ status, requestedStatus: status, body: Buffer.from(body), details, decidedBy: 'router', reason });
    if (!decision) return local(404, '', 'route_not_found', 'router: no route matches');
    if (decision.route.action.kind === 'direct_response') {
      return local(decision.route.action.status, decision.route.action.body, 'direct_response', 'router: direct_response');
    }
    const clusterName = decision.cluster ?? '';
    const upstream = resolveUpstream(clusterName, this.env.config.clusters, this.env.upstreams);
    if (!upstream) return local(503, '', 'cluster_not_found', `router: cluster "${clusterName}" not found`);

    const { host, path } = rewriteForUpstream(decision.route, decision, upstream, headers);
    const remove = new Set([
      ...decision.route.requestHeadersToRemove,
      ...(this.env.config.hcm.routes.virtualHosts.find((vh) => vh.name === decision.virtualHost)?.requestHeadersToRemove ?? []),
      ...this.env.config.hcm.routes.requestHeadersToRemove,
    ]);
    const out: Array<readonly [string, string]> = [['host', host]];
    for (const [name, value] of headers.regular()) if (!remove.has(name) && name !== 'x-envoy-expected-rq-timeout-ms') out.push([name, value]);
    if (decision.route.timeoutMs > 0) out.push(['x-envoy-expected-rq-timeout-ms', String(decision.route.timeoutMs)]);
    // Envoy's HTTP/1 codec frames a body without Content-Length as chunked, whatever the method.
    if (!endStream && !headers.has('content-length')) out.push(['transfer-encoding', 'chunked']);
    const method = headers.get(':method') ?? 'GET';
    this.record.upstream = { cluster: clusterName, url: upstream.url, host, method, path, headers: out, body: Buffer.alloc(0), complete: false };
    this.upstreamStartedAt = Date.now();
    const clusterConfig = this.env.config.clusters.get(clusterName);
    if (clusterConfig?.upstreamExtProc || decision.route.retryPolicy?.previousPriorities) {
      const base = new HeaderList([[':method', method], [':path', path], [':authority', host], [':scheme', 'http']]);
      for (const [name, value] of out) if (name !== 'host' && name !== 'transfer-encoding') base.add(name, value);
      this.attempts = new AttemptRunner(this.attemptParent(), clusterConfig ?? { name: clusterName, endpoints: [] }, decision.route.retryPolicy, base, decision.route.autoHostRewrite);
      this.record.attempts = this.attempts.attempts;
      if (endStream) this.attempts.write(Buffer.alloc(0), true);
      return;
    }
    this.upstream = new UpstreamCall(upstream.target, method, path, out, this.env.agent, {
      onResponse: (response) => this.onUpstreamResponse(response, method),
      onError: (reason, message) => this.onUpstreamError(reason, message),
    });
    if (endStream) this.endUpstream(decision.route.timeoutMs);
  }

  private writeUpstream(data: Buffer, endStream: boolean): void {
    if (this.attempts && this.record.upstream) {
      this.record.upstream.body = Buffer.concat([this.record.upstream.body, data]);
      this.attempts.write(data, endStream);
      if (endStream) {
        this.record.upstream.complete = true;
        const timeoutMs = this.activeRoute?.route.timeoutMs ?? 0;
        if (timeoutMs > 0) this.routeTimer = setTimeout(() => this.onRouteTimeout(), timeoutMs);
      }
      return;
    }
    if (!this.upstream || !this.record.upstream) return;
    this.record.upstream.body = Buffer.concat([this.record.upstream.body, data]);
    this.upstream.write(data, false);
    if (endStream) this.endUpstream(this.activeRoute?.route.timeoutMs ?? 0);
  }

  private endUpstream(timeoutMs: number): void {
    if (!this.upstream || !this.record.upstream) return;
    this.upstream.write(Buffer.alloc(0), true);
    this.record.upstream.complete = true;
    // Route timeout: from the end of the request to the end of the response.
    if (timeoutMs > 0) this.routeTimer = setTimeout(() => this.onRouteTimeout(), timeoutMs);
  }

  private onRouteTimeout(): void {
    this.routeTimer = null;
    this.abortUpstream();
    if (this.responseStarted) this.resetDownstream('router', 'router: route timeout after the response started');
    else this.sendLocalReply({ status: 504, requestedStatus: 504, body: Buffer.from('upstream request timeout'), details: 'upstream_response_timeout', decidedBy: 'router', reason: 'router: route timeout' });
  }

  /** What the attempt runner needs from the exchange: the request's context and the response path. */
  private attemptParent(): ConstructorParameters<typeof AttemptRunner>[0] {
    return {
      config: this.env.config,
      record: this.record,
      bufferLimitBytes: this.bufferLimitBytes,
      agent: this.env.agent,
      upstreams: this.env.upstreams,
      elapsedMs: () => this.elapsedMs(),
      attributeContext: () => this.attributeContext(),
      dynamicMetadata: () => this.dynamicMetadata(),
      setDynamicMetadata: (namespace, value) => this.setDynamicMetadata(namespace, value),
      openStream: (handlers) => this.env.channel.openStream(handlers),
      deliverHeaders: (headers, endStream) => {
        if (this.finished || this.responseStarted) return;
        headers.set('x-envoy-upstream-service-time', String(Date.now() - this.upstreamStartedAt));
        if (this.record.upstream) {
          this.record.upstream.status = Number(headers.get(':status') ?? '0');
          this.record.upstream.responseHeaders = headers.pairs();
        }
        this.responseStarted = true;
        this.responseHeaders = headers;
        this.filter.encodeHeaders(headers, endStream);
        if (endStream) this.clearRouteTimer();
      },
      deliverData: (data, endStream) => {
        if (this.finished) return;
        if (endStream) this.clearRouteTimer();
        this.filter.encodeData(data, endStream);
        if (endStream && this.record.upstream) this.record.upstream.responseEnded = true;
      },
      upstreamFailed: (reason, message) => this.onUpstreamError(reason, message),
    };
  }

  private onUpstreamResponse(response: IncomingMessage, method: string): void {
    if (this.finished || this.responseStarted) {
      response.destroy();
      return;
    }
    const status = response.statusCode ?? 502;
    const headers = new HeaderList([[':status', String(status)]]);
    const raw = response.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      if (!HOP_BY_HOP.has(name)) headers.add(name, raw[i + 1]);
    }
    // The router adds this before the response filters run.
    headers.set('x-envoy-upstream-service-time', String(Date.now() - this.upstreamStartedAt));
    if (this.record.upstream) {
      this.record.upstream.status = status;
      this.record.upstream.responseHeaders = headers.pairs();
    }
    const endStream = method === 'HEAD' || status === 204 || status === 304 || headers.get('content-length') === '0';
    this.responseStarted = true;
    this.responseHeaders = headers;
    this.filter.encodeHeaders(headers, endStream);
    response.on('data', (chunk: Buffer) => this.filter.encodeData(chunk, false));
    response.on('end', () => {
      this.clearRouteTimer();
      if (!endStream) this.filter.encodeData(Buffer.alloc(0), true);
      if (this.record.upstream) this.record.upstream.responseEnded = true;
    });
    response.on('close', () => {
      if (!response.complete && !this.finished) this.resetDownstream('router', 'router: upstream reset after the response started');
    });
  }

  private onUpstreamError(reason: 'connection_failure' | 'connection_termination' | 'protocol_error', message: string): void {
    if (this.finished) return;
    this.clearRouteTimer();
    if (this.record.upstream) this.record.upstream.error = `${reason}: ${message}`;
    if (this.responseStarted) {
      this.resetDownstream('router', `router: upstream ${reason} after the response started`);
      return;
    }
    this.sendLocalReply({
      status: 503,
      requestedStatus: 503,
      body: Buffer.from(`upstream connect error or disconnect/reset before headers. reset reason: ${reason.replace('_', ' ')}`),
      details: `upstream_reset_before_response_started{${reason}}`,
      decidedBy: reason === 'protocol_error' ? 'B5' : 'router',
      reason: `router: upstream ${reason} (${message})`,
    });
  }

  // ---- teardown -------------------------------------------------------------------------------

  private stopDecoding(): void {
    this.decodeStopped = true;
    this.filter.decoding.abandoned = true;
  }

  private abortUpstream(): void {
    this.clearRouteTimer();
    this.upstream?.abort();
    this.upstream = null;
    this.attempts?.abort();
  }

  private clearRouteTimer(): void {
    if (this.routeTimer) clearTimeout(this.routeTimer);
    this.routeTimer = null;
  }

  private resetDownstream(decidedBy: Decider, reason: string): void {
    if (this.finished && this.record.reset) return;
    this.record.reset ??= { decidedBy, reason };
    this.event(`downstream reset: ${reason}`, asRule(decidedBy));
    this.downstream.reset();
    this.abortUpstream();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.downstream.ended && !this.record.reset) {
      this.record.reset = { decidedBy: 'hcm', reason: 'the client connection closed before the response completed' };
    }
    this.filter.onDestroy();
    this.abortUpstream();
    this.finishRecord();
    if (!this.filter.hasDeferredClose) this.env.release(this);
  }

  private event(what: string, rule?: RuleId): void {
    this.record.events.push({ atMs: this.elapsedMs(), rule, what });
  }
}

function summarize(decision: RouteDecision | null): RouteSummary | null {
  if (!decision) return null;
  return { virtualHost: decision.virtualHost, routeIndex: decision.routeIndex, routeName: decision.routeName, cluster: decision.cluster, clusterFrom: decision.clusterFrom };
}

function asRule(decider: Decider): RuleId | undefined {
  return decider === 'router' || decider === 'hcm' ? undefined : decider;
}
