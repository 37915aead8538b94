/**
 * Large segments are scanned off the event loop: a small pool of worker threads, each with its own
 * detector, and a bounded queue. A 5 MB prompt costs tens of milliseconds of detection; on the main
 * thread that would stall the chunk replies of every other stream for as long.
 *
 * When the queue is full the scan is refused (`ScanQueueFullError`): the inspect stage applies the
 * guard's fail mode (closed by default: the request is refused, not passed unscanned).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SegmentChannel } from '../../llm';
import type { DetectorOptions, SegmentResult } from './detector';

export interface ScanPoolOptions {
  /** Worker threads (each holds one copy of the model, ~0.5 MB). */
  readonly size: number;
  /** Scans waiting for a worker, beyond those running. */
  readonly maxQueue: number;
  readonly detector: Partial<Omit<DetectorOptions, 'models'>>;
  readonly modelPath?: string;
}

export class ScanQueueFullError extends Error {
  readonly code = 'detector_unavailable';
  constructor() {
    super('prompt_injection: scan queue full');
    this.name = 'ScanQueueFullError';
  }
}

interface Job {
  readonly id: number;
  readonly text: string;
  readonly channel: SegmentChannel;
  readonly resolve: (result: SegmentResult) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  worker?: Worker;
  job?: Job;
}

/** The compiled worker script: beside this module in dist/, or dist's copy when running from src (ts-jest). */
export function workerScript(): string {
  const beside = join(__dirname, 'scan-worker.js');
  if (existsSync(beside)) return beside;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'dist', 'src', 'guard', 'injection', 'scan-worker.js');
    if (existsSync(candidate)) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('prompt_injection: scan-worker.js not found (run make build)');
}

export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ScanPoolOptions) {
    for (let i = 0; i < options.size; i++) {
      const slot: Slot = {};
      this.attach(slot);
      this.slots.push(slot);
    }
  }

  /** Scans in a worker; rejects with ScanQueueFullError when `maxQueue` scans already wait. */
  scan(text: string, channel: SegmentChannel): Promise<SegmentResult> {
    if (this.closed) return Promise.reject(new Error('prompt_injection: scan pool closed'));
    return new Promise<SegmentResult>((resolvePromise, rejectPromise) => {
      const job: Job = { id: this.nextId++, text, channel, resolve: resolvePromise, reject: rejectPromise };
      const idle = this.slots.find((s) => s.job === undefined);
      if (idle) this.run(idle, job);
      else if (this.queue.length >= this.options.maxQueue) rejectPromise(new ScanQueueFullError());
      else this.queue.push(job);
    });
  }

  /** Scans running or waiting. */
  pending(): number {
    return this.queue.length + this.slots.filter((s) => s.job !== undefined).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('prompt_injection: scan pool closed'));
    await Promise.all(this.slots.map((s) => s.worker?.terminate()));
  }

  /** Starts a worker for the slot; events of a replaced worker are ignored. */
  private attach(slot: Slot): void {
    const worker = new Worker(workerScript(), { workerData: { detector: this.options.detector, modelPath: this.options.modelPath } });
    // Idle workers must not keep the process alive (a CLI run or a drained sidecar exits).
    worker.unref();
    slot.worker = worker;
    worker.on('message', (message: { id: number; result?: SegmentResult; error?: string }) => {
      const job = slot.job;
      if (slot.worker !== worker || !job || job.id !== message.id) return;
      slot.job = undefined;
      if (message.result) job.resolve(message.result);
      else job.reject(new Error(message.error ?? 'prompt_injection: worker failed'));
      this.next(slot);
    });
    worker.on('error', (error) => {
      if (slot.worker === worker) this.replace(slot, error);
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker && !this.closed) this.replace(slot, new Error(`prompt_injection: scan worker exited with ${code}`));
    });
  }

  /** A worker died: fail its job, start another in its place, carry on with the queue. */
  private replace(slot: Slot, error: Error): void {
    const job = slot.job;
    slot.job = undefined;
    slot.worker = undefined;
    job?.reject(error);
    if (this.closed) return;
    this.attach(slot);
    this.next(slot);
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker?.ref();
    slot.worker?.postMessage({ id: job.id, text: job.text, channel: job.channel });
  }

  private next(slot: Slot): void {
    const job = this.queue.shift();
    if (job) this.run(slot, job);
    else slot.worker?.unref();
  }
}
