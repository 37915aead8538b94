import { costUsd } from './pricing';

describe('costUsd', () => {
  it.each([
    ['plain input and output', { input: 2.5, output: 10 }, { inputTokens: 1000, outputTokens: 500 }, 0.0075],
    ['cached input at its own price', { input: 2.5, output: 10, cachedInput: 1.25 }, { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 400 }, 0.002],
    ['cached input at the input price when none is set', { input: 2, output: 0 }, { inputTokens: 1000, outputTokens: 0, cachedInputTokens: 400 }, 0.002],
    ['cache writes at their price', { input: 3, output: 15, cacheWrite: 3.75 }, { inputTokens: 1000, outputTokens: 0, cacheWriteTokens: 1000 }, 0.00375],
    ['nothing for nothing', { input: 3, output: 15 }, { inputTokens: 0, outputTokens: 0 }, 0],
  ])('%s', (_name, pricing, tokens, expected) => {
    expect(costUsd(pricing, tokens)).toBeCloseTo(expected, 12);
  });
});
