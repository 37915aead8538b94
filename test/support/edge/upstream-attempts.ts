/**
 * The router's attempts for a route with a retry policy over a cluster's priorities, each attempt through
 * the cluster's upstream ext_proc filter (rules U1-U8 of UPSTREAM-RULES.md). The router buffers the request
 * (U6), picks the host of the next untried priority (U4), runs a fresh upstream filter chain for the
 * attempt with that host's metadata as `xds.upstream_host_metadata` (U2, U5), sends the attempt, runs its
 * response back through that chain (U7), and retries on a retriable answer before anything went
 * downstream (U3, U8). A local reply of the upstream filter is final (U3).
 */
import type * as http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { JsonObject } from '../../../src/extproc/struct';
import type { AttributeContext } from './attributes';
import type { ClusterConfig, ClusterEndpoint, EdgeConfig, RetryPolicy } from './config-types';
import type { DirectionSink } from './direction';
import { ExtProcFilter, type FilterHost } from './ext-proc-filter';
import { HOP_BY_HOP } from './hcm';
import { HeaderList } from './headers';
import type { LocalReplyRequest } from './local-reply';
import type { ProcessorStream, StreamHandlers } from './processor-stream';
import { createRecord, type EdgeRecord } from './record';
import { UpstreamCall, type UpstreamHandlers } from './upstream';

export interface AttemptParent {
  readonly config: EdgeConfig;
  readonly record: EdgeRecord;
  readonly bufferLimitBytes: number;
  readonly agent: http.Agent;
  /** Test overrides: `cluster@priority` (or the cluster name) -> http://host:port. */
  readonly upstreams: Readonly<Record<string, string>>;
  elapsedMs(): number;
  attributeContext(): AttributeContext;
  dynamicMetadata(): Readonly<Record<string, JsonObject>>;
  setDynamicMetadata(namespace: string, value: JsonObject): void;
  openStream(handlers: StreamHandlers): ProcessorStream;
  /** The attempt that answers: its response goes on to the router-level filters. */
  deliverHeaders(headers: HeaderList, endStream: boolean): void;
  deliverData(data: Buffer, endStream: boolean): void;
  /** No attempt got an answer (connect failures to the end). */
  upstreamFailed(reason: 'connection_failure' | 'connection_termination' | 'protocol_error', message: string): void;
}

/** What each attempt did, for assertions (`EdgeRecord.attempts`). */
export interface AttemptRecord {
  readonly index: number;
  readonly priority: number;
  readonly host: string;
  status?: number;
  retried?: boolean;
  error?: string;
  request?: { readonly path: string; readonly headers: ReadonlyArray<readonly [string, string]>; body: Buffer };
  /** The upstream filter's own record (messages sent and received), when the cluster has one. */
  filterRecord?: EdgeRecord;
}

export class AttemptRunner {
  private readonly body: Buffer[] = [];
  private readonly tried = new Set<number>();
  private index = 0;
  private current: { filter: ExtProcFilter | null; call: UpstreamCall | null; response: IncomingMessage | null } | null = null;
  private delivering = false;
  private aborted = false;
  readonly attempts: AttemptRecord[] = [];

  constructor(
    private readonly parent: AttemptParent,
    private readonly cluster: ClusterConfig,
    private readonly policy: RetryPolicy | undefined,
    private readonly base: HeaderList,
    private readonly autoHostRewrite: boolean,
  ) {}

  /** The router-level request body (U6: buffered for retries); the first attempt starts at its end. */
  write(data: Buffer, endStream: boolean): void {
    this.body.push(data);
    if (endStream) this.attempt();
  }

  abort(): void {
    this.aborted = true;
    this.dropCurrent();
  }

