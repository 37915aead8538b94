/**
 * Who is calling. Two sources, in this order:
 *  1. a JWT that Envoy's jwt_authn filter has already verified, whose payload arrives as forwarded
 *     metadata (never a claim parsed from a header here: only Envoy's verified copy is trusted);
 *  2. an API key from `Authorization: Bearer`, `x-api-key` or `x-goog-api-key` (what the OpenAI,
 *     Anthropic and Gemini SDKs send), looked up by its SHA-256: keys are never stored in clear.
 */
import { createHash } from 'node:crypto';
import type { HeaderMap } from '../pipeline/types';
import type { JsonObject, JsonValue } from '../extproc/struct';
import type { RuntimeConfig, RuntimeTenant } from '../config/runtime';

export interface Identity {
  readonly tenant: RuntimeTenant;
  /** Config id of the API key used (never the key). */
  readonly keyId?: string;
  /** End user from the JWT, when there is one. */
  readonly user?: string;
  readonly via: 'api_key' | 'jwt';
}

export type IdentifyResult =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly reason: 'missing_credentials' | 'invalid_api_key' | 'unknown_tenant' };

/** Headers that carry client credentials; all of them are removed before a request goes upstream. */
export const CLIENT_CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'api-key'] as const;

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function presentedApiKey(headers: HeaderMap): string | undefined {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match) return match[1];
  }
  return headers.get('x-api-key')?.trim() || headers.get('x-goog-api-key')?.trim() || headers.get('api-key')?.trim() || undefined;
}

export function identify(headers: HeaderMap, metadata: JsonObject, config: RuntimeConfig): IdentifyResult {
  const jwt = config.auth.jwt;
  if (jwt) {
    const payload = objectAt(objectAt(metadata, jwt.metadataNamespace), jwt.payloadKey);
    if (payload) {
      const tenantId = payload[jwt.tenantClaim];
      const tenant = typeof tenantId === 'string' ? config.tenants.get(tenantId) : undefined;
      if (!tenant) return { ok: false, reason: 'unknown_tenant' };
      const user = payload[jwt.userClaim];
      return { ok: true, identity: { tenant, user: typeof user === 'string' ? user : undefined, via: 'jwt' } };
    }
  }
  const key = presentedApiKey(headers);
  if (!key) return { ok: false, reason: 'missing_credentials' };
  const owner = config.apiKeys.get(sha256Hex(key));
  if (!owner) return { ok: false, reason: 'invalid_api_key' };
  return { ok: true, identity: { tenant: owner.tenant, keyId: owner.keyId, via: 'api_key' } };
}

function objectAt(value: JsonValue | JsonObject | undefined, key: string): JsonObject | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const inner = (value as JsonObject)[key];
  return inner && typeof inner === 'object' && !Array.isArray(inner) ? (inner as JsonObject) : undefined;
}
