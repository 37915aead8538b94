/**
 * Helpers for building the policy input. The wasm runtime has no time.* builtins, so the gateway computes
 * the clock fields in the tenant's time zone here.
 */
import { POLICY_INPUT_VERSION, type PolicyInput, type PolicyTime } from './types';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for an unknown zone: config validation should call isValidTimeZone first.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** input.time for an instant (ms since the epoch) in an IANA time zone. */
export function policyTime(nowMs: number, timeZone = 'UTC'): PolicyTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(nowMs))) parts[part.type] = part.value;
  return {
    now_ms: Math.trunc(nowMs),
    timezone: timeZone,
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 1,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    date: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

/** The parts of an input the caller always knows; the rest default to empty. */
export type PolicyInputParts = Omit<PolicyInput, 'version' | 'time' | 'tools' | 'findings' | 'topics' | 'response_format' | 'stream'> &
  Partial<Pick<PolicyInput, 'tools' | 'findings' | 'topics' | 'response_format' | 'stream'>> & { readonly nowMs: number; readonly timeZone?: string };

export function buildPolicyInput(parts: PolicyInputParts): PolicyInput {
  const { nowMs, timeZone, ...rest } = parts;
  return {
    version: POLICY_INPUT_VERSION,
    ...rest,
    time: policyTime(nowMs, timeZone),
    stream: parts.stream ?? false,
    tools: parts.tools ?? [],
    response_format: parts.response_format ?? 'text',
    findings: parts.findings ?? [],
    topics: parts.topics ?? [],
  };
}

/** Detector findings as the policy sees them: what, where and how sure; never offsets or text. */
export function toPolicyFindings(findings: readonly { readonly detector: string; readonly type: string; readonly score: number; readonly channel?: string }[]): PolicyInput['findings'] {
  return findings.map((f) => ({ detector: f.detector, type: f.type, score: Math.min(1, Math.max(0, f.score)), ...(f.channel === undefined ? {} : { channel: f.channel }) }));
}
