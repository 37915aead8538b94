/** The exported benchmark on a short run: memory stays flat and the numbers are sane. (A million: see README.) */
import { benchPolicyEvaluation } from '../../src/policy';
import { BUILD_TIMEOUT_MS, ensureDefaultBundle } from './helpers';

let bundlePath: string;
beforeAll(() => {
  bundlePath = ensureDefaultBundle();
}, BUILD_TIMEOUT_MS);

test('20,000 evaluations: wasm memory unchanged, heap flat, every decision evaluated', async () => {
  const result = await benchPolicyEvaluation({ bundlePath, evaluations: 20_000, warmup: 2_000 });
  expect(result.failed).toBe(0);
  expect(result.allowed + result.denied).toBe(20_000);
  expect(result.allowed).toBeGreaterThan(0);
  expect(result.denied).toBeGreaterThan(0);
  expect(result.checkpoints).toHaveLength(10);
  for (const checkpoint of result.checkpoints) expect(checkpoint.wasmBytes).toBe(result.before.wasmBytes);
  expect(result.after.wasmBytes).toBe(result.before.wasmBytes);
  // Without --expose-gc the heap figures include garbage not yet collected; bound them loosely.
  expect(result.after.heapUsedBytes - result.before.heapUsedBytes).toBeLessThan(64 * 1024 * 1024);
  expect(result.p50Micros).toBeGreaterThan(0);
  expect(result.p99Micros).toBeGreaterThanOrEqual(result.p50Micros);
}, 120_000);
