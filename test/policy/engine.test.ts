/** The engine's contract around the wasm: tenant bundles, fail modes, decision validation, memory bounds. */
import { type PolicyDecision, PolicyBundle, PolicyEngine, type PolicyEvaluationEvent } from '../../src/policy';
import { BUILD_TIMEOUT_MS, buildBundle, ensureDefaultBundle, input, policyDir, settingsWith, startTestPolicy, variantOfDefault } from './helpers';

const FIXTURE = `package gateway

ok := {"allow": true, "reasons": [], "obligations": {}, "labels": []}

decision := ok if input.request_id == "ok"

decision := {"allow": "yes"} if input.request_id == "bad_shape"

decision := {"allow": true, "reasons": [{"id": "x", "message": "m"}], "obligations": {}, "labels": []} if input.request_id == "inconsistent"

decision := {"allow": false, "reasons": [], "obligations": {}, "labels": []} if input.request_id == "no_reason"

decision := object.union(ok, {"obligations": obligations}) if input.request_id == "conflict"

obligations.max_output_tokens := 1 if input.request_id == "conflict"

obligations.max_output_tokens := 2 if input.request_id == "conflict"

decision := object.union(ok, {"labels": [format_int(count(input.findings[0].type), 10)]}) if input.request_id == "big"
`;

let defaultPath: string;
let fixturePath: string;
let strictPath: string;

beforeAll(() => {
  defaultPath = ensureDefaultBundle();
  const fixture = buildBundle(policyDir(FIXTURE), ['--no-test']);
  expect(fixture.status).toBe(0);
  fixturePath = fixture.bundle;
  // A tenant's own bundle: the default rules with a lower injection threshold.
  // (--no-test: the default bundle's unit tests assume the default threshold.)
  const strict = buildBundle(variantOfDefault({ 'settings/data.json': settingsWith({ injection_deny_threshold: 0.3 }) }), ['--no-test']);
  expect(strict.status).toBe(0);
  strictPath = strict.bundle;
}, BUILD_TIMEOUT_MS);

describe('tenant bundles', () => {
  test('a tenant with its own bundle is decided by it; others by the default', async () => {
    const events: PolicyEvaluationEvent[] = [];
    const service = await startTestPolicy(
      { defaultBundle: defaultPath, tenants: { cautious: { bundle: strictPath }, alsoCautious: { bundle: strictPath } } },
      { onEvaluation: (e) => events.push(e) },
    );
    const engine = service.snapshot()!.rollout.stable as PolicyEngine;
    service.close();
    expect(engine.bundles()).toHaveLength(2); // one instance for the two tenants sharing a file
    const findings = [{ detector: 'prompt_injection', type: 'prompt_injection', score: 0.5 }];
    expect(engine.evaluate(input({ findings })).allow).toBe(true);
    const cautious = engine.evaluate(input({ findings, tenant: { id: 'cautious' } }));
    expect(cautious.reasons.map((r) => r.id)).toEqual(['prompt_injection']);
    expect(cautious.bundle.name).toBe('bundle');
    expect(events.map((e) => [e.tenant, e.allow, e.outcome])).toEqual([
      ['acme', true, 'evaluated'],
      ['cautious', false, 'evaluated'],
    ]);
    expect(events[1]!.reasons).toEqual(['prompt_injection']);
    expect(events[1]!.durationSeconds).toBeGreaterThan(0);
  });
});

describe('fail modes', () => {
  let closed: PolicyEngine;
  let open: PolicyEngine;
  beforeAll(async () => {
    const bundle = await PolicyBundle.fromFile(fixturePath, { name: 'fixture' });
    closed = new PolicyEngine({ defaultBundle: bundle });
    open = new PolicyEngine({ defaultBundle: bundle, failMode: 'open' });
  });
  const at = (engine: PolicyEngine, requestId: string): PolicyDecision => engine.evaluate(input({ request_id: requestId }));

  test('closed is the default: errors deny with policy_error and keep the cause for logs', () => {
    expect(closed.failMode).toBe('closed');
    for (const [requestId, cause] of [
      ['undefined', /decision is undefined/],
      ['bad_shape', /does not match the decision schema: allow/],
      ['inconsistent', /allows and gives denial reasons/],
      ['conflict', /evaluation failed: .*conflict/],
    ] as const) {
      const d = at(closed, requestId);
      expect(d).toMatchObject({ allow: false, outcome: 'failed_closed', reasons: [{ id: 'policy_error', message: 'policy evaluation failed' }], obligations: {} });
      expect(d.error).toMatch(cause);
    }
  });
  test('open allows without obligations, and says so', () => {
    expect(at(open, 'conflict')).toMatchObject({ allow: true, outcome: 'failed_open', reasons: [], obligations: {} });
  });
  test('the instance keeps working after a runtime error', () => {
    expect(at(closed, 'conflict').outcome).toBe('failed_closed');
    expect(at(closed, 'ok')).toMatchObject({ allow: true, outcome: 'evaluated' });
  });
  test('a denial without a reason gets one', () => {
    expect(at(closed, 'no_reason').reasons).toEqual([{ id: 'policy_denied', message: 'denied without a reason' }]);
  });
  test('an invalid input fails before the wasm when validation is on', async () => {
    const engine = new PolicyEngine({ defaultBundle: await PolicyBundle.fromFile(defaultPath, {}), validateInput: true });
    const bad = { ...input(), tokens: { input_estimate: -1 } };
    expect(engine.evaluate(bad).error).toMatch(/invalid policy input: tokens.input_estimate/);
  });
});

describe('memory', () => {
  test('an input larger than the wasm memory limit fails by the fail mode; the next request is fine', async () => {
    const bundle = await PolicyBundle.fromFile(fixturePath, { memory: { initialPages: 8, maximumPages: 40 } });
    const engine = new PolicyEngine({ defaultBundle: bundle });
    const huge = input({ request_id: 'big', findings: [{ detector: 'x', type: 'y'.repeat(4 * 1024 * 1024), score: 0 }] });
    expect(engine.evaluate(huge)).toMatchObject({ allow: false, outcome: 'failed_closed' });
    expect(bundle.memoryPages()).toBeLessThanOrEqual(40);
    const small = input({ request_id: 'big', findings: [{ detector: 'x', type: 'y'.repeat(1000), score: 0 }] });
    expect(engine.evaluate(small)).toMatchObject({ allow: true, labels: ['1000'] });
  });

  test('one instance, reused: ten thousand evaluations leave wasm memory where it was', async () => {
    const bundle = await PolicyBundle.fromFile(defaultPath, {});
    const engine = new PolicyEngine({ defaultBundle: bundle });
    for (let i = 0; i < 100; i++) engine.evaluate(input({ request_id: `w${i}` }));
    const pages = bundle.memoryPages();
    for (let i = 0; i < 10_000; i++) engine.evaluate(input({ request_id: `r${i}`, topics: [{ id: 'weapons', score: (i % 10) / 10 }] }));
    expect(bundle.memoryPages()).toBe(pages);
  });
});

test('a bundle without the gateway/decision entrypoint is refused at load', async () => {
  const other = buildBundle(policyDir('package gateway\n\ndecision := true\n'), ['--no-test']);
  await expect(PolicyBundle.fromFile(other.bundle, { entrypoint: 'gateway/other' })).rejects.toThrow(/no entrypoint gateway\/other \(has gateway\/decision\)/);
});
