/**
 * The small part of the S3 REST API the object sink needs: a PUT Object signed with AWS Signature
 * Version 4 (header auth, signed payload), against AWS S3 or any S3-compatible store (MinIO, Ceph RGW,
 * R2, ...). No SDK: node:crypto and node:http(s) only.
 */
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SigV4Request {
  readonly method: string;
  /** Host header value (with :port when not the default one). */
  readonly host: string;
  /** The URI-encoded path, as sent (see `encodeS3Path`). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Headers to sign besides host, x-amz-date, x-amz-content-sha256 (and x-amz-security-token). */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`). */
  readonly payloadHash: string;
  readonly region: string;
  readonly service: string;
  readonly time: Date;
}

export interface SigV4Result {
  /** Every header to send: the given ones plus x-amz-date, x-amz-content-sha256, authorization. */
  readonly headers: Record<string, string>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~ (and `/` when asked). */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(char) || (keepSlash && char === '/')) out += char;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `/bucket/key` (path style) or `/key` (virtual-hosted style), encoded once (S3 does not double-encode). */
export function encodeS3Path(bucket: string | undefined, key: string): string {
  return `${bucket ? `/${uriEncode(bucket)}` : ''}/${uriEncode(key, true)}`;
}

/** `20130524T000000Z` */
export function amzDate(time: Date): string {
  return time.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
}

export function signV4(request: SigV4Request, credentials: SigV4Credentials): SigV4Result {
  const stamp = amzDate(request.time);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, host: request.host, 'x-amz-date': stamp, 'x-amz-content-sha256': request.payloadHash };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const canonical = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) canonical.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  const names = [...canonical.keys()].sort();
  const signedHeaders = names.join(';');
  const query = Object.entries(request.query ?? {})
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalRequest = [request.method, request.path, query, ...names.map((name) => `${name}:${canonical.get(name)!}`), '', signedHeaders, request.payloadHash].join('\n');
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, request.region, request.service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}

// ---- PUT Object ----

export interface S3Target {
  /** `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`... */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  /** `endpoint/bucket/key` (default; what S3-compatible stores expect) instead of `bucket.endpoint/key`. */
  readonly forcePathStyle?: boolean;
  /** Read per request, so rotated credentials are picked up. */
  readonly credentials: () => SigV4Credentials;
  readonly timeoutMs?: number;
  /** Extra CA certificates for an https endpoint. */
  readonly ca?: Buffer;
  readonly clock?: () => number;
}

export class S3Error extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    /** Worth another try: network trouble, throttling, 5xx, request timeout, clock skew. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const RETRYABLE_CODES = new Set(['RequestTimeout', 'RequestTimeTooSkewed', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'ExpiredToken', 'TokenRefreshRequired']);

export interface PutResult {
  readonly status: number;
  readonly etag: string | undefined;
}

/** PUT one object; resolves on 2xx, rejects with S3Error otherwise. */
export async function s3PutObject(target: S3Target, key: string, body: Buffer, headers: Readonly<Record<string, string>> = {}): Promise<PutResult> {
  const endpoint = new URL(target.endpoint);
  const pathStyle = target.forcePathStyle ?? true;
  const host = pathStyle ? endpoint.host : `${target.bucket}.${endpoint.host}`;
  let basePath = endpoint.pathname;
  while (basePath.endsWith('/')) basePath = basePath.slice(0, -1);
  const requestPath = `${basePath}${encodeS3Path(pathStyle ? target.bucket : undefined, key)}`;
  const signed = signV4(
    {
      method: 'PUT',
      host,
      path: requestPath,
      headers: { ...headers, 'content-length': String(body.length), 'content-md5': createHash('md5').update(body).digest('base64') },
      payloadHash: sha256Hex(body),
      region: target.region,
      service: 's3',
      time: new Date((target.clock ?? Date.now)()),
    },
    target.credentials(),
  );
  const send = endpoint.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PutResult>((resolve, reject) => {
    const req = send(
      {
        method: 'PUT',
        hostname: pathStyle ? endpoint.hostname : `${target.bucket}.${endpoint.hostname}`,
        port: endpoint.port || undefined,
        path: requestPath,
        headers: signed.headers,
        timeout: target.timeoutMs ?? 30_000,
        ...(target.ca ? { ca: target.ca } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => reject(new S3Error(`PUT ${key}: ${error.message}`, undefined, undefined, true)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            const etag = res.headers.etag;
            resolve({ status, etag: typeof etag === 'string' ? etag : undefined });
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
          const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
          const retryable = status >= 500 || status === 429 || status === 408 || (code !== undefined && RETRYABLE_CODES.has(code));
          reject(new S3Error(`PUT ${key}: ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`, status, code, retryable));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => reject(new S3Error(`PUT ${key}: ${error.message}`, undefined, undefined, true)));
    req.end(body);
  });
}