  private attempt(): void {
    if (this.aborted) return;
    const endpoint = this.pickEndpoint();
    if (!endpoint) return this.parent.upstreamFailed('connection_failure', `cluster ${this.cluster.name} has no endpoint`);
    const priority = endpoint.priority ?? 0;
    this.tried.add(priority);
    const target = this.resolve(endpoint, priority);
    const record: AttemptRecord = { index: this.index, priority, host: target.url };
    this.attempts.push(record);
    const headers = this.base.clone();
    // U9: auto_host_rewrite writes the hostname of the host this attempt goes to.
    if (this.autoHostRewrite && endpoint.hostname) headers.set(':authority', endpoint.hostname);
    const current: { filter: ExtProcFilter | null; call: UpstreamCall | null; response: IncomingMessage | null } = { filter: null, call: null, response: null };
    this.current = current;
    const startCall = (out: HeaderList, endStream: boolean): void => {
      const path = out.get(':path') ?? '/';
      const method = out.get(':method') ?? 'POST';
      const pairs: Array<readonly [string, string]> = [['host', out.get(':authority') ?? '']];
      for (const [name, value] of out.regular()) if (name !== 'host') pairs.push([name, value]);
      if (!out.has('content-length')) pairs.push(['transfer-encoding', 'chunked']);
      record.request = { path, headers: pairs, body: Buffer.alloc(0) };
      const handlers: UpstreamHandlers = {
        onResponse: (response) => this.onResponse(current, record, response, method),
        onError: (reason, message) => this.onError(current, record, reason, message),
      };
      current.call = new UpstreamCall(target.target, method, path, pairs, this.parent.agent, handlers);
      if (endStream) current.call.end();
    };
    const writeCall = (data: Buffer, endStream: boolean): void => {
      if (record.request) record.request.body = Buffer.concat([record.request.body, data]);
      current.call?.write(data, endStream);
    };
    const body = Buffer.concat(this.body);
    const settings = this.cluster.upstreamExtProc;
    if (!settings) {
      startCall(headers, body.length === 0);
      if (body.length > 0) writeCall(body, true);
      return;
    }
    const created = createRecord(this.parent.record.id * 1000 + this.index, headers.get(':method') ?? 'POST', headers.get(':path') ?? '/', new Date());
    record.filterRecord = created.record;
    const host = this.filterHost(settings, created.record, endpoint, target.url, headers, {
      headers: (out, endStream) => startCall(out, endStream),
      data: (data, endStream) => writeCall(data, endStream),
      bufferOverflow: () => this.finalReply(current, { status: 413, requestedStatus: 413, body: Buffer.from('Payload Too Large'), details: 'request_payload_too_large', decidedBy: 'B2', reason: 'B2: attempt body over the buffer limit' }),
    });
    current.filter = new ExtProcFilter(host);
    current.filter.decodeHeaders(headers, body.length === 0);
    if (body.length > 0) current.filter.decodeData(body, true);
  }

  /** U4: the lowest priority not tried yet (previous_priorities); all tried: start over. Without it, priority 0. */
  private pickEndpoint(): ClusterEndpoint | undefined {
    const priorities = [...new Set(this.cluster.endpoints.map((endpoint) => endpoint.priority ?? 0))].sort((a, b) => a - b);
    let candidates = this.policy?.previousPriorities ? priorities.filter((priority) => !this.tried.has(priority)) : priorities;
    if (candidates.length === 0) {
      this.tried.clear();
      candidates = priorities;
    }
    return this.cluster.endpoints.find((endpoint) => (endpoint.priority ?? 0) === candidates[0]);
  }

  private resolve(endpoint: ClusterEndpoint, priority: number): { target: { host: string; port: number }; url: string } {
    const override = this.parent.upstreams[`${this.cluster.name}@${priority}`] ?? this.parent.upstreams[this.cluster.name];
    if (override !== undefined) {
      const url = new URL(override);
      return { target: { host: url.hostname, port: Number(url.port || 80) }, url: `${url.protocol}//${url.host}` };
    }
    const host = endpoint.address ?? '127.0.0.1';
    const port = endpoint.port ?? 80;
    return { target: { host, port }, url: `http://${host}:${port}` };
  }

