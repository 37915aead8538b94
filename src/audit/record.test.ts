import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { auditJsonSchema, auditRecordSchema, type AuditRecord } from './record';
import { JsonLinesSink } from './sink';
import { auditRecord } from '../../test/audit/helpers';

const example: AuditRecord = auditRecord('acme', { requestId: 'r-1' });

describe('audit record', () => {
  it('matches the committed JSON schema (regenerate with `make schemas`)', () => {
    const committed = JSON.parse(readFileSync(path.join(__dirname, '../../schemas/audit-record.schema.json'), 'utf8')) as object;
    expect(committed).toEqual(JSON.parse(JSON.stringify(auditJsonSchema())));
  });

  it('accepts a complete record and refuses an unknown field (no accidental raw text)', () => {
    expect(auditRecordSchema.safeParse(example).success).toBe(true);
    expect(auditRecordSchema.safeParse({ ...example, prompt: 'hello' }).success).toBe(false);
  });

  it('writes one JSON line per record, in order, and flushes', async () => {
    const lines: string[] = [];
    const sink = new JsonLinesSink({
      write: (chunk, callback) => {
        lines.push(chunk);
        setImmediate(() => callback());
        return true;
      },
    });
    sink.write(example);
    sink.write({ ...example, requestId: 'r-2' });
    await sink.flush();
    expect(lines.map((line) => (JSON.parse(line) as AuditRecord).requestId)).toEqual(['r-1', 'r-2']);
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true);
  });

  it('counts records it cannot queue instead of growing without bound', () => {
    let dropped = 0;
    const sink = new JsonLinesSink({ write: () => true }, 2, () => (dropped += 1));
    for (let i = 0; i < 5; i += 1) sink.write(example);
    expect(dropped).toBe(3);
  });
});
