/**
 * Verification of signed OPA bundles, as OPA does it (bundle/verify.go): /.signatures.json holds exactly
 * one compact JWT whose payload lists every file of the bundle with its digest. The JWT is checked with the
 * configured key (the configured algorithm, never the token's), the scope must match, and every file but
 * /.signatures.json must be listed with a matching digest, and every listed file present.
 *
 * Digests follow OPA: raw bytes for most files; for structured files (data.json, .manifest) the JSON is
 * parsed and re-encoded canonically (object keys sorted, no whitespace, number literals as written), so
 * the signature does not depend on formatting. Build signed bundles with
 * `scripts/build-policy.sh --signing-key KEY --signing-alg HS256|RS256`.
 */
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify as cryptoVerify, constants } from 'node:crypto';
import { z } from 'zod';

export const SIGNING_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A verification key, as in OPA's `keys` config. */
export const verificationKeySchema = z.strictObject({
  /** Key id the JWT names (`kid` header, or the deprecated `keyid` claim); `opa build --verification-key-id`, default "default". */
  id: z.string().min(1).default('default'),
  algorithm: z.enum(SIGNING_ALGORITHMS).default('RS256'),
  /** HMAC secret for HS*, PEM public key (or certificate) for RS/PS/ES. */
  key: z.string().min(1),
  /** The bundle's signature must carry this scope (OPA default: empty). */
  scope: z.string().default(''),
});
export type VerificationKey = z.infer<typeof verificationKeySchema>;

export interface VerificationConfig {
  readonly keys: readonly VerificationKey[];
  /** Use this key id whatever the token says (OPA's `signing.keyid`). */
  readonly keyId?: string;
  /** Overrides the key's scope. */
  readonly scope?: string;
}

export class SignatureError extends Error {
  override readonly name = 'SignatureError';
}

export const SIGNATURES_FILE = '.signatures.json';

interface FileEntry {
  readonly name: string;
  readonly hash: string;
  readonly algorithm: string;
}

const signatureFileSchema = z.object({ signatures: z.array(z.string()), plugin: z.string().optional() });
const payloadSchema = z.object({
  files: z.array(z.object({ name: z.string(), hash: z.string(), algorithm: z.string() })),
  keyid: z.string().optional(),
  scope: z.string().optional(),
  iat: z.number().optional(),
  iss: z.string().optional(),
});

const HASHES: Readonly<Record<string, string>> = {
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

function base64url(text: string, what: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SignatureError(`JWT ${what} is not base64url`);
  return Buffer.from(text, 'base64url');
}

function parseJson(buffer: Buffer, what: string): unknown {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    throw new SignatureError(`${what} is not JSON`);
  }
}

function verifyJws(signingInput: Buffer, signature: Buffer, key: VerificationKey): boolean {
  const alg = key.algorithm;
  const bits = alg.slice(2);
  const digest = `sha${bits}`;
  if (alg.startsWith('HS')) {
    const expected = createHmac(digest, Buffer.from(key.key, 'utf8')).update(signingInput).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  let publicKey;
  try {
    publicKey = createPublicKey(key.key);
  } catch (error) {
    throw new SignatureError(`verification key ${key.id} is not a PEM public key: ${(error as Error).message}`);
  }
  if (alg.startsWith('RS')) return cryptoVerify(digest, signingInput, publicKey, signature);
  if (alg.startsWith('PS')) {
    return cryptoVerify(digest, signingInput, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
  }
  return cryptoVerify(digest, signingInput, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
}

/** Checks the JWT and returns the files it signs. */
function verifyToken(token: string, config: VerificationConfig): { files: Map<string, FileEntry>; keyId: string } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new SignatureError('signature is not a compact JWT');
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];
  const header = parseJson(base64url(headerB64, 'header'), 'JWT header');
  if (typeof header !== 'object' || header === null) throw new SignatureError('JWT header is not an object');
  const payloadParsed = payloadSchema.safeParse(parseJson(base64url(payloadB64, 'payload'), 'JWT payload'));
  if (!payloadParsed.success) throw new SignatureError('JWT payload does not list the bundle files');
  const payload = payloadParsed.data;
  const kid = (header as { kid?: unknown }).kid;
  const keyId = config.keyId ?? (typeof kid === 'string' && kid !== '' ? kid : undefined) ?? payload.keyid;
  if (!keyId) throw new SignatureError('verification key id is empty');
  const key = config.keys.find((k) => k.id === keyId);
  if (!key) throw new SignatureError(`no verification key ${JSON.stringify(keyId)}`);
  const headerAlg = (header as { alg?: unknown }).alg;
  if (headerAlg !== key.algorithm) throw new SignatureError(`JWT algorithm ${String(headerAlg)} is not the key's ${key.algorithm}`);
  const signingInput = Buffer.from(`${headerB64}.${payloadB64}`, 'ascii');
  if (!verifyJws(signingInput, base64url(signatureB64, 'signature'), key)) throw new SignatureError('bundle signature does not verify');
  const scope = config.scope ?? key.scope;
  if ((payload.scope ?? '') !== scope) throw new SignatureError('bundle signature scope mismatch');
  const files = new Map<string, FileEntry>();
  for (const file of payload.files) files.set(file.name.replace(/^\/+/, ''), file);
  return { files, keyId };
}

/** OPA hashes these files as canonical JSON rather than as bytes (bundle.IsStructuredDoc). */
export function isStructuredFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'data.json' || base === '.manifest' || base.endsWith('.yaml') || base.endsWith('.yml');
}

