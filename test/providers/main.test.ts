import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startMockProviders } from '../support/providers';
import { parseArgs, runMain } from '../support/providers/main';
import { bodyJson, rawRequest } from './helpers';

describe('parseArgs', () => {
  it('reads flavour ports and host, in either --flag value or --flag=value form', () => {
    expect(parseArgs(['--openai', '18081', '--anthropic=18082', '--gemini', '0', '--host', '0.0.0.0'])).toEqual({
      ports: { openai: 18081, anthropic: 18082, gemini: 0 },
      host: '0.0.0.0',
    });
  });

  it('starts all three on ephemeral ports when none is named', () => {
    expect(parseArgs([])).toEqual({ ports: { openai: 0, anthropic: 0, gemini: 0 }, host: '127.0.0.1' });
  });

  it('rejects unknown flags, missing values and bad ports', () => {
    expect(() => parseArgs(['--mistral', '1'])).toThrow(/unknown argument/);
    expect(() => parseArgs(['--openai'])).toThrow(/missing value/);
    expect(() => parseArgs(['--openai', 'x'])).toThrow(/bad port/);
  });
});

describe('runMain', () => {
  it('starts the named flavours, logs where they listen and closes them', async () => {
    const lines: string[] = [];
    const close = await runMain(['--openai', '0', '--gemini', '0'], (l) => lines.push(l));
    try {
      expect(lines).toHaveLength(2);
      const url = /mock-openai listening on (\S+)/.exec(lines[0])?.[1] ?? '';
      expect(bodyJson(await rawRequest(url, '/_mock/health'))).toEqual({ ok: true, flavor: 'openai' });
      expect(lines[1]).toMatch(/^mock-gemini listening on http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await close();
    }
  });

  it('fails cleanly when a port is taken', async () => {
    const taken = await startMockProviders();
    try {
      await expect(runMain(['--openai', '0', '--anthropic', String(taken.anthropic.port)], () => undefined)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await taken.close();
    }
  });
});

describe('main.ts as a process', () => {
  it('prints its listeners and exits 0 on SIGTERM', async () => {
    const root = join(__dirname, '..', '..');
    const child = spawn(process.execPath, ['-r', './test/support/providers/register-ts.js', 'test/support/providers/main.ts', '--anthropic', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /mock-anthropic listening on (\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${out}`)));
    });
    expect(bodyJson(await rawRequest(url, '/_mock/health'))).toEqual({ ok: true, flavor: 'anthropic' });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
