import { questionFeatures, wordHash } from './features';
import { compatibleWording } from './wording';

const features = (text: string) => questionFeatures(text).mustMatch;

describe('must-match features', () => {
  it.each([
    ['numbers in order, thousands separators and currency', 'Refund $1,200.50 for order 1234 and 77', { numbers: ['$1200.5', '1234', '77'] }],
    ['number words', 'Can I add three users?', { numbers: ['3'] }],
    ['leading zeros of codes are kept', 'Is zip 02134 covered?', { numbers: ['02134'] }],
    ['identifiers', 'Cancel ORD-7781 and email jane@example.com', { identifiers: ['ord-7781', 'jane@example.com'] }],
    ['quoted strings', 'The app says "Payment Failed" and `E17`', { quoted: ['payment failed', 'e17'] }],
    ['negation, also as n\'t and un-', "Why can't I log in?", { negated: true }],
    ['prefix negation', 'Is my package uninsured?', { negated: true }],
    ['named entities in order', 'Do you ship from Berlin to Paris?', { entities: ['berlin', 'paris'] }],
    ['a capitalised ordinary word opening the sentence is not a name', 'Shipping to Canada?', { entities: ['canada'] }],
    ['contrast words', 'How do I turn off notifications?', { contrasts: ['disable'] }],
    ['over and under are contrasts', 'Can kids under 12 fly alone?', { contrasts: ['below', 'child'], numbers: ['12'] }],
    ['a capital letter alone is a label', 'Is plan A better than plan B?', { identifiers: ['a', 'b'] }],
    ['question words that ask', 'When will my refund arrive?', { questionWords: ['when'] }],
    ['a conjunction is not a question', 'What happens when my trial ends?', { questionWords: [] }],
  ])('%s', (_name, text, expected) => {
    expect(features(text)).toMatchObject(expected);
  });

  it.each([
    ['order 1234', 'order 1243'],
    ['enable two-factor', 'disable two-factor'],
    ['Can I return an opened item?', 'Can I not return an opened item?'],
    ['Do you ship to Canada?', 'Do you ship to Mexico?'],
    ['Why was my order cancelled?', 'When was my order cancelled?'],
    ['Is shipping free over $50?', 'Is shipping free over 50%?'],
  ])('%s / %s differ', (a, b) => {
    expect(questionFeatures(a).signature).not.toBe(questionFeatures(b).signature);
  });

  it.each([
    ['How do I reset my password?', 'how do i reset my password'],
    ['Where is my refund?', "Where's my refund?"],
    ["Why haven't I received my email?", 'I have not received my email, why?'],
  ])('%s / %s agree', (a, b) => {
    expect(questionFeatures(a).signature).toBe(questionFeatures(b).signature);
  });
});

describe('compatible wording', () => {
  const wording = (text: string) => {
    const f = questionFeatures(text);
    return { words: f.contentWords.map(wordHash), positions: f.positions, connectors: f.connectors };
  };
  it.each([
    ['a dropped word', 'How do I add a new user to my team?', 'How do I add a user to my team?', true],
    ['a compound read either way', 'Is there a discount for students?', 'Is there a student discount?', true],
    ['the same words, in another sentence shape', 'How do I reset my password?', 'Reset my password: how?', true],
    ['a pronoun between is not a compound', 'How do I reset my password?', 'Password reset, how do I do it?', false],
    ['a narrowing word added', 'How do I cancel my subscription?', 'How do I cancel my subscription renewal?', false],
    ['a generic word added', 'How do I change my phone number?', 'How do I change the phone number on my account?', true],
    ['a substituted word', 'How do I reset my password on the website?', 'How do I reset my password in the app?', false],
    ['swapped roles around a preposition', 'Can I transfer money from savings to checking?', 'Can I transfer money from checking to savings?', false],
    ['swapped roles around a verb', 'Can managers see employee reports?', 'Can employees see manager reports?', false],
    ['swapped possessor', 'Can my wife use my account?', "Can I use my wife's account?", false],
  ])('%s', (_name, a, b, compatible) => {
    expect(compatibleWording(wording(a), wording(b))).toBe(compatible);
    expect(compatibleWording(wording(b), wording(a))).toBe(compatible);
  });
});
