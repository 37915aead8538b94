/**
 * A real ext_proc gRPC server (real socket, ephemeral port or Unix socket) driven by a per-test script,
 * to make the processor behave — or misbehave — exactly as a conformance test needs: answer, answer
 * wrongly, answer twice, stay silent, wait, close with OK or fail the stream.
 *
 * The script is called once per ProcessingRequest, in order, per stream. It returns what to do:
 * - a ProcessingResponse (sent at once),
 * - a list of steps (`send`, `delay`, `closeOk`, `fail`, `waitFor`) run in order,
 * - undefined (no answer).
 * Steps of one stream run one after another, as a sequential sidecar would.
 */
import * as grpc from '@grpc/grpc-js';
import type {
  ProcessingRequestKind,
  ProtoCommonResponse,
  ProtoHeaderValueOption,
  ProtoProcessingRequest,
  ProtoProcessingResponse,
} from '../../../src/extproc/envoy-types';
import { externalProcessorService } from '../../../src/extproc/protos';

export type ScriptStep =
  | { readonly step: 'send'; readonly response: ProtoProcessingResponse }
  | { readonly step: 'delay'; readonly ms: number }
  | { readonly step: 'close-ok' }
  | { readonly step: 'fail'; readonly code: grpc.status; readonly details: string }
  | { readonly step: 'wait'; readonly until: Promise<unknown> };

export type ScriptResult = ProtoProcessingResponse | readonly ScriptStep[] | undefined | void;

export interface ScriptContext {
  /** 0-based index of the stream on this server. */
  readonly streamIndex: number;
  /** 0-based index of this request within the stream. */
  readonly messageIndex: number;
  readonly stream: StreamLog;
}

export type Script = (request: ProtoProcessingRequest, ctx: ScriptContext) => ScriptResult;

export type StreamEventKind = 'request' | 'response' | 'half-close' | 'cancelled' | 'closed-ok' | 'failed';

export interface StreamEvent {
  readonly atMs: number;
  readonly kind: StreamEventKind;
  readonly detail?: string;
}

export interface StreamLog {
  readonly index: number;
  readonly requests: ProtoProcessingRequest[];
  readonly responses: ProtoProcessingResponse[];
  readonly events: StreamEvent[];
  /** The client ended its side (half-close). */
  halfClosed: boolean;
  /** The client reset the stream (S5: Envoy's normal way to end it). */
  cancelled: boolean;
  /** The server ended the stream itself (closeOk / fail). */
  endedByServer: boolean;
  /** Resolves when the stream is over, whoever ended it. */
  readonly ended: Promise<void>;
}

export interface ScriptedProcessor {
  /** grpc-js target: '127.0.0.1:port' or 'unix:/path'. */
  readonly address: string;
  readonly streams: StreamLog[];
  setScript(script: Script): void;
  /** Resolves once at least `count` streams have ended. */
  waitForEndedStreams(count: number): Promise<void>;
  close(): Promise<void>;
}

// ---- building blocks for scripts ---------------------------------------------------------------

export const send = (response: ProtoProcessingResponse): ScriptStep => ({ step: 'send', response });
export const delay = (ms: number): ScriptStep => ({ step: 'delay', ms });
export const closeOk = (): ScriptStep => ({ step: 'close-ok' });
export const fail = (code: grpc.status, details = 'scripted failure'): ScriptStep => ({ step: 'fail', code, details });
export const waitFor = (until: Promise<unknown>): ScriptStep => ({ step: 'wait', until });

/** The kind of a ProcessingRequest (which oneof member is set). */
export function kindOf(request: ProtoProcessingRequest): ProcessingRequestKind {
  const kinds: ProcessingRequestKind[] = ['request_headers', 'response_headers', 'request_body', 'response_body', 'request_trailers', 'response_trailers'];
  const kind = request.request ?? kinds.find((k) => request[k] !== undefined);
  if (!kind) throw new Error('ProcessingRequest without a request oneof');
  return kind;
}

/** The response of the matching kind (S3) carrying `common` (CONTINUE with no change by default). */
export function answer(request: ProtoProcessingRequest, common: ProtoCommonResponse = {}, extra: Partial<ProtoProcessingResponse> = {}): ProtoProcessingResponse {
  const kind = kindOf(request);
  if (kind === 'request_trailers' || kind === 'response_trailers') return { [kind]: {}, ...extra };
  return { [kind]: { response: common }, ...extra };
}

/** A set_headers entry the way Envoy 1.32+ wants it: value in raw_value only (R2). */
export function setHeader(key: string, value: string, append = false): ProtoHeaderValueOption {
  return { header: { key, raw_value: Buffer.from(value, 'latin1') }, append: { value: append } };
}

/** Answers every message unchanged. */
export const passThrough: Script = (request) => answer(request);

