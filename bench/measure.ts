/** What a driver reports for one measured window, and the small helpers both sides need. */
import { readFileSync } from 'node:fs';

export interface Percentiles {
  readonly count: number;
  /** Milliseconds. */
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export type MessageKind = 'request_headers' | 'request_body' | 'response_headers' | 'response_body';

/** The JSON object a driver (Go or Node) prints on stdout. Field names are the Go driver's. */
export interface DriverResult {
  readonly driver: 'go' | 'node';
  readonly driverRuntime: string;
  readonly scenario: string;
  readonly concurrency: number;
  readonly warmupSeconds: number;
  /** Wall time of the measured window. */
  readonly measuredSeconds: number;
  /** Exchanges that finished inside the window: completed + immediate. */
  readonly requests: number;
  readonly completed: number;
  /** Exchanges the server ended with an immediate_response. */
  readonly immediate: number;
  readonly errors: number;
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly messagesPerRequest: number;
  /** Whole exchange: first message sent to the stream's OK status. */
  readonly latencyMs: Percentiles;
  /** One message sent to its response received, per kind and over all ("all"). */
  readonly messageLatencyMs: Readonly<Partial<Record<MessageKind | 'all', Percentiles>>>;
  /** The driver's own CPU (user+system) during the window. */
  readonly driverCpuSeconds: number;
  /** The server's utime+stime (/proc/<pid>/stat, all threads) during the window; null if unknown. */
  readonly serverCpuSeconds: number | null;
  /**
   * Busy time of the whole machine (all CPUs: user, nice, system, irq, softirq, steal of /proc/stat)
   * during the window. Minus server and driver, it is everything else: the kernel's loopback
   * networking (softirq) and any other load on the machine, which makes a run noisy.
   */
  readonly machineCpuSeconds: number | null;
  /** Time the hypervisor took from this VM's CPUs during the window. */
  readonly stealCpuSeconds: number | null;
  readonly gomaxprocs?: number;
}

const EMPTY: Percentiles = { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };

/** Nearest-rank percentiles of nanosecond samples, in milliseconds. Sorts `ns` in place. */
export function summarize(ns: Float64Array | number[]): Percentiles {
  if (ns.length === 0) return EMPTY;
  const sorted = ns instanceof Float64Array ? ns.sort() : Float64Array.from(ns).sort();
  const rank = (q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] / 1e6;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: sorted.length, mean: sum / sorted.length / 1e6, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: sorted[sorted.length - 1] / 1e6 };
}

/** Linux USER_HZ: /proc/<pid>/stat times are in these ticks (100 on every mainstream architecture). */
export const USER_HZ = 100;

/** utime+stime (fields 14 and 15) of /proc/<pid>/stat in seconds: every thread of the process. */
export function processCpuSeconds(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (the command) is in parentheses and may contain spaces: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 1).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : undefined;
}

/** Busy and steal ticks of /proc/stat's "cpu" line, in seconds. */
export function machineCpuSeconds(): { busy: number; steal: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(0, text.indexOf('\n')).trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 9) return undefined;
  // user nice system idle iowait irq softirq steal
  const [user, nice, system, , , irq, softirq, steal] = fields.slice(1, 9).map(Number);
  return { busy: (user + nice + system + irq + softirq + steal) / USER_HZ, steal: steal / USER_HZ };
}

/** A growable Float64Array for latency samples (no boxing, cheap appends). */
export class Samples {
  private data = new Float64Array(1024);
  private length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  get size(): number {
    return this.length;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  static concat(parts: readonly Samples[]): Float64Array {
    const out = new Float64Array(parts.reduce((n, p) => n + p.size, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part.values(), offset);
      offset += part.size;
    }
    return out;
  }
}
