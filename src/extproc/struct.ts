/**
 * Conversions between plain JSON and google.protobuf.Struct as proto-loader represents it. proto-loader
 * takes the well-known types from protobufjs's bundled definitions, whose fields are camelCase
 * (`stringValue`, `structValue`...) even with `keepCase`; snake_case keys would serialise as empty
 * values. Outgoing values are written camelCase; incoming ones are read in either spelling.
 */
import type { ProtoStruct, ProtoValue } from './envoy-types';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function toProtoValue(value: JsonValue): ProtoValue {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(toProtoValue) } };
  return { structValue: toProtoStruct(value) };
}

export function toProtoStruct(object: JsonObject): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined) fields[key] = toProtoValue(value);
  }
  return { fields };
}

export function fromProtoValue(value: ProtoValue | undefined): JsonValue {
  if (!value) return null;
  const bool = value.boolValue ?? value.bool_value;
  if (bool !== undefined) return bool;
  const number = value.numberValue ?? value.number_value;
  if (number !== undefined) return number;
  const string = value.stringValue ?? value.string_value;
  if (string !== undefined) return string;
  const list = value.listValue ?? value.list_value;
  if (list !== undefined) return (list.values ?? []).map(fromProtoValue);
  const struct = value.structValue ?? value.struct_value;
  if (struct !== undefined) return fromProtoStruct(struct);
  return null;
}

export function fromProtoStruct(struct: ProtoStruct | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = fromProtoValue(value);
  return out;
}
