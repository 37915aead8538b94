/** Conversions between plain JSON and google.protobuf.Struct as proto-loader represents it. */
import type { ProtoStruct, ProtoValue } from './envoy-types';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function toProtoValue(value: JsonValue): ProtoValue {
  if (value === null) return { null_value: 'NULL_VALUE' };
  if (typeof value === 'boolean') return { bool_value: value };
  if (typeof value === 'number') return { number_value: value };
  if (typeof value === 'string') return { string_value: value };
  if (Array.isArray(value)) return { list_value: { values: value.map(toProtoValue) } };
  return { struct_value: toProtoStruct(value) };
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
  const kind = value.kind ?? inferKind(value);
  switch (kind) {
    case 'bool_value':
      return value.bool_value ?? false;
    case 'number_value':
      return value.number_value ?? 0;
    case 'string_value':
      return value.string_value ?? '';
    case 'list_value':
      return (value.list_value?.values ?? []).map(fromProtoValue);
    case 'struct_value':
      return fromProtoStruct(value.struct_value);
    default:
      return null;
  }
}

export function fromProtoStruct(struct: ProtoStruct | undefined): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = fromProtoValue(value);
  return out;
}

function inferKind(value: ProtoValue): ProtoValue['kind'] {
  if (value.bool_value !== undefined) return 'bool_value';
  if (value.number_value !== undefined) return 'number_value';
  if (value.string_value !== undefined) return 'string_value';
  if (value.list_value !== undefined) return 'list_value';
  if (value.struct_value !== undefined) return 'struct_value';
  return 'null_value';
}
