/**
 * The benchmark's baseline: an ext_proc server that does nothing. Same library (grpc-js), same proto
 * definitions and loader options as the sidecar, so requests are decoded and responses encoded exactly as
 * the sidecar does; it answers every message with the matching empty response and ends the stream when
 * the client half-closes. What the sidecar costs beyond this is the cost of the sidecar itself.
 *
 * As a child process: `node dist/bench/noop-server.js [port]` prints `{"port":N}` on stdout once bound.
 */
import * as grpc from '@grpc/grpc-js';
import type { ProcessingRequestKind, ProtoProcessingRequest, ProtoProcessingResponse } from '../src/extproc/envoy-types';
import { externalProcessorService } from '../src/extproc/protos';

const KINDS: readonly ProcessingRequestKind[] = [
  'request_headers',
  'request_body',
  'response_headers',
  'response_body',
  'request_trailers',
  'response_trailers',
];

/** The matching empty response for one request (S3), or undefined for a message without a member. */
export function noopResponse(message: ProtoProcessingRequest): ProtoProcessingResponse | undefined {
  const kind = message.request ?? KINDS.find((k) => message[k] !== undefined);
  return kind ? { response: kind, [kind]: {} } : undefined;
}

export interface NoopServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startNoopServer(host = '127.0.0.1', port = 0): Promise<NoopServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
  });
  server.addService(externalProcessorService(), {
    Process: (call: grpc.ServerDuplexStream<ProtoProcessingRequest, ProtoProcessingResponse>) => {
      call.on('data', (message: ProtoProcessingRequest) => {
        const response = noopResponse(message);
        if (response) call.write(response);
        else call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'ProcessingRequest without a request member' });
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p)));
  });
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 100).unref();
      }),
  };
}

if (require.main === module) {
  const port = Number.parseInt(process.argv[2] ?? '0', 10) || 0;
  startNoopServer('127.0.0.1', port).then(
    (server) => {
      process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
      const stop = (): void => {
        void server.close().then(() => process.exit(0));
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`noop-server: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
