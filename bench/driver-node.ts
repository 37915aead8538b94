/**
 * The Node fallback of the load driver (bench/driver-go is the default): plays Envoy's ext_proc filter
 * with grpc-js, sending the pre-encoded messages of bench/scenario.ts through a pass-through serializer
 * (no per-message encoding). Same protocol, flags and JSON output as the Go driver; see its header.
 *
 *   node dist/bench/driver-node.js -addr HOST:PORT -scenario FILE [-concurrency N] [-warmup S]
 *        [-duration S] [-requests N] [-server-pid PID]
 *
 * `runExchanges` is also usable in-process, for a quick protocol check against a server.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ProtoProcessingResponse } from '../src/extproc/envoy-types';
import { machineCpuSeconds, processCpuSeconds, Samples, summarize, type DriverResult, type MessageKind, type Percentiles } from './measure';
import { decodeResponse, readScenarioFile, type BodyMode, type EncodedScenario } from './scenario';

const PROCESS_PATH = '/envoy.service.ext_proc.v3.ExternalProcessor/Process';
const passthrough = (frame: Buffer): Buffer => frame;

type Mode = { requestBody: BodyMode; responseHeaders: string; responseBody: BodyMode };
type Outcome = 'completed' | 'immediate';

class ProtocolError extends Error {}

/** Collects one stream's responses and its final status; `next()` waits for the next response. */
class Inbox {
  private readonly queue: ProtoProcessingResponse[] = [];
  private waiter: (() => void) | undefined;
  private status: grpc.StatusObject | undefined;

  constructor(call: grpc.ClientDuplexStream<Buffer, ProtoProcessingResponse>) {
    call.on('data', (response: ProtoProcessingResponse) => {
      this.queue.push(response);
      this.wake();
    });
    call.on('status', (status: grpc.StatusObject) => {
      this.status = status;
      this.wake();
    });
    // A non-OK status is also emitted as 'error'; 'status' carries everything we need.
    call.on('error', () => undefined);
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
  }

  async next(what: string): Promise<ProtoProcessingResponse> {
    while (this.queue.length === 0) {
      if (this.status) {
        throw this.status.code === grpc.status.OK
          ? new ProtocolError(`stream closed before the ${what} response`)
          : new Error(`${grpc.status[this.status.code]}: ${this.status.details}`);
      }
      await this.wait();
    }
    return this.queue.shift() as ProtoProcessingResponse;
  }

  async end(): Promise<void> {
    while (!this.status) {
      if (this.queue.length > 0) throw new ProtocolError(`spurious response after the last message: ${this.queue[0].response ?? '?'}`);
      await this.wait();
    }
    if (this.queue.length > 0) throw new ProtocolError(`spurious response after the last message: ${this.queue[0].response ?? '?'}`);
    if (this.status.code !== grpc.status.OK) throw new Error(`status ${grpc.status[this.status.code]}: ${this.status.details}`);
  }
}

export interface ExchangeObserver {
  /** Called with each message's round-trip time in nanoseconds. */
  onMessage?(kind: MessageKind, ns: number): void;
}

