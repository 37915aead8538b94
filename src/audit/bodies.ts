/**
 * Optional, per tenant: the request body the gateway forwarded upstream (after any redaction) and the
 * response body the client received, encrypted into the audit record with AES-256-GCM.
 *
 *   audit:
 *     bodies:
 *       key: { file: /etc/llmgw/audit-bodies/key }   # 32 bytes: 64 hex characters, or base64
 *       tenants: [acme]                               # only these tenants' bodies are kept
 *       maxBytes: 1048576                             # per direction; longer bodies are cut (flagged)
 *
 * Each body gets a fresh 96-bit IV. The additional authenticated data binds the ciphertext to its
 * record: "llmgw.audit.body.v1\n<requestId>\n<tenant>\n<direction>", so a body moved to another record
 * or tenant fails to decrypt. `keyId` (16 hex of SHA-256 of the key, as for the HMAC key) says which key
 * to use; `llmgw audit decrypt` takes several keys for records written before a rotation. The records
 * themselves stay in the HMAC chain: the ciphertext is covered by the record's mac like every field.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const BODY_CIPHER = 'AES-256-GCM';
const AAD_PREFIX = 'llmgw.audit.body.v1';

const secretSource = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') })], {
  error: 'a key is { file: PATH } or { env: VARIABLE }; never inline',
});

export const auditBodiesSchema = z.strictObject({
  key: secretSource,
  tenants: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a tenant id')).min(1),
  maxBytes: z
    .number()
    .int()
    .positive()
    .max(32 * 1024 * 1024)
    .default(1024 * 1024),
});
export type AuditBodiesConfig = z.output<typeof auditBodiesSchema>;

export const encryptedBodySchema = z.strictObject({
  /** base64 IV (12 bytes), ciphertext and GCM tag (16 bytes). */
  iv: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
  /** Length of the whole body in bytes; more than the plaintext when `truncated`. */
  bytes: z.number().int().nonnegative(),
  truncated: z.boolean(),
});

export const auditBodiesFieldSchema = z.strictObject({
  alg: z.literal(BODY_CIPHER),
  keyId: z.string(),
  /** What went upstream (absent when nothing did: refused before routing). */
  request: encryptedBodySchema.optional(),
  /** What the client received (absent when there was no body). */
  response: encryptedBodySchema.optional(),
});
export type AuditBodiesField = z.infer<typeof auditBodiesFieldSchema>;
export type EncryptedBody = z.infer<typeof encryptedBodySchema>;
export type BodyDirection = 'request' | 'response';

export class AuditBodyKeyError extends Error {}

/** 32 bytes from 64 hex characters or from base64 (surrounding whitespace ignored). */
export function parseBodyKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new AuditBodyKeyError('the audit body key must be 32 bytes: 64 hex characters or base64 (openssl rand -hex 32)');
  return key;
}

export function bodyKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function aad(requestId: string, tenant: string, direction: BodyDirection): Buffer {
  return Buffer.from(`${AAD_PREFIX}\n${requestId}\n${tenant}\n${direction}`, 'utf8');
}

export function encryptBody(key: Buffer, body: Buffer, totalBytes: number, binding: { requestId: string; tenant: string; direction: BodyDirection }): EncryptedBody {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(binding.requestId, binding.tenant, binding.direction));
  const ciphertext = Buffer.concat([cipher.update(body), cipher.final()]);
  return { iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64'), bytes: totalBytes, truncated: totalBytes > body.length };
}

/** Throws when the key is wrong or anything (ciphertext, tag, binding) was changed. */
export function decryptBody(key: Buffer, body: EncryptedBody, binding: { requestId: string; tenant: string; direction: BodyDirection }): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(body.iv, 'base64'));
  decipher.setAAD(aad(binding.requestId, binding.tenant, binding.direction));
  decipher.setAuthTag(Buffer.from(body.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body.ciphertext, 'base64')), decipher.final()]);
}

/** Collects one direction's body up to `maxBytes` (copies: Envoy's buffers are not ours to keep). */
export class BodyCollector {
  private readonly parts: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly maxBytes: number) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.maxBytes - this.kept;
    if (room <= 0 || chunk.length === 0) return;
    const part = Buffer.from(chunk.subarray(0, room));
    this.parts.push(part);
    this.kept += part.length;
  }

  get truncated(): boolean {
    return this.total > this.kept;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.kept);
  }
}

/** The compiled `audit.bodies` section: which tenants, which key. */
export class AuditBodyEncryption {
  readonly keyId: string;
  private readonly tenants: ReadonlySet<string>;

  constructor(
    private readonly key: Buffer,
    tenants: readonly string[],
    readonly maxBytes: number,
  ) {
    this.keyId = bodyKeyId(key);
    this.tenants = new Set(tenants);
  }

  static fromConfig(config: AuditBodiesConfig, resolve: (file: string) => string = (file) => file): AuditBodyEncryption {
    const text = 'file' in config.key ? readFileSync(resolve(config.key.file), 'utf8') : (process.env[config.key.env] ?? '');
    return new AuditBodyEncryption(parseBodyKey(text), config.tenants, config.maxBytes);
  }

  appliesTo(tenant: string | null | undefined): boolean {
    return typeof tenant === 'string' && this.tenants.has(tenant);
  }

  seal(requestId: string, tenant: string, request: BodyCollector | undefined, response: BodyCollector | undefined): AuditBodiesField {
    const seal = (collector: BodyCollector | undefined, direction: BodyDirection): EncryptedBody | undefined =>
      collector ? encryptBody(this.key, collector.bytes(), collector.total, { requestId, tenant, direction }) : undefined;
    const requestBody = seal(request, 'request');
    const responseBody = seal(response, 'response');
    return { alg: BODY_CIPHER, keyId: this.keyId, ...(requestBody ? { request: requestBody } : {}), ...(responseBody ? { response: responseBody } : {}) };
  }
}
