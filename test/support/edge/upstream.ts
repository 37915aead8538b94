/** The router's HTTP/1.1 request to the chosen cluster's endpoint. */
import * as http from 'node:http';
import type { HeaderPair } from './headers';
import type { UpstreamTarget } from './router';

export interface UpstreamHandlers {
  onResponse(response: http.IncomingMessage): void;
  /** The request failed before a response arrived (connect failure, reset, framing). */
  onError(reason: 'connection_failure' | 'connection_termination' | 'protocol_error', message: string): void;
}

export class UpstreamCall {
  private readonly request: http.ClientRequest;
  private readonly expectedLength: number | null;
  private written = 0;
  private ended = false;
  private failed = false;

  constructor(
    target: UpstreamTarget,
    method: string,
    path: string,
    headers: readonly HeaderPair[],
    agent: http.Agent,
    private readonly handlers: UpstreamHandlers,
  ) {
    const flat: string[] = [];
    for (const [name, value] of headers) flat.push(name, value);
    const length = headers.find(([name]) => name === 'content-length')?.[1];
    this.expectedLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
    this.request = http.request({
      ...('socketPath' in target ? { socketPath: target.socketPath } : { host: target.host, port: target.port }),
      method,
      path,
      headers: flat,
      agent,
      setHost: false,
    });
    this.request.on('response', (response) => handlers.onResponse(response));
    this.request.on('error', (error: NodeJS.ErrnoException) => {
      if (this.failed) return;
      this.failed = true;
      const refused = error.code === 'ECONNREFUSED' || error.code === 'ENOENT' || error.code === 'EHOSTUNREACH';
      handlers.onError(refused ? 'connection_failure' : 'connection_termination', error.message);
    });
  }

  get bytesWritten(): number {
    return this.written;
  }

  write(data: Buffer, endStream: boolean): void {
    if (this.ended || this.failed) return;
    this.written += data.length;
    if (this.expectedLength !== null && (this.written > this.expectedLength || (endStream && this.written !== this.expectedLength))) {
      // Content-Length was kept but the body changed size: the upstream would misread the stream.
      this.fail(`body of ${this.written} bytes does not match content-length ${this.expectedLength}`);
      return;
    }
    if (data.length > 0) this.request.write(data);
    if (endStream) this.end();
  }

  end(): void {
    if (this.ended || this.failed) return;
    this.ended = true;
    this.request.end();
  }

  abort(): void {
    this.failed = true;
    this.request.destroy();
  }

  private fail(message: string): void {
    this.failed = true;
    this.request.destroy();
    this.handlers.onError('protocol_error', message);
  }
}