  private onResponse(current: NonNullable<AttemptRunner['current']>, record: AttemptRecord, response: IncomingMessage, method: string): void {
    if (this.current !== current || this.aborted) {
      response.destroy();
      return;
    }
    current.response = response;
    const status = response.statusCode ?? 502;
    record.status = status;
    const headers = new HeaderList([[':status', String(status)]]);
    const raw = response.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i].toLowerCase())) headers.add(raw[i].toLowerCase(), raw[i + 1]);
    const endStream = method === 'HEAD' || status === 204 || status === 304 || headers.get('content-length') === '0';
    // U7: the response goes through the attempt's upstream filters before the router sees it.
    if (current.filter) current.filter.encodeHeaders(headers, endStream);
    else this.onFilteredHeaders(current, headers, endStream);
    response.on('data', (chunk: Buffer) => {
      if (this.current !== current) return;
      if (current.filter) current.filter.encodeData(chunk, false);
      else if (this.delivering) this.parent.deliverData(chunk, false);
    });
    response.on('end', () => {
      if (this.current !== current || endStream) return;
      if (current.filter) current.filter.encodeData(Buffer.alloc(0), true);
      else if (this.delivering) this.parent.deliverData(Buffer.alloc(0), true);
    });
  }

  /** The router's retry decision on the attempt's (filtered) response headers (U3, U8). */
  private onFilteredHeaders(current: NonNullable<AttemptRunner['current']>, headers: HeaderList, endStream: boolean): void {
    const status = Number(headers.get(':status') ?? '0');
    const retriable = this.policy !== undefined && this.policy.retryOn.includes('retriable-status-codes') && this.policy.retriableStatusCodes.includes(status);
    if (retriable && this.index < (this.policy?.numRetries ?? 0)) return this.retry(current, `status ${status}`);
    this.delivering = true;
    this.parent.deliverHeaders(headers, endStream);
  }

  private onError(current: NonNullable<AttemptRunner['current']>, record: AttemptRecord, reason: 'connection_failure' | 'connection_termination' | 'protocol_error', message: string): void {
    if (this.current !== current || this.aborted) return;
    record.error = `${reason}: ${message}`;
    const retryOn = this.policy?.retryOn ?? [];
    const retriable = (reason === 'connection_failure' && retryOn.includes('connect-failure')) || (reason === 'connection_termination' && retryOn.includes('reset'));
    if (retriable && !this.delivering && this.index < (this.policy?.numRetries ?? 0)) return this.retry(current, reason);
    this.dropCurrent();
    this.parent.upstreamFailed(reason, message);
  }

  private retry(current: NonNullable<AttemptRunner['current']>, why: string): void {
    const record = this.attempts[this.attempts.length - 1];
    if (record) record.retried = true;
    this.parent.record.events.push({ atMs: this.parent.elapsedMs(), what: `router: attempt ${this.index} retried (${why}) (U3)` });
    if (this.current === current) this.dropCurrent();
    this.index += 1;
    // Envoy backs off (retry_back_off); one event-loop turn is enough for the edge.
    setImmediate(() => this.attempt());
  }

  /** U3: an upstream filter's local reply is the attempt's final answer, never retried. */
  private finalReply(current: NonNullable<AttemptRunner['current']>, reply: LocalReplyRequest): void {
    if (this.current !== current || this.aborted) return;
    current.call?.abort();
    current.call = null;
    const headers = new HeaderList([[':status', String(reply.status)]]);
    reply.mutateHeaders?.(headers);
    if (reply.body.length > 0) headers.set('content-length', String(reply.body.length));
    this.parent.record.events.push({ atMs: this.parent.elapsedMs(), what: `upstream filter local reply ${reply.status}: final (U3)` });
    this.delivering = true;
    this.parent.deliverHeaders(headers, reply.body.length === 0);
    if (reply.body.length > 0) this.parent.deliverData(reply.body, true);
  }

  private dropCurrent(): void {
    const current = this.current;
    if (!current) return;
    current.call?.abort();
    current.response?.destroy();
    current.filter?.onDestroy();
    this.current = null;
  }

  private filterHost(settings: NonNullable<ClusterConfig['upstreamExtProc']>, record: EdgeRecord, endpoint: ClusterEndpoint, url: string, headers: HeaderList, requestSink: DirectionSink): FilterHost {
    const parent = this.parent;
    const current = (): NonNullable<AttemptRunner['current']> | null => this.current;
    const runner = this;
    const owner = this.current;
    return {
      config: { ...parent.config, extProc: settings },
      record,
      bufferLimitBytes: parent.bufferLimitBytes,
      requestSink,
      responseSink: {
        headers: (out, endStream) => {
          const active = current();
          if (active && active === owner) runner.onFilteredHeaders(active, out, endStream);
        },
        data: (data, endStream) => {
          if (runner.delivering && current() === owner) parent.deliverData(data, endStream);
        },
        bufferOverflow: () => undefined,
      },
      elapsedMs: () => parent.elapsedMs(),
      attributeContext: () => ({ ...parent.attributeContext(), requestHeaders: headers, upstreamHost: { address: url.replace(/^\w+:\/\//, ''), filterMetadata: endpoint.filterMetadata ?? {} } }),
      dynamicMetadata: () => parent.dynamicMetadata(),
      setDynamicMetadata: (namespace, value) => parent.setDynamicMetadata(namespace, value),
      openStream: (handlers) => parent.openStream(handlers),
      deferredCloseDone: () => undefined,
      sendLocalReply: (reply) => {
        if (owner) runner.finalReply(owner, reply);
      },
      clearRouteCache: () => 'an upstream filter has no route cache',
    };
  }
}
