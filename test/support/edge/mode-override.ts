/** R6: how Envoy turns a ProcessingResponse.mode_override into the processing mode in force. */
import type { ProtoProcessingMode } from '../../../src/extproc/envoy-types';
import type { BodySendMode, HeaderSendMode, ProcessingMode } from './config-types';

const HEADER_MODE_VALUES: readonly HeaderSendMode[] = ['DEFAULT', 'SEND', 'SKIP'];
const BODY_MODE_VALUES: readonly BodySendMode[] = ['NONE', 'STREAMED', 'BUFFERED', 'BUFFERED_PARTIAL'];

/**
 * Envoy's effectiveModeOverride: header and trailer modes left DEFAULT keep the filter's configured
 * value; body modes are always taken literally, so an unset body mode is NONE. Returns a reason
 * string when the override cannot be emulated.
 */
export function effectiveModeOverride(requested: ProtoProcessingMode, configured: ProcessingMode): ProcessingMode | string {
  const out: ProcessingMode = { ...configured };
  for (const key of ['request_header_mode', 'response_header_mode', 'request_trailer_mode', 'response_trailer_mode'] as const) {
    const value = requested[key] ?? 'DEFAULT';
    if (!HEADER_MODE_VALUES.includes(value)) return `R6: header mode ${String(value)} is not emulated`;
    if (value !== 'DEFAULT') out[key] = value;
  }
  for (const key of ['request_body_mode', 'response_body_mode'] as const) {
    const value = requested[key] ?? 'NONE';
    if (!BODY_MODE_VALUES.includes(value)) return `R6: body mode ${String(value)} is not emulated (FULL_DUPLEX_STREAMED?)`;
    out[key] = value;
  }
  return out;
}

/** allowed_override_modes comparison (request_header_mode does not count, as in Envoy). */
export function sameOverride(a: ProcessingMode, b: ProcessingMode): boolean {
  return (
    a.request_body_mode === b.request_body_mode &&
    a.request_trailer_mode === b.request_trailer_mode &&
    a.response_header_mode === b.response_header_mode &&
    a.response_body_mode === b.response_body_mode &&
    a.response_trailer_mode === b.response_trailer_mode
  );
}
