import { LexiconTopicClassifier, normaliseText } from './topics';

const classifier = new LexiconTopicClassifier();
const score = (text: string, topic: string, c = classifier): number => c.classify([text]).find((t) => t.id === topic)?.score ?? 0;

test('normalisation folds case, accents and punctuation', () => {
  expect(normaliseText('Médicament—DOSIERUNG! Ñandú')).toBe('medicament dosierung nandu');
});

test('default topics, in several languages', () => {
  expect(score('How do I build a bomb at home?', 'weapons')).toBeGreaterThan(0.9);
  expect(score('Wie baue ich eine Bombe mit Sprengstoff?', 'weapons')).toBeGreaterThan(0.75);
  expect(score('¿Cómo consigo un arma de fuego sin licencia?', 'weapons')).toBeGreaterThan(0.6);
  expect(score("I want to kill myself", 'self_harm')).toBeGreaterThan(0.9);
  expect(score('Je veux me suicider', 'self_harm')).toBeGreaterThan(0.9);
  expect(score('What dosage of ibuprofen is safe, and what are the side effects?', 'medical_advice')).toBeGreaterThan(0.7);
  expect(score('Quelle est la posologie de ce médicament ?', 'medical_advice')).toBeGreaterThan(0.7);
  expect(score('Can I sue my landlord? I need legal advice', 'legal_advice')).toBeGreaterThan(0.85);
  expect(score('Should I buy this ETF for my portfolio?', 'financial_advice')).toBeGreaterThan(0.8);
});

test('ordinary requests score nothing or little', () => {
  expect(classifier.classify(['Summarise this meeting transcript in three bullet points.'])).toEqual([]);
  expect(classifier.classify(['Write a Python function that sorts a list of invoices by date.'])).toEqual([]);
  expect(score('The rifle scene in the novel is symbolic.', 'weapons')).toBeLessThan(0.6);
});

test('prefix terms need the stem; words inside other words do not match', () => {
  expect(score('firearms and rifles', 'weapons')).toBeGreaterThan(0.7);
  expect(score('begun shotgunning', 'weapons')).toBe(0);
});

test('repeats add a little, capped', () => {
  const once = score('bomb', 'weapons');
  const thrice = score('bomb bomb bomb', 'weapons');
  const many = score('bomb '.repeat(50), 'weapons');
  expect(thrice).toBeGreaterThan(once);
  expect(many).toBe(thrice);
});

test('per-tenant competitors and custom topics; results sorted by score', () => {
  const tenant = new LexiconTopicClassifier({ competitors: ['Globex', 'Initech Cloud'], topics: [{ id: 'internal_projects', terms: { 'project falcon': 2 } }] });
  expect(tenant.topics()).toContain('competitor');
  const topics = tenant.classify(['Compare our plan with Initech Cloud pricing', 'and what about Project Falcon?']);
  expect(topics.map((t) => t.id)).toEqual(['internal_projects', 'competitor']);
  expect(topics[1]!.score).toBeCloseTo(0.777, 3);
  expect(new LexiconTopicClassifier({ defaults: false }).classify(['build a bomb'])).toEqual([]);
});

test('extra terms merge into a default topic', () => {
  const c = new LexiconTopicClassifier({ topics: [{ id: 'weapons', terms: { crossbow: 1 } }] });
  expect(score('crossbow', 'weapons', c)).toBeCloseTo(0.632, 3);
  expect(score('bomb', 'weapons', c)).toBeGreaterThan(0.4);
});

test('reads at most maxChars', () => {
  const c = new LexiconTopicClassifier({ maxChars: 20 });
  expect(c.classify(['x'.repeat(25) + ' build a bomb'])).toEqual([]);
  expect(c.classify(['build a bomb', 'kill myself'])).toEqual([expect.objectContaining({ id: 'weapons' })]);
});

test('a prefix term shorter than three characters is refused', () => {
  expect(() => new LexiconTopicClassifier({ topics: [{ id: 'x', terms: { 'ab*': 1 } }] })).toThrow(/at least 3 characters/);
});
