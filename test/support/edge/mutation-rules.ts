/**
 * Header mutations from the processor, checked and applied the way Envoy's MutationUtils and
 * mutation_rules Checker do (R1, R2, R3, T4):
 * - R1: remove_headers first, then set_headers; only `append` (BoolValue, default overwrite) counts.
 * - R2: the value is `raw_value`; `value` and `raw_value` both non-empty is an error.
 * - R3: routing headers (host, :authority, :method, :scheme) and x-envoy-* are refused by default,
 *   pseudo-headers and host can never be removed; a refused change is skipped unless disallow_is_error.
 * - T4: invalid names or values and header limits fail the request whatever failure_mode_allow says.
 */
import type { ProtoHeaderMutation } from '../../../src/extproc/envoy-types';
import type { MutationRules } from './config-types';
import { HeaderList, authorityIsValid, bytesToHeaderValue, headerNameIsValid, headerValueIsValid } from './headers';

export type CheckOperation = 'set' | 'append' | 'remove';

export interface CheckOutcome {
  readonly result: 'ok' | 'ignore' | 'fail';
  readonly reason?: string;
}

const ROUTING_HEADERS = new Set(['host', ':authority', ':method', ':scheme']);

/** Mirrors Checker::isAllowed; returns why a change is not allowed, or undefined. */
function notAllowedReason(rules: MutationRules, op: CheckOperation, name: string): string | undefined {
  if (op === 'remove' && (name.startsWith(':') || name === 'host')) {
    return 'R3: pseudo-headers and host can never be removed';
  }
  if (rules.disallow_expression?.test(name)) return 'R3: matches mutation_rules.disallow_expression';
  if (rules.allow_expression?.test(name)) return undefined;
  if (rules.disallow_all) return 'R3: mutation_rules.disallow_all';
  if (!rules.allow_all_routing && ROUTING_HEADERS.has(name)) {
    return 'R3: routing header (host, :authority, :method, :scheme) and allow_all_routing is false';
  }
  if (name.startsWith(':') && (op === 'append' || rules.disallow_system)) {
    return op === 'append' ? 'R3: pseudo-headers take one value, append refused' : 'R3: mutation_rules.disallow_system';
  }
  if (!rules.allow_envoy && name.startsWith('x-envoy')) return 'R3: x-envoy-* header and allow_envoy is false';
  return undefined;
}

/** Checker::isValidValue: values Envoy would misbehave on are refused like a disallowed change. */
function invalidValueReason(name: string, value: string): string | undefined {
  if (!name.startsWith(':') && !headerValueIsValid(value)) return 'R3: invalid header value';
  if ((name === 'host' || name === ':authority') && !authorityIsValid(value)) return 'R3: invalid authority';
  if (name === ':scheme' && !/^https?$/i.test(value)) return 'R3: :scheme must be http or https';
  if (name === ':status') {
    if (!/^\d+$/.test(value)) return 'R3: :status is not a number';
    if (Number(value) < 200) return 'R3: :status below 200';
  }
  return undefined;
}

export function checkMutation(rules: MutationRules, op: CheckOperation, name: string, value: string): CheckOutcome {
  const reason = notAllowedReason(rules, op, name) ?? (op === 'remove' ? undefined : invalidValueReason(name, value));
  if (reason === undefined) return { result: 'ok' };
  return { result: rules.disallow_is_error ? 'fail' : 'ignore', reason };
}

export interface MutationEvent {
  readonly op: CheckOperation;
  readonly name: string;
  readonly value?: string;
  /**
   * applied: done. refused: skipped silently (R3). rejected: fails the request (R2, R3 with
   * disallow_is_error, T4). dropped: not considered at all (B4 streamed body responses, content-length
   * while the body mode removes it).
   */
  readonly outcome: 'applied' | 'refused' | 'rejected' | 'dropped';
  readonly reason?: string;
}

export interface MutationOptions {
  readonly rules: MutationRules;
  /** CONTINUE_AND_REPLACE may change :method (Envoy keeps that for compatibility). */
  readonly replacingMessage: boolean;
  /** B5: in STREAMED/BUFFERED_PARTIAL modes a content-length set is skipped. */
  readonly skipContentLength: boolean;
  readonly maxHeadersCount: number;
  readonly maxHeadersKb: number;
}

export type MutationResult = { readonly ok: true; readonly events: MutationEvent[] } | { readonly ok: false; readonly events: MutationEvent[]; readonly error: string };

