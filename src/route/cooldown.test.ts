import { KeyCooldowns, retryAfterSeconds } from './cooldown';

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each<[string, Record<string, string>, number | undefined]>([
    ['delta seconds', { 'retry-after': '7' }, 7],
    ['HTTP date', { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, 30],
    ['date in the past', { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    ['retry-after-ms wins', { 'retry-after': '7', 'retry-after-ms': '1500' }, 1.5],
    ['garbage', { 'retry-after': 'soon' }, undefined],
    ['absent', {}, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(retryAfterSeconds(new Map(Object.entries(headers)), now)).toBe(expected);
  });
});

describe('KeyCooldowns', () => {
  const settings = { defaultSeconds: 10, maxSeconds: 60 };
  it('cools for Retry-After, bounded, default when absent, never shortened', () => {
    let now = 0;
    const cooldowns = new KeyCooldowns(() => now);
    const key = { file: '/secrets/a' };
    expect(cooldowns.cool('oai', key, 5, settings).untilMs).toBe(5000);
    expect(cooldowns.cool('oai', key, 1, settings).untilMs).toBe(5000);
    expect(cooldowns.cool('oai', { env: 'B' }, undefined, settings).untilMs).toBe(10_000);
    expect(cooldowns.cool('ant', key, 3600, settings).untilMs).toBe(60_000);
    expect(cooldowns.isCooling('oai', key)).toBe(true);
    expect(cooldowns.isCooling('oai', { file: '/secrets/other' })).toBe(false);
    now = 5000;
    expect(cooldowns.isCooling('oai', key)).toBe(false);
    expect(cooldowns.cooling().map((entry) => `${entry.provider} ${entry.key}`)).toEqual(['oai env:B', 'ant file:/secrets/a']);
  });
});
