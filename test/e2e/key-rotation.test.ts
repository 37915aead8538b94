/**
 * Bar: replacing a provider key file mid-traffic. Requests keep flowing while the file is swapped the
 * way secret managers do it (write a new file, rename over the old); none fails, and once the store has
 * re-read the file every request carries the new key. The keys never reach the audit records.
 */
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { startEdge, type Edge } from '../support/edge/edge';
import { startMockProviders } from '../support/providers';
import { PROVIDER_KEYS, TEST_KEYS, startTestSidecar, type TestSidecar } from '../support/sidecar';

const NEW_KEY = 'sk-provider-openai-rotated';
let mocks: Awaited<ReturnType<typeof startMockProviders>>;
let sidecar: TestSidecar;
let edge: Edge;

beforeAll(async () => {
  // No credential check in the mock: during a real rotation the provider accepts both keys for a while.
  mocks = await startMockProviders();
  sidecar = await startTestSidecar();
  edge = await startEdge({ extProc: { address: sidecar.grpcAddress }, upstreams: { openai: mocks.openai.url, anthropic: mocks.anthropic.url, gemini: mocks.gemini.url } });
});
afterAll(async () => {
  await edge?.close();
  await sidecar?.app.close();
  await mocks?.close();
});

const sentKeys = (): string[] => mocks.openai.requests().map((request) => String(request.headers.authorization ?? ''));

/** Polls `check` until it holds; throws after `timeoutMs` (generous: traffic on a loaded machine is slow). */
async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('a key file replaced mid-traffic: no request fails, later ones use the new key', async () => {
  const client = new OpenAI({ apiKey: TEST_KEYS.acme, baseURL: `${edge.url}/v1`, maxRetries: 0 });
  const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello there' }] });
  const keyFile = path.join(sidecar.dir, 'openai.key');
  let rotated = false;
  let stop = false;
  const failures: unknown[] = [];
  let completed = 0;
  /** Requests each loop has finished (answered or failed). */
  const finished = [0, 0, 0];
  const loop = async (n: number): Promise<void> => {
    while (!stop) {
      try {
        await ask();
        completed += 1;
      } catch (error) {
        failures.push(error);
      } finally {
        finished[n] = (finished[n] ?? 0) + 1;
      }
    }
  };
  const loops = [loop(0), loop(1), loop(2)];
  // Traffic on the old key first: the swap happens mid-traffic, and the old key is among those sent.
  await until(() => completed >= 3, 'requests on the old key');
  writeFileSync(`${keyFile}.new`, `${NEW_KEY}\n`);
  renameSync(`${keyFile}.new`, keyFile);
  rotated = true;
  // The store polls once a second; traffic keeps going until a request carries the new key.
  await until(() => sentKeys().includes(`Bearer ${NEW_KEY}`), 'a request with the new key');
  // Once one request carried the new key, every request started later does too. A request routed
  // before that may still be on its way to the provider: let each loop finish the one it has in flight
  // and one more, so the last request the provider sees was started after the switch.
  const seen = [...finished];
  await until(() => finished.every((count, n) => count >= (seen[n] ?? 0) + 2), 'two more requests on every loop');
  stop = true;
  await Promise.all(loops);
  expect(rotated).toBe(true);
  expect(failures).toEqual([]);
  expect(completed).toBeGreaterThan(5);
  const keys = sentKeys();
  expect(new Set(keys)).toEqual(new Set([`Bearer ${PROVIDER_KEYS.openai}`, `Bearer ${NEW_KEY}`]));
  expect(keys[keys.length - 1]).toBe(`Bearer ${NEW_KEY}`);

  mocks.openai.clearRequests();
  for (let i = 0; i < 5; i += 1) await ask();
  expect(sentKeys()).toEqual(Array.from({ length: 5 }, () => `Bearer ${NEW_KEY}`));
  const audit = JSON.stringify(sidecar.audit.records);
  expect(audit).not.toContain(NEW_KEY);
  expect(audit).not.toContain(PROVIDER_KEYS.openai);
  const metrics = await (await fetch(`${sidecar.adminUrl}/metrics`)).text();
  expect(metrics).not.toContain(NEW_KEY);
  expect(metrics).not.toContain(PROVIDER_KEYS.openai);
});
