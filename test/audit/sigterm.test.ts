/** A process writing audit records under load and stopped with SIGTERM loses none of them. */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { AuditKeyring } from '../../src/audit/chain';
import { verifyAuditDir } from '../../src/audit/verify';
import { newKey, tempDir } from './helpers';

it('SIGTERM under load: every record handed to the sink is in the files, and the chains verify', async () => {
  const tmp = tempDir();
  try {
    const key = newKey();
    const dir = path.join(tmp.dir, 'audit');
    // SIGTERM once this many records have been handed to the sink (the writer says `loaded`): a count,
    // not a time, since a loaded machine writes far fewer records in a given time.
    const loaded = 5000;
    const child = spawn(process.execPath, [path.join(__dirname, 'support', 'sigterm-writer.js'), dir, key.toString('hex'), String(loaded)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15_000;
    while (!output.includes('loaded')) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`the writer did not report ${loaded} records written: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const { written, dropped } = JSON.parse(output.trim().split('\n').at(-1)!) as { written: number; dropped: number };
    expect(written).toBeGreaterThan(1000);
    expect(dropped).toBe(0);
    const results = await verifyAuditDir(dir, new AuditKeyring([key]));
    expect(results.map((result) => result.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(results.reduce((sum, result) => sum + result.records, 0)).toBe(written);
    expect(readdirSync(dir)).not.toContain('.writer.lock');
  } finally {
    tmp.cleanup();
  }
}, 30_000);
