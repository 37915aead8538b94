/**
 * `llmgw audit verify DIR [--key-file F]... [--json]`: checks a tenant's audit files (or every tenant
 * directory under DIR) and reports OK with counts, or the FIRST broken link.
 *
 * Order of the checks (so "first" is well defined):
 *   1. every checkpoints file, in day order, line by line: complete line, canonical JSON, known key, valid
 *      signature, same tenant;
 *   2. every records file, in day order, line by line: complete line (else `truncated`), canonical JSON
 *      chain line (`malformed`), tenant of the directory (`tenant_mismatch`), the expected seq
 *      (`missing_line` when it jumps ahead, `out_of_order` when the expected one comes later or the seq
 *      goes back), prev = the previous line's mac or the genesis / a prune marker for the first line
 *      (`prev_mismatch`, or `missing_line` when no prune marker accounts for the missing start), a known
 *      key (`unknown_key`), the mac (`mac_mismatch`), and every checkpoint for this seq names this file,
 *      line and mac (`checkpoint_mismatch`);
 *   3. the chain reaches the highest checkpointed seq (`truncated` otherwise).
 *
 * Exit codes:
 *   0  every tenant's chain verified with its key
 *   1  a broken link (printed: tenant, file, line, seq, reason)
 *   2  usage error, unreadable key file or directory, or nothing to verify
 *   3  no broken link found but not fully verified: no key given (links and seqs checked, macs not), or
 *      a line made with a key id none of the given keys has
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  AuditKeyError,
  AuditKeyring,
  canonicalJson,
  CHAIN_VERSION,
  entrySig,
  genesisPrev,
  hexEqual,
  keyFromFileContent,
  lineMac,
  parseDayFileName,
  tenantDirName,
  type AuditKey,
  type ChainLine,
  type ControlEntry,
} from './chain';
import { readLines } from './files';

export type BreakReason =
  | 'malformed'
  | 'truncated'
  | 'missing_line'
  | 'out_of_order'
  | 'prev_mismatch'
  | 'mac_mismatch'
  | 'tenant_mismatch'
  | 'unknown_key'
  | 'checkpoint_mismatch';

export interface BrokenLink {
  readonly file: string;
  /** 1-based line number in `file`. */
  readonly line: number;
  readonly seq?: number;
  readonly reason: BreakReason;
  readonly detail: string;
}

export interface TenantVerifyResult {
  readonly dir: string;
  /** The tenant the files are for (undefined when no line could be read). */
  readonly tenant: string | null | undefined;
  readonly status: 'ok' | 'broken' | 'unverifiable';
  readonly recordFiles: number;
  readonly records: number;
  readonly firstSeq: number | undefined;
  readonly lastSeq: number | undefined;
  readonly checkpoints: number;
  /** Records deleted by retention (highest prune marker), if any. */
  readonly prunedThrough: number | undefined;
  /** MACs and signatures were checked with a key (false without --key-file). */
  readonly keyed: boolean;
  readonly broken?: BrokenLink;
}

const HEX64 = /^[0-9a-f]{64}$/;
const KID = /^[0-9a-f]{16}$/;

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function chainLineShape(value: unknown): value is ChainLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const line = value as Record<string, unknown>;
  const keys = Object.keys(line).sort().join(',');
  return (
    keys === 'kid,mac,prev,record,seq,tenant,v' &&
    line.v === CHAIN_VERSION &&
    isPositiveInt(line.seq) &&
    (typeof line.tenant === 'string' || line.tenant === null) &&
    typeof line.kid === 'string' &&
    KID.test(line.kid) &&
    typeof line.prev === 'string' &&
    HEX64.test(line.prev) &&
    typeof line.mac === 'string' &&
    HEX64.test(line.mac) &&
    typeof line.record === 'object' &&
    line.record !== null
  );
}

function controlShape(value: unknown): value is ControlEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entry = value as Record<string, unknown>;
  const common =
    entry.v === CHAIN_VERSION &&
    (typeof entry.tenant === 'string' || entry.tenant === null) &&
    typeof entry.kid === 'string' &&
    typeof entry.sig === 'string' &&
    HEX64.test(entry.sig) &&
    typeof entry.head === 'string' &&
    HEX64.test(entry.head) &&
    typeof entry.file === 'string' &&
    typeof entry.time === 'string';
  if (!common) return false;
  if (entry.type === 'checkpoint') return isPositiveInt(entry.seq) && isPositiveInt(entry.line) && typeof entry.reason === 'string';
  if (entry.type === 'prune') return isPositiveInt(entry.firstSeq) && isPositiveInt(entry.lastSeq);
  return false;
}