/**
 * Canonical text of a JSON document as OPA's hasher writes it: objects with keys in byte order (the last of
 * duplicate keys wins), no whitespace, strings escaped as Go's encoder does without HTML escaping, numbers
 * exactly as written in the source.
 */
export function canonicalJson(text: string): string {
  let at = 0;
  const fail = (message: string): never => {
    throw new SignatureError(`invalid JSON at ${at}: ${message}`);
  };
  const ws = (): void => {
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) at++;
      else break;
    }
  };
  const stringToken = (): string => {
    const start = at;
    at++; // opening quote
    let escaped = false;
    while (at < text.length) {
      const c = text.charCodeAt(at);
      if (c === 0x5c) {
        escaped = true;
        at += 2;
      } else if (c === 0x22) {
        at++;
        const raw = text.slice(start, at);
        return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      } else if (c < 0x20) {
        fail('control character in string');
      } else {
        at++;
      }
    }
    return fail('unterminated string');
  };
  const encodeString = (value: string): string => JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const value = (): string => {
    ws();
    const c = text[at];
    if (c === '{') {
      at++;
      const entries = new Map<string, string>();
      ws();
      if (text[at] === '}') {
        at++;
        return '{}';
      }
      for (;;) {
        ws();
        if (text[at] !== '"') fail('expected a key');
        const key = stringToken();
        ws();
        if (text[at] !== ':') fail('expected :');
        at++;
        entries.set(key, value());
        ws();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          break;
        }
        fail('expected , or }');
      }
      const keys = [...entries.keys()].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
      return `{${keys.map((k) => `${encodeString(k)}:${entries.get(k)!}`).join(',')}}`;
    }
    if (c === '[') {
      at++;
      const items: string[] = [];
      ws();
      if (text[at] === ']') {
        at++;
        return '[]';
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          break;
        }
        fail('expected , or ]');
      }
      return `[${items.join(',')}]`;
    }
    if (c === '"') return encodeString(stringToken());
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 400));
    if (!literal) return fail('unexpected token');
    at += literal[0].length;
    return literal[0];
  };
  const result = value();
  ws();
  if (at !== text.length) fail('trailing data');
  return result;
}

function digest(path: string, bytes: Buffer, algorithm: string): string {
  const hash = HASHES[algorithm];
  if (!hash) throw new SignatureError(`${path}: hashing algorithm ${algorithm} is not accepted (use SHA-256 or stronger)`);
  if (isStructuredFile(path)) {
    if (path.endsWith('.yaml') || path.endsWith('.yml')) throw new SignatureError(`${path}: YAML files in signed bundles are not supported`);
    return createHash(hash).update(canonicalJson(bytes.toString('utf8')), 'utf8').digest('hex');
  }
  return createHash(hash).update(bytes).digest('hex');
}

/**
 * Verifies a bundle's files against its /.signatures.json. Throws SignatureError when the bundle is
 * unsigned, the signature or scope does not verify, a file is missing from the signature, a digest differs,
 * or a signed file is missing. Returns the key id that verified it.
 */
export function verifyBundleSignature(files: ReadonlyMap<string, Buffer>, config: VerificationConfig): { readonly keyId: string } {
  const signaturesFile = files.get(SIGNATURES_FILE);
  if (!signaturesFile) throw new SignatureError('bundle is not signed (no /.signatures.json) but a verification key is configured');
  const parsed = signatureFileSchema.safeParse(parseJson(signaturesFile, SIGNATURES_FILE));
  if (!parsed.success) throw new SignatureError(`${SIGNATURES_FILE} has no signatures list`);
  if (parsed.data.plugin && parsed.data.plugin !== '_default') throw new SignatureError(`${SIGNATURES_FILE}: signature plugin ${parsed.data.plugin} is not supported`);
  if (parsed.data.signatures.length !== 1) throw new SignatureError(`${SIGNATURES_FILE}: expected exactly one JWT, found ${parsed.data.signatures.length}`);
  const token = parsed.data.signatures[0]!;
  const { files: signed, keyId } = verifyToken(token, config);
  for (const [path, bytes] of files) {
    if (path === SIGNATURES_FILE) continue;
    const entry = signed.get(path);
    if (!entry) throw new SignatureError(`file ${path} is not included in the bundle signature`);
    const actual = digest(path, bytes, entry.algorithm);
    if (actual !== entry.hash.toLowerCase()) throw new SignatureError(`${path}: digest mismatch`);
    signed.delete(path);
  }
  if (signed.size > 0) throw new SignatureError(`file(s) ${[...signed.keys()].join(', ')} signed but not in the bundle`);
  return { keyId };
}