/** Per-kind scripts; kinds not listed are answered unchanged. */
export function byKind(handlers: Partial<Record<ProcessingRequestKind, Script>>): Script {
  return (request, ctx) => (handlers[kindOf(request)] ?? passThrough)(request, ctx);
}

/** Header values of a request's headers message, as the edge sent them (raw_value, H2). */
export function headerValue(request: ProtoProcessingRequest, name: string): string | undefined {
  const headers = request.request_headers ?? request.response_headers;
  const entry = headers?.headers?.headers?.find((h) => h.key === name);
  return entry ? Buffer.from(entry.raw_value ?? Buffer.alloc(0)).toString('latin1') : undefined;
}

// ---- the server ---------------------------------------------------------------------------------

export interface ScriptedProcessorOptions {
  /** Listen on this Unix socket path instead of 127.0.0.1:0. */
  readonly unixSocketPath?: string;
}

export async function startScriptedProcessor(script: Script = passThrough, options: ScriptedProcessorOptions = {}): Promise<ScriptedProcessor> {
  let current = script;
  const started = Date.now();
  const streams: StreamLog[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const endWaiters: Array<{ count: number; resolve: () => void }> = [];
  let endedCount = 0;
  const server = new grpc.Server();

  const noteEnded = (): void => {
    endedCount++;
    for (const waiter of [...endWaiters]) {
      if (endedCount >= waiter.count) {
        endWaiters.splice(endWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  const handler = (call: grpc.ServerDuplexStream<ProtoProcessingRequest, ProtoProcessingResponse>): void => {
    let resolveEnded: () => void = () => undefined;
    const log: StreamLog = {
      index: streams.length,
      requests: [],
      responses: [],
      events: [],
      halfClosed: false,
      cancelled: false,
      endedByServer: false,
      ended: new Promise<void>((resolve) => {
        resolveEnded = resolve;
      }),
    };
    streams.push(log);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      resolveEnded();
      noteEnded();
    };
    const event = (kind: StreamEventKind, detail?: string): void => {
      log.events.push({ atMs: Date.now() - started, kind, detail });
    };
    const live = (): boolean => !finished && !log.cancelled && !log.endedByServer;
    let chain: Promise<void> = Promise.resolve();

    const runStep = async (step: ScriptStep): Promise<void> => {
      if (!live()) return;
      switch (step.step) {
        case 'send':
          log.responses.push(step.response);
          event('response', Object.keys(step.response).join(','));
          call.write(step.response);
          return;
        case 'delay':
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              timers.delete(timer);
              resolve();
            }, step.ms);
            timers.add(timer);
          });
          return;
        case 'wait':
          await step.until;
          return;
        case 'close-ok':
          log.endedByServer = true;
          event('closed-ok');
          call.end();
          finish();
          return;
        case 'fail':
          log.endedByServer = true;
          event('failed', `${step.code} ${step.details}`);
          call.emit('error', { code: step.code, details: step.details });
          finish();
          return;
      }
    };

    call.on('data', (request: ProtoProcessingRequest) => {
      log.requests.push(request);
      event('request', kindOf(request));
      const ctx: ScriptContext = { streamIndex: log.index, messageIndex: log.requests.length - 1, stream: log };
      chain = chain.then(async () => {
        if (!live()) return;
        const result = current(request, ctx);
        if (!result) return;
        const steps: readonly ScriptStep[] = Array.isArray(result) ? result : [send(result as ProtoProcessingResponse)];
        for (const step of steps) await runStep(step);
      });
      chain.catch((error: unknown) => {
        // A script that throws is a broken test: fail the stream loudly so the test sees it.
        event('failed', `script error: ${(error as Error).message}`);
        if (live()) call.emit('error', { code: grpc.status.INTERNAL, details: `script error: ${(error as Error).message}` });
        finish();
      });
    });
    // A half-close alone does not end the stream here: Envoy follows it with a reset (S5), and the
    // log must show whether that CANCELLED came.
    call.on('end', () => {
      log.halfClosed = true;
      event('half-close');
    });
    call.on('cancelled', () => {
      log.cancelled = true;
      event('cancelled');
      finish();
    });
    call.on('error', () => finish());
  };

  server.addService(externalProcessorService(), { Process: handler });
  const target = options.unixSocketPath ? `unix:${options.unixSocketPath}` : '127.0.0.1:0';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });

  return {
    address: options.unixSocketPath ? `unix:${options.unixSocketPath}` : `127.0.0.1:${port}`,
    streams,
    setScript: (next) => {
      current = next;
    },
    waitForEndedStreams: (count) =>
      endedCount >= count ? Promise.resolve() : new Promise<void>((resolve) => endWaiters.push({ count, resolve })),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.forceShutdown();
    },
  };
}
