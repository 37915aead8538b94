/**
 * Actions on detected spans, per entity type: `mask` ([REDACTED]), `placeholder` ([EMAIL_1], the same value
 * gets the same placeholder within a request), `hash` (keyed HMAC, stable across requests for one key),
 * `reversible` (a placeholder upstream, the original restored in the response: see `Restorer`), `block`
 * (refuse the request) and `allow` (leave it). Applied to all the text segments of one request at once.
 * Results carry counts per entity type, never values (except the restore map, which stays in memory).
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { lookupByType, resolveOverlaps } from './analyzer';
import { pattern } from './patterns';
import type { EntityType } from './types';

export const PII_ACTIONS = ['allow', 'mask', 'placeholder', 'hash', 'reversible', 'block'] as const;
export type PiiAction = (typeof PII_ACTIONS)[number];

/**
 * Per-entity actions as config writes them. Keys are entity types, a family (`secret.*`) or `*`.
 * The HMAC key is not here: it is a secret, resolved by the caller and passed in `PiiPolicy.hashKey`.
 */
export const piiActionsSchema = z.strictObject({
  actions: z.record(z.string().min(1), z.enum(PII_ACTIONS)).default({}),
  defaultAction: z.enum(PII_ACTIONS).default('allow'),
  maskText: z.string().min(1).max(64).default('[REDACTED]'),
});
export type PiiActionsConfig = z.infer<typeof piiActionsSchema>;

/**
 * A starting point for config: credentials and card-like numbers never leave, contact details go upstream as
 * reversible placeholders, names and places (heuristic, lower precision) are left alone unless a tenant opts in.
 */
export const RECOMMENDED_PII_ACTIONS: Readonly<Record<string, PiiAction>> = {
  'secret.*': 'mask',
  CREDIT_CARD: 'mask',
  US_SSN: 'mask',
  US_PASSPORT: 'mask',
  US_DRIVER_LICENSE: 'mask',
  CRYPTO: 'mask',
  IBAN_CODE: 'reversible',
  EMAIL_ADDRESS: 'reversible',
  PHONE_NUMBER: 'reversible',
  IP_ADDRESS: 'reversible',
  DATE_OF_BIRTH: 'reversible',
};

export interface PiiPolicy {
  readonly actions: Readonly<Record<string, PiiAction>>;
  readonly defaultAction?: PiiAction;
  readonly maskText?: string;
  /** HMAC key for `hash`; a function lets a rotated secret take effect. Required when any action is `hash`. */
  readonly hashKey?: string | Uint8Array | (() => string | Uint8Array);
}

/** A span to act on: an analyser span, a registry `Finding` with offsets, or a remote analyser's result. */
export interface SpanLike {
  readonly type: EntityType;
  readonly start?: number;
  readonly end?: number;
  readonly score?: number;
}

/** Short labels for placeholders and hashes; other types are upper-cased. */
export const PLACEHOLDER_LABELS: Readonly<Record<string, string>> = {
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  CREDIT_CARD: 'CREDIT_CARD',
  US_SSN: 'SSN',
  IBAN_CODE: 'IBAN',
  IP_ADDRESS: 'IP',
  MAC_ADDRESS: 'MAC',
  CRYPTO: 'CRYPTO_WALLET',
  US_PASSPORT: 'PASSPORT',
  US_DRIVER_LICENSE: 'DRIVER_LICENSE',
  DATE_OF_BIRTH: 'DOB',
  DATE_TIME: 'DATE',
  DOMAIN_NAME: 'DOMAIN',
  ORGANIZATION: 'ORG',
};

const LABEL_UNSAFE = pattern('redact.label_unsafe', '[^A-Z0-9]+', 'g');

export function placeholderLabel(type: EntityType): string {
  if (type.startsWith('secret.')) return 'SECRET';
  const known = PLACEHOLDER_LABELS[type];
  if (known) return known;
  const parts = type.toUpperCase().replace(LABEL_UNSAFE, ' ').trim().split(' ').filter(Boolean);
  return parts.length ? parts.join('_') : 'PII';
}

export function actionFor(policy: PiiPolicy, type: EntityType): PiiAction {
  return lookupByType(policy.actions, type) ?? policy.defaultAction ?? 'allow';
}

/**
 * Hands out `[LABEL_N]` placeholders: the same (type, value) always gets the same one, numbers count per label,
 * and a placeholder that already occurs literally in the request is skipped so restoration is unambiguous.
 * Keep one per request (share it between the request and the response-side redaction).
 */
export class PlaceholderAllocator {
  private readonly byValue = new Map<string, string>();
  private readonly next = new Map<string, number>();
  /** placeholder -> original, for the reversible ones. */
  readonly restore = new Map<string, string>();

