import { z } from 'zod';
import { GuardRegistry, type InspectorPlugin, type OutputGuardPlugin } from './registry';

const keyword: InspectorPlugin<{ word: string; score: number }> = {
  kind: 'inspector',
  id: 'test.keyword',
  description: 'flags a word',
  params: z.strictObject({ word: z.string().min(1), score: z.number().min(0).max(1).default(1) }),
  create: ({ word, score }) => ({
    inspect: (text, context) => (text.includes(word) ? [{ detector: 'test.keyword', type: 'keyword', score, channel: context.channel, segment: context.segment }] : []),
  }),
};

const upper: OutputGuardPlugin<Record<string, never>> = {
  kind: 'output_guard',
  id: 'test.upper',
  description: 'upper-cases output',
  params: z.strictObject({}),
  create: () => ({ start: () => ({ feed: (text) => ({ release: text.toUpperCase(), findings: [] }), end: () => ({ release: '', findings: [] }) }) }),
};

describe('GuardRegistry', () => {
  const registry = new GuardRegistry().register(keyword).register(upper);

  it('builds a plug-in from validated params', async () => {
    const created = registry.createInspector('test.keyword', { word: 'ignore' }, 'guards.input.0.params');
    if (!created.ok) throw new Error('expected ok');
    expect(await created.value.inspect('please ignore this', { channel: 'user', role: 'user', segment: 3 })).toEqual([
      { detector: 'test.keyword', type: 'keyword', score: 1, channel: 'user', segment: 3 },
    ]);
  });

  it('reports bad params with their config path', () => {
    expect(registry.createInspector('test.keyword', { word: '', extra: 1 }, 'guards.input.0.params')).toEqual({
      ok: false,
      problems: [
        { path: 'guards.input.0.params.word', message: expect.stringContaining('>=1') as unknown as string },
        { path: 'guards.input.0.params', message: expect.stringContaining('extra') as unknown as string },
      ],
    });
  });

  it('refuses unknown ids and the wrong kind, naming what exists', () => {
    expect(registry.createInspector('test.upper', {}, 'x')).toMatchObject({ ok: false, problems: [{ message: 'unknown inspector "test.upper" (known: test.keyword)' }] });
    expect(registry.createOutputGuard('nope', {}, 'x')).toMatchObject({ ok: false, problems: [{ message: 'unknown output guard "nope" (known: test.upper)' }] });
  });

  it('refuses a second plug-in with the same id', () => {
    expect(() => new GuardRegistry().register(keyword).register(keyword)).toThrow('registered twice');
  });
});
