/**
 * The ProcessingRequests the edge sends, built as Envoy builds them (buildHeaderRequest /
 * setupBodyChunk): attributes on the first message of a direction (H3), metadata_context on every
 * message (H3), headers lower-case with values in raw_value (H1, H2) filtered by forward_rules.
 */
import type { ProcessingRequestKind, ProtoProcessingRequest, ProtoStruct } from '../../../src/extproc/envoy-types';
import type { JsonObject, JsonValue } from '../../../src/extproc/struct';
import { ATTRIBUTES_KEY, type AttributeContext, buildAttributes } from './attributes';
import type { ExtProcSettings } from './config-types';
import type { Direction } from './direction';
import { type HeaderList, headersToProto } from './headers';
import { asProtoStruct, toWireStruct } from './wire-struct';

export interface MessageSource {
  readonly settings: ExtProcSettings;
  attributeContext(): AttributeContext;
  dynamicMetadata(): Readonly<Record<string, JsonObject>>;
  /** Called when a direction's attributes go out (for the record). */
  attributesSent(direction: Direction, values: Record<string, JsonValue>, missing: string[]): void;
}

/** Per-direction flag: attributes go only on the first message of each direction. */
export interface AttributeState {
  readonly direction: Direction;
  attributesSent: boolean;
}

const KINDS: readonly ProcessingRequestKind[] = ['request_headers', 'response_headers', 'request_body', 'response_body', 'request_trailers', 'response_trailers'];

export function requestKind(request: ProtoProcessingRequest): ProcessingRequestKind {
  return request.request ?? KINDS.find((k) => request[k] !== undefined) ?? 'request_headers';
}

export class MessageBuilder {
  constructor(private readonly source: MessageSource) {}

  headers(state: AttributeState, headers: HeaderList, endStream: boolean): ProtoProcessingRequest {
    const request = this.common(state);
    const message = { headers: headersToProto(headers, this.source.settings.forward_rules), end_of_stream: endStream };
    if (state.direction === 'request') request.request_headers = message;
    else request.response_headers = message;
    return request;
  }

  body(state: AttributeState, data: Buffer, endStream: boolean): ProtoProcessingRequest {
    const request = this.common(state);
    const message = { body: data, end_of_stream: endStream };
    if (state.direction === 'request') request.request_body = message;
    else request.response_body = message;
    return request;
  }

  private common(state: AttributeState): ProtoProcessingRequest {
    const request: ProtoProcessingRequest = {};
    const { settings } = this.source;
    const names = state.direction === 'request' ? settings.request_attributes : settings.response_attributes;
    if (!state.attributesSent && names.length > 0) {
      const evaluated = buildAttributes(names, this.source.attributeContext());
      state.attributesSent = true;
      request.attributes = { [ATTRIBUTES_KEY]: evaluated.struct };
      this.source.attributesSent(state.direction, evaluated.values, evaluated.missing);
    }
    request.metadata_context = { filter_metadata: this.forwardedMetadata() };
    return request;
  }

  /** The forwarding namespaces present in the request's dynamic metadata. */
  private forwardedMetadata(): Record<string, ProtoStruct> {
    const metadata = this.source.dynamicMetadata();
    const out: Record<string, ProtoStruct> = {};
    for (const namespace of this.source.settings.forwarding_namespaces) {
      const value = metadata[namespace];
      if (value !== undefined) out[namespace] = asProtoStruct(toWireStruct(value));
    }
    return out;
  }
}
