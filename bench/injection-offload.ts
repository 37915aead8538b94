/**
 * Small-request latency while 5 MB prompts are scanned concurrently: a 1 KB prompt is inspected every
 * 2 ms (latency measured from its scheduled start, so event-loop stalls count), in three runs:
 * baseline (no large scans), large scans in the worker pool (the default), and large scans inline
 * (`workers: 0`) for contrast. Detector level: the same inspector the gateway's inspect stage calls.
 *
 *   make build && node dist/bench/injection-offload.js [--seconds 5] [--big-mb 5] [--big-concurrency 2]
 */
import { performance } from 'node:perf_hooks';
import { injectionPlugin } from '../src/guard/injection/plugin';
import { GuardRegistry, type Inspector } from '../src/guard/registry';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const SMALL = 'Could you summarise the attached meeting notes and list the action items with their owners? '.repeat(11).slice(0, 1024);
const context = { channel: 'user', role: 'user', segment: 0 } as const;

function inspector(workers: number): Inspector {
  const created = new GuardRegistry().register(injectionPlugin).createInspector('prompt_injection', { workers, maxQueuedScans: 64 }, 'bench');
  if (!created.ok) throw new Error(JSON.stringify(created.problems));
  return created.value;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) : 0;
}

async function run(label: string, guard: Inspector, seconds: number, big: string | undefined, bigConcurrency: number): Promise<void> {
  const latencies: number[] = [];
  let bigScans = 0;
  let stop = false;
  const bigLoops = big === undefined ? [] : Array.from({ length: bigConcurrency }, async () => {
    while (!stop) {
      await guard.inspect(big, context);
      bigScans++;
      await new Promise((r) => setImmediate(r));
    }
  });
  // Open loop: a request is due every 2 ms whether or not the event loop was free; requests that fell
  // due during a stall are sent when it ends, and their latency counts from when they were due.
  const end = performance.now() + seconds * 1000;
  const intervalMs = 2;
  let next = performance.now();
  const pending: Promise<void>[] = [];
  while (performance.now() < end) {
    const now = performance.now();
    for (; next <= now; next += intervalMs) {
      const due = next;
      pending.push(Promise.resolve(guard.inspect(SMALL, context)).then(() => void latencies.push(performance.now() - due)));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  stop = true;
  await Promise.all([...pending, ...bigLoops]);
  latencies.sort((a, b) => a - b);
  process.stdout.write(`${label.padEnd(34)} small 1 KB: p50 ${quantile(latencies, 0.5).toFixed(2)} ms, p99 ${quantile(latencies, 0.99).toFixed(2)} ms, max ${quantile(latencies, 1).toFixed(1)} ms (${latencies.length} requests); 5 MB scans done: ${bigScans}\n`);
}

async function main(): Promise<void> {
  const seconds = option('--seconds', 5);
  const bigChars = option('--big-mb', 5) * 1024 * 1024;
  const bigConcurrency = option('--big-concurrency', 2);
  const big = 'Quarterly revenue by region and product line, with notes from the finance team. '.repeat(Math.ceil(bigChars / 81)).slice(0, bigChars);
  const pooled = inspector(2);
  const inline = inspector(0);
  await run('baseline (no large scans)', pooled, seconds, undefined, 0);
  await run(`${bigConcurrency} x 5 MB scans in worker threads`, pooled, seconds, big, bigConcurrency);
  await run(`${bigConcurrency} x 5 MB scans inline (workers: 0)`, inline, seconds, big, bigConcurrency);
}

void main().then(() => process.exit(0));
