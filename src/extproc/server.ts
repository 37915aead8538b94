/**
 * The gRPC server Envoy talks to: ext_proc's Process plus grpc.health.v1.Health, on TCP (optionally
 * TLS with client-certificate verification) and/or a Unix socket. It tracks open streams so SIGTERM can
 * drain them: health turns NOT_SERVING first (Envoy's health checker stops sending new streams), open
 * streams finish up to the drain timeout, then the server stops.
 */
import { rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { ProtoProcessingRequest, ProtoProcessingResponse } from './envoy-types';
import { externalProcessorService } from './protos';
import { ExtProcSession } from './session';
import type { Pipeline } from '../pipeline/types';
import type { SidecarMetrics } from '../telemetry/metrics';
import type { TlsMaterial } from '../config/runtime';

export const EXT_PROC_SERVICE_NAME = 'envoy.service.ext_proc.v3.ExternalProcessor';

export interface ExtProcServerOptions {
  readonly tcp?: { readonly host: string; readonly port: number };
  readonly unixSocket?: string;
  readonly tls?: TlsMaterial;
  readonly maxMessageBytes: number;
  /** Returns the pipeline for a new stream: the current one, so a config reload applies to new streams only. */
  readonly pipeline: () => Pipeline;
  readonly logger: Logger;
  readonly metrics: SidecarMetrics;
}

export interface BoundAddresses {
  /** The TCP port actually bound (useful with port 0). */
  readonly tcpPort?: number;
  readonly unixSocket?: string;
}

type ProcessCall = grpc.ServerDuplexStream<ProtoProcessingRequest, ProtoProcessingResponse>;

export class ExtProcServer {
  private readonly server: grpc.Server;
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING', [EXT_PROC_SERVICE_NAME]: 'NOT_SERVING' });
  private readonly openCalls = new Set<ProcessCall>();
  private draining = false;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: ExtProcServerOptions) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': options.maxMessageBytes,
      'grpc.max_send_message_length': options.maxMessageBytes,
      // Envoy keeps the HTTP/2 connection to the sidecar open; answer its pings and allow frequent ones.
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5000,
    });
    this.server.addService(externalProcessorService(), { Process: (call: ProcessCall) => this.process(call) });
    this.health.addToServer(this.server);
  }

  get openStreamCount(): number {
    return this.openCalls.size;
  }

  async start(): Promise<BoundAddresses> {
    const { tcp, unixSocket, tls } = this.options;
    let tcpPort: number | undefined;
    if (tcp) {
      const credentials = tls
        ? grpc.ServerCredentials.createSsl(tls.clientCa ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.requireClientCert)
        : grpc.ServerCredentials.createInsecure();
      tcpPort = await this.bind(`${tcp.host.includes(':') ? `[${tcp.host}]` : tcp.host}:${tcp.port}`, credentials);
    }
    if (unixSocket) {
      // A socket file left by a crashed predecessor would make the bind fail with EADDRINUSE.
      rmSync(unixSocket, { force: true });
      await this.bind(`unix:${unixSocket}`, grpc.ServerCredentials.createInsecure());
    }
    this.setServing(true);
    this.options.logger.info({ tcpPort, unixSocket, tls: Boolean(tls) }, 'ext_proc server listening');
    return { tcpPort, unixSocket };
  }

  setServing(serving: boolean): void {
    const status = serving && !this.draining ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', status);
    this.health.setStatus(EXT_PROC_SERVICE_NAME, status);
  }

  /**
   * Stops accepting new streams, waits for open ones up to `timeoutMs`, then closes. Resolves with the
   * number of streams that had to be cut off (0 on a clean drain).
   */
  async drain(timeoutMs: number): Promise<number> {
    this.draining = true;
    this.setServing(false);
    const drained = new Promise<void>((resolve) => {
      if (this.openCalls.size === 0) resolve();
      else this.drainWaiters.push(resolve);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    const cutOff = this.openCalls.size;
    for (const call of this.openCalls) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'sidecar shutting down' });
    await this.shutdown();
    return cutOff;
  }

  /** Closes listeners and any remaining streams at once. */
  async shutdown(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.tryShutdown(() => resolve());
      // tryShutdown waits for calls; anything still open after drain is cut.
      setTimeout(() => this.server.forceShutdown(), 100).unref();
    });
    if (this.options.unixSocket) rmSync(this.options.unixSocket, { force: true });
  }

  private bind(address: string, credentials: grpc.ServerCredentials): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port)));
    });
  }

  private process(call: ProcessCall): void {
    const { metrics, logger } = this.options;
    this.openCalls.add(call);
    metrics.openStreams.inc();
    let closed = false;
    const session = new ExtProcSession(
      { pipeline: this.options.pipeline(), logger, metrics },
      {
        send: (response) => {
          if (!closed && !call.cancelled) call.write(response);
        },
        fail: (message) => {
          if (closed) return;
          closed = true;
          // grpc-js turns an 'error' event on a server stream into the stream's final status.
          call.emit('error', { code: grpc.status.INTERNAL, details: message });
        },
      },
    );
    const finish = (how: 'half-closed' | 'cancelled' | 'errored'): void => {
      session.close(how);
      if (!this.openCalls.delete(call)) return;
      metrics.openStreams.dec();
      if (this.openCalls.size === 0) this.drainWaiters.splice(0).forEach((resolve) => resolve());
    };
    call.on('data', (message: ProtoProcessingRequest) => session.receive(message));
    call.on('end', () => {
      // Envoy half-closes after the last message; finish our side once queued answers are written.
      session.whenIdle().then(() => {
        if (!closed) {
          closed = true;
          call.end();
        }
        finish('half-closed');
      });
    });
    // S5: Envoy resets the stream at the end of every request; CANCELLED is routine, not an error.
    call.on('cancelled', () => finish('cancelled'));
    call.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) logger.debug({ code: error.code }, 'ext_proc stream error');
      finish(error.code === grpc.status.CANCELLED ? 'cancelled' : 'errored');
    });
    call.on('close', () => finish('cancelled'));
  }
}
