/** Shared fixtures of the audit sink tests: records, keys, temp directories, a settable clock. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AuditRecord } from '../../src/audit/record';

let counter = 0;

export function auditRecord(tenant: string | null, overrides: Partial<AuditRecord> = {}): AuditRecord {
  counter += 1;
  return {
    kind: 'llmgw.audit',
    version: 1,
    requestId: `req-${counter}`,
    time: '2026-11-27T12:00:00.000Z',
    tenant,
    keyId: tenant ? `${tenant}-key` : null,
    user: null,
    clientAddress: '127.0.0.1:5555',
    api: 'openai.chat_completions',
    method: 'POST',
    path: '/v1/chat/completions',
    stream: false,
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
    ...overrides,
  };
}

export function newKey(): Buffer {
  return Buffer.from(randomBytes(32).toString('hex'));
}

export interface TempDir {
  readonly dir: string;
  cleanup(): void;
}

export function tempDir(prefix = 'llmgw-audit-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeKeyFile(dir: string, key: Buffer, name = 'audit.key'): string {
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat([key, Buffer.from('\n')]), { mode: 0o600 });
  return file;
}

/** A clock tests move by hand. */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const DAY_MS = 86_400_000;

/** The lines of a file, without the final empty string. */
export function fileLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

export function writeLines(file: string, lines: readonly string[]): void {
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Captures what runAuditVerify prints. */
export function captureIo(env: Record<string, string> = {}): { out: string[]; err: string[]; io: import('../../src/audit/verify').AuditVerifyIo } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      readFile: async (file) => readFileSync(file),
      env: (name) => env[name],
    },
  };
}
