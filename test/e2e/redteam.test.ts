/**
 * `llmgw redteam` against a gateway started in-process (SDK-free: plain fetch, as an operator's run would
 * be): user rows as the user message, document rows as a tool result; the gateway's block decisions per
 * category must match what eval predicts locally with the same detector settings, and only the rows it
 * passed reach the provider.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCorpus, type CorpusRow } from '../../src/guard/injection/train';
import { runRedteam } from '../../src/guard/injection/redteam';
import { TEST_KEYS } from '../support/sidecar';
import { startGateway, type Gateway } from './harness';

const CORPUS = resolve(__dirname, '../../../shared/corpus/injection-dev.jsonl');

/** A few rows of every source (attacks and benign, user and document channels), the same on every run. */
function sample(rows: readonly CorpusRow[]): CorpusRow[] {
  const out: CorpusRow[] = [];
  for (const source of [...new Set(rows.map((r) => r.source))].sort()) {
    const of = rows.filter((r) => r.source === source);
    const step = Math.max(1, Math.floor(of.length / 3));
    out.push(...of.filter((_, i) => i % step === 0).slice(0, 3));
  }
  return out;
}

(existsSync(CORPUS) ? describe : describe.skip)('llmgw redteam', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway({
      guards: { input: [{ id: 'prompt_injection', action: 'block', code: 'prompt_injection_detected', on: ['prompt_injection', 'jailbreak'] }] },
    });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('reports the block rate per category next to the local prediction, and they agree', async () => {
    const rows = sample(readCorpus(CORPUS));
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set(['user', 'document']));
    const dir = mkdtempSync(join(tmpdir(), 'redteam-'));
    const file = join(dir, 'sample.jsonl');
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    let out = '';
    let err = '';
    gateway.mocks.openai.clearRequests();
    const code = await runRedteam(['--target', gateway.edge.url, '--corpus', file, '--key', TEST_KEYS.acme, '--concurrency', '3'], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    const table = new Map<string, string[]>();
    for (const line of out.split('\n')) {
      const cells = line.trim().split(/ +/);
      if (cells.length === 6 && ['benign', 'indirect', 'injection', 'jailbreak'].includes(cells[0] as string)) table.set(cells[0] as string, cells);
    }
    expect([...table.keys()].sort()).toEqual(['benign', 'indirect', 'injection', 'jailbreak']);
    for (const [, [, rowsCell, blocked, predicted, differ, errors]] of table) {
      expect(Number(rowsCell)).toBeGreaterThan(0);
      expect(errors).toBe('0');
      expect(differ).toBe('0');
      expect(blocked).toBe(predicted);
    }
    // Attacks were blocked in the sample, and every row the gateway passed reached the provider.
    expect(table.get('jailbreak')?.[2]).not.toBe('0.00%');
    const benignBlocked = Number((table.get('benign')?.[2] ?? '0').replace('%', ''));
    expect(benignBlocked).toBeLessThan(50);
    const passed = gateway.mocks.openai.requests().length;
    expect(passed).toBeGreaterThan(0);
    expect(passed).toBeLessThan(rows.length);
  }, 120000);

  it('refuses to run without a target or a corpus', async () => {
    let err = '';
    expect(await runRedteam(['--corpus', 'x.jsonl'], { stdout: () => {}, stderr: (t) => (err += t) })).toBe(2);
    expect(err).toContain('usage: llmgw redteam');
  });
});
