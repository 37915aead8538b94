/**
 * The sample policies of the default bundle, compiled to wasm by the real opa and evaluated through the
 * engine: the same cases as their Rego unit tests, now as the gateway sees them.
 */
import { PolicyBundle, PolicyEngine, type PolicyDecision, type PolicyInput } from '../../src/policy';
import { BUILD_TIMEOUT_MS, ensureDefaultBundle, input } from './helpers';

let engine: PolicyEngine;
let bundle: PolicyBundle;

beforeAll(async () => {
  bundle = await PolicyBundle.fromFile(ensureDefaultBundle(), { name: 'default' });
  engine = new PolicyEngine({ defaultBundle: bundle, validateInput: true });
}, BUILD_TIMEOUT_MS);

function decide(request: PolicyInput): PolicyDecision {
  const decision = engine.evaluate(request);
  expect(decision.outcome).toBe('evaluated');
  return decision;
}
const reasonIds = (d: PolicyDecision): string[] => d.reasons.map((r) => r.id).sort();

test('the bundle carries its revision, entrypoint and no host builtin it cannot run', () => {
  expect(bundle.revision).toMatch(/^[0-9a-f]{16}$/);
  expect(bundle.manifest.wasmEntrypoints).toEqual(['gateway/decision']);
  expect(bundle.hostBuiltins).toEqual([]);
});

test('a plain request is allowed with the tier cap and model list as obligations', () => {
  const d = decide(input());
  expect(d).toMatchObject({ allow: true, reasons: [], labels: [], outcome: 'evaluated', bundle: { name: 'default', revision: bundle.revision } });
  expect(d.obligations).toEqual({ max_output_tokens: 4096, model: { allow: ['gpt-4o*', 'gpt-4.1*', 'claude-*', 'gemini-*'] } });
  expect(d.decisionId).toMatch(/^[0-9a-f-]{36}$/);
  expect(decide(input()).decisionId).not.toBe(d.decisionId);
});

describe('models by tenant tier', () => {
  test('free tier: small models only, the list goes to the router', () => {
    const d = decide(input({ tenant: { tier: 'free' }, model: { requested: 'gpt-4o', routed: undefined } }));
    expect(d.allow).toBe(false);
    expect(d.reasons).toEqual([{ id: 'model_not_allowed', message: 'model gpt-4o is not available on the free tier' }]);
    expect(decide(input({ tenant: { tier: 'free' }, model: { requested: 'gemini-2.5-flash', routed: 'gemini-2.5-flash' } })).allow).toBe(true);
  });
  test('trial tier forces one model', () => {
    const d = decide(input({ tenant: { tier: 'trial' }, model: { requested: 'claude-sonnet-4', routed: undefined } }));
    expect(d.allow).toBe(true);
    expect(d.obligations.model).toEqual({ force: 'gpt-4o-mini' });
    expect(d.labels).toEqual(['model_forced']);
  });
  test('an unknown tier gets the default tier', () => {
    expect(reasonIds(decide(input({ tenant: { tier: 'gold' } })))).toEqual(['model_not_allowed']);
    expect(reasonIds(decide(input({ tenant: { tier: undefined } })))).toEqual(['model_not_allowed']);
  });
});

describe('max tokens by tier', () => {
  test('caps by tier, lower per tenant', () => {
    expect(decide(input({ tenant: { tier: 'enterprise' } })).obligations.max_output_tokens).toBe(16384);
    expect(decide(input({ tenant: { attributes: { max_output_tokens: 300 } } })).obligations.max_output_tokens).toBe(300);
    expect(decide(input({ tokens: { max_output: 8000 } })).labels).toEqual(['max_output_tokens_capped']);
  });
  test('input above the tier limit and builtin tools on the free tier are refused', () => {
    const free = { tenant: { tier: 'free' }, model: { requested: 'gpt-4o-mini', routed: 'gpt-4o-mini' } } as const;
    expect(reasonIds(decide(input({ ...free, tokens: { input_estimate: 50_000 } })))).toEqual(['input_too_large']);
    expect(reasonIds(decide(input({ ...free, tools: [{ name: 'web_search', kind: 'builtin' }] })))).toEqual(['tool_not_allowed']);
  });
});