class Broken extends Error {
  constructor(readonly link: BrokenLink) {
    super(link.detail);
  }
}

/** One line of an audit file as JSON; a line cut short or not JSON breaks the chain where it stands. */
function parseLine(text: string, terminated: boolean, file: string, line: number): unknown {
  if (!terminated) throw new Broken({ file, line, reason: 'truncated', detail: 'the last line has no newline (cut short)' });
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Broken({ file, line, reason: 'malformed', detail: 'not JSON' });
  }
}

interface Located<T> {
  readonly entry: T;
  readonly file: string;
  readonly line: number;
}

async function dayFiles(dir: string): Promise<{ records: string[]; checkpoints: string[] }> {
  const names = (await readdir(dir)).sort();
  return {
    records: names.filter((name) => parseDayFileName(name)?.kind === 'records'),
    checkpoints: names.filter((name) => parseDayFileName(name)?.kind === 'checkpoints'),
  };
}

/** Verifies one tenant directory. `keyring` empty: links and seqs only (status at best `unverifiable`). */
export async function verifyTenantDir(dir: string, keyring: AuditKeyring): Promise<TenantVerifyResult> {
  const { records: recordFiles, checkpoints: checkpointFiles } = await dayFiles(dir);
  const keyed = keyring.size > 0;
  const dirName = path.basename(path.resolve(dir));
  let tenant: string | null | undefined;
  let records = 0;
  let firstSeq: number | undefined;
  let lastSeq: number | undefined;
  let checkpointCount = 0;
  let prunedThrough: number | undefined;

  const result = (status: TenantVerifyResult['status'], broken?: BrokenLink): TenantVerifyResult => ({
    dir,
    tenant,
    status,
    recordFiles: recordFiles.length,
    records,
    firstSeq,
    lastSeq,
    checkpoints: checkpointCount,
    prunedThrough,
    keyed,
    ...(broken ? { broken } : {}),
  });

  const keyFor = (kid: string, file: string, line: number, seq?: number): AuditKey | undefined => {
    if (!keyed) return undefined;
    const key = keyring.get(kid);
    if (!key) throw new Broken({ file, line, ...(seq !== undefined ? { seq } : {}), reason: 'unknown_key', detail: `made with key id ${kid}, which none of the given keys has` });
    return key;
  };
  const checkTenant = (value: string | null, file: string, line: number, seq?: number): void => {
    if (tenant === undefined) {
      tenant = value;
      if (tenantDirName(value) !== dirName) {
        throw new Broken({ file, line, ...(seq !== undefined ? { seq } : {}), reason: 'tenant_mismatch', detail: `tenant ${JSON.stringify(value)} does not belong in directory ${dirName}` });
      }
    } else if (value !== tenant) {
      throw new Broken({ file, line, ...(seq !== undefined ? { seq } : {}), reason: 'tenant_mismatch', detail: `tenant ${JSON.stringify(value)} in the files of ${JSON.stringify(tenant)}` });
    }
  };

  try {
    // 1. Checkpoints and prune markers.
    const checkpointsBySeq = new Map<number, Located<Extract<ControlEntry, { type: 'checkpoint' }>>[]>();
    const prunes = new Map<number, Located<Extract<ControlEntry, { type: 'prune' }>>>();
    let highest: Located<Extract<ControlEntry, { type: 'checkpoint' }>> | undefined;
    for (const file of checkpointFiles) {
      let lineNo = 0;
      for await (const { text, terminated } of readLines(path.join(dir, file))) {
        lineNo += 1;
        const value = parseLine(text, terminated, file, lineNo);
        if (!controlShape(value) || canonicalJson(value) !== text) throw new Broken({ file, line: lineNo, reason: 'malformed', detail: 'not a canonical checkpoint or prune entry' });
        checkTenant(value.tenant, file, lineNo);
        const key = keyFor(value.kid, file, lineNo);
        if (key) {
          const { sig, ...unsigned } = value;
          if (!hexEqual(entrySig(key, unsigned), sig)) throw new Broken({ file, line: lineNo, reason: 'checkpoint_mismatch', detail: `${value.type} signature does not verify` });
        }
        if (value.type === 'checkpoint') {
          checkpointCount += 1;
          const located = { entry: value, file, line: lineNo };
          checkpointsBySeq.set(value.seq, [...(checkpointsBySeq.get(value.seq) ?? []), located]);
          if (!highest || value.seq > highest.entry.seq) highest = located;
        } else {
          prunes.set(value.lastSeq, { entry: value, file, line: lineNo });
          if (prunedThrough === undefined || value.lastSeq > prunedThrough) prunedThrough = value.lastSeq;
        }
      }
    }

    // 2. The records chain.
    let expectedSeq: number | undefined;
    let expectedPrev = '';
    let lastFile: string | undefined;
    let lastLine = 0;
    for (const file of recordFiles) {
      let lineNo = 0;
      const full = path.join(dir, file);
      for await (const { text, terminated } of readLines(full)) {
        lineNo += 1;
        const value = parseLine(text, terminated, file, lineNo);
        if (!chainLineShape(value)) throw new Broken({ file, line: lineNo, reason: 'malformed', detail: 'not a chain line' });
        if (canonicalJson(value) !== text) throw new Broken({ file, line: lineNo, seq: value.seq, reason: 'malformed', detail: 'not in canonical form (edited)' });
        const { seq } = value;
        checkTenant(value.tenant, file, lineNo, seq);
        if (expectedSeq === undefined) {
          // The first remaining record: seq 1 from the genesis, or right after a prune marker.
          if (seq === 1) {
            if (value.prev !== genesisPrev(value.tenant)) throw new Broken({ file, line: lineNo, seq, reason: 'prev_mismatch', detail: 'seq 1 does not start from the genesis value' });
          } else {
            const prune = prunes.get(seq - 1);
            if (!prune) throw new Broken({ file, line: lineNo, seq, reason: 'missing_line', detail: `the chain starts at seq ${seq}: records 1..${seq - 1} are missing and no prune marker accounts for them` });
            if (prune.entry.head !== value.prev) throw new Broken({ file, line: lineNo, seq, reason: 'prev_mismatch', detail: `prev differs from the head in the prune marker at ${prune.file}:${prune.line}` });
          }
          firstSeq = seq;
        } else if (seq !== expectedSeq) {
          if (seq < expectedSeq) throw new Broken({ file, line: lineNo, seq, reason: 'out_of_order', detail: `seq ${seq} where ${expectedSeq} was expected` });
          const later = await findSeqLater(full, lineNo, expectedSeq);
          throw new Broken(
            later
              ? { file, line: lineNo, seq, reason: 'out_of_order', detail: `seq ${seq} where ${expectedSeq} was expected; seq ${expectedSeq} is at line ${later}` }
              : { file, line: lineNo, seq, reason: 'missing_line', detail: `seq ${seq} where ${expectedSeq} was expected: ${seq - expectedSeq} record(s) missing` },
          );
        } else if (value.prev !== expectedPrev) {
          throw new Broken({ file, line: lineNo, seq, reason: 'prev_mismatch', detail: `prev is not the mac of seq ${seq - 1}` });
        }
        const key = keyFor(value.kid, file, lineNo, seq);
        if (key) {
          const { mac, ...unsigned } = value;
          if (!hexEqual(lineMac(key, unsigned), mac)) throw new Broken({ file, line: lineNo, seq, reason: 'mac_mismatch', detail: 'the mac does not match the line (record, seq, prev or key id changed)' });
        }
        for (const checkpoint of checkpointsBySeq.get(seq) ?? []) {
          const { entry } = checkpoint;
          if (entry.head !== value.mac || entry.file !== file || entry.line !== lineNo) {
            throw new Broken({
              file,
              line: lineNo,
              seq,
              reason: 'checkpoint_mismatch',
              detail: `checkpoint ${checkpoint.file}:${checkpoint.line} puts seq ${seq} at ${entry.file}:${entry.line} with another mac`,
            });
          }
        }
        records += 1;
        lastSeq = seq;
        expectedSeq = seq + 1;
        expectedPrev = value.mac;
        lastFile = file;
        lastLine = lineNo;
      }
    }

    // 3. Nothing cut off after the last checkpoint.
    if (highest && (lastSeq === undefined || highest.entry.seq > lastSeq)) {
      const file = lastFile ?? highest.entry.file;
      throw new Broken({
        file,
        line: lastLine + 1,
        ...(lastSeq !== undefined ? { seq: lastSeq + 1 } : {}),
        reason: 'truncated',
        detail: `checkpoint ${highest.file}:${highest.line} attests seq ${highest.entry.seq} in ${highest.entry.file}; the chain ends at ${lastSeq ?? 'nothing'}`,
      });
    }
  } catch (error) {
    if (error instanceof Broken) return result(error.link.reason === 'unknown_key' ? 'unverifiable' : 'broken', error.link);
    throw error;
  }
  return result(keyed ? 'ok' : 'unverifiable');
}