/** One simulated HTTP request on one stream. Returns how it ended and how many messages were sent. */
export async function exchange(
  client: grpc.Client,
  scenario: EncodedScenario,
  headersIndex: number,
  observer: ExchangeObserver = {},
): Promise<{ outcome: Outcome; sent: number }> {
  const call = client.makeBidiStreamRequest<Buffer, ProtoProcessingResponse>(PROCESS_PATH, passthrough, decodeResponse);
  const inbox = new Inbox(call);
  const mode: Mode = { requestBody: scenario.defaultRequestBodyMode, responseHeaders: 'SEND', responseBody: scenario.defaultResponseBodyMode };
  let sent = 0;
  /** Sends one message and waits for its answer; true when the server answered with immediate_response. */
  const roundTrip = async (kind: MessageKind, frame: Buffer): Promise<boolean> => {
    const started = process.hrtime.bigint();
    call.write(frame);
    sent++;
    const response = await inbox.next(kind);
    observer.onMessage?.(kind, Number(process.hrtime.bigint() - started));
    const member = response.response ?? (response.immediate_response ? 'immediate_response' : undefined);
    if (member === 'immediate_response') return true;
    if (member !== kind) throw new ProtocolError(`spurious response to ${kind}: ${member ?? 'none'}`);
    // R6: mode_override only on a headers response, taken literally (unset = NONE).
    const override = response.mode_override;
    if (override && (kind === 'request_headers' || kind === 'response_headers')) {
      if (kind === 'request_headers') mode.requestBody = override.request_body_mode ?? 'NONE';
      mode.responseHeaders = override.response_header_mode ?? 'DEFAULT';
      mode.responseBody = override.response_body_mode ?? 'NONE';
    }
    return false;
  };
  const immediate = async (): Promise<{ outcome: Outcome; sent: number }> => {
    call.cancel();
    return { outcome: 'immediate', sent };
  };
  try {
    const headers = scenario.requestHeaders[headersIndex % scenario.requestHeaders.length];
    if (await roundTrip('request_headers', headers)) return immediate();
    if (mode.requestBody !== 'NONE' && (await roundTrip('request_body', scenario.requestBody))) return immediate();
    if (mode.responseHeaders !== 'SKIP' && (await roundTrip('response_headers', scenario.responseHeaders))) return immediate();
    if (mode.responseBody === 'STREAMED') {
      // B3: the next chunk only after the previous chunk's answer.
      for (const chunk of scenario.responseBodyStreamed) if (await roundTrip('response_body', chunk)) return immediate();
    } else if (mode.responseBody !== 'NONE') {
      if (await roundTrip('response_body', scenario.responseBodyBuffered)) return immediate();
    }
    call.end();
    await inbox.end();
    return { outcome: 'completed', sent };
  } catch (error) {
    call.cancel();
    throw error;
  }
}

export function newClient(address: string): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
}

/** For a protocol check: `count` exchanges, `concurrency` at a time; returns outcomes and messages sent. */
export async function runExchanges(
  address: string,
  scenario: EncodedScenario,
  count: number,
  concurrency = 1,
): Promise<{ completed: number; immediate: number; messages: number; responses: number }> {
  const client = newClient(address);
  const totals = { completed: 0, immediate: 0, messages: 0, responses: 0 };
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < count) {
      const index = issued++;
      const { outcome, sent } = await exchange(client, scenario, index, { onMessage: () => void totals.responses++ });
      totals[outcome]++;
      totals.messages += sent;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  } finally {
    client.close();
  }
  return totals;
}

export interface LoadOptions {
  readonly address: string;
  readonly scenario: EncodedScenario;
  readonly concurrency: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** If > 0, the window ends after this many exchanges (bounded by 10x durationSeconds). */
  readonly requests: number;
  readonly serverPid: number;
}

const KINDS: readonly MessageKind[] = ['request_headers', 'request_body', 'response_headers', 'response_body'];

