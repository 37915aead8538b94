/**
 * The `llmgw` command as an operator runs it: compiled (make build), as a separate process, with real
 * signals. SIGTERM must drain and exit 0 with the stream it was serving answered.
 */
import { createHash } from 'node:crypto';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { stringify } from 'yaml';
import { externalProcessorClient } from '../../src/extproc/protos';
import { testGatewayConfig, TEST_KEYS } from '../support/sidecar';
import type { ProtoProcessingRequest, ProtoProcessingResponse } from '../../src/extproc/envoy-types';
import { waitForLog } from '../support/child-log';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/llmgw.js');

beforeAll(() => {
  if (!existsSync(path.join(root, 'dist/src/main.js'))) throw new Error('dist/ is missing: run `make build` (make test does it)');
});

function writeConfig(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'llmgw-cli-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('llmgw check-config', () => {
  it('exits 0 on a valid file', () => {
    const result = spawnSync('node', [bin, 'check-config', writeConfig('server: { tcp: { port: 50051 } }\n')], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(': ok');
  });

  it('exits 1 and lists every problem with its path', () => {
    const result = spawnSync('node', [bin, 'check-config', writeConfig('server: { tcp: { port: x } }\nlogging: { level: loud }\n')], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('server.tcp.port:');
    expect(result.stderr).toContain('logging.level:');
  });
});

describe('llmgw eval cache and cache purge', () => {
  it('prints hit rate, false hits and lookup latency for a pair file', () => {
    const result = spawnSync('node', [bin, 'eval', 'cache', path.join(root, 'eval/cache-workload.jsonl'), '--split', 'holdout'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/hit rate +[\d.]+%/);
    expect(result.stdout).toMatch(/false hits +0\//);
    expect(result.stdout).toMatch(/lookup +p50/);
  });

  it('purge refuses a config without a shared store, and says where to purge instead', () => {
    const file = writeConfig('server: { tcp: { port: 50051 } }\ntenants: { acme: {} }\n');
    const result = spawnSync('node', [bin, 'cache', 'purge', '--tenant', 'acme', '--config', file], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DELETE /admin/v1/tenants/acme/cache');
    expect(spawnSync('node', [bin, 'cache', 'purge'], { encoding: 'utf8' }).status).toBe(2);
  });

  it('check-config reports a cache override of an unknown tenant with its path', () => {
    const result = spawnSync('node', [bin, 'check-config', writeConfig('server: { tcp: { port: 50051 } }\ncache: { tenants: { initech: { enabled: true } } }\n')], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cache.tenants.initech');
  });
});

describe('llmgw hash-key', () => {
  it('prints the SHA-256 of the key read from stdin', () => {
    const result = spawnSync('node', [bin, 'hash-key'], { input: 'sk-demo\n', encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(createHash('sha256').update('sk-demo').digest('hex'));
  });
});

describe('llmgw serve', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => child?.kill('SIGKILL'));


  it('drains on SIGTERM: answers the open stream, then exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-cli-'));
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, stringify({ server: { tcp: { host: '127.0.0.1', port: 0 }, drainTimeoutSeconds: 10 }, admin: { port: 0 }, ...testGatewayConfig(dir) }));
    child = spawn('node', [bin, 'serve', '--config', config]);
    const ready = await waitForLog(child, /"tcpPort":(\d+)[^\n]*llmgw sidecar ready/);
    const port = /"tcpPort":(\d+)/.exec(ready)?.[1];
    const Client = externalProcessorClient();
    const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Process(): grpc.ClientDuplexStream<ProtoProcessingRequest, ProtoProcessingResponse>;
    };
    const stream = client.Process();
    const responses: string[] = [];
    stream.on('data', (r: ProtoProcessingResponse) => responses.push(r.response ?? ''));
    const status = new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    stream.on('error', () => undefined);
    const raw = (key: string, value: string) => ({ key, raw_value: Buffer.from(value) });
    stream.write({
      request_headers: {
        headers: {
          headers: [raw(':method', 'POST'), raw(':path', '/v1/chat/completions'), raw('content-type', 'application/json'), raw('authorization', `Bearer ${TEST_KEYS.acme}`)],
        },
      },
    });
    while (responses.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));

    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    const draining = waitForLog(child, /"msg":"draining"/);
    child.kill('SIGTERM');
    await draining;
    // Still served while draining.
    stream.write({ request_body: { body: Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'), end_of_stream: true } });
    while (responses.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    stream.end();
    expect((await status).code).toBe(grpc.status.OK);
    expect(await exited).toBe(0);
    expect(responses).toEqual(['request_headers', 'request_body']);
    client.close();
  });
});
