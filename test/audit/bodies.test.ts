/**
 * Encrypted bodies in tamper-evident files: a record with bodies goes through the real file sink,
 * `audit verify` accepts the files, `audit decrypt` opens the bodies with the right key only, and a
 * changed ciphertext is caught by both (the chain mac covers it, GCM authenticates it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AuditBodyEncryption, BodyCollector, parseBodyKey } from '../../src/audit/bodies';
import { canonicalJson, type ChainLine } from '../../src/audit/chain';
import { runAuditDecrypt, type AuditDecryptIo } from '../../src/audit/decrypt';
import { TenantFileSink } from '../../src/audit/file-sink';
import { auditRecordSchema, type AuditRecord } from '../../src/audit/record';
import { runAuditVerify } from '../../src/audit/verify';
import { auditRecord, captureIo, fileLines, listFiles, newKey, tempDir, writeKeyFile, writeLines, type TempDir } from './helpers';

const BODY_KEY = 'c3'.repeat(32);
const OTHER_KEY = 'd4'.repeat(32);

function collector(text: string): BodyCollector {
  const collected = new BodyCollector(1 << 20);
  collected.add(Buffer.from(text));
  return collected;
}

function decryptIo(): { out: string[]; err: string[]; io: AuditDecryptIo } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), readFile: async (file) => readFileSync(file, 'utf8') } };
}

describe('encrypted audit bodies in the tamper-evident files', () => {
  let tmp: TempDir;
  let hmacKeyFile: string;
  let bodyKeyFile: string;
  let otherKeyFile: string;
  let recordsFile: string;
  let sealed: AuditRecord;

  beforeAll(async () => {
    tmp = tempDir();
    const hmacKey = newKey();
    hmacKeyFile = writeKeyFile(tmp.dir, hmacKey);
    bodyKeyFile = path.join(tmp.dir, 'bodies.key');
    writeFileSync(bodyKeyFile, `${BODY_KEY}\n`);
    otherKeyFile = path.join(tmp.dir, 'other.key');
    writeFileSync(otherKeyFile, OTHER_KEY);
    const encryption = AuditBodyEncryption.fromConfig({ key: { file: bodyKeyFile }, tenants: ['acme'], maxBytes: 1 << 20 });
    const record = auditRecord('acme');
    sealed = { ...record, bodies: encryption.seal(record.requestId, 'acme', collector('{"model":"gpt-4o-mini","messages":[]}'), collector('{"choices":[]}')) };
    expect(auditRecordSchema.safeParse(sealed).success).toBe(true);
    const sink = new TenantFileSink({ dir: path.join(tmp.dir, 'audit'), key: () => hmacKey });
    sink.write(sealed);
    await sink.close();
    const acmeDir = path.join(tmp.dir, 'audit', 'acme');
    const found = listFiles(acmeDir).find((file) => path.basename(file).startsWith('records-'));
    if (!found) throw new Error('no records file');
    recordsFile = path.isAbsolute(found) ? found : path.join(acmeDir, found);
  });
  afterAll(() => tmp.cleanup());

  it('verifies, and decrypts with the body key', async () => {
    const verify = captureIo();
    expect(await runAuditVerify([path.join(tmp.dir, 'audit'), '--key-file', hmacKeyFile], verify.io)).toBe(0);
    const decrypt = decryptIo();
    expect(await runAuditDecrypt([recordsFile, '--key-file', otherKeyFile, '--key-file', bodyKeyFile], decrypt.io)).toBe(0);
    const opened = JSON.parse(decrypt.out.join('')) as { requestId: string; bodies: Record<string, unknown> };
    expect(opened.requestId).toBe(sealed.requestId);
    expect(opened.bodies).toMatchObject({
      request: { text: '{"model":"gpt-4o-mini","messages":[]}', truncated: false },
      response: { text: '{"choices":[]}', truncated: false },
    });
  });

  it('refuses to open them with another key', async () => {
    const decrypt = decryptIo();
    expect(await runAuditDecrypt([recordsFile, '--key-file', otherKeyFile], decrypt.io)).toBe(1);
    expect(decrypt.err.join('')).toContain('unknown key id');
  });

  it('catches a changed ciphertext in verify and in decrypt', async () => {
    const tampered = path.join(tmp.dir, 'tampered');
    const lines = fileLines(recordsFile);
    const line = JSON.parse(lines[0]!) as ChainLine & { record: AuditRecord };
    const request = line.record.bodies?.request;
    if (!request) throw new Error('no request body');
    const bytes = Buffer.from(request.ciphertext, 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 0x20;
    line.record = { ...line.record, bodies: { ...line.record.bodies!, request: { ...request, ciphertext: bytes.toString('base64') } } };
    const copy = path.join(tampered, 'acme', path.basename(recordsFile));
    mkdirSync(path.dirname(copy), { recursive: true });
    writeLines(copy, [canonicalJson(line)]);
    const verify = captureIo();
    expect(await runAuditVerify([path.join(tampered, 'acme'), '--key-file', hmacKeyFile], verify.io)).toBe(1);
    expect(verify.out.join('')).toContain('mac_mismatch');
    const decrypt = decryptIo();
    expect(await runAuditDecrypt([copy, '--key-file', bodyKeyFile], decrypt.io)).toBe(1);
    expect(decrypt.err.join('')).toContain('authentication failed');
  });

  it('names the key by id, never by value', () => {
    expect(JSON.stringify(sealed)).not.toContain(BODY_KEY);
    expect(sealed.bodies?.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseBodyKey(Buffer.from(BODY_KEY, 'hex').toString('base64'))).toEqual(Buffer.from(BODY_KEY, 'hex'));
  });
});
