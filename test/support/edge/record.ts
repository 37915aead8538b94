/**
 * What the edge did for one HTTP request, for assertions. Every decision that a rule of
 * shared/envoy-ext-proc.md governs leaves an entry here, tagged with the rule ID where one applies.
 */
import type { AttemptRecord } from './upstream-attempts';
import type {
  ProcessingRequestKind,
  ProcessingResponseKind,
  ProtoProcessingMode,
  ProtoProcessingRequest,
  ProtoProcessingResponse,
} from '../../../src/extproc/envoy-types';
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import type { ProcessingMode } from './config-types';
import type { HeaderPair } from './headers';
import type { MutationEvent } from './mutation-rules';

export type RuleId =
  | 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6'
  | 'H1' | 'H2' | 'H3'
  | 'B1' | 'B2' | 'B3' | 'B4' | 'B5' | 'B6'
  | 'R1' | 'R2' | 'R3' | 'R4' | 'R5' | 'R6' | 'R7' | 'R8'
  | 'T1' | 'T2' | 'T3' | 'T4';

/** Who decided a local reply or reset: an ext_proc rule, Envoy's router, or its connection manager. */
export type Decider = RuleId | 'router' | 'hcm';

export type Phase = 'request_headers' | 'request_body' | 'response_headers' | 'response_body' | 'immediate_response';

export interface SentMessage {
  readonly atMs: number;
  readonly kind: ProcessingRequestKind;
  readonly message: ProtoProcessingRequest;
}

export interface ReceivedMessage {
  readonly atMs: number;
  readonly kind: ProcessingResponseKind | 'none';
  readonly message: ProtoProcessingResponse;
  /**
   * handled: applied. spurious: did not match what the edge waited for (S3). error: failed the request
   * (R2, R3, T4, B5). ignored: after processing completed, in observability mode (S6), or a timeout
   * extension message (R8).
   */
  handling: 'handled' | 'spurious' | 'error' | 'ignored';
  note?: string;
}

export interface HeaderMutationRecord extends MutationEvent {
  readonly phase: Phase;
}

export interface BodyMutationRecord {
  readonly phase: Phase;
  /** Index of the streamed chunk this answers (B3), or undefined for a whole body. */
  readonly chunk?: number;
  readonly kind: 'replace' | 'clear' | 'none';
  readonly before: number;
  readonly after: number;
  readonly via: 'body_response' | 'continue_and_replace';
}

export interface MetadataRecord {
  readonly phase: Phase;
  readonly namespace: string;
  readonly value: JsonValue;
  readonly kept: boolean;
  readonly reason: string;
}

export interface ModeOverrideRecord {
  readonly phase: Phase | 'none';
  readonly requested: ProtoProcessingMode;
  readonly outcome: 'accepted' | 'ignored';
  readonly effective?: ProcessingMode;
  readonly reason: string;
}

export interface TimeoutOverrideRecord {
  readonly requestedMs: number;
  readonly outcome: 'applied' | 'ignored';
  readonly reason: string;
}

export interface RouteSummary {
  readonly virtualHost: string;
  readonly routeIndex: number;
  readonly routeName?: string;
  readonly cluster: string | null;
  readonly clusterFrom: 'cluster' | 'cluster_header' | 'direct_response';
}

export interface RouteCacheEvent {
  readonly phase: Phase;
  readonly outcome: 'cleared' | 'ignored';
  readonly reason: string;
}

export interface UpstreamRecord {
  readonly cluster: string;
  readonly url: string;
  /** Host header sent (after auto_host_rewrite / host_rewrite_literal). */
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly headers: HeaderPair[];
  body: Buffer;
  complete: boolean;
  status?: number;
  responseHeaders?: HeaderPair[];
  /** The upstream response's end has reached the filter chain (all its data was handed to the filters). */
  responseEnded?: boolean;
  error?: string;
}

