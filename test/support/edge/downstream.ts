/** The response to the client, written the way Envoy's HTTP/1.1 codec frames it. */
import type { ServerResponse } from 'node:http';
import type { HeaderList } from './headers';
import type { EdgeRecord } from './record';

export class DownstreamWriter {
  headersSent = false;
  ended = false;
  private expectedLength: number | null = null;
  private written = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly record: EdgeRecord,
    /** Content-Length kept but the body changed size: the client cannot read this response. */
    private readonly onFramingError: (reason: string) => void,
  ) {}

  writeHeaders(headers: HeaderList, endStream: boolean): void {
    if (this.headersSent || this.res.destroyed) return;
    this.headersSent = true;
    const status = Number(headers.get(':status') ?? '200');
    const out = headers.clone();
    // Envoy's codec frames a headers-only response with an explicit zero length.
    if (endStream && !out.has('content-length') && status !== 204 && status !== 304) out.set('content-length', '0');
    // The connection manager overwrites `server` (server_header_transformation: OVERWRITE).
    out.set('server', 'envoy');
    const length = out.get('content-length');
    this.expectedLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
    const flat: string[] = [];
    for (const [name, value] of out.regular()) flat.push(name, value);
    this.record.response.status = status;
    this.record.response.headers = out.pairs();
    this.res.writeHead(status, flat);
    if (endStream) this.end();
  }

  write(data: Buffer, endStream: boolean): void {
    if (!this.headersSent || this.ended || this.res.destroyed) return;
    this.written += data.length;
    if (this.expectedLength !== null && (this.written > this.expectedLength || (endStream && this.written !== this.expectedLength))) {
      this.onFramingError(`B5: response body of ${this.written} bytes does not match the content-length ${this.expectedLength} that was kept`);
      return;
    }
    if (data.length > 0) {
      this.record.response.body = Buffer.concat([this.record.response.body, data]);
      this.res.write(data);
    }
    if (endStream) this.end();
  }

  /** The client sees a truncated response (R5 after headers, T3, B2 on the response path). */
  reset(): void {
    this.ended = true;
    this.res.destroy();
  }

  private end(): void {
    this.ended = true;
    this.record.response.complete = true;
    this.res.end();
  }
}