  constructor(private readonly reservedTexts: readonly string[] = []) {}

  placeholder(type: EntityType, value: string, reversible: boolean): string {
    const label = placeholderLabel(type);
    const key = `${label}\u0000${value}`;
    let token = this.byValue.get(key);
    if (!token) {
      let n = this.next.get(label) ?? 1;
      do {
        token = `[${label}_${n++}]`;
      } while (this.reservedTexts.some((text) => text.includes(token!)));
      this.next.set(label, n);
      this.byValue.set(key, token);
    }
    if (reversible) this.restore.set(token, value);
    return token;
  }
}

export function hmacToken(type: EntityType, value: string, key: string | Uint8Array): string {
  const digest = createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, 16);
  return `[${placeholderLabel(type)}:${digest}]`;
}

export interface RedactionResult {
  /** The segments, rewritten; same length and order as the input. */
  readonly texts: string[];
  /** Indices of the segments that changed. */
  readonly changed: number[];
  /** placeholder -> original value, for `reversible` spans (in memory only; never log it). */
  readonly restore: ReadonlyMap<string, string>;
  /** Spans acted on (or found, for `allow`) per entity type. */
  readonly counts: Readonly<Record<string, number>>;
  /** The action taken per entity type seen. */
  readonly actions: Readonly<Record<string, PiiAction>>;
  /** Entity types whose action is `block` and that were found: non-empty means refuse the request. */
  readonly blocked: readonly EntityType[];
}

export class PiiPolicyError extends Error {}

/**
 * Applies the policy to each text with its spans (spans without offsets only count for `block`).
 * Overlapping spans are resolved first (highest score, then longest).
 */
export function redactSegments(
  texts: readonly string[],
  spansPerText: readonly (readonly SpanLike[])[],
  policy: PiiPolicy,
  allocator: PlaceholderAllocator = new PlaceholderAllocator(texts),
): RedactionResult {
  const counts: Record<string, number> = {};
  const actions: Record<string, PiiAction> = {};
  const blocked = new Set<EntityType>();
  const out: string[] = [];
  const changed: number[] = [];
  let key: string | Uint8Array | undefined;
  const hashKey = (): string | Uint8Array => {
    if (key === undefined) {
      const source = policy.hashKey;
      key = typeof source === 'function' ? source() : source;
      if (key === undefined || key.length === 0) throw new PiiPolicyError('the hash action needs a non-empty hashKey');
    }
    return key;
  };
  texts.forEach((text, index) => {
    const spans = spansPerText[index] ?? [];
    const positioned: { type: EntityType; start: number; end: number; score: number }[] = [];
    for (const span of spans) {
      const action = actionFor(policy, span.type);
      if (span.start === undefined || span.end === undefined) {
        if (action === 'block') {
          blocked.add(span.type);
          actions[span.type] = action;
          counts[span.type] = (counts[span.type] ?? 0) + 1;
        }
        continue;
      }
      const start = Math.max(0, Math.min(text.length, span.start));
      const end = Math.max(start, Math.min(text.length, span.end));
      if (end > start) positioned.push({ type: span.type, start, end, score: span.score ?? 1 });
    }
    let result = '';
    let cursor = 0;
    for (const span of resolveOverlaps(positioned)) {
      const action = actionFor(policy, span.type);
      actions[span.type] = action;
      counts[span.type] = (counts[span.type] ?? 0) + 1;
      if (action === 'allow') continue;
      if (action === 'block') {
        blocked.add(span.type);
        continue;
      }
      const value = text.slice(span.start, span.end);
      let replacement: string;
      switch (action) {
        case 'mask':
          replacement = policy.maskText ?? '[REDACTED]';
          break;
        case 'placeholder':
          replacement = allocator.placeholder(span.type, value, false);
          break;
        case 'reversible':
          replacement = allocator.placeholder(span.type, value, true);
          break;
        case 'hash':
          replacement = hmacToken(span.type, value, hashKey());
          break;
      }
      result += text.slice(cursor, span.start) + replacement;
      cursor = span.end;
    }
    if (cursor === 0) {
      out.push(text);
    } else {
      out.push(result + text.slice(cursor));
      changed.push(index);
    }
  });
  return { texts: out, changed, restore: allocator.restore, counts, actions, blocked: [...blocked].sort() };
}

/** Checks that a policy can run (a `hash` action has a key); returns problems, empty when fine. */
export function checkPolicy(policy: PiiPolicy): string[] {
  const usesHash = policy.defaultAction === 'hash' || Object.values(policy.actions).includes('hash');
  if (!usesHash) return [];
  const source = policy.hashKey;
  const key = typeof source === 'function' ? source() : source;
  return key === undefined || key.length === 0 ? ['the hash action needs a hashKey (a secret from a file or an environment variable)'] : [];
}
