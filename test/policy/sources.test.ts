/**
 * Hot reload of bundles with real opa-built bundles: a file replaced on disk, and OPA's bundle service
 * protocol against a local HTTP server (ETag / If-None-Match / 304, polling). A broken bundle is rejected
 * and reported; the previous one stays in force.
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileBundleSource, HttpBundleSource, PolicyService, type BundleLoadEvent, type PolicyEngine } from '../../src/policy';
import { BUILD_TIMEOUT_MS, buildBundle, compileTestPolicy, ensureDefaultBundle, input, settingsWith, variantOfDefault } from './helpers';

let bundleA: Buffer;
let bundleB: Buffer;
let revisionB: string;

beforeAll(async () => {
  bundleA = readFileSync(ensureDefaultBundle());
  const variant = buildBundle(variantOfDefault({ 'settings/data.json': settingsWith({ max_output_tokens: 300 }) }), ['--no-test']);
  expect(variant.status).toBe(0);
  bundleB = readFileSync(variant.bundle);
  const service = new PolicyService();
  await service.configure(compileTestPolicy({ defaultBundle: variant.bundle }));
  revisionB = (service.snapshot()!.rollout.stable as PolicyEngine).bundles()[0]!.revision;
  service.close();
}, BUILD_TIMEOUT_MS);

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('OPA bundle service protocol', () => {
  let server: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];
  let serve: { status: number; body: Buffer; etag?: string } = { status: 200, body: Buffer.alloc(0) };

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers);
      if (serve.etag !== undefined && request.headers['if-none-match'] === serve.etag) {
        response.writeHead(304, { etag: serve.etag }).end();
        return;
      }
      response.writeHead(serve.status, { 'content-type': 'application/gzip', ...(serve.etag ? { etag: serve.etag } : {}) }).end(serve.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundles/gateway.tar.gz`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test('ETag, 304, new bundle, broken bundle, unreachable', async () => {
    serve = { status: 200, body: bundleA, etag: '"rev-a"' };
    const events: BundleLoadEvent[] = [];
    const spec = { kind: 'http', key: `http:${url}`, name: 'gateway', url, minDelayMs: 60_000, maxDelayMs: 60_000, timeoutMs: 2000, token: 'bundle-token' } as const;
    const source = new HttpBundleSource(spec, {}, (e) => events.push(e));
    let changes = 0;
    source.onChange(() => changes++);
    await source.start();
    const revisionA = source.current.revision;
    expect(seen[0]!['if-none-match']).toBeUndefined();
    expect(seen[0]!.authorization).toBe('Bearer bundle-token');
    expect(source.currentEtag).toBe('"rev-a"');

    // Unchanged: the server answers 304 to the ETag it gave; nothing is reloaded.
    expect(await source.refresh('poll')).toBe('unchanged');
    expect(seen[1]!['if-none-match']).toBe('"rev-a"');
    expect(changes).toBe(1);

    serve = { status: 200, body: bundleB, etag: '"rev-b"' };
    expect(await source.refresh('poll')).toBe('ok');
    expect(source.current.revision).toBe(revisionB);
    expect(source.current.revision).not.toBe(revisionA);
    expect(changes).toBe(2);

    // A broken bundle is rejected: the old one stays, and the old ETag is sent again next time.
    serve = { status: 200, body: Buffer.from('not a bundle'), etag: '"rev-c"' };
    expect(await source.refresh('poll')).toBe('invalid');
    expect(source.current.revision).toBe(revisionB);
    expect(await source.refresh('poll')).toBe('invalid');
    expect(seen.at(-1)!['if-none-match']).toBe('"rev-b"');

    serve = { status: 503, body: Buffer.from('down') };
    expect(await source.refresh('poll')).toBe('unreachable');
    expect(source.current.revision).toBe(revisionB);
    expect(changes).toBe(2);
    expect(events.map((e) => e.result)).toEqual(['ok', 'ok', 'invalid', 'invalid', 'unreachable']);
    expect(events[2]!.error).toMatch(/policy.wasm|gzip|tar/i);
    source.close();
  });

  test('polls on its own between min and max delay', async () => {
    serve = { status: 200, body: bundleA, etag: '"rev-a"' };
    const before = seen.length;
    const spec = { kind: 'http', key: `http:${url}`, name: 'gateway', url, minDelayMs: 20, maxDelayMs: 40, timeoutMs: 2000 } as const;
    const source = new HttpBundleSource(spec, {}, () => undefined);
    await source.start();
    serve = { status: 200, body: bundleB, etag: '"rev-b"' };
    await until(() => source.current.revision === revisionB, 'the polled bundle');
    await until(() => seen.length >= before + 3, 'more polls');
    expect(seen.slice(before + 2).every((h) => h['if-none-match'] === '"rev-b"')).toBe(true);
    source.close();
  });

  test('the first download must succeed', async () => {
    serve = { status: 404, body: Buffer.from('no') };
    const spec = { kind: 'http', key: `http:${url}`, name: 'gateway', url, minDelayMs: 1000, maxDelayMs: 1000, timeoutMs: 2000 } as const;
    await expect(new HttpBundleSource(spec, {}, () => undefined).start()).rejects.toThrow(/first download/);
  });
});

test('a watched file: replaced on disk takes effect; a broken file is rejected and reported once', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-watch-'));
  const file = path.join(dir, 'gateway.tar.gz');
  writeFileSync(file, bundleA);
  const events: BundleLoadEvent[] = [];
  const source = new FileBundleSource({ kind: 'file', key: `file:${file}`, name: 'gateway', path: file, watch: true }, {}, (e) => events.push(e), 20);
  await source.start();
  const revisionA = source.current.revision;
  // Writers that care write a temporary file and rename it (what a ConfigMap swap amounts to).
  writeFileSync(path.join(dir, 'next.tmp'), bundleB);
  renameSync(path.join(dir, 'next.tmp'), file);
  await until(() => source.current.revision === revisionB, 'the new bundle');
  writeFileSync(path.join(dir, 'broken.tmp'), 'garbage');
  renameSync(path.join(dir, 'broken.tmp'), file);
  await until(() => events.some((e) => e.result === 'invalid'), 'the rejection');
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(source.current.revision).toBe(revisionB);
  expect(events.filter((e) => e.result === 'invalid')).toHaveLength(1);
  expect(events.map((e) => [e.trigger, e.result])).toEqual([
    ['startup', 'ok'],
    ['change', 'ok'],
    ['change', 'invalid'],
  ]);
  expect(revisionA).not.toBe(revisionB);
  source.close();
});

test('the service swaps engines when a bundle changes, keeping the canary and its counters', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'policy-service-'));
  const stableFile = path.join(dir, 'stable.tar.gz');
  const candidateFile = path.join(dir, 'candidate.tar.gz');
  writeFileSync(stableFile, bundleA);
  writeFileSync(candidateFile, bundleA);
  const service = new PolicyService();
  await service.configure(compileTestPolicy({ defaultBundle: { file: stableFile, watch: false }, canary: { bundle: { file: candidateFile, watch: false }, percent: 50 } }));
  const rollout = service.snapshot()!.rollout;
  for (let i = 0; i < 20; i++) rollout.evaluate(input({ request_id: `r${i}` }));
  expect(rollout.stats().shadowDisagreements).toBe(0);
  writeFileSync(candidateFile, bundleB);
  expect(await service.refreshAll()).toEqual(['unchanged', 'ok']);
  expect(service.snapshot()!.rollout).toBe(rollout);
  for (let i = 0; i < 20; i++) rollout.evaluate(input({ request_id: `r${i}` }));
  const stats = rollout.stats();
  expect(stats.stable + stats.candidate).toBe(40);
  // The variant caps output at 300 (the input asks for 500): every shadow evaluation now disagrees on the
  // obligation and on the label that says the cap applied.
  expect(stats.shadowDisagreements).toBeGreaterThan(0);
  expect(rollout.disagreementsByRule()).toEqual([
    { tenant: 'acme', difference: 'obligation:max_output_tokens', count: stats.shadowDisagreements },
    { tenant: 'acme', difference: 'label:max_output_tokens_capped', count: stats.shadowDisagreements },
  ]);
  service.close();
});
