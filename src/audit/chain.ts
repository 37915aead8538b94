/**
 * The keyed hash chain that makes the audit files tamper-evident, and the signed checkpoints over it.
 * Everything here is pure (no I/O) so that the writer and `llmgw audit verify` share one definition.
 *
 * Line (one per record, in a tenant's `records-YYYY-MM-DD.jsonl`), written in canonical JSON (RFC 8785
 * style: keys sorted by UTF-16 code units, no whitespace, ECMAScript number formatting):
 *
 *   {"kid":K,"mac":M,"prev":P,"record":{...},"seq":N,"tenant":T,"v":1}
 *
 *   seq   1, 2, 3... per tenant, continuing across daily files (never restarts)
 *   prev  the `mac` of line seq-1; for seq 1, genesis(T) = hex SHA-256("llmgw.audit.genesis.v1\n" + (T ?? ""))
 *   kid   which key made `mac` (16 hex chars of SHA-256 of the key: names it, reveals nothing usable)
 *   mac   hex HMAC-SHA256(recordKey, canonical(line without `mac`)); it covers prev, seq, tenant, kid
 *         and the record, so "prev || canonical JSON of the record" is part of what is authenticated
 *
 * Checkpoint (in `checkpoints-YYYY-MM-DD.jsonl`, the day of the records file it points at):
 *
 *   {"file":F,"head":M,"kid":K,"line":L,"reason":R,"seq":N,"sig":S,"tenant":T,"time":ISO,"type":"checkpoint","v":1}
 *
 *   says: line L of file F is record seq N and its mac is M. Written every `checkpointEvery` records, on
 *   an interval when records were written, at rotation and on close, each after the records file was
 *   fsynced. A chain that ends before a checkpoint's seq was truncated.
 *
 * Prune marker (same files, written by retention before it deletes a records file):
 *
 *   {"file":F,"firstSeq":A,"head":M,"kid":K,"lastSeq":B,"sig":S,"tenant":T,"time":ISO,"type":"prune","v":1}
 *
 *   says: records A..B (the last one with mac M) were deleted on purpose. The oldest remaining record must
 *   be seq 1 with the genesis prev, or seq B+1 with prev M for some prune marker; anything else is a
 *   missing file.
 *
 * sig = hex HMAC-SHA256(checkpointKey, canonical(entry without `sig`)).
 *
 * The two keys are derived from the configured secret K with domain separation:
 *   recordKey     = HMAC-SHA256(K, "llmgw.audit.record.v1")
 *   checkpointKey = HMAC-SHA256(K, "llmgw.audit.checkpoint.v1")
 * so a record mac can never be replayed as a checkpoint signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditRecord } from './record';

export const CHAIN_VERSION = 1;
/** Keys shorter than this are refused: the key id is a hash of the key, so a guessable key would leak. */
export const MIN_KEY_BYTES = 32;

// ---- Canonical JSON ----

/** Canonical JSON (RFC 8785 JCS for the values JSON.parse produces): sorted keys, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object)
        .filter((key) => object[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot encode a ${typeof value}`);
  }
}

// ---- Keys ----

export interface AuditKey {
  /** 16 hex characters naming the key in every line and checkpoint. */
  readonly id: string;
  readonly recordKey: Buffer;
  readonly checkpointKey: Buffer;
}

export class AuditKeyError extends Error {}

export function auditKeyId(secret: Buffer): string {
  return createHash('sha256').update('llmgw.audit.kid.v1\n').update(secret).digest('hex').slice(0, 16);
}

/** Derives the record and checkpoint keys from a secret of at least 32 bytes. */
export function deriveAuditKey(secret: Buffer): AuditKey {
  if (secret.length < MIN_KEY_BYTES) throw new AuditKeyError(`audit key too short: ${secret.length} bytes, need at least ${MIN_KEY_BYTES} (e.g. \`openssl rand -hex 32\`)`);
  return {
    id: auditKeyId(secret),
    recordKey: createHmac('sha256', secret).update('llmgw.audit.record.v1').digest(),
    checkpointKey: createHmac('sha256', secret).update('llmgw.audit.checkpoint.v1').digest(),
  };
}

/**
 * The bytes of a key file: its content less one trailing newline (so `openssl rand -hex 32 > key` works;
 * the 64 hex characters themselves are the secret). Writer and verifier read files the same way.
 */
export function keyFromFileContent(content: Buffer): Buffer {
  let end = content.length;
  if (end > 0 && content[end - 1] === 0x0a) end -= 1;
  if (end > 0 && content[end - 1] === 0x0d) end -= 1;
  return content.subarray(0, end);
}

/** Memoises the derivation for the key a `() => Buffer` source returns (it may change: rotation). */
export class KeyCache {
  private last: { secret: Buffer; key: AuditKey } | undefined;
  constructor(private readonly source: () => Buffer) {}
  current(): AuditKey {
    const secret = this.source();
    if (this.last && this.last.secret.equals(secret)) return this.last.key;
    const key = deriveAuditKey(secret);
    this.last = { secret: Buffer.from(secret), key };
    return key;
  }
}

