/**
 * The object sink against a local S3-compatible server: moto's standalone server (PyPI `moto[server]`),
 * when `moto_server` is on PATH (MOTO_SERVER overrides); skipped otherwise. moto does not check
 * signatures by default (the fake in fake-s3.ts does); this test is about the real protocol: path-style
 * keys, conditional writes, object metadata, what a reader gets back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { AuditRecord } from '../../src/audit/record';
import { encodeS3Path, sha256Hex, signV4, type SigV4Credentials } from '../../src/audit/s3';
import { S3AuditSink } from '../../src/audit/s3-sink';
import { auditRecord } from './helpers';

const binary = process.env.MOTO_SERVER ?? 'moto_server';
const available = spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
const credentials: SigV4Credentials = { accessKeyId: 'AKIDMOTO', secretAccessKey: 'moto-secret' };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A signed request (moto accepts unsigned ones too, but real stores do not). */
async function send(endpoint: string, method: string, bucket: string, key: string | undefined): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(endpoint);
  const path = key === undefined ? `/${bucket}` : encodeS3Path(bucket, key);
  const { headers } = signV4({ method, host: url.host, path, headers: {}, payloadHash: sha256Hex(''), region: 'us-east-1', service: 's3', time: new Date() }, credentials);
  return new Promise((resolve, reject) => {
    const req = request({ method, hostname: url.hostname, port: url.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

(available ? describe : describe.skip)('S3AuditSink against moto_server', () => {
  let moto: ChildProcess;
  let endpoint: string;

  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    moto = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        if ((await send(endpoint, 'PUT', 'audit-bucket', undefined)).status === 200) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('moto_server did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 20_000);

  afterAll(async () => {
    if (moto.exitCode === null) {
      const exited = new Promise((resolve) => moto.once('exit', resolve));
      moto.kill('SIGKILL');
      await exited;
    }
  });

  it('stores per-tenant objects that a reader gets back whole, with their metadata', async () => {
    const sink = new S3AuditSink({
      target: { endpoint, region: 'us-east-1', bucket: 'audit-bucket', credentials: () => credentials },
      prefix: 'audit/',
      writerId: 'moto-test',
      retryBaseMs: 10,
    });
    const sent: AuditRecord[] = [];
    for (let i = 0; i < 20; i++) {
      const record = auditRecord(i % 2 === 0 ? 'acme' : 'globex');
      sent.push(record);
      sink.write(record);
    }
    await sink.close();
    const listing = (await send(endpoint, 'GET', 'audit-bucket', undefined)).body.toString('utf8');
    const keys = [...listing.matchAll(/<Key>([^<]+)<\/Key>/g)].map((match) => match[1]!).sort();
    expect(keys).toHaveLength(2);
    for (const tenant of ['acme', 'globex']) {
      const key = keys.find((candidate) => candidate.startsWith(`audit/${tenant}/`))!;
      expect(key).toMatch(new RegExp(`^audit/${tenant}/\\d{4}/\\d{2}/\\d{2}/\\d{6}-moto-test-\\d{6}\\.jsonl\\.gz$`));
      const object = await send(endpoint, 'GET', 'audit-bucket', key);
      expect(object.status).toBe(200);
      expect(object.headers['x-amz-meta-llmgw-records']).toBe('10');
      const records = gunzipSync(object.body)
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditRecord);
      expect(records.map((record) => record.requestId)).toEqual(sent.filter((record) => record.tenant === tenant).map((record) => record.requestId));
    }
  });
});
