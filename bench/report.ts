/** Turns driver results into the benchmark's figures, its printed tables and its JSON report. */
import type { DriverResult, Percentiles } from './measure';

export type TargetName = 'noop' | 'sidecar';

export interface RunRecord {
  readonly target: TargetName;
  readonly scenario: string;
  readonly concurrency: number;
  readonly throughputRps: number;
  readonly latencyMs: Percentiles;
  /** Over every ext_proc message of the window. */
  readonly messageLatencyMs: Percentiles | null;
  readonly messagesPerRequest: number;
  readonly expectedMessagesPerRequest: number;
  readonly serverCpuMsPerRequest: number | null;
  /** Share of one core the server used during the window (100 = one core saturated). */
  readonly serverCpuPercent: number | null;
  readonly driverCpuMsPerRequest: number | null;
  readonly driverCpuPercent: number;
  /**
   * Machine busy time minus server and driver, in % of one core: loopback networking in the kernel plus
   * any other load on the machine. A high value means a noisy run.
   */
  readonly otherCpuPercent: number | null;
  /** Which side ran out of CPU: 'server', 'driver', or 'neither' (latency-bound, as at concurrency 1). */
  readonly saturated: 'server' | 'driver' | 'neither';
  readonly errors: number;
  readonly driver: DriverResult;
}

export interface Comparison {
  readonly scenario: string;
  readonly concurrency: number;
  /** sidecar req/s divided by no-op req/s. */
  readonly throughputRatio: number | null;
  /** sidecar minus no-op, per whole exchange. */
  readonly addedLatencyMs: { readonly p50: number; readonly p99: number } | null;
  readonly addedServerCpuMsPerRequest: number | null;
}

/** A side counts as saturated from 90% of one core (both sides are pinned to one core each when pinning). */
const SATURATED_PERCENT = 90;

export function toRecord(target: TargetName, expectedMessagesPerRequest: number, result: DriverResult): RunRecord {
  const seconds = result.measuredSeconds;
  const perRequest = (cpuSeconds: number | null): number | null =>
    cpuSeconds === null || result.requests === 0 ? null : (cpuSeconds * 1000) / result.requests;
  const serverCpuPercent = result.serverCpuSeconds === null ? null : (result.serverCpuSeconds / seconds) * 100;
  const driverCpuPercent = (result.driverCpuSeconds / seconds) * 100;
  const otherCpuPercent =
    result.machineCpuSeconds === null || result.serverCpuSeconds === null
      ? null
      : Math.max(0, ((result.machineCpuSeconds - result.serverCpuSeconds - result.driverCpuSeconds) / seconds) * 100);
  const saturated =
    serverCpuPercent !== null && serverCpuPercent >= SATURATED_PERCENT
      ? 'server'
      : driverCpuPercent >= SATURATED_PERCENT
        ? 'driver'
        : 'neither';
  return {
    target,
    scenario: result.scenario,
    concurrency: result.concurrency,
    throughputRps: result.requests / seconds,
    latencyMs: result.latencyMs,
    messageLatencyMs: result.messageLatencyMs.all ?? null,
    messagesPerRequest: result.messagesPerRequest,
    expectedMessagesPerRequest,
    serverCpuMsPerRequest: perRequest(result.serverCpuSeconds),
    serverCpuPercent,
    driverCpuMsPerRequest: perRequest(result.driverCpuSeconds),
    driverCpuPercent,
    otherCpuPercent,
    saturated,
    errors: result.errors,
    driver: result,
  };
}

export function compare(records: readonly RunRecord[]): Comparison[] {
  const out: Comparison[] = [];
  for (const sidecar of records.filter((r) => r.target === 'sidecar')) {
    const noop = records.find((r) => r.target === 'noop' && r.scenario === sidecar.scenario && r.concurrency === sidecar.concurrency);
    if (!noop) continue;
    const usable = noop.latencyMs.count > 0 && sidecar.latencyMs.count > 0;
    out.push({
      scenario: sidecar.scenario,
      concurrency: sidecar.concurrency,
      throughputRatio: noop.throughputRps > 0 ? sidecar.throughputRps / noop.throughputRps : null,
      addedLatencyMs: usable ? { p50: sidecar.latencyMs.p50 - noop.latencyMs.p50, p99: sidecar.latencyMs.p99 - noop.latencyMs.p99 } : null,
      addedServerCpuMsPerRequest:
        sidecar.serverCpuMsPerRequest !== null && noop.serverCpuMsPerRequest !== null
          ? sidecar.serverCpuMsPerRequest - noop.serverCpuMsPerRequest
          : null,
    });
  }
  return out;
}

type Cell = string;

/** Right-aligned columns except the first `leftColumns`, two spaces apart, with a rule under the header. */
export function formatTable(header: readonly Cell[], rows: readonly (readonly Cell[])[], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly Cell[]): string =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fixed = (value: number | null | undefined, digits: number): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
const signed = (value: number | null | undefined, digits: number): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

export function runsTable(records: readonly RunRecord[]): string {
  const header = [
    'target',
    'scenario',
    'conc',
    'req/s',
    'p50 ms',
    'p99 ms',
    'msg p50',
    'msg p99',
    'msgs/req',
    'srv CPU ms/req',
    'srv CPU%',
    'drv CPU ms/req',
    'drv CPU%',
    'other CPU%',
    'saturated',
    'errors',
  ];
  const rows = records.map((r) => [
    r.target,
    r.scenario,
    String(r.concurrency),
    fixed(r.throughputRps, 0),
    fixed(r.latencyMs.p50, 3),
    fixed(r.latencyMs.p99, 3),
    fixed(r.messageLatencyMs?.p50, 3),
    fixed(r.messageLatencyMs?.p99, 3),
    fixed(r.messagesPerRequest, 2),
    fixed(r.serverCpuMsPerRequest, 3),
    fixed(r.serverCpuPercent, 0),
    fixed(r.driverCpuMsPerRequest, 3),
    fixed(r.driverCpuPercent, 0),
    fixed(r.otherCpuPercent, 0),
    r.saturated,
    String(r.errors),
  ]);
  return formatTable(header, rows, 2);
}

export function comparisonTable(comparisons: readonly Comparison[]): string {
  const header = ['scenario', 'conc', 'throughput sidecar/noop', 'added p50 ms', 'added p99 ms', 'added srv CPU ms/req'];
  const rows = comparisons.map((c) => [
    c.scenario,
    String(c.concurrency),
    c.throughputRatio === null ? '-' : `${c.throughputRatio.toFixed(2)}x`,
    signed(c.addedLatencyMs?.p50, 3),
    signed(c.addedLatencyMs?.p99, 3),
    signed(c.addedServerCpuMsPerRequest, 3),
  ]);
  return formatTable(header, rows, 1);
}
