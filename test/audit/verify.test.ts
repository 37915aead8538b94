/**
 * Tamper tests: each edit an attacker (or an accident) can make to the files is found, and the report
 * names the FIRST broken link: file, line, seq and reason.
 */
import { createHash, createHmac } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AuditKeyring, canonicalJson, chainLine, deriveAuditKey, type ChainLine } from '../../src/audit/chain';
import { TenantFileSink } from '../../src/audit/file-sink';
import type { AuditRecord } from '../../src/audit/record';
import { runAuditVerify, verifyTenantDir, type BrokenLink } from '../../src/audit/verify';
import { auditRecord, captureIo, DAY_MS, fileLines, newKey, tempDir, TestClock, writeKeyFile, writeLines, type TempDir } from './helpers';

const DAY1 = 'records-2026-11-27.jsonl';
const DAY2 = 'records-2026-11-28.jsonl';

describe('audit verify', () => {
  let tmp: TempDir;
  let key: Buffer;
  let root: string;
  let acme: string;

  beforeAll(() => {
    tmp = tempDir();
    key = newKey();
  });
  afterAll(() => tmp.cleanup());

  let fixture = 0;
  /** Two days of five records each for acme (and a few for globex), written by the real sink. */
  beforeEach(async () => {
    fixture += 1;
    root = path.join(tmp.dir, `audit-${fixture}`);
    const clock = new TestClock(Date.parse('2026-11-27T12:00:00.000Z'));
    const sink = new TenantFileSink({ dir: root, key: () => key, clock: clock.now });
    for (let i = 0; i < 5; i++) sink.write(auditRecord('acme'));
    sink.write(auditRecord('globex'));
    await sink.flush();
    clock.advance(DAY_MS);
    for (let i = 0; i < 5; i++) sink.write(auditRecord('acme'));
    sink.write(auditRecord('globex'));
    await sink.close();
    acme = path.join(root, 'acme');
  });

  const file = (name: string): string => path.join(acme, name);
  const verify = async (dir = acme, keys: Buffer[] = [key]) => verifyTenantDir(dir, new AuditKeyring(keys));
  const editLine = (name: string, index: number, edit: (line: ChainLine) => ChainLine | string): void => {
    const lines = fileLines(file(name));
    const edited = edit(JSON.parse(lines[index]!) as ChainLine);
    lines[index] = typeof edited === 'string' ? edited : canonicalJson(edited);
    writeLines(file(name), lines);
  };
  /** Rewrites the chain from line `index` of `name` on with `mac` (what an attacker without the key can do). */
  const rechain = (name: string, index: number, change: (record: AuditRecord) => AuditRecord, mac: (unsigned: Omit<ChainLine, 'mac'>) => string, kid?: string): void => {
    let prev: string | undefined;
    for (const current of [DAY1, DAY2]) {
      if (current < name) continue;
      const lines = fileLines(file(current)).map((line) => JSON.parse(line) as ChainLine);
      for (let i = current === name ? index : 0; i < lines.length; i++) {
        const { mac: _old, ...rest } = lines[i]!;
        const unsigned = { ...rest, ...(prev !== undefined ? { prev } : {}), ...(kid ? { kid } : {}), record: i === index && current === name ? change(rest.record) : rest.record };
        lines[i] = { ...unsigned, mac: mac(unsigned) };
        prev = lines[i]!.mac;
      }
      writeLines(file(current), lines.map((line) => canonicalJson(line)));
    }
  };

  it('reports OK with counts for untouched files', async () => {
    expect(await verify()).toMatchObject({ status: 'ok', tenant: 'acme', records: 10, firstSeq: 1, lastSeq: 10, recordFiles: 2, checkpoints: 2, keyed: true });
  });

  const cases: [string, () => void, Partial<BrokenLink>][] = [
    ['a byte of a record edited', () => editLine(DAY1, 2, (line) => canonicalJson(line).replace('"input":12', '"input":13')), { file: DAY1, line: 3, seq: 3, reason: 'mac_mismatch' }],
    ['a record field edited and re-serialised', () => editLine(DAY2, 1, (line) => ({ ...line, record: { ...line.record, costUsd: 0 } })), { file: DAY2, line: 2, seq: 7, reason: 'mac_mismatch' }],
    ['a line deleted', () => writeLines(file(DAY1), fileLines(file(DAY1)).filter((_line, i) => i !== 2)), { file: DAY1, line: 3, seq: 4, reason: 'missing_line' }],
    [
      'two lines swapped',
      () => {
        const lines = fileLines(file(DAY1));
        [lines[1], lines[2]] = [lines[2]!, lines[1]!];
        writeLines(file(DAY1), lines);
      },
      { file: DAY1, line: 2, seq: 3, reason: 'out_of_order' },
    ],
    ['a line moved back', () => writeLines(file(DAY2), [...fileLines(file(DAY2)), fileLines(file(DAY2))[0]!]), { file: DAY2, line: 6, seq: 6, reason: 'out_of_order' }],
    ['the file cut mid-line', () => truncateSync(file(DAY2), statSync(file(DAY2)).size - 10), { file: DAY2, line: 5, reason: 'truncated' }],
    ['the last lines cut off', () => writeLines(file(DAY2), fileLines(file(DAY2)).slice(0, 3)), { file: DAY2, line: 4, seq: 9, reason: 'truncated' }],
    ['a whole day file deleted', () => rmSync(file(DAY1)), { file: DAY2, line: 1, seq: 6, reason: 'missing_line' }],
    ['prev of a line changed', () => editLine(DAY2, 0, (line) => ({ ...line, prev: createHash('sha256').update('x').digest('hex') })), { file: DAY2, line: 1, seq: 6, reason: 'prev_mismatch' }],
    ['the last line of a day deleted', () => writeLines(file(DAY1), fileLines(file(DAY1)).slice(0, 4)), { file: DAY2, line: 1, seq: 6, reason: 'missing_line' }],
    [
      'a record edited and the chain recomputed with plain SHA-256 (no key)',
      () => rechain(DAY1, 2, (record) => ({ ...record, outcome: 'rejected' }), (unsigned) => createHash('sha256').update(canonicalJson(unsigned)).digest('hex')),
      { file: DAY1, line: 3, seq: 3, reason: 'mac_mismatch' },
    ],
    [
      'a record edited and the chain recomputed with a guessed key under the real key id',
      () => {
        const guessed = deriveAuditKey(newKey());
        rechain(DAY1, 2, (record) => ({ ...record, user: 'someone-else' }), (unsigned) => createHmac('sha256', guessed.recordKey).update(canonicalJson(unsigned)).digest('hex'));
      },
      { file: DAY1, line: 3, seq: 3, reason: 'mac_mismatch' },
    ],
    ['a line re-serialised with whitespace', () => editLine(DAY1, 0, (line) => JSON.stringify(line, null, 1).replace(/\n/g, '')), { file: DAY1, line: 1, reason: 'malformed' }],
    [
      'a checkpoint edited',
      () => {
        const ckpt = path.join(acme, 'checkpoints-2026-11-27.jsonl');
        writeLines(ckpt, fileLines(ckpt).map((line) => line.replace('"seq":5', '"seq":4')));
      },
      { file: 'checkpoints-2026-11-27.jsonl', line: 1, reason: 'checkpoint_mismatch' },
    ],
    ['a day file renamed', () => renameSync(file(DAY1), file('records-2026-11-20.jsonl')), { file: 'records-2026-11-20.jsonl', line: 5, seq: 5, reason: 'checkpoint_mismatch' }],
    [
      "another tenant's file dropped in",
      () => {
        rmSync(file(DAY2));
        cpSync(path.join(root, 'globex', DAY2), file(DAY2));
      },
      { file: DAY2, line: 1, seq: 2, reason: 'tenant_mismatch' },
    ],
  ];

  it.each(cases)('finds %s', async (_name, tamper, expected) => {
    tamper();
    const result = await verify();
    expect(result.status).toBe('broken');
    expect(result.broken).toMatchObject(expected);
  });

  it('cannot be fooled by a chain rebuilt with the attacker’s own key: unknown key id, not OK', async () => {
    const attacker = deriveAuditKey(newKey());
    // Rebuild every line with the attacker's key and key id, and drop the checkpoints.
    let prev: string | undefined;
    for (const name of [DAY1, DAY2]) {
      const lines = fileLines(file(name)).map((line) => JSON.parse(line) as ChainLine);
      const rebuilt = lines.map((line) => {
        const { text, line: next } = chainLine(attacker, line.tenant, line.seq, prev ?? line.prev, { ...line.record, costUsd: 0 });
        prev = next.mac;
        return text.trimEnd();
      });
      writeLines(file(name), rebuilt);
    }
    for (const name of readdirSync(acme).filter((entry) => entry.startsWith('checkpoints-'))) rmSync(file(name));
    const result = await verify();
    expect(result.status).toBe('unverifiable');
    expect(result.broken).toMatchObject({ file: DAY1, line: 1, seq: 1, reason: 'unknown_key' });
    const keyFile = writeKeyFile(tmp.dir, key);
    const { io, out } = captureIo();
    expect(await runAuditVerify([acme, '--key-file', keyFile], io)).toBe(3);
    expect(out.join('')).toMatch(/^UNVERIFIED acme: .*records-2026-11-27\.jsonl:1 seq=1 unknown_key/);
  });

  describe('command', () => {
    it('prints OK per tenant under the root and exits 0', async () => {
      const keyFile = writeKeyFile(tmp.dir, key);
      const { io, out } = captureIo();
      expect(await runAuditVerify([root, '--key-file', keyFile], io)).toBe(0);
      expect(out.join('')).toBe('OK acme: records=10 seq=1..10 files=2 checkpoints=2\nOK globex: records=2 seq=1..2 files=2 checkpoints=2\n');
    });

    it('prints the first broken link and exits 1', async () => {
      writeLines(file(DAY1), fileLines(file(DAY1)).filter((_line, i) => i !== 1));
      const keyFile = writeKeyFile(tmp.dir, key);
      const { io, out } = captureIo();
      expect(await runAuditVerify([root, `--key-file=${keyFile}`], io)).toBe(1);
      expect(out.join('')).toBe(
        `BROKEN acme: ${file(DAY1)}:2 seq=3 missing_line: seq 3 where 2 was expected: 1 record(s) missing (verified before it: records=1 seq=1..1 files=2 checkpoints=2)\n` +
          'OK globex: records=2 seq=1..2 files=2 checkpoints=2\n',
      );
    });

    it('takes the key file from LLMGW_AUDIT_KEY_FILE and prints JSON with --json', async () => {
      const keyFile = writeKeyFile(tmp.dir, key);
      const { io, out } = captureIo({ LLMGW_AUDIT_KEY_FILE: keyFile });
      expect(await runAuditVerify([acme, '--json'], io)).toBe(0);
      expect(JSON.parse(out.join(''))).toMatchObject({ status: 'ok', tenant: 'acme', records: 10, keyed: true });
    });

    it('without a key checks links and order only: exit 3 when they hold, 1 when they do not', async () => {
      const intact = captureIo();
      expect(await runAuditVerify([acme], intact.io)).toBe(3);
      expect(intact.out.join('')).toBe('UNVERIFIED acme: records=10 seq=1..10 files=2 checkpoints=2; links and order intact, MACs not checked (no key)\n');
      writeLines(file(DAY2), fileLines(file(DAY2)).slice(0, 2));
      const cut = captureIo();
      expect(await runAuditVerify([acme], cut.io)).toBe(1);
      expect(cut.out.join('')).toMatch(/truncated: checkpoint checkpoints-2026-11-28\.jsonl:1 attests seq 10/);
    });

    it('exits 2 on usage errors, a missing directory, a short key or nothing to verify', async () => {
      const cases: string[][] = [[], ['--bogus', acme], [acme, 'extra'], [path.join(tmp.dir, 'nope')], [acme, '--key-file']];
      for (const argv of cases) {
        const { io } = captureIo();
        expect(await runAuditVerify(argv, io)).toBe(2);
      }
      const short = path.join(tmp.dir, 'short.key');
      writeFileSync(short, 'too-short\n');
      const shortIo = captureIo();
      expect(await runAuditVerify([acme, '--key-file', short], shortIo.io)).toBe(2);
      expect(shortIo.err.join('')).toMatch(/audit key too short/);
      const empty = path.join(tmp.dir, `empty-${fixture}`);
      mkdirSync(empty);
      writeFileSync(path.join(empty, 'not-audit.txt'), 'x');
      const emptyIo = captureIo();
      expect(await runAuditVerify([empty], emptyIo.io)).toBe(2);
      expect(emptyIo.err.join('')).toMatch(/no audit files/);
    });
  });
});
