import { PolicyRollout, compareDecisions, stableHash } from './canary';
import type { PolicyDecision, PolicyEvaluator, PolicyInput } from './types';

const decision = (patch: Partial<PolicyDecision> = {}): PolicyDecision => ({
  allow: true,
  reasons: [],
  obligations: {},
  labels: [],
  decisionId: 'd',
  bundle: { name: 'b', revision: 'r' },
  outcome: 'evaluated',
  ...patch,
});

test('stableHash is deterministic and spreads sequential ids evenly', () => {
  expect(stableHash('req-1')).toBe(stableHash('req-1'));
  const buckets = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) buckets[stableHash(`req-${i}`) % 10]!++;
  for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(400);
});

test('compareDecisions names each difference', () => {
  expect(compareDecisions(decision(), decision({ decisionId: 'other' }))).toEqual([]);
  const a = decision({ obligations: { max_output_tokens: 100, model: { allow: ['a', 'b'] } }, labels: ['x'] });
  const b = decision({
    allow: false,
    reasons: [{ id: 'topic_restricted', message: 'm' }],
    obligations: { max_output_tokens: 200, model: { allow: ['a', 'b'] }, redaction: 'irreversible' },
    labels: ['y'],
  });
  expect(compareDecisions(a, b)).toEqual(['allow', 'reason:topic_restricted', 'obligation:max_output_tokens', 'obligation:redaction', 'label:x', 'label:y']);
  expect(compareDecisions(decision(), decision({ outcome: 'failed_open' }))).toEqual(['outcome']);
});

test('a shadow evaluator that throws never fails the request', () => {
  const stable: PolicyEvaluator = { evaluate: () => decision() };
  const broken: PolicyEvaluator = {
    evaluate: () => {
      throw new Error('bug');
    },
  };
  const rollout = new PolicyRollout(stable);
  rollout.startCanary(broken, { percent: 0 });
  const input = { request_id: 'r', tenant: { id: 't' }, principal: {} } as unknown as PolicyInput;
  expect(rollout.evaluate(input)).toMatchObject({ allow: true, rollout: 'stable' });
  expect(rollout.stats().shadowEvaluations).toBe(0);
});

test('percent is validated', () => {
  const rollout = new PolicyRollout({ evaluate: () => decision() });
  expect(() => rollout.startCanary({ evaluate: () => decision() }, { percent: 101 })).toThrow();
});