describe('external providers only after PII redaction', () => {
  const email = { detector: 'pii', type: 'EMAIL_ADDRESS', score: 0.97, channel: 'user' };
  test('PII to an external provider: irreversible redaction required', () => {
    expect(decide(input({ findings: [email] })).obligations.redaction).toBe('irreversible');
  });
  test('PII to a self-hosted model: no redaction; not routed yet: treated as external', () => {
    expect(decide(input({ findings: [email], model: { provider: 'vllm', external: false } })).obligations.redaction).toBeUndefined();
    expect(decide(input({ findings: [email], model: { routed: undefined, provider: undefined, external: undefined } })).obligations.redaction).toBe('irreversible');
  });
  test('a tenant without redaction cannot send PII out', () => {
    expect(reasonIds(decide(input({ findings: [email], tenant: { attributes: { external_redaction: 'none' } } })))).toEqual(['pii_external_provider']);
  });
});

describe('deny on high injection score for untrusted applications', () => {
  const injection = (score: number) => [{ detector: 'prompt_injection', type: 'prompt_injection', score, channel: 'tool_result' }];
  test('untrusted: denied at 0.8', () => {
    expect(reasonIds(decide(input({ findings: injection(0.82) })))).toEqual(['prompt_injection']);
    expect(decide(input({ findings: injection(0.79) })).allow).toBe(true);
  });
  test('trusted: only at 0.97, labelled below', () => {
    const d = decide(input({ findings: injection(0.9), principal: { trusted_app: true } }));
    expect(d.allow).toBe(true);
    expect(d.labels).toEqual(['injection_suspected']);
    expect(reasonIds(decide(input({ findings: injection(0.99), principal: { trusted_app: true } })))).toEqual(['prompt_injection']);
  });
});

describe('topic restrictions', () => {
  test('weapons and self-harm blocked by default, advice topics not', () => {
    expect(decide(input({ topics: [{ id: 'weapons', score: 0.9 }] })).reasons).toEqual([{ id: 'topic_restricted', message: 'topic weapons is not allowed' }]);
    expect(decide(input({ topics: [{ id: 'legal_advice', score: 0.9 }] })).allow).toBe(true);
  });
  test('a tenant blocks competitors', () => {
    const attrs = { blocked_topics: { competitor: 0.5 } };
    expect(reasonIds(decide(input({ tenant: { attributes: attrs }, topics: [{ id: 'competitor', score: 0.78 }] })))).toEqual(['topic_restricted']);
  });
});

describe('business-hours limits for some keys', () => {
  const batch = { tenant: { attributes: { business_hours_keys: ['acme-batch'] } }, principal: { key_id: 'acme-batch' } };
  test('inside and outside', () => {
    expect(decide(input({ ...batch, time: { weekday: 3, hour: 9 } })).allow).toBe(true);
    expect(reasonIds(decide(input({ ...batch, time: { weekday: 3, hour: 19 } })))).toEqual(['outside_business_hours']);
    expect(reasonIds(decide(input({ ...batch, time: { weekday: 7, hour: 11 } })))).toEqual(['outside_business_hours']);
    expect(decide(input({ ...batch, principal: { key_id: 'acme-web' }, time: { weekday: 7, hour: 23 } })).allow).toBe(true);
  });
});

describe('output format restrictions', () => {
  const app = { tenant: { attributes: { structured_output_apps: ['invoice-bot'] } }, principal: { app: 'invoice-bot' } };
  test('structured-only applications', () => {
    expect(reasonIds(decide(input(app)))).toEqual(['output_format_not_allowed']);
    const d = decide(input({ ...app, response_format: 'json_schema' }));
    expect(d.allow).toBe(true);
    expect(d.obligations.output_formats).toEqual(['json_object', 'json_schema']);
  });
});

test('every denial is reported, sorted', () => {
  const d = decide(
    input({
      tenant: { tier: 'free' },
      topics: [{ id: 'self_harm', score: 0.95 }],
      findings: [{ detector: 'prompt_injection', type: 'jailbreak', score: 0.99 }],
    }),
  );
  expect(d.reasons.map((r) => r.id)).toEqual(['model_not_allowed', 'prompt_injection', 'topic_restricted']);
});
