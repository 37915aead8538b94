/**
 * Changing policy under traffic, through the edge: a bundle swapped on disk takes effect without a
 * dropped request, a broken bundle changes nothing but the error metric, and a canary decides a stable
 * slice of keys while the candidate runs in shadow on the rest (disagreements in the metrics).
 */
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import { BUILD_TIMEOUT_MS, buildBundle, ensureDefaultBundle, settingsWith, variantOfDefault } from '../policy/helpers';
import { KEYS, policyTestConfig } from './policy-config';
import { auditOfLastRequest, startGateway, type Gateway } from './harness';

let stableBytes: Buffer;
let cappedBytes: Buffer;
let cappedPath: string;

beforeAll(() => {
  stableBytes = readFileSync(ensureDefaultBundle());
  // The candidate rule set: output capped at 300 tokens for everyone.
  const capped = buildBundle(variantOfDefault({ 'settings/data.json': settingsWith({ max_output_tokens: 300 }) }), ['--no-test']);
  expect(capped.status).toBe(0);
  cappedPath = capped.bundle;
  cappedBytes = readFileSync(capped.bundle);
}, BUILD_TIMEOUT_MS);

const client = (gateway: Gateway, key: string) => new OpenAI({ apiKey: key, baseURL: `${gateway.edge.url}/v1`, maxRetries: 0 });
const metricsText = async (gateway: Gateway) => (await fetch(`${gateway.sidecar.adminUrl}/metrics`)).text();
const metricValue = (text: string, name: string, labels: Record<string, string>): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
};

