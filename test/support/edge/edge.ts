/**
 * The test edge: an HTTP/1.1 front that plays Envoy's ext_proc filter against a real ext_proc server
 * (rules S1-T4 of shared/envoy-ext-proc.md) with the settings of the project's Envoy bootstrap, routes
 * like Envoy's router and records what it did for assertions.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type EdgeConfig, type EdgeOverrides, applyOverrides, defaultEnvoyConfigPath, loadEnvoyConfig } from './envoy-config';
import { type DynamicMetadataHook, Exchange, type ExchangeEnvironment } from './exchange';
import { ProcessorChannel } from './processor-stream';
import type { EdgeRecord } from './record';

export interface StartEdgeOptions {
  /** Envoy bootstrap to read; default envoy/envoy-local.yaml of this checkout. */
  readonly envoyConfigPath?: string;
  /** Where the ext_proc server listens: 'host:port' or 'unix:/path'. */
  readonly extProc: { readonly address: string };
  /** Cluster name -> 'http://127.0.0.1:port', replacing that cluster's endpoint address. */
  readonly upstreams?: Readonly<Record<string, string>>;
  /** ext_proc settings (and the buffer limit) a test wants different from the YAML. */
  readonly overrides?: EdgeOverrides;
  /** 0 or absent: an ephemeral port. */
  readonly port?: number;
  readonly host?: string;
  /** Dynamic metadata the filters ahead of ext_proc would have set (jwt_authn claims...), per request (H3). */
  readonly dynamicMetadata?: DynamicMetadataHook;
}

export interface Edge {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  /** The configuration in force (YAML plus overrides). */
  readonly config: EdgeConfig;
  /** One record per HTTP request, in arrival order (live objects: they fill in as the request runs). */
  readonly records: EdgeRecord[];
  lastRecord(): EdgeRecord | undefined;
  clearRecords(): void;
  /** Resolves when every request so far is over (response done or reset, processor stream closed). */
  settled(): Promise<void>;
  /** Resets what is in flight, closes the processor channel and the listener. */
  close(): Promise<void>;
}

export async function startEdge(options: StartEdgeOptions): Promise<Edge> {
  const config = applyOverrides(loadEnvoyConfig(options.envoyConfigPath ?? defaultEnvoyConfigPath()), options.overrides);
  const channel = new ProcessorChannel(options.extProc.address);
  const agent = new http.Agent({ keepAlive: false });
  const records: EdgeRecord[] = [];
  const live = new Set<Exchange>();
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  let nextConnectionId = 1;
  let nextRequestId = 1;

  const env: ExchangeEnvironment = {
    config,
    channel,
    upstreams: options.upstreams ?? {},
    agent,
    dynamicMetadata: options.dynamicMetadata,
    connectionId: (req) => connectionIds.get(req.socket) ?? 0,
    release: (exchange) => live.delete(exchange),
  };

  const server = http.createServer((req, res) => {
    const exchange = new Exchange(env, req, res, nextRequestId++);
    records.push(exchange.record);
    live.add(exchange);
    try {
      exchange.start();
    } catch (error) {
      // An exception here is a bug in the edge: make it loud, never a silent pass.
      exchange.record.events.push({ atMs: 0, what: `edge internal error: ${(error as Error).stack ?? String(error)}` });
      console.error('test edge internal error', error);
      exchange.abort();
    }
  });
  server.on('connection', (socket: Socket) => {
    connectionIds.set(socket, nextConnectionId++);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    config,
    records,
    lastRecord: () => records[records.length - 1],
    clearRecords: () => {
      records.length = 0;
    },
    settled: async () => {
      await Promise.all(records.map((r) => r.whenDone()));
    },
    close: () => {
      closed ??= (async () => {
        for (const exchange of [...live]) exchange.abort();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        await serverClosed;
        channel.close();
        agent.destroy();
      })();
      return closed;
    },
  };
}
