/**
 * Detector cost on one core: median and p99 per prompt, prompts/s and MB/s, for 1 KB and 32 KB prompts
 * cut from the dev corpus (user channel) and from its documents (document channel), streaming through
 * different prompts (not one prompt repeated). Prints a reference cost and the load average, since a
 * shared machine inflates every figure.
 *
 *   make build && node dist/test/guard-injection/bench-injection.js [--corpus ../shared/corpus/injection-dev.jsonl] [--seconds 3]
 *
 * With `--against DIR` (another checkout, built), it instead times this tree's detector and DIR's in turn, in one
 * process, on the same 1 KB user prompts (`--rounds` rounds, default 40): on a shared machine whose speed drifts
 * between runs, alternating is the only fair comparison of two versions. `--channel document` times 1 KB documents
 * instead (the data path scores line by line, so its cost moves differently).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { SegmentChannel } from '../../src/llm';
import { InjectionDetector } from '../../src/guard/injection/detector';
import { readCorpus } from '../../src/guard/injection/train';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

/** Prompts of exactly `size` characters, made by joining corpus rows of one channel. */
function prompts(texts: readonly string[], size: number, count: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < count) {
    let p = '';
    while (p.length < size) p += (texts[i++ % texts.length] as string) + '\n';
    out.push(p.slice(0, size));
  }
  return out;
}

function run(detector: InjectionDetector, inputs: readonly string[], channel: SegmentChannel, seconds: number): string {
  // Warm-up: let the JIT settle before measuring (a second of the same work).
  const warm = process.hrtime.bigint() + BigInt(1e9);
  for (let i = 0; process.hrtime.bigint() < warm; i++) detector.analyse(inputs[i % inputs.length] as string, channel);
  const times: number[] = [];
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let bytes = 0;
  let i = 0;
  while (process.hrtime.bigint() < deadline) {
    const text = inputs[i++ % inputs.length] as string;
    const t0 = process.hrtime.bigint();
    detector.analyse(text, channel);
    times.push(Number(process.hrtime.bigint() - t0));
    bytes += Buffer.byteLength(text);
  }
  const total = times.reduce((s, t) => s + t, 0);
  times.sort((a, b) => a - b);
  const at = (q: number): number => (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number) / 1000;
  return `median ${at(0.5).toFixed(1)} µs, p99 ${at(0.99).toFixed(1)} µs, ${((times.length * 1e9) / total).toFixed(0)} prompts/s, ${((bytes / total) * 1e3).toFixed(2)} MB/s (${times.length} runs)`;
}

/** A reference cost on the same core, to compare machines: JSON.parse of a 1 KB chat request. */
function reference(seconds: number): string {
  const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(960) }] });
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  let runs = 0;
  const t0 = process.hrtime.bigint();
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 1000; i++) JSON.parse(body);
    runs += 1000;
  }
  return `${(Number(process.hrtime.bigint() - t0) / runs / 1000).toFixed(2)} µs`;
}

/** Per-prompt mean of each round, for `detectors` timed in turn on the same inputs; prints min and median per detector. */
function alternate(detectors: ReadonlyArray<readonly [string, Pick<InjectionDetector, 'analyse'>]>, inputs: readonly string[], rounds: number, channel: SegmentChannel): void {
  for (const [, d] of detectors) for (let k = 0; k < 3; k++) for (const t of inputs) d.analyse(t, channel);
  const times = detectors.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    detectors.forEach(([, d], k) => {
      const t0 = process.hrtime.bigint();
      for (const t of inputs) d.analyse(t, channel);
      (times[k] as number[]).push(Number(process.hrtime.bigint() - t0) / 1000 / inputs.length);
    });
  }
  detectors.forEach(([name], k) => {
    const sorted = (times[k] as number[]).sort((a, b) => a - b);
    const at = (q: number): string => (sorted[Math.floor(q * (sorted.length - 1))] as number).toFixed(1);
    process.stdout.write(`${name}: ${channel} 1 KB mean per prompt, min ${at(0)} µs, median ${at(0.5)} µs (${rounds} rounds)\n`);
  });
}

function main(): void {
  const corpus = resolve(option('--corpus', '../shared/corpus/injection-dev.jsonl'));
  const seconds = Number(option('--seconds', '3'));
  if (!existsSync(corpus)) throw new Error(`corpus not found: ${corpus} (pass --corpus)`);
  const rows = readCorpus(corpus);
  const user = rows.filter((r) => r.channel !== 'document').map((r) => r.text);
  const docs = rows.filter((r) => r.channel === 'document').map((r) => r.text);
  const detector = new InjectionDetector();
  const against = option('--against', '');
  if (against) {
    const other = createRequire(resolve(against, 'package.json'))(resolve(against, 'dist/src/guard/injection/detector.js')) as { InjectionDetector: new () => Pick<InjectionDetector, 'analyse'> };
    process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const channel = option('--channel', 'user') === 'document' ? 'document' : 'user';
    const inputs = channel === 'document' ? prompts(docs, 1024, 200) : prompts(user, 1024, 500);
    alternate([['this tree', detector], [against, new other.InjectionDetector()]], inputs, Number(option('--rounds', '40')), channel);
    return;
  }
  process.stdout.write(`reference: JSON.parse of a 1 KB request ${reference(1)}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  for (const size of [1024, 32 * 1024]) {
    process.stdout.write(`user ${size / 1024} KB: ${run(detector, prompts(user, size, 500), 'user', seconds)}\n`);
    process.stdout.write(`document ${size / 1024} KB: ${run(detector, prompts(docs, size, 200), 'document', seconds)}\n`);
  }
}

main();