async function findSeqLater(file: string, afterLine: number, seq: number): Promise<number | undefined> {
  let lineNo = 0;
  for await (const { text } of readLines(file)) {
    lineNo += 1;
    if (lineNo <= afterLine) continue;
    try {
      const value = JSON.parse(text) as { seq?: unknown };
      if (value.seq === seq) return lineNo;
    } catch {
      // skip
    }
  }
  return undefined;
}

/** Verifies DIR as one tenant's directory, or each tenant directory under it. */
export async function verifyAuditDir(dir: string, keyring: AuditKeyring): Promise<TenantVerifyResult[]> {
  const { records, checkpoints } = await dayFiles(dir);
  if (records.length > 0 || checkpoints.length > 0) return [await verifyTenantDir(dir, keyring)];
  const results: TenantVerifyResult[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const sub = path.join(dir, entry.name);
    const files = await dayFiles(sub);
    if (files.records.length > 0 || files.checkpoints.length > 0) results.push(await verifyTenantDir(sub, keyring));
  }
  return results;
}

// ---- Command ----

export interface AuditVerifyIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(file: string): Promise<Buffer>;
  env(name: string): string | undefined;
}

export const defaultAuditVerifyIo: AuditVerifyIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (file) => readFile(file),
  env: (name) => process.env[name],
};