export async function runLoad(options: LoadOptions): Promise<DriverResult> {
  const client = newClient(options.address);
  let phase: 'warmup' | 'measure' | 'done' = 'warmup';
  const exchangeNs = new Samples();
  const messageNs = new Map<MessageKind, Samples>(KINDS.map((k) => [k, new Samples()]));
  const errorKinds: Record<string, number> = {};
  let completed = 0;
  let immediate = 0;
  let messages = 0;
  let issued = 0;
  let windowFull: (() => void) | undefined;
  const observer: ExchangeObserver = {
    onMessage: (kind, ns) => {
      if (phase === 'measure') messageNs.get(kind)?.push(ns);
    },
  };
  const worker = async (): Promise<void> => {
    let consecutiveErrors = 0;
    while (phase !== 'done') {
      const started = process.hrtime.bigint();
      try {
        const { outcome, sent } = await exchange(client, options.scenario, issued++, observer);
        consecutiveErrors = 0;
        if (phase !== 'measure') continue;
        exchangeNs.push(Number(process.hrtime.bigint() - started));
        messages += sent;
        if (outcome === 'completed') completed++;
        else immediate++;
        if (options.requests > 0 && completed + immediate >= options.requests) windowFull?.();
      } catch (error) {
        const kind = error instanceof ProtocolError ? `protocol: ${error.message}` : String(error instanceof Error ? error.message : error).slice(0, 160);
        if (phase === 'measure') errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        if (++consecutiveErrors > 1000) {
          errorKinds[`gave up: ${kind}`] = (errorKinds[`gave up: ${kind}`] ?? 0) + 1;
          return;
        }
        if (consecutiveErrors > 10) await sleep(10);
      }
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);
  await sleep(options.warmupSeconds * 1000);
  const before = sample(options.serverPid);
  phase = 'measure';
  if (options.requests > 0) {
    await Promise.race([new Promise<void>((resolve) => (windowFull = resolve)), sleep(10 * options.durationSeconds * 1000)]);
  } else {
    await sleep(options.durationSeconds * 1000);
  }
  phase = 'done';
  const after = sample(options.serverPid);
  await Promise.all(workers);
  client.close();

  const requests = completed + immediate;
  const messageLatencyMs: Partial<Record<MessageKind | 'all', Percentiles>> = {};
  for (const [kind, samples] of messageNs) if (samples.size > 0) messageLatencyMs[kind] = summarize(samples.values());
  messageLatencyMs.all = summarize(Samples.concat([...messageNs.values()]));
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  return {
    driver: 'node',
    driverRuntime: process.version,
    scenario: options.scenario.name,
    concurrency: options.concurrency,
    warmupSeconds: options.warmupSeconds,
    measuredSeconds: Number(after.wall - before.wall) / 1e9,
    requests,
    completed,
    immediate,
    errors,
    errorKinds,
    messagesPerRequest: requests > 0 ? messages / requests : 0,
    latencyMs: summarize(exchangeNs.values()),
    messageLatencyMs,
    driverCpuSeconds: after.self - before.self,
    serverCpuSeconds: before.server !== undefined && after.server !== undefined ? after.server - before.server : null,
    machineCpuSeconds: before.machine && after.machine ? after.machine.busy - before.machine.busy : null,
    stealCpuSeconds: before.machine && after.machine ? after.machine.steal - before.machine.steal : null,
  };
}

function sample(serverPid: number): {
  wall: bigint;
  self: number;
  server: number | undefined;
  machine: { busy: number; steal: number } | undefined;
} {
  const usage = process.cpuUsage();
  return {
    wall: process.hrtime.bigint(),
    self: (usage.user + usage.system) / 1e6,
    server: serverPid > 0 ? processCpuSeconds(serverPid) : undefined,
    machine: machineCpuSeconds(),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Go-style flags: `-name value` or `-name=value` (also with `--`). */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`unexpected argument: ${argv[i]}`);
    flags.set(match[1], match[2] ?? argv[++i] ?? '');
  }
  return flags;
}

async function main(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv);
  const address = flags.get('addr');
  const scenarioPath = flags.get('scenario');
  if (!address || !scenarioPath) {
    throw new Error('usage: driver-node -addr HOST:PORT -scenario FILE [-concurrency N] [-warmup S] [-duration S] [-requests N] [-server-pid PID]');
  }
  const scenario = readScenarioFile(readFileSync(scenarioPath, 'utf8'));
  const result = await runLoad({
    address,
    scenario,
    concurrency: Number(flags.get('concurrency') ?? 1),
    warmupSeconds: Number(flags.get('warmup') ?? 2),
    durationSeconds: Number(flags.get('duration') ?? 10),
    requests: Number(flags.get('requests') ?? 0),
    serverPid: Number(flags.get('server-pid') ?? 0),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`driver-node: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
