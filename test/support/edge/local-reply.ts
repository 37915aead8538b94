/**
 * Envoy's local replies (Utility::sendLocalReply + LocalReplyImpl::rewrite): every reply Envoy makes
 * itself — 413 over the buffer limit (B2), 503 for an unknown cluster, 500/504 from ext_proc (T1, T3,
 * T4, S3) and the processor's own immediate_response (R5) — passes through local_reply_config. The first
 * mapper whose filter matches may change the status, add headers and format the body; otherwise the
 * top-level body_format applies (when configured) with %LOCAL_REPLY_BODY% standing for the reply text.
 */
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import { matchHeader } from './config-matchers';
import type { BodyFormat, LocalReplyConfig, LocalReplyFilter } from './config-types';
import type { HeaderList } from './headers';
import type { Decider } from './record';

/** A local reply asked for by the ext_proc filter, the router or the buffer limit (sendLocalReply). */
export interface LocalReplyRequest {
  readonly status: number;
  /** Status before R5's "below 200 becomes 200", for the record. */
  readonly requestedStatus: number;
  readonly body: Buffer;
  readonly details: string;
  readonly decidedBy: Decider;
  readonly reason: string;
  /** ImmediateResponse.headers, applied before local_reply_config formats the reply. */
  readonly mutateHeaders?: (headers: HeaderList) => void;
}

export interface LocalReplyInput {
  readonly status: number;
  readonly body: string;
  readonly details: string;
  readonly requestHeaders: HeaderList;
  readonly responseHeaders: HeaderList;
  readonly dynamicMetadata: Readonly<Record<string, JsonObject>>;
  readonly startTime: Date;
}

export interface RenderedLocalReply {
  readonly status: number;
  readonly body: string;
  /** Content type of the body; undefined when the body is empty. */
  readonly contentType?: string;
  readonly headersToAdd: ReadonlyArray<readonly [string, string]>;
  /** Index of the mapper that matched, or -1. */
  readonly mapper: number;
  /** Which format produced the body: a mapper's override, the default body_format, or none. */
  readonly format: 'mapper' | 'default' | 'none';
}

export function renderLocalReply(config: LocalReplyConfig, input: LocalReplyInput): RenderedLocalReply {
  let status = input.status;
  let format: BodyFormat | undefined;
  let mapperIndex = -1;
  const headersToAdd: Array<readonly [string, string]> = [];
  for (let i = 0; i < config.mappers.length; i++) {
    const mapper = config.mappers[i];
    if (!matches(mapper.filter, status, input)) continue;
    mapperIndex = i;
    if (mapper.statusCode !== undefined) status = mapper.statusCode;
    format = mapper.bodyFormat;
    headersToAdd.push(...mapper.headersToAdd);
    break;
  }
  const source: RenderedLocalReply['format'] = format ? 'mapper' : config.bodyFormat ? 'default' : 'none';
  format ??= config.bodyFormat;
  if (!format) {
    return { status, body: input.body, contentType: input.body ? 'text/plain' : undefined, headersToAdd, mapper: mapperIndex, format: source };
  }
  const context = { ...input, status };
  const body = format.kind === 'json' ? `${JSON.stringify(renderJson(format.template, context))}\n` : renderText(format.template, context);
  return { status, body, contentType: body ? format.contentType : undefined, headersToAdd, mapper: mapperIndex, format: source };
}

function matches(filter: LocalReplyFilter, status: number, input: LocalReplyInput): boolean {
  switch (filter.kind) {
    case 'status_code':
      return filter.op === 'EQ' ? status === filter.value : filter.op === 'GE' ? status >= filter.value : status <= filter.value;
    case 'header':
      return matchHeader(filter.matcher, input.requestHeaders.getAll(filter.matcher.name));
    case 'metadata': {
      let node: JsonValue | undefined = input.dynamicMetadata[filter.namespace];
      for (const key of filter.path) node = node !== null && typeof node === 'object' && !Array.isArray(node) ? node[key] : undefined;
      if (node === undefined) return filter.matchIfKeyNotFound;
      return filter.exact === null ? true : node === filter.exact;
    }
    case 'and':
      return filter.filters.every((f) => matches(f, status, input));
    case 'or':
      return filter.filters.some((f) => matches(f, status, input));
    case 'cel':
      return filter.expression.matches({ requestHeaders: input.requestHeaders, responseHeaders: input.responseHeaders, responseCode: status });
  }
}

/** Value of one command operator, or null when Envoy would print "-" (text) / null (JSON). */
function operatorValue(operator: string, input: LocalReplyInput): string | number | null {
  if (operator === 'LOCAL_REPLY_BODY') return input.body;
  if (operator === 'RESPONSE_CODE') return input.status;
  if (operator === 'RESPONSE_CODE_DETAILS') return input.details || null;
  if (operator === 'START_TIME') return input.startTime.toISOString();
  const header = /^(REQ|RESP)\(([^)]+)\)$/.exec(operator);
  if (header) {
    const headers = header[1] === 'REQ' ? input.requestHeaders : input.responseHeaders;
    return headers.get(header[2]) ?? null;
  }
  return null;
}

const OPERATOR = /%([A-Z_]+(?:\([^)]*\))?)%/g;

function renderText(template: string, input: LocalReplyInput): string {
  return template.replace(OPERATOR, (_m, op: string) => String(operatorValue(op, input) ?? '-'));
}

function renderJson(template: JsonValue, input: LocalReplyInput): JsonValue {
  if (typeof template === 'string') {
    // A value that is exactly one operator keeps the operator's type (RESPONSE_CODE is a number).
    const sole = /^%([A-Z_]+(?:\([^)]*\))?)%$/.exec(template);
    if (sole) return operatorValue(sole[1], input);
    return template.replace(OPERATOR, (_m, op: string) => String(operatorValue(op, input) ?? '-'));
  }
  if (Array.isArray(template)) return template.map((item) => renderJson(item, input));
  if (template !== null && typeof template === 'object') {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(template)) out[key] = renderJson(value, input);
    return out;
  }
  return template;
}