describe('hot reload under traffic', () => {
  let gateway: Gateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llmgw-policy-reload-'));
    writeFileSync(path.join(dir, 'gateway.tar.gz'), stableBytes);
    gateway = await startGateway(policyTestConfig(path.join(dir, 'gateway.tar.gz')));
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('a bundle swapped on disk takes effect with no request dropped; a broken one changes nothing but the error metric', async () => {
    const sentCaps: number[] = [];
    const failures: unknown[] = [];
    let stop = false;
    // Four clients in a loop, each asking for 5000 tokens: the free tier caps at 1024, the new bundle at 300.
    const worker = async (): Promise<void> => {
      while (!stop) {
        try {
          await client(gateway, KEYS.free).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 5000, messages: [{ role: 'user', content: 'hello' }] });
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    const capsSeen = () => {
      sentCaps.splice(0, sentCaps.length, ...gateway.mocks.openai.requests().map((r) => (r.json as { max_tokens: number }).max_tokens));
      return new Set(sentCaps);
    };
    const waitFor = async (check: () => boolean | Promise<boolean>, what: string) => {
      for (let i = 0; i < 500; i++) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    const invalidLoads = async () => metricValue(await metricsText(gateway), 'llmgw_policy_bundle_loads_total', { bundle: 'gateway', result: 'invalid' });
    await waitFor(() => capsSeen().has(1024) && sentCaps.length >= 20, 'traffic on the first bundle');

    writeFileSync(path.join(dir, 'next.tmp'), cappedBytes);
    renameSync(path.join(dir, 'next.tmp'), path.join(dir, 'gateway.tar.gz'));
    await waitFor(() => capsSeen().has(300), 'the swapped bundle to decide');
    const swappedAt = sentCaps.length;
    await waitFor(() => capsSeen().size > 0 && sentCaps.length >= swappedAt + 20, 'traffic on the new bundle');

    const before = await invalidLoads();
    writeFileSync(path.join(dir, 'broken.tmp'), 'this is not a bundle');
    renameSync(path.join(dir, 'broken.tmp'), path.join(dir, 'gateway.tar.gz'));
    await waitFor(async () => (await invalidLoads()) > before, 'the rejection');
    capsSeen();
    const brokenAt = sentCaps.length;
    await waitFor(() => capsSeen().size > 0 && sentCaps.length >= brokenAt + 20, 'traffic after the broken bundle');
    stop = true;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    // Before the swap 1024, after it 300, and only 300 once the broken bundle arrived.
    const caps = sentCaps;
    const firstCapped = caps.indexOf(300);
    expect(caps.slice(0, firstCapped).every((c) => c === 1024)).toBe(true);
    expect(caps.slice(brokenAt).every((c) => c === 300)).toBe(true);
    const text = await metricsText(gateway);
    expect(metricValue(text, 'llmgw_policy_bundle_loads_total', { bundle: 'gateway', trigger: 'change', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'llmgw_policy_bundle_loads_total', { bundle: 'gateway', result: 'invalid' })).toBe(before + 1);
    const audit = await auditOfLastRequest(gateway);
    expect(audit?.policy).toMatchObject({ bundle: 'gateway', obligations: { maxOutputTokens: 300 } });
  });
});

describe('canary through the edge', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startGateway(policyTestConfig(ensureDefaultBundle(), { canary: { bundle: cappedPath, percent: 50, by: 'key', salt: 'capped-1' } }));
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('each key stays on its side; the candidate decides its slice, the stable side counts shadow disagreements', async () => {
    const rollout = gateway.sidecar.app.policy.snapshot()!.rollout;
    const keys = [
      { key: KEYS.free, tenant: 'free', keyId: 'free-key' },
      { key: KEYS.standard, tenant: 'standard', keyId: 'standard-key' },
      { key: KEYS.trial, tenant: 'trial', keyId: 'trial-key' },
      { key: KEYS.always, tenant: 'hours', keyId: 'always-key' },
    ];
    const sides = keys.map((k) => rollout.side({ tenant: k.tenant, requestId: 'any', keyId: k.keyId }));
    expect(new Set(sides)).toEqual(new Set(['stable', 'candidate'])); // the salt puts keys on both sides
    for (const [index, k] of keys.entries()) {
      for (let round = 0; round < 3; round++) {
        gateway.mocks.openai.clearRequests();
        await client(gateway, k.key).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 5000, messages: [{ role: 'user', content: 'Write a haiku about autumn leaves.' }] });
        const audit = await auditOfLastRequest(gateway);
        expect(audit?.policy?.rollout).toBe(sides[index]);
        const cap = (gateway.mocks.openai.requests()[0]?.json as { max_tokens: number }).max_tokens;
        // The candidate's 300 is enforced only on its side.
        if (sides[index] === 'candidate') expect(cap).toBe(300);
        else expect(cap).toBeGreaterThan(300);
      }
    }
    const text = await metricsText(gateway);
    for (const [index, k] of keys.entries()) {
      const counted = metricValue(text, 'llmgw_policy_shadow_disagreements_total', { tenant: k.tenant, rule: 'obligation:max_output_tokens' });
      expect(counted).toBe(sides[index] === 'stable' ? 3 : 0);
      expect(metricValue(text, 'llmgw_policy_decisions_total', { tenant: k.tenant, side: sides[index]!, result: 'allow' })).toBe(3);
    }
  });

  /** Rewrites the sidecar's config file with a new policy section and reloads it; waits until it applies. */
  async function reloadPolicy(change: (policy: Record<string, unknown>) => void): Promise<void> {
    const document = parse(readFileSync(gateway.sidecar.configPath, 'utf8')) as { policy: Record<string, unknown> };
    change(document.policy);
    writeFileSync(gateway.sidecar.configPath, stringify(document));
    const before = gateway.sidecar.app.policy.snapshot();
    expect(gateway.sidecar.app.store.reload()).toBe(true);
    for (let i = 0; i < 500 && gateway.sidecar.app.policy.snapshot() === before; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gateway.sidecar.app.policy.snapshot()).not.toBe(before);
  }
  const capsFor = async (keys: readonly string[]): Promise<number[]> => {
    const caps: number[] = [];
    for (const key of keys) {
      gateway.mocks.openai.clearRequests();
      await client(gateway, key).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 5000, messages: [{ role: 'user', content: 'Write a haiku about autumn leaves.' }] });
      caps.push((gateway.mocks.openai.requests()[0]?.json as { max_tokens: number }).max_tokens);
      expect((await auditOfLastRequest(gateway))?.policy?.rollout).toBeUndefined();
    }
    return caps;
  };

  it('rolled back by config: the stable rule set decides everyone; promoted by config: the candidate does', async () => {
    const keys = [KEYS.free, KEYS.standard, KEYS.always];
    await reloadPolicy((policy) => delete policy.canary);
    expect(gateway.sidecar.app.policy.snapshot()!.rollout.running).toBe(false);
    expect(await capsFor(keys)).toEqual([1024, 4096, 4096]);
    // Promotion: the candidate's bundle becomes the default (already loaded: nothing is read again).
    await reloadPolicy((policy) => (policy.defaultBundle = cappedPath));
    expect(await capsFor(keys)).toEqual([300, 300, 300]);
  });
});
