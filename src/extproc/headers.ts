/** Header conversions between Envoy's HeaderMap and the pipeline's plain maps. */
import type { ProtoHeaderMap, ProtoHeaderMutation, ProtoHeaderValueOption } from './envoy-types';
import type { HeaderEdits } from '../pipeline/types';

/**
 * Envoy 1.32+ puts values in `raw_value` and leaves `value` empty (H2); older versions use `value`.
 * Repeated headers are joined with ',' as HTTP allows, except set-cookie which must not be merged.
 */
export function decodeHeaderMap(map: ProtoHeaderMap | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const header of map?.headers ?? []) {
    const key = header.key.toLowerCase();
    const value = header.raw_value && header.raw_value.length > 0 ? Buffer.from(header.raw_value).toString('utf8') : (header.value ?? '');
    const previous = out.get(key);
    out.set(key, previous === undefined ? value : `${previous}${key === 'set-cookie' ? '\n' : ','}${value}`);
  }
  return out;
}

/** Set values only in `raw_value` (R2: `value` and `raw_value` both set fails the request). */
export function headerOption(key: string, value: string): ProtoHeaderValueOption {
  return { header: { key: key.toLowerCase(), raw_value: Buffer.from(value, 'utf8') }, append: { value: false } };
}

export function encodeHeaderEdits(edits: HeaderEdits | undefined, extra: ReadonlyArray<readonly [string, string]> = []): ProtoHeaderMutation | undefined {
  const set = [...(edits?.set ?? []), ...extra];
  const remove = edits?.remove ?? [];
  if (set.length === 0 && remove.length === 0) return undefined;
  return {
    set_headers: set.map(([key, value]) => headerOption(key, value)),
    remove_headers: remove.map((key) => key.toLowerCase()),
  };
}