/** Keys by id, for verification (old keys stay needed after a rotation). */
export class AuditKeyring {
  private readonly keys = new Map<string, AuditKey>();
  constructor(secrets: readonly Buffer[] = []) {
    for (const secret of secrets) this.add(secret);
  }
  add(secret: Buffer): AuditKey {
    const key = deriveAuditKey(secret);
    this.keys.set(key.id, key);
    return key;
  }
  get(id: string): AuditKey | undefined {
    return this.keys.get(id);
  }
  get size(): number {
    return this.keys.size;
  }
}

// ---- Lines ----

export interface ChainLine {
  readonly v: typeof CHAIN_VERSION;
  readonly seq: number;
  readonly tenant: string | null;
  readonly kid: string;
  readonly prev: string;
  readonly record: AuditRecord;
  readonly mac: string;
}

export type UnsignedChainLine = Omit<ChainLine, 'mac'>;

export function genesisPrev(tenant: string | null): string {
  return createHash('sha256')
    .update(`llmgw.audit.genesis.v1\n${tenant ?? ''}`)
    .digest('hex');
}

export function lineMac(key: AuditKey, line: Omit<ChainLine, 'mac'> | Record<string, unknown>): string {
  return createHmac('sha256', key.recordKey).update(canonicalJson(line)).digest('hex');
}

/** Builds the next line of a chain and its text (with the trailing newline). */
export function chainLine(key: AuditKey, tenant: string | null, seq: number, prev: string, record: AuditRecord): { line: ChainLine; text: string } {
  const unsigned: UnsignedChainLine = { v: CHAIN_VERSION, seq, tenant, kid: key.id, prev, record };
  const line: ChainLine = { ...unsigned, mac: lineMac(key, unsigned) };
  return { line, text: `${canonicalJson(line)}\n` };
}

// ---- Checkpoints and prune markers ----

export interface CheckpointEntry {
  readonly v: typeof CHAIN_VERSION;
  readonly type: 'checkpoint';
  readonly tenant: string | null;
  readonly seq: number;
  readonly head: string;
  readonly file: string;
  readonly line: number;
  readonly time: string;
  readonly reason: 'interval' | 'count' | 'rotate' | 'flush' | 'close';
  readonly kid: string;
  readonly sig: string;
}

export interface PruneEntry {
  readonly v: typeof CHAIN_VERSION;
  readonly type: 'prune';
  readonly tenant: string | null;
  readonly file: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly head: string;
  readonly time: string;
  readonly kid: string;
  readonly sig: string;
}

export type ControlEntry = CheckpointEntry | PruneEntry;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Unsigned<T> = DistributiveOmit<T, 'sig'>;
/** A checkpoint or prune entry before `v`, `kid` and `sig` are added. */
export type ControlEntryDraft = DistributiveOmit<ControlEntry, 'sig' | 'kid' | 'v'>;

export function entrySig(key: AuditKey, entry: Unsigned<ControlEntry> | Record<string, unknown>): string {
  return createHmac('sha256', key.checkpointKey).update(canonicalJson(entry)).digest('hex');
}

export function signControlEntry(key: AuditKey, entry: ControlEntryDraft): { entry: ControlEntry; text: string } {
  const unsigned = { ...entry, v: CHAIN_VERSION, kid: key.id } as Unsigned<ControlEntry>;
  const signed = { ...unsigned, sig: entrySig(key, unsigned) } as ControlEntry;
  return { entry: signed, text: `${canonicalJson(signed)}\n` };
}

/** Constant-time comparison of two hex strings. */
export function hexEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---- File names ----

export const RECORDS_PREFIX = 'records-';
export const CHECKPOINTS_PREFIX = 'checkpoints-';
export const UNIDENTIFIED_DIR = '_unidentified';

/** UTC day `YYYY-MM-DD` of a time in ms. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function recordsFileName(day: string): string {
  return `${RECORDS_PREFIX}${day}.jsonl`;
}

export function checkpointsFileName(day: string): string {
  return `${CHECKPOINTS_PREFIX}${day}.jsonl`;
}

const DAY_FILE = /^(records|checkpoints)-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export function parseDayFileName(name: string): { kind: 'records' | 'checkpoints'; day: string } | undefined {
  const match = DAY_FILE.exec(name);
  return match ? { kind: match[1] as 'records' | 'checkpoints', day: match[2]! } : undefined;
}

/**
 * The directory name of a tenant: the id itself when it only has [A-Za-z0-9._-] and starts alphanumeric
 * (config identifiers do, but for `:`), other bytes %-encoded (so no `/`, `.`, `..` or hidden names), and a
 * hash suffix when the result would be too long for a file name. Records without a tenant (rejected
 * before identification) go to `_unidentified`, which no identifier can be (they start alphanumeric).
 */
export function tenantDirName(tenant: string | null): string {
  if (tenant === null) return UNIDENTIFIED_DIR;
  if (tenant === '') return '%';
  let out = '';
  for (const byte of Buffer.from(tenant, 'utf8')) {
    const char = String.fromCharCode(byte);
    const safe = out.length === 0 ? /[A-Za-z0-9]/.test(char) : /[A-Za-z0-9._-]/.test(char);
    out += safe ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length > 150) out = `${out.slice(0, 100)}~${createHash('sha256').update(tenant).digest('hex').slice(0, 32)}`;
  return out;
}
