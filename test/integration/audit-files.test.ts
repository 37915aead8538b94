/**
 * The sidecar with the tamper-evident file sink configured: a request's audit record lands in its
 * tenant's own file, and `llmgw audit verify` (the compiled CLI) accepts the chain, then reports the
 * first broken link once a byte is changed.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import { App } from '../../src/app';
import { startEdge } from '../support/edge/edge';
import { startMockProviders } from '../support/providers';
import { PROVIDER_KEYS, TEST_KEYS, testGatewayConfig } from '../support/sidecar';

const root = path.resolve(__dirname, '../..');

it('writes per-tenant chained files that llmgw audit verify accepts, and catches an edit', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-audit-app-'));
  const keyFile = path.join(dir, 'audit.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'));
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(
    configPath,
    stringify({
      server: { tcp: { host: '127.0.0.1', port: 0 } },
      admin: { host: '127.0.0.1', port: 0 },
      audit: { stdout: false, files: { dir: 'audit', keyFile: 'audit.key' } },
      ...testGatewayConfig(dir),
    }),
  );
  const mocks = await startMockProviders({}, { apiKeys: { ...PROVIDER_KEYS } });
  const app = await App.start({ configPath, logger: pino({ level: 'silent' }) });
  const edge = await startEdge({ extProc: { address: `127.0.0.1:${app.addresses.tcpPort}` }, upstreams: { openai: mocks.openai.url } });
  try {
    for (const key of [TEST_KEYS.acme, TEST_KEYS.acme, TEST_KEYS.globex]) {
      const response = await fetch(`${edge.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    await edge.settled();
  } finally {
    await edge.close();
    await app.close(); // drains and checkpoints the sinks
    await mocks.close();
  }

  const auditDir = path.join(dir, 'audit');
  expect(readdirSync(auditDir).filter((name) => !name.startsWith('.')).sort()).toEqual(['acme', 'globex']);
  const acmeFile = path.join(auditDir, 'acme', readdirSync(path.join(auditDir, 'acme')).find((name) => name.startsWith('records-')) ?? '');
  const lines = readFileSync(acmeFile, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines.every((line) => (JSON.parse(line) as { record: { tenant: string } }).record.tenant === 'acme')).toBe(true);

  const verify = () => spawnSync('node', [path.join(root, 'bin/llmgw.js'), 'audit', 'verify', auditDir, '--key-file', keyFile], { encoding: 'utf8' });
  const ok = verify();
  expect(ok.status).toBe(0);
  expect(ok.stdout).toContain('OK acme');

  writeFileSync(acmeFile, readFileSync(acmeFile, 'utf8').replace('"status":200', '"status":201'));
  const broken = verify();
  expect(broken.status).toBe(1);
  expect(broken.stdout + broken.stderr).toMatch(/mac_mismatch/);
});
