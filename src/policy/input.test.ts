import { buildPolicyInput, isValidTimeZone, policyTime, toPolicyFindings } from './input';
import { policyInputSchema } from './types';

test('policyTime gives local weekday and hour in the tenant zone', () => {
  const instant = Date.UTC(2026, 0, 4, 23, 30); // Sunday 23:30 UTC
  expect(policyTime(instant)).toEqual({ now_ms: instant, timezone: 'UTC', weekday: 7, hour: 23, minute: 30, date: '2026-01-04' });
  expect(policyTime(instant, 'Europe/Berlin')).toMatchObject({ weekday: 1, hour: 0, minute: 30, date: '2026-01-05' });
  expect(policyTime(instant, 'America/New_York')).toMatchObject({ weekday: 7, hour: 18, date: '2026-01-04' });
  expect(policyTime(Date.UTC(2026, 6, 1, 12), 'Europe/Berlin').hour).toBe(14); // summer time
});

test('isValidTimeZone', () => {
  expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
  expect(isValidTimeZone('Mars/Olympus')).toBe(false);
});

test('buildPolicyInput fills the defaults and satisfies the schema', () => {
  const input = buildPolicyInput({
    nowMs: Date.UTC(2026, 0, 6, 9),
    timeZone: 'UTC',
    request_id: 'r1',
    tenant: { id: 'acme', tier: 'free', attributes: {} },
    principal: { via: 'jwt', user: 'u1', trusted_app: false, claims: { sub: 'u1' } },
    api: { id: 'anthropic.messages', family: 'anthropic' },
    model: { requested: 'claude-3-5-haiku' },
    tokens: { input_estimate: 10 },
  });
  expect(policyInputSchema.parse(input)).toEqual(input);
  expect(input).toMatchObject({ version: 1, stream: false, tools: [], findings: [], topics: [], response_format: 'text', time: { weekday: 2, hour: 9 } });
});

test('toPolicyFindings keeps what, where and how sure', () => {
  const guardFinding = { detector: 'pii', type: 'EMAIL_ADDRESS', score: 1.2, channel: 'user', segment: 0, start: 3, end: 9 };
  expect(toPolicyFindings([guardFinding, { detector: 'x', type: 'y', score: -1 }])).toEqual([
    { detector: 'pii', type: 'EMAIL_ADDRESS', score: 1, channel: 'user' },
    { detector: 'x', type: 'y', score: 0 },
  ]);
});
