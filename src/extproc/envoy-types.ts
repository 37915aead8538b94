/**
 * Plain TypeScript shapes of the ext_proc messages as @grpc/proto-loader delivers them with the options
 * in protos.ts (snake_case keys, oneof discriminators, enums as strings, bytes as Buffer). Only the fields
 * the sidecar and the test edge use are typed. Only src/extproc, test/support and bench/ (which play Envoy) may import this file.
 */

export interface ProtoHeaderValue {
  key: string;
  value?: string;
  raw_value?: Buffer | Uint8Array;
}

export interface ProtoHeaderMap {
  headers?: ProtoHeaderValue[];
}

export interface ProtoHeaderValueOption {
  header: ProtoHeaderValue;
  /** google.protobuf.BoolValue; Envoy honours only this one (R1). */
  append?: { value: boolean };
  append_action?: string;
  keep_empty_value?: boolean;
}

/**
 * google.protobuf.Value as proto-loader represents it: camelCase fields (protobufjs's bundled
 * well-known types ignore keepCase) and a `kind` oneof discriminator. The snake_case spellings are
 * accepted on input only, for peers that build messages by hand.
 */
export interface ProtoValue {
  kind?: 'nullValue' | 'numberValue' | 'stringValue' | 'boolValue' | 'structValue' | 'listValue';
  nullValue?: string | number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: { values?: ProtoValue[] };
  null_value?: string | number;
  number_value?: number;
  string_value?: string;
  bool_value?: boolean;
  struct_value?: ProtoStruct;
  list_value?: { values?: ProtoValue[] };
}

export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}

export interface ProtoMetadata {
  filter_metadata?: Record<string, ProtoStruct>;
  typed_filter_metadata?: Record<string, unknown>;
}

export interface ProtoHttpHeaders {
  headers?: ProtoHeaderMap;
  end_of_stream?: boolean;
}

export interface ProtoHttpBody {
  body?: Buffer;
  end_of_stream?: boolean;
}

export interface ProtoHttpTrailers {
  trailers?: ProtoHeaderMap;
}

export type ProcessingRequestKind =
  | 'request_headers'
  | 'response_headers'
  | 'request_body'
  | 'response_body'
  | 'request_trailers'
  | 'response_trailers';

export interface ProtoProcessingRequest {
  request?: ProcessingRequestKind;
  request_headers?: ProtoHttpHeaders;
  response_headers?: ProtoHttpHeaders;
  request_body?: ProtoHttpBody;
  response_body?: ProtoHttpBody;
  request_trailers?: ProtoHttpTrailers;
  response_trailers?: ProtoHttpTrailers;
  metadata_context?: ProtoMetadata;
  attributes?: Record<string, ProtoStruct>;
  observability_mode?: boolean;
}

export interface ProtoHeaderMutation {
  set_headers?: ProtoHeaderValueOption[];
  remove_headers?: string[];
}

export interface ProtoBodyMutation {
  mutation?: 'body' | 'clear_body';
  body?: Buffer;
  clear_body?: boolean;
}

export interface ProtoCommonResponse {
  status?: 'CONTINUE' | 'CONTINUE_AND_REPLACE';
  header_mutation?: ProtoHeaderMutation;
  body_mutation?: ProtoBodyMutation;
  trailers?: ProtoHeaderMap;
  clear_route_cache?: boolean;
}

export interface ProtoHeadersResponse {
  response?: ProtoCommonResponse;
}

export interface ProtoBodyResponse {
  response?: ProtoCommonResponse;
}

export interface ProtoTrailersResponse {
  header_mutation?: ProtoHeaderMutation;
}

export interface ProtoImmediateResponse {
  /** envoy.type.v3.HttpStatus: `code` is the StatusCode enum, as its name string or number. */
  status?: { code: string | number };
  headers?: ProtoHeaderMutation;
  body?: Buffer;
  grpc_status?: { status: number };
  details?: string;
}

export type BodySendMode = 'NONE' | 'STREAMED' | 'BUFFERED' | 'BUFFERED_PARTIAL';
export type HeaderSendMode = 'DEFAULT' | 'SEND' | 'SKIP';

export interface ProtoProcessingMode {
  request_header_mode?: HeaderSendMode;
  response_header_mode?: HeaderSendMode;
  request_body_mode?: BodySendMode;
  response_body_mode?: BodySendMode;
  request_trailer_mode?: HeaderSendMode;
  response_trailer_mode?: HeaderSendMode;
}

export type ProcessingResponseKind =
  | 'request_headers'
  | 'response_headers'
  | 'request_body'
  | 'response_body'
  | 'request_trailers'
  | 'response_trailers'
  | 'immediate_response';

export interface ProtoProcessingResponse {
  response?: ProcessingResponseKind;
  request_headers?: ProtoHeadersResponse;
  response_headers?: ProtoHeadersResponse;
  request_body?: ProtoBodyResponse;
  response_body?: ProtoBodyResponse;
  request_trailers?: ProtoTrailersResponse;
  response_trailers?: ProtoTrailersResponse;
  immediate_response?: ProtoImmediateResponse;
  dynamic_metadata?: ProtoStruct;
  mode_override?: ProtoProcessingMode;
  override_message_timeout?: { seconds?: string | number; nanos?: number };
}
