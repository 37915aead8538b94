import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { auditJsonSchema, auditRecordSchema, type AuditRecord } from './record';
import { JsonLinesSink } from './sink';

const example: AuditRecord = {
  kind: 'llmgw.audit',
  version: 1,
  requestId: 'r-1',
  time: '2026-11-27T12:00:00.000Z',
  tenant: 'acme',
  keyId: 'acme-ci',
  user: null,
  clientAddress: '10.0.0.1:4444',
  api: 'openai.chat_completions',
  method: 'POST',
  path: '/v1/chat/completions',
  stream: true,
  modelRequested: 'gpt-4o-mini',
  modelServed: 'gpt-4o-mini',
  provider: 'openai',
  cluster: 'openai',
  tokens: { input: 12, output: 30, source: 'provider' },
  costUsd: 0.0000198,
  latencyMs: { total: 210.5, firstByte: 80.1 },
  status: 200,
  outcome: 'completed',
  errorCode: null,
  decisions: [{ stage: 'route', action: 'allow', reason: 'explicit model' }],
  findings: [],
};

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
