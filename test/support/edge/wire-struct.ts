/**
 * google.protobuf.Struct / Value exactly as @grpc/proto-loader puts them on the wire. proto-loader takes
 * the google/protobuf well-known types from protobufjs's bundled definitions, whose field names are
 * camelCase (`stringValue`, `structValue`...) even with keepCase: true. Objects written with snake_case
 * keys (`string_value`) serialize as EMPTY values. src/extproc/envoy-types.ts and struct.ts describe the
 * snake_case shape, so the edge converts here and casts at that boundary (see the report to the lead).
 */
import type { ProtoStruct } from '../../../src/extproc/envoy-types';
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';

export interface WireValue {
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
  nullValue?: string | number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: WireStruct;
  listValue?: { values?: WireValue[] };
}

export interface WireStruct {
  fields?: Record<string, WireValue>;
}

export function toWireValue(value: JsonValue): WireValue {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toWireValue) } };
  return { structValue: toWireStruct(value) };
}

export function toWireStruct(object: JsonObject): WireStruct {
  const fields: Record<string, WireValue> = {};
  for (const [key, value] of Object.entries(object)) fields[key] = toWireValue(value);
  return { fields };
}

export function fromWireValue(value: WireValue | undefined): JsonValue {
  if (!value) return null;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.numberValue !== undefined) return value.numberValue;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.listValue !== undefined) return (value.listValue.values ?? []).map(fromWireValue);
  if (value.structValue !== undefined) return fromWireStruct(value.structValue);
  return null;
}

export function fromWireStruct(struct: WireStruct | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = fromWireValue(value);
  return out;
}

/** The shared ProtoStruct type has snake_case Value fields; on the wire they are camelCase. */
export function asProtoStruct(struct: WireStruct): ProtoStruct {
  return struct as unknown as ProtoStruct;
}

export function asWireStruct(struct: ProtoStruct | undefined): WireStruct | undefined {
  return struct as unknown as WireStruct | undefined;
}
