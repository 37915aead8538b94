/**
 * The edge's side of the ext_proc gRPC protocol. One channel per edge (Envoy keeps one HTTP/2
 * connection per sidecar cluster); one Process stream per HTTP request, opened only when the first
 * message must go out and never reused (S1); closed the way Envoy closes it: half-close, then reset,
 * so the server sees CANCELLED after the last response (S5).
 */
import * as grpc from '@grpc/grpc-js';
import type { ProtoProcessingRequest, ProtoProcessingResponse } from '../../../src/extproc/envoy-types';
import { externalProcessorClient } from '../../../src/extproc/protos';

export interface StreamHandlers {
  onMessage(response: ProtoProcessingResponse): void;
  /** The server ended the stream: status OK (T2) or an error (T3). Not called after close(). */
  onRemoteClose(status: grpc.StatusObject): void;
}

export class ProcessorChannel {
  private readonly client: grpc.Client;
  private readonly path: string;
  private readonly serialize: (value: ProtoProcessingRequest) => Buffer;
  private readonly deserialize: (value: Buffer) => ProtoProcessingResponse;
  private readonly open = new Set<ProcessorStream>();

  /** address: 'host:port' or 'unix:/path' (grpc-js target syntax). */
  constructor(readonly address: string) {
    const Client = externalProcessorClient();
    const method = Client.service.Process;
    this.client = new Client(address, grpc.credentials.createInsecure());
    this.path = method.path;
    this.serialize = method.requestSerialize as (value: ProtoProcessingRequest) => Buffer;
    this.deserialize = method.responseDeserialize as (value: Buffer) => ProtoProcessingResponse;
  }

  openStream(handlers: StreamHandlers): ProcessorStream {
    const call = this.client.makeBidiStreamRequest<ProtoProcessingRequest, ProtoProcessingResponse>(this.path, this.serialize, this.deserialize);
    const stream = new ProcessorStream(call, handlers, () => this.open.delete(stream));
    this.open.add(stream);
    return stream;
  }

  /** Cancels what is still open and closes the channel (no open handles after tests). */
  close(): void {
    for (const stream of [...this.open]) stream.close();
    this.client.close();
  }
}

export class ProcessorStream {
  private closedLocally = false;
  private remoteClosed = false;

  constructor(
    private readonly call: grpc.ClientDuplexStream<ProtoProcessingRequest, ProtoProcessingResponse>,
    private readonly handlers: StreamHandlers,
    private readonly onFinished: () => void,
  ) {
    call.on('data', (response: ProtoProcessingResponse) => {
      if (!this.closedLocally) handlers.onMessage(response);
    });
    call.on('status', (status: grpc.StatusObject) => {
      this.remoteClosed = true;
      this.onFinished();
      if (!this.closedLocally) handlers.onRemoteClose(status);
    });
    // The status event carries the outcome; 'error' must still be consumed (a cancelled call emits it).
    call.on('error', () => undefined);
  }

  get isOpen(): boolean {
    return !this.closedLocally && !this.remoteClosed;
  }

  send(request: ProtoProcessingRequest): void {
    if (this.isOpen) this.call.write(request);
  }

  /** S5: half-close then reset. Safe to call twice and after the server already ended the stream. */
  close(): void {
    if (this.closedLocally) return;
    this.closedLocally = true;
    if (!this.remoteClosed) {
      this.call.end();
      this.call.cancel();
    }
    this.onFinished();
  }
}
