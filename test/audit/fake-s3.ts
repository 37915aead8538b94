/**
 * A recorded-protocol fake of the S3 REST API for the object sink's tests: path-style PUT and GET
 * Object on 127.0.0.1, answering as S3 does (XML errors with <Code>), and checking every request the
 * way S3 does: AWS Signature Version 4 recomputed here independently of src/audit/s3.ts from the raw
 * request (method, path as sent, query, the signed headers' raw values, payload hash), the payload hash
 * against the body, Content-MD5, the credential scope and the request time (15 minutes skew).
 * Failures can be queued (`failNext`), including a stored object whose reply is lost.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredObject {
  readonly body: Buffer;
  /** Lower-case header name -> value, as received. */
  readonly headers: Readonly<Record<string, string>>;
}

export type InjectedFailure = { readonly status: number; readonly code: string } | 'reset' | 'lose-reply';

export interface FakeS3Options {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly buckets: readonly string[];
  readonly sessionToken?: string;
  readonly clock?: () => number;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code?: string;
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class FakeS3 {
  readonly objects = new Map<string, StoredObject>();
  readonly log: LoggedRequest[] = [];
  readonly failNext: InjectedFailure[] = [];
  private server: Server | undefined;
  private port = 0;
  /** Credentials the server accepts (tests rotate them). */
  accessKeyId: string;
  secretAccessKey: string;

  constructor(private readonly options: FakeS3Options) {
    this.accessKeyId = options.accessKeyId;
    this.secretAccessKey = options.secretAccessKey;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Objects under a prefix, by key. */
  list(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  private fail(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
    this.log.push({ method: req.method ?? '', path: req.url ?? '', status, code });
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fake</RequestId></Error>`);
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const injected = this.failNext.shift();
    if (injected === 'reset') {
      this.log.push({ method: req.method ?? '', path: url.pathname, status: 0, code: 'reset' });
      req.socket.destroy();
      return;
    }
    if (injected && injected !== 'lose-reply') return this.fail(req, res, injected.status, injected.code, 'injected failure');

    const problem = this.checkSignature(req, url, body);
    if (problem) return this.fail(req, res, problem.status, problem.code, problem.message);

    const [, bucket, ...keyParts] = url.pathname.split('/');
    const key = keyParts.map((part) => decodeURIComponent(part)).join('/');
    if (!bucket || !this.options.buckets.includes(decodeURIComponent(bucket))) return this.fail(req, res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    const id = `${decodeURIComponent(bucket)}/${key}`;

    if (req.method === 'PUT') {
      const md5 = req.headers['content-md5'];
      if (typeof md5 === 'string' && createHash('md5').update(body).digest('base64') !== md5) return this.fail(req, res, 400, 'BadDigest', 'The Content-MD5 you specified did not match what we received');
      if (req.headers['if-none-match'] === '*' && this.objects.has(id)) return this.fail(req, res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      const headers: Record<string, string> = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!.toLowerCase()] = req.rawHeaders[i + 1]!;
      this.objects.set(id, { body, headers });
      this.log.push({ method: 'PUT', path: url.pathname, status: 200 });
      if (injected === 'lose-reply') {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      res.end();
      return;
    }
    if (req.method === 'GET') {
      const object = this.objects.get(id);
      if (!object) return this.fail(req, res, 404, 'NoSuchKey', 'The specified key does not exist.');
      this.log.push({ method: 'GET', path: url.pathname, status: 200 });
      res.writeHead(200, { 'content-length': object.body.length });
      res.end(object.body);
      return;
    }
    this.fail(req, res, 405, 'MethodNotAllowed', 'not in this fake');
  }

  /** SigV4 as S3 checks it; undefined when the request is authentic. */
  private checkSignature(req: IncomingMessage, url: URL, body: Buffer): { status: number; code: string; message: string } | undefined {
    const auth = req.headers.authorization ?? '';
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!match) return { status: 400, code: 'AuthorizationHeaderMalformed', message: 'bad Authorization header' };
    const [, accessKeyId, day, region, signedHeaderList, signature] = match;
    if (accessKeyId !== this.accessKeyId) return { status: 403, code: 'InvalidAccessKeyId', message: 'The AWS Access Key Id you provided does not exist in our records.' };
    if (region !== this.options.region) return { status: 400, code: 'AuthorizationHeaderMalformed', message: `the region '${region}' is wrong; expecting '${this.options.region}'` };
    const amzDate = req.headers['x-amz-date'];
    if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return { status: 403, code: 'AccessDenied', message: 'x-amz-date missing or not the credential day' };
    const sent = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
    if (Math.abs(sent - (this.options.clock ?? Date.now)()) > 15 * 60_000) return { status: 403, code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the current time is too large.' };
    const signed = signedHeaderList!.split(';');
    for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256', ...(req.method === 'PUT' ? ['content-md5'] : [])]) {
      if (!signed.includes(required)) return { status: 403, code: 'AccessDenied', message: `${required} must be signed` };
    }
    const payloadHash = req.headers['x-amz-content-sha256'];
    if (payloadHash !== createHash('sha256').update(body).digest('hex')) return { status: 400, code: 'XAmzContentSHA256Mismatch', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
    if (this.options.sessionToken !== undefined && req.headers['x-amz-security-token'] !== this.options.sessionToken) return { status: 403, code: 'InvalidToken', message: 'bad session token' };

    const raw = new Map<string, string[]>();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      raw.set(name, [...(raw.get(name) ?? []), req.rawHeaders[i + 1]!.trim().replace(/ +/g, ' ')]);
    }
    const canonicalHeaders = signed.map((name) => `${name}:${(raw.get(name) ?? []).join(',')}\n`).join('');
    const query = [...url.searchParams.entries()]
      .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`)
      .sort()
      .join('&');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const canonicalRequest = `${req.method}\n${rawPath}\n${query}\n${canonicalHeaders}\n${signed.join(';')}\n${payloadHash}`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${day}/${region}/s3/aws4_request\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const key = hmac(hmac(hmac(hmac(`AWS4${this.secretAccessKey}`, day!), region!), 's3'), 'aws4_request');
    const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
    if (expected !== signature) return { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.' };
    return undefined;
  }
}
