/**
 * H3: the `attributes` Envoy evaluates for request_attributes / response_attributes and sends under
 * `envoy.filters.http.ext_proc` on the first message of each direction. Envoy evaluates each name as a
 * CEL expression and stores bools and doubles as such, every other value printed as a string (ints,
 * timestamps); an expression that fails (unknown attribute, missing header) is left out.
 */
import type { ProtoStruct } from '../../../src/extproc/envoy-types';
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import type { HeaderList } from './headers';
import { asProtoStruct, toWireStruct } from './wire-struct';

export const ATTRIBUTES_KEY = 'envoy.filters.http.ext_proc';

export interface AttributeContext {
  readonly requestHeaders: HeaderList;
  readonly responseHeaders?: HeaderList;
  readonly requestId?: string;
  readonly requestTime: Date;
  readonly sourceAddress: string;
  readonly sourcePort: number;
  readonly destinationAddress: string;
  readonly destinationPort: number;
  readonly connectionId: number;
  readonly protocol: string;
  /** U5: in an upstream filter, the host the router picked for this attempt. */
  readonly upstreamHost?: { readonly address: string; readonly filterMetadata: Readonly<Record<string, JsonObject>> };
}

/** absl::FormatTime's RFC3339_full, which Envoy's CEL printer uses for timestamps. */
export function formatCelTimestamp(date: Date): string {
  const iso = date.toISOString(); // 2024-05-01T10:00:00.120Z
  const [whole, fraction] = iso.slice(0, -1).split('.');
  const trimmed = (fraction ?? '').replace(/0+$/, '');
  return `${whole}${trimmed ? `.${trimmed}` : ''}+00:00`;
}

function joinHost(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The value Envoy would produce, or undefined when the expression has no value (left out). */
export function evaluateAttribute(name: string, ctx: AttributeContext): JsonValue | undefined {
  const req = ctx.requestHeaders;
  switch (name) {
    case 'request.path':
      return req.get(':path');
    case 'request.url_path':
      return req.get(':path')?.split('?')[0];
    case 'request.host':
      return req.get(':authority');
    case 'request.scheme':
      return req.get(':scheme');
    case 'request.method':
      return req.get(':method');
    case 'request.referer':
      return req.get('referer');
    case 'request.useragent':
      return req.get('user-agent');
    case 'request.id':
      return ctx.requestId ?? req.get('x-request-id');
    case 'request.time':
      return formatCelTimestamp(ctx.requestTime);
    case 'request.protocol':
      return ctx.protocol;
    case 'source.address':
      return joinHost(ctx.sourceAddress, ctx.sourcePort);
    case 'source.port':
      return String(ctx.sourcePort);
    case 'destination.address':
      return joinHost(ctx.destinationAddress, ctx.destinationPort);
    case 'destination.port':
      return String(ctx.destinationPort);
    case 'connection.id':
      return String(ctx.connectionId);
    // The edge listens in plain HTTP: no TLS, so no client certificate either.
    case 'connection.mtls':
      return false;
    case 'connection.requested_server_name':
      return '';
    case 'response.code':
      return ctx.responseHeaders?.get(':status');
    case 'xds.upstream_host_metadata':
      return ctx.upstreamHost ? metadataShortDebugString(ctx.upstreamHost.filterMetadata) : undefined;
    case 'upstream.address':
      return ctx.upstreamHost?.address;
    default:
      if (name.startsWith('request.headers[')) return headerLookup(req, name);
      if (name.startsWith('response.headers[')) return ctx.responseHeaders ? headerLookup(ctx.responseHeaders, name) : undefined;
      return undefined;
  }
}

/**
 * U5: a message-typed attribute is printed with protobuf's ShortDebugString (Envoy's CEL printer,
 * source/extensions/filters/common/expr/evaluator.cc print()): one line of text format. Here for
 * config.core.v3.Metadata whose filter_metadata values are google.protobuf.Struct.
 */
export function metadataShortDebugString(filterMetadata: Readonly<Record<string, JsonObject>>): string {
  const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const value = (v: JsonValue): string => {
    if (v === null) return 'null_value: NULL_VALUE';
    if (typeof v === 'string') return `string_value: ${quote(v)}`;
    if (typeof v === 'number') return `number_value: ${v}`;
    if (typeof v === 'boolean') return `bool_value: ${v}`;
    if (Array.isArray(v)) return `list_value { ${v.map((item) => `values { ${value(item)} }`).join(' ')} }`;
    return `struct_value { ${struct(v)} }`;
  };
  const struct = (object: JsonObject): string =>
    Object.keys(object)
      .sort()
      .map((key) => `fields { key: ${quote(key)} value { ${value(object[key] ?? null)} } }`)
      .join(' ');
  return Object.keys(filterMetadata)
    .sort()
    .map((namespace) => `filter_metadata { key: ${quote(namespace)} value { ${struct(filterMetadata[namespace] ?? {})} } }`)
    .join(' ');
}

function headerLookup(headers: HeaderList, expression: string): string | undefined {
  const match = /^\w+\.headers\[['"]([^'"]+)['"]\]$/.exec(expression);
  return match ? headers.get(match[1]) : undefined;
}

export interface EvaluatedAttributes {
  readonly struct: ProtoStruct;
  readonly values: Record<string, JsonValue>;
  /** Names that produced no value (left out, as Envoy does). */
  readonly missing: string[];
}

export function buildAttributes(names: readonly string[], ctx: AttributeContext): EvaluatedAttributes {
  const values: Record<string, JsonValue> = {};
  const missing: string[] = [];
  for (const name of names) {
    const value = evaluateAttribute(name, ctx);
    if (value === undefined) missing.push(name);
    else values[name] = value;
  }
  return { struct: asProtoStruct(toWireStruct(values)), values, missing };
}
