/**
 * envoy.type.v3.StatusCode names <-> numbers, read from the bundled proto (proto-loader delivers enums as
 * their names, `TooManyRequests`; an undefined number stays a number).
 */
import * as protoLoader from '@grpc/proto-loader';
import { protoLoaderOptions } from '../../../src/extproc/protos';

let byName: Map<string, number> | undefined;

function table(): Map<string, number> {
  if (!byName) {
    const definition = protoLoader.loadSync('envoy/type/v3/http_status.proto', protoLoaderOptions);
    const statusEnum = definition['envoy.type.v3.StatusCode'] as protoLoader.EnumTypeDefinition;
    const values = (statusEnum.type as { value: Array<{ name: string; number: number }> }).value;
    byName = new Map(values.map((v) => [v.name, v.number]));
  }
  return byName;
}

/** The HTTP status an ImmediateResponse.status.code names; 0 for Empty or an unknown name. */
export function httpStatusOf(code: string | number | undefined): number {
  if (code === undefined) return 0;
  if (typeof code === 'number') return code;
  if (/^\d+$/.test(code)) return Number(code);
  return table().get(code) ?? 0;
}
