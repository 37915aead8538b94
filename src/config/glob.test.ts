import { compileAllowDeny, compileGlob } from './glob';

describe('compileGlob', () => {
  it.each([
    ['gpt-4o', 'gpt-4o', true],
    ['gpt-4o', 'gpt-4o-mini', false],
    ['gpt-*', 'gpt-4o-mini', true],
    ['gpt-*', 'claude-3', false],
    ['*', '', true],
    ['*-mini', 'gpt-4o-mini', true],
    ['*-mini', 'gpt-4o-max', false],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['a*a*a', 'aa', false],
    ['a*a*a', 'aaa', true],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(compileGlob(pattern)(name)).toBe(expected);
  });

  it('stays linear on adversarial input', () => {
    const match = compileGlob('*a*a*a*a*a*a*a*a*b');
    expect(match('a'.repeat(100_000))).toBe(false);
  });

  it('lets deny win over allow', () => {
    const allowed = compileAllowDeny(['gpt-*', 'claude-*'], ['gpt-4o']);
    expect([allowed('gpt-4o-mini'), allowed('gpt-4o'), allowed('claude-3'), allowed('gemini')]).toEqual([true, false, true, false]);
  });
});
