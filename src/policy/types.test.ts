import { policyDecisionDocumentSchema } from './types';

const doc = (reasons: unknown) => ({ allow: false, reasons, obligations: {}, labels: [] });

test('reason ids are short identifiers', () => {
  expect(policyDecisionDocumentSchema.safeParse(doc([{ id: 'topic_restricted', message: 'x' }])).success).toBe(true);
  expect(policyDecisionDocumentSchema.safeParse(doc([{ id: 'rule:v2.deny-1', message: '' }])).success).toBe(true);
  for (const id of ['', 'has space', '<script>', 'x'.repeat(129), 'data.secret["k"]']) {
    expect(policyDecisionDocumentSchema.safeParse(doc([{ id, message: '' }])).success).toBe(false);
  }
});

test('obligations are checked: unknown keys, a model both forced and listed, bad formats', () => {
  const ok = (obligations: unknown) => policyDecisionDocumentSchema.safeParse({ allow: true, reasons: [], obligations, labels: [] }).success;
  expect(ok({ model: { force: 'gpt-4o-mini' }, max_output_tokens: 10, redaction: 'reversible', output_formats: ['text'] })).toBe(true);
  expect(ok({ model: { force: 'a', allow: ['b'] } })).toBe(false);
  expect(ok({ max_output_tokens: 0 })).toBe(false);
  expect(ok({ redaction: 'some' })).toBe(false);
  expect(ok({ output_formats: [] })).toBe(false);
  expect(ok({ budget: 1 })).toBe(false);
});