export const AUDIT_VERIFY_USAGE = `usage: llmgw audit verify DIR [--key-file FILE]... [--json]
  DIR          a tenant's audit directory, or the audit root (every tenant under it)
  --key-file   the HMAC key file (repeat for keys used before a rotation);
               default $LLMGW_AUDIT_KEY_FILE; without a key only links and order are checked
  --json       one JSON object per tenant instead of text
exit: 0 verified, 1 broken link, 2 usage or read error, 3 not fully verified (no key, unknown key id)
`;

function describe(result: TenantVerifyResult): string {
  const tenant = result.tenant === undefined ? path.basename(result.dir) : result.tenant === null ? '(unidentified)' : result.tenant;
  const counts = `records=${result.records}${result.records > 0 ? ` seq=${result.firstSeq}..${result.lastSeq}` : ''} files=${result.recordFiles} checkpoints=${result.checkpoints}${
    result.prunedThrough !== undefined ? ` pruned-through=${result.prunedThrough}` : ''
  }`;
  if (result.broken) {
    const { file, line, seq, reason, detail } = result.broken;
    const label = result.status === 'broken' ? 'BROKEN' : 'UNVERIFIED';
    return `${label} ${tenant}: ${path.join(result.dir, file)}:${line}${seq !== undefined ? ` seq=${seq}` : ''} ${reason}: ${detail} (verified before it: ${counts})\n`;
  }
  if (!result.keyed) return `UNVERIFIED ${tenant}: ${counts}; links and order intact, MACs not checked (no key)\n`;
  return `OK ${tenant}: ${counts}\n`;
}

export async function runAuditVerify(argv: readonly string[], io: AuditVerifyIo = defaultAuditVerifyIo): Promise<number> {
  let dir: string | undefined;
  const keyFiles: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--key-file') {
      const value = argv[++i];
      if (!value) {
        io.stderr(AUDIT_VERIFY_USAGE);
        return 2;
      }
      keyFiles.push(value);
    } else if (arg.startsWith('--key-file=')) {
      keyFiles.push(arg.slice('--key-file='.length));
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '-h' || arg === '--help') {
      io.stdout(AUDIT_VERIFY_USAGE);
      return 0;
    } else if (arg.startsWith('-') || dir !== undefined) {
      io.stderr(`unexpected argument: ${arg}\n${AUDIT_VERIFY_USAGE}`);
      return 2;
    } else {
      dir = arg;
    }
  }
  if (!dir) {
    io.stderr(AUDIT_VERIFY_USAGE);
    return 2;
  }
  if (keyFiles.length === 0) {
    const fromEnv = io.env('LLMGW_AUDIT_KEY_FILE');
    if (fromEnv) keyFiles.push(fromEnv);
  }
  const keyring = new AuditKeyring();
  for (const file of keyFiles) {
    try {
      keyring.add(keyFromFileContent(await io.readFile(file)));
    } catch (error) {
      io.stderr(`audit verify: key file ${file}: ${error instanceof AuditKeyError ? error.message : (error as Error).message}\n`);
      return 2;
    }
  }
  let results: TenantVerifyResult[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    results = await verifyAuditDir(dir, keyring);
  } catch (error) {
    io.stderr(`audit verify: ${dir}: ${(error as Error).message}\n`);
    return 2;
  }
  if (results.length === 0) {
    io.stderr(`audit verify: no audit files under ${dir}\n`);
    return 2;
  }
  for (const result of results) io.stdout(json ? `${JSON.stringify(result)}\n` : describe(result));
  if (results.some((result) => result.status === 'broken')) return 1;
  if (results.some((result) => result.status === 'unverifiable')) return 3;
  return 0;
}
