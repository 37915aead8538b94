/**
 * The budget check's cost per request (one reserve + one settle, 12 limit checks in one Lua call), in
 * memory and against a throwaway redis-server on loopback, printed beside the ext_proc figures.
 */
import { benchBudgetCheck, type BudgetBenchReport } from '../src/budget';
import { redisServerBinary, startTestRedis } from '../test/support/redis';

export async function runBudgetBench(out: NodeJS.WritableStream): Promise<BudgetBenchReport | undefined> {
  if (process.env.BENCH_BUDGET === '0') return undefined;
  let redis: Awaited<ReturnType<typeof startTestRedis>> | undefined;
  try {
    redis = await startTestRedis();
  } catch (error) {
    out.write(`budget bench: no redis-server (${redisServerBinary()}): ${(error as Error).message}; memory store only\n`);
  }
  try {
    const report = await benchBudgetCheck(redis ? { redis: { host: redis.host, port: redis.port } } : {});
    out.write('== budget check per request (reserve + settle, 12 limits) ==\n');
    out.write('store    iterations   mean us    p50 us    p99 us   cycles/s (in flight)\n');
    for (const r of report.results) {
      out.write(
        `${r.store.padEnd(8)} ${String(r.iterations).padStart(10)} ${r.meanUs.toFixed(1).padStart(9)} ${r.p50Us.toFixed(1).padStart(9)} ${r.p99Us.toFixed(1).padStart(9)}   ${r.cyclesPerSecond.toFixed(0)} (${r.concurrency})\n`,
      );
    }
    out.write(`prompt estimate of a ~2 KB chat request (o200k): ${report.estimateUs.toFixed(1)} us\n\n`);
    return report;
  } finally {
    await redis?.cleanup();
  }
}
