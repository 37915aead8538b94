/**
 * Canary rollout with real bundles: the default rule set is stable, a candidate with a stricter injection
 * threshold decides 5% of traffic and is evaluated in shadow on the rest.
 */
import { type Disagreement, PolicyBundle, PolicyEngine, PolicyRollout } from '../../src/policy';
import { BUILD_TIMEOUT_MS, buildBundle, ensureDefaultBundle, input, settingsWith, variantOfDefault } from './helpers';

let stable: PolicyEngine;
let candidate: PolicyEngine;

beforeAll(async () => {
  stable = new PolicyEngine({ defaultBundle: await PolicyBundle.fromFile(ensureDefaultBundle(), { name: 'default' }) });
  const strict = buildBundle(variantOfDefault({ 'settings/data.json': settingsWith({ injection_deny_threshold: 0.5 }) }), ['--no-test']);
  expect(strict.status).toBe(0);
  candidate = new PolicyEngine({ defaultBundle: await PolicyBundle.fromFile(strict.bundle, { name: 'candidate' }) });
}, BUILD_TIMEOUT_MS);

const REQUESTS = 10_000;
/** Every third request has an injection score the candidate denies and the stable rule set allows. */
const request = (i: number) =>
  input({
    request_id: `req-${i}`,
    tenant: { id: i % 2 ? 'acme' : 'globex' },
    principal: { user: `user-${i % 500}` },
    findings: i % 3 === 0 ? [{ detector: 'prompt_injection', type: 'prompt_injection', score: 0.6 }] : [],
  });

test('5% canary over 10,000 requests: share within the 99.9% binomial interval, shadow disagreements counted', () => {
  const disagreements: Disagreement[] = [];
  const rollout = new PolicyRollout(stable, { onDisagreement: (d) => disagreements.push(d) });
  rollout.startCanary(candidate, { percent: 5, by: 'request_id', salt: 'rev-2' });
  let decidedByCandidate = 0;
  let deniedByCandidate = 0;
  const wrong: string[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const decision = rollout.evaluate(request(i));
    if (decision.rollout === 'candidate') {
      decidedByCandidate++;
      if (decision.bundle.name !== 'candidate') wrong.push(`${i}: decided by ${decision.bundle.name}`);
      if (!decision.allow) deniedByCandidate++;
    } else if (decision.rollout !== 'stable' || !decision.allow) {
      wrong.push(`${i}: ${decision.rollout} ${decision.allow}`); // the candidate's denials are never enforced on the stable side
    }
  }
  expect(wrong).toEqual([]);
  // 99.9% two-sided: 500 ± 3.2905 * sqrt(10000 * 0.05 * 0.95)
  const half = 3.2905 * Math.sqrt(REQUESTS * 0.05 * 0.95);
  expect(decidedByCandidate).toBeGreaterThanOrEqual(Math.ceil(500 - half));
  expect(decidedByCandidate).toBeLessThanOrEqual(Math.floor(500 + half));
  expect(deniedByCandidate).toBeGreaterThan(0);

  const stats = rollout.stats();
  expect(stats.candidate).toBe(decidedByCandidate);
  expect(stats.stable).toBe(REQUESTS - decidedByCandidate);
  expect(stats.shadowEvaluations).toBe(stats.stable);
  const injected = Array.from({ length: REQUESTS }, (_, i) => i).filter((i) => i % 3 === 0 && rollout.side(request(i)) === 'stable');
  expect(stats.shadowDisagreements).toBe(injected.length);
  expect(disagreements).toHaveLength(injected.length);
  expect(disagreements[0]!.differences).toEqual(['allow', 'reason:prompt_injection']);
  const rows = rollout.disagreementsByRule().sort((a, b) => (a.tenant + a.difference < b.tenant + b.difference ? -1 : 1));
  const perTenant = (tenant: string) => injected.filter((i) => (i % 2 ? 'acme' : 'globex') === tenant).length;
  expect(rows).toEqual([
    { tenant: 'acme', difference: 'allow', count: perTenant('acme') },
    { tenant: 'acme', difference: 'reason:prompt_injection', count: perTenant('acme') },
    { tenant: 'globex', difference: 'allow', count: perTenant('globex') },
    { tenant: 'globex', difference: 'reason:prompt_injection', count: perTenant('globex') },
  ]);
});

test('by user: the same user always lands on the same side', () => {
  const rollout = new PolicyRollout(stable);
  rollout.startCanary(candidate, { percent: 20, by: 'user' });
  const sides = new Map<string, Set<string>>();
  for (let i = 0; i < 5_000; i++) {
    const r = request(i);
    const decision = rollout.evaluate(r);
    const user = `${r.tenant.id}/${r.principal.user}`;
    sides.set(user, (sides.get(user) ?? new Set()).add(decision.rollout!));
  }
  expect([...sides.values()].every((s) => s.size === 1)).toBe(true);
  const candidateUsers = [...sides.values()].filter((s) => s.has('candidate')).length;
  // 500 users at 20%: 100 ± 3.29 standard deviations (8.9)
  expect(candidateUsers).toBeGreaterThanOrEqual(71);
  expect(candidateUsers).toBeLessThanOrEqual(129);
});

test('by request id: deterministic; another salt picks another slice of the same size', () => {
  const a = new PolicyRollout(stable);
  a.startCanary(candidate, { percent: 10 });
  const b = new PolicyRollout(stable);
  b.startCanary(candidate, { percent: 10, salt: 'other' });
  const sidesA = Array.from({ length: 2_000 }, (_, i) => a.side(request(i)));
  expect(Array.from({ length: 2_000 }, (_, i) => a.side(request(i)))).toEqual(sidesA);
  const sidesB = Array.from({ length: 2_000 }, (_, i) => b.side(request(i)));
  expect(sidesB).not.toEqual(sidesA);
});

test('promote makes the candidate decide everything; rollback returns to the stable rule set', () => {
  const injected = request(0);
  const rollout = new PolicyRollout(stable);
  expect(rollout.promote()).toBe(false);
  rollout.startCanary(candidate, { percent: 0 });
  expect(rollout.evaluate(injected)).toMatchObject({ allow: true, rollout: 'stable' });
  rollout.startCanary(candidate, { percent: 100, shadow: false });
  expect(rollout.evaluate(injected)).toMatchObject({ allow: false, rollout: 'candidate' });
  expect(rollout.rollback()).toBe(true);
  expect(rollout.evaluate(injected).allow).toBe(true);
  expect(rollout.evaluate(injected).rollout).toBeUndefined();
  rollout.startCanary(candidate, { percent: 5 });
  expect(rollout.promote()).toBe(true);
  expect(rollout.stable).toBe(candidate);
  expect(rollout.evaluate(injected)).toMatchObject({ allow: false, bundle: { name: 'candidate' } });
});
