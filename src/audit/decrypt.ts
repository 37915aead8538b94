/**
 * `llmgw audit decrypt FILE... --key-file F [--key-file F2]...`: prints the records of audit files
 * (chained file lines, or plain JSON lines from stdout, Redis or S3 exports) with their encrypted
 * bodies opened: `bodies.request` / `bodies.response` become the text (UTF-8) or base64 of the bytes.
 * Run `llmgw audit verify` first: decrypting proves a body belongs to its record (the GCM binding),
 * verifying proves the record is the one that was written.
 */
import { readFile } from 'node:fs/promises';
import { auditBodiesFieldSchema, bodyKeyId, decryptBody, parseBodyKey, type BodyDirection, type EncryptedBody } from './bodies';

export const AUDIT_DECRYPT_USAGE = `usage: llmgw audit decrypt FILE... --key-file FILE [--key-file FILE]...
  FILE         audit records files (records-YYYY-MM-DD.jsonl) or JSON lines of records; - for stdin
  --key-file   the audit.bodies key (repeat for keys used before a rotation; picked by key id)
exit: 0 every body opened, 1 a body could not be opened (unknown key, tampered), 2 usage or read error
`;

export interface AuditDecryptIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readFile: (file: string) => Promise<string>;
}

const defaultIo: AuditDecryptIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: async (file) => {
    if (file !== '-') return readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

type OpenedBody = { readonly text: string } | { readonly base64: string } | { readonly error: string };

function open(keys: ReadonlyMap<string, Buffer>, keyId: string, body: EncryptedBody, binding: { requestId: string; tenant: string; direction: BodyDirection }): OpenedBody {
  const key = keys.get(keyId);
  if (!key) return { error: `unknown key id ${keyId}` };
  try {
    const plain = decryptBody(key, body, binding);
    const text = plain.toString('utf8');
    return Buffer.from(text, 'utf8').equals(plain) ? { text } : { base64: plain.toString('base64') };
  } catch {
    return { error: 'authentication failed (wrong key, or the body or its record was changed)' };
  }
}

export async function runAuditDecrypt(argv: readonly string[], io: AuditDecryptIo = defaultIo): Promise<number> {
  const files: string[] = [];
  const keyFiles: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--key-file') {
      const value = argv[++i];
      if (!value) {
        io.stderr(AUDIT_DECRYPT_USAGE);
        return 2;
      }
      keyFiles.push(value);
    } else if (arg === '-h' || arg === '--help') {
      io.stdout(AUDIT_DECRYPT_USAGE);
      return 0;
    } else if (arg.startsWith('-') && arg !== '-') {
      io.stderr(`unexpected argument: ${arg}\n${AUDIT_DECRYPT_USAGE}`);
      return 2;
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0 || keyFiles.length === 0) {
    io.stderr(AUDIT_DECRYPT_USAGE);
    return 2;
  }
  const keys = new Map<string, Buffer>();
  for (const file of keyFiles) {
    try {
      const key = parseBodyKey(await io.readFile(file));
      keys.set(bodyKeyId(key), key);
    } catch (error) {
      io.stderr(`audit decrypt: key file ${file}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  let failed = false;
  for (const file of files) {
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (error) {
      io.stderr(`audit decrypt: ${file}: ${(error as Error).message}\n`);
      return 2;
    }
    for (const [index, line] of text.split('\n').entries()) {
      if (!line.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        io.stderr(`audit decrypt: ${file}:${index + 1}: not JSON\n`);
        return 2;
      }
      // A chain line wraps the record; a plain line is the record.
      const record = (typeof parsed === 'object' && parsed !== null && 'record' in parsed ? (parsed as { record: unknown }).record : parsed) as Record<string, unknown>;
      if (typeof record !== 'object' || record === null || record.kind !== 'llmgw.audit') continue;
      const sealed = auditBodiesFieldSchema.safeParse(record.bodies);
      if (!sealed.success || typeof record.requestId !== 'string' || typeof record.tenant !== 'string') {
        io.stdout(`${JSON.stringify(record)}\n`);
        continue;
      }
      const binding = { requestId: record.requestId, tenant: record.tenant };
      const opened: Record<string, unknown> = { keyId: sealed.data.keyId };
      for (const direction of ['request', 'response'] as const) {
        const body = sealed.data[direction];
        if (!body) continue;
        const result = open(keys, sealed.data.keyId, body, { ...binding, direction });
        if ('error' in result) {
          failed = true;
          io.stderr(`audit decrypt: ${file}:${index + 1}: ${record.requestId} ${direction}: ${result.error}\n`);
        }
        opened[direction] = { ...result, bytes: body.bytes, truncated: body.truncated };
      }
      io.stdout(`${JSON.stringify({ ...record, bodies: opened })}\n`);
    }
  }
  return failed ? 1 : 0;
}