export function applyHeaderMutation(mutation: ProtoHeaderMutation, headers: HeaderList, options: MutationOptions): MutationResult {
  const events: MutationEvent[] = [];
  const fail = (error: string): MutationResult => ({ ok: false, events, error });
  const removes = mutation.remove_headers ?? [];
  const sets = mutation.set_headers ?? [];
  if (removes.length > options.maxHeadersCount || sets.length > options.maxHeadersCount) {
    return fail(`T4: header mutation with ${removes.length} removals / ${sets.length} sets exceeds the header count limit ${options.maxHeadersCount}`);
  }

  for (const raw of removes) {
    if (!headerNameIsValid(raw)) {
      events.push({ op: 'remove', name: raw, outcome: 'rejected', reason: 'T4: invalid character in remove_headers' });
      return fail('T4: Invalid character in remove_headers mutation.');
    }
    const name = raw.toLowerCase();
    const check = checkMutation(options.rules, 'remove', name, '');
    if (check.result === 'ok') {
      headers.remove(name);
      events.push({ op: 'remove', name, outcome: 'applied' });
    } else if (check.result === 'ignore') {
      events.push({ op: 'remove', name, outcome: 'refused', reason: check.reason });
    } else {
      events.push({ op: 'remove', name, outcome: 'rejected', reason: `${check.reason} (disallow_is_error)` });
      return fail(`R3: Invalid attempt to remove ${name}`);
    }
  }

  for (const option of sets) {
    const header = option.header;
    if (!header) continue;
    if (options.skipContentLength && header.key.toLowerCase() === 'content-length') {
      events.push({ op: 'set', name: 'content-length', value: bytesToHeaderValue(header.raw_value), outcome: 'dropped', reason: 'B5: content-length is removed in this body mode' });
      continue;
    }
    const rawValue = bytesToHeaderValue(header.raw_value);
    if ((header.value ?? '') !== '' && rawValue !== '') {
      events.push({ op: 'set', name: header.key, value: rawValue, outcome: 'rejected', reason: 'R2: both value and raw_value set' });
      return fail('R2: Only one of value or raw_value in the HeaderValue message should be set.');
    }
    if (!headerNameIsValid(header.key) || !headerValueIsValid(rawValue)) {
      events.push({ op: 'set', name: header.key, value: rawValue, outcome: 'rejected', reason: 'T4: invalid character in set_headers' });
      return fail('T4: Invalid character in set_headers mutation.');
    }
    const name = header.key.toLowerCase();
    const append = option.append?.value ?? false;
    const op: CheckOperation = append && headers.has(name) ? 'append' : 'set';
    let check = checkMutation(options.rules, op, name, rawValue);
    if (options.replacingMessage && name === ':method') check = { result: 'ok' };
    // H2: a processor writing `value` only gets an empty header; say so in the record.
    const note = (header.value ?? '') !== '' ? 'H2/R2: `value` is ignored, the header is set from the empty raw_value' : undefined;
    if (check.result === 'ok') {
      if (append) headers.add(name, rawValue);
      else headers.set(name, rawValue);
      events.push({ op, name, value: rawValue, outcome: 'applied', reason: note });
    } else if (check.result === 'ignore') {
      events.push({ op, name, value: rawValue, outcome: 'refused', reason: check.reason });
    } else {
      events.push({ op, name, value: rawValue, outcome: 'rejected', reason: `${check.reason} (disallow_is_error)` });
      return fail(`R3: Invalid attempt to modify ${name}`);
    }
  }

  if (headers.byteSize > options.maxHeadersKb * 1024 || headers.size > options.maxHeadersCount) {
    return fail(`T4: after mutation ${headers.size} headers / ${headers.byteSize} bytes exceed the limits (${options.maxHeadersCount} headers, ${options.maxHeadersKb} KiB)`);
  }
  return { ok: true, events };
}

/** Events for a mutation that is not considered at all (B4: header mutation in a streamed body response). */
export function droppedMutationEvents(mutation: ProtoHeaderMutation, reason: string): MutationEvent[] {
  return [
    ...(mutation.remove_headers ?? []).map((name): MutationEvent => ({ op: 'remove', name, outcome: 'dropped', reason })),
    ...(mutation.set_headers ?? []).map(
      (option): MutationEvent => ({ op: 'set', name: option.header?.key ?? '', value: bytesToHeaderValue(option.header?.raw_value), outcome: 'dropped', reason }),
    ),
  ];
}
