import { createHmac } from 'node:crypto';
import { PiiAnalyzer } from './analyzer';
import { checkPolicy, PiiPolicyError, PlaceholderAllocator, placeholderLabel, redactSegments, type PiiPolicy } from './redact';
import { restoreText } from './restore';

const analyzer = new PiiAnalyzer();
const spansOf = (texts: readonly string[]) => texts.map((t) => analyzer.analyze(t));

describe('redactSegments', () => {
  const texts = ['Mail jane@example.com or call +44 20 7946 0958.', 'Again: jane@example.com, and bob@example.org', 'nothing here'];

  it('placeholder: the same value gets the same placeholder across segments; counts per entity, no values', () => {
    const result = redactSegments(texts, spansOf(texts), { actions: { EMAIL_ADDRESS: 'placeholder', PHONE_NUMBER: 'mask' } });
    expect(result.texts).toEqual(['Mail [EMAIL_1] or call [REDACTED].', 'Again: [EMAIL_1], and [EMAIL_2]', 'nothing here']);
    expect(result.changed).toEqual([0, 1]);
    expect(result.counts).toEqual({ EMAIL_ADDRESS: 3, PHONE_NUMBER: 1 });
    expect(result.actions).toEqual({ EMAIL_ADDRESS: 'placeholder', PHONE_NUMBER: 'mask' });
    expect(result.restore.size).toBe(0);
    expect(result.blocked).toEqual([]);
    expect(JSON.stringify({ counts: result.counts, actions: result.actions })).not.toContain('jane');
  });

  it('reversible: placeholders upstream and a restore map that gives back the exact original', () => {
    const result = redactSegments(texts, spansOf(texts), { actions: { '*': 'reversible' } });
    expect(result.texts[0]).toBe('Mail [EMAIL_1] or call [PHONE_1].');
    expect([...result.restore.entries()]).toEqual([
      ['[EMAIL_1]', 'jane@example.com'],
      ['[PHONE_1]', '+44 20 7946 0958'],
      ['[EMAIL_2]', 'bob@example.org'],
    ]);
    expect(result.texts.map((t) => restoreText(t, result.restore))).toEqual(texts);
  });

  it('hash: keyed HMAC, stable for one key, different for another', () => {
    const policy = (key: string): PiiPolicy => ({ actions: { EMAIL_ADDRESS: 'hash' }, hashKey: key });
    const a = redactSegments(['jane@example.com'], [analyzer.analyze('jane@example.com')], policy('k1-0123456789abcdef'));
    const b = redactSegments(['jane@example.com'], [analyzer.analyze('jane@example.com')], policy('k1-0123456789abcdef'));
    const c = redactSegments(['jane@example.com'], [analyzer.analyze('jane@example.com')], { ...policy('k2'), hashKey: () => 'k2-0123456789abcdef' });
    const expected = createHmac('sha256', 'k1-0123456789abcdef').update('jane@example.com').digest('hex').slice(0, 16);
    expect(a.texts).toEqual([`[EMAIL:${expected}]`]);
    expect(b.texts).toEqual(a.texts);
    expect(c.texts).not.toEqual(a.texts);
  });

  it('hash without a key is a policy error', () => {
    expect(() => redactSegments(['jane@example.com'], [analyzer.analyze('jane@example.com')], { actions: { EMAIL_ADDRESS: 'hash' } })).toThrow(PiiPolicyError);
    expect(checkPolicy({ actions: { EMAIL_ADDRESS: 'hash' } })).toHaveLength(1);
    expect(checkPolicy({ actions: { EMAIL_ADDRESS: 'hash' }, hashKey: 'x' })).toEqual([]);
  });

  it('block: reports the blocking types (also for findings without offsets) and leaves the rest as the policy says', () => {
    const text = 'key AKIAIOSFODNN7EXAMPLE for jane@example.com';
    const result = redactSegments([text], [[...analyzer.analyze(text), { type: 'prompt_injection' }]], {
      actions: { 'secret.*': 'block', EMAIL_ADDRESS: 'mask', prompt_injection: 'block' },
    });
    expect(result.blocked).toEqual(['prompt_injection', 'secret.aws_access_key']);
    expect(result.texts).toEqual(['key AKIAIOSFODNN7EXAMPLE for [REDACTED]']);
  });

  it('resolves overlapping spans from several detectors and clamps offsets', () => {
    const text = 'call 555-0100 now';
    const result = redactSegments([text], [[{ type: 'PHONE_NUMBER', start: 5, end: 13, score: 0.6 }, { type: 'US_SSN', start: 7, end: 12, score: 0.4 }, { type: 'X', start: 15, end: 999 }]], {
      actions: {},
      defaultAction: 'placeholder',
    });
    expect(result.texts).toEqual(['call [PHONE_1] n[X_1]']);
  });

  it('never hands out a placeholder that the request already contains', () => {
    const texts2 = ['literal [EMAIL_1] text', 'jane@example.com'];
    const result = redactSegments(texts2, spansOf(texts2), { actions: { EMAIL_ADDRESS: 'reversible' } });
    expect(result.texts).toEqual(['literal [EMAIL_1] text', '[EMAIL_2]']);
    expect([...result.restore.keys()]).toEqual(['[EMAIL_2]']);
  });

  it('one allocator shared across calls keeps numbering consistent within a request', () => {
    const allocator = new PlaceholderAllocator();
    const first = redactSegments(['jane@example.com'], [analyzer.analyze('jane@example.com')], { actions: { '*': 'reversible' } }, allocator);
    const second = redactSegments(['bob@example.org jane@example.com'], [analyzer.analyze('bob@example.org jane@example.com')], { actions: { '*': 'reversible' } }, allocator);
    expect(first.texts).toEqual(['[EMAIL_1]']);
    expect(second.texts).toEqual(['[EMAIL_2] [EMAIL_1]']);
  });

  it('labels', () => {
    expect(placeholderLabel('EMAIL_ADDRESS')).toBe('EMAIL');
    expect(placeholderLabel('secret.github_token')).toBe('SECRET');
    expect(placeholderLabel('UK_NHS')).toBe('UK_NHS');
    expect(placeholderLabel('medical.record-id')).toBe('MEDICAL_RECORD_ID');
  });
});