export interface LocalReplyRecord {
  /** Status sent (after local_reply_config mappers). */
  readonly status: number;
  /** Status asked for (before mappers), e.g. 100 from an immediate_response before R5 made it 200. */
  readonly requestedStatus: number;
  readonly decidedBy: Decider;
  readonly reason: string;
  readonly details: string;
  readonly body: string;
  readonly mapper: number;
  readonly format: 'mapper' | 'default' | 'none';
  /** filter_chain: through the response path (ext_proc may see it); direct: bypassing filters. */
  readonly path: 'filter_chain' | 'direct';
}

export interface ResetRecord {
  readonly decidedBy: Decider;
  readonly reason: string;
}

export interface DownstreamRecord {
  status?: number;
  headers?: HeaderPair[];
  body: Buffer;
  complete: boolean;
}

export interface ProcessorRecord {
  /** S1: streams opened for this request (0 or 1). */
  streamsOpened: number;
  sent: SentMessage[];
  received: ReceivedMessage[];
  /** How the edge ended the stream (S5) or how the server did (T2, T3). */
  closedBy: null | 'edge' | 'edge-deferred' | 'server-ok' | 'server-error';
  remoteStatus: null | { code: number; details: string };
  /** Why the edge stopped talking to the processor for this request. */
  completeReason: null | string;
}

export interface EdgeEvent {
  readonly atMs: number;
  readonly rule?: RuleId;
  readonly what: string;
}

export interface EdgeRecord {
  readonly id: number;
  requestId: string;
  readonly method: string;
  readonly path: string;
  readonly startedAt: Date;
  /** Request headers after Envoy's connection manager normalised them (H1), before any filter. */
  requestHeaders: HeaderPair[];
  /** Buffer limit that applied (B2): listener, or the route's per_request_buffer_limit_bytes. */
  bufferLimitBytes: number;
  route: { initial: RouteSummary | null; final: RouteSummary | null; reselected: boolean; cache: RouteCacheEvent[] };
  upstream: UpstreamRecord | null;
  /** Router attempts over a failover cluster (UPSTREAM-RULES.md), when the route retried through one. */
  attempts?: AttemptRecord[];
  processor: ProcessorRecord;
  mutations: HeaderMutationRecord[];
  bodyMutations: BodyMutationRecord[];
  /** R7: every namespace received, kept or dropped; `kept` is the request's dynamic metadata now. */
  dynamicMetadata: { received: MetadataRecord[]; kept: Record<string, JsonObject> };
  modeOverrides: ModeOverrideRecord[];
  timeoutOverrides: TimeoutOverrideRecord[];
  /** H3: attributes sent on the first message of each direction. */
  attributes: { request?: Record<string, JsonValue>; response?: Record<string, JsonValue>; missing: string[] };
  localReply: LocalReplyRecord | null;
  reset: ResetRecord | null;
  response: DownstreamRecord;
  events: EdgeEvent[];
  done: boolean;
  /** Resolves once the exchange is over: response finished or reset, processor stream closed. */
  whenDone(): Promise<void>;
}

export function createRecord(id: number, method: string, path: string, startedAt: Date): { record: EdgeRecord; finish: () => void } {
  let resolveDone: () => void = () => undefined;
  const donePromise = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const record: EdgeRecord = {
    id,
    requestId: '',
    method,
    path,
    startedAt,
    requestHeaders: [],
    bufferLimitBytes: 0,
    route: { initial: null, final: null, reselected: false, cache: [] },
    upstream: null,
    processor: { streamsOpened: 0, sent: [], received: [], closedBy: null, remoteStatus: null, completeReason: null },
    mutations: [],
    bodyMutations: [],
    dynamicMetadata: { received: [], kept: {} },
    modeOverrides: [],
    timeoutOverrides: [],
    attributes: { missing: [] },
    localReply: null,
    reset: null,
    response: { body: Buffer.alloc(0), complete: false },
    events: [],
    done: false,
    whenDone: () => donePromise,
  };
  return {
    record,
    finish: () => {
      record.done = true;
      resolveDone();
    },
  };
}
