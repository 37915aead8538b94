/**
 * Loads Envoy's ext_proc protos from the npm package @grpc/grpc-js-xds (its deps/ folder holds the
 * envoy data-plane-api, googleapis, xds and protoc-gen-validate trees). Nothing third-party is copied
 * into this repository; see proto/README.md.
 */
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const xdsPackageDir = path.dirname(require.resolve('@grpc/grpc-js-xds/package.json'));

/** Include roots for every Envoy API proto, in the order protoc would use them. */
export const envoyProtoIncludeDirs: readonly string[] = ['envoy-api', 'googleapis', 'protoc-gen-validate', 'xds'].map(
  (dir) => path.join(xdsPackageDir, 'deps', dir),
);

/**
 * keepCase: field names stay snake_case exactly as on the wire, so code and the proto text agree.
 * oneofs: each oneof gets a virtual field naming the member that is set (ProcessingRequest.request).
 * enums as strings, bytes as Buffer, no defaults (an absent field stays undefined, as proto3 presence intends).
 */
export const protoLoaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [...envoyProtoIncludeDirs],
};

let cachedExtProc: grpc.ServiceDefinition | undefined;

/** The `envoy.service.ext_proc.v3.ExternalProcessor` service definition, loaded once per process. */
export function externalProcessorService(): grpc.ServiceDefinition {
  if (!cachedExtProc) {
    const definition = protoLoader.loadSync('envoy/service/ext_proc/v3/external_processor.proto', protoLoaderOptions);
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      envoy: { service: { ext_proc: { v3: { ExternalProcessor: grpc.ServiceClientConstructor } } } };
    };
    cachedExtProc = loaded.envoy.service.ext_proc.v3.ExternalProcessor.service;
  }
  return cachedExtProc;
}

/** A client constructor for the ext_proc service: used by the test edge and the benchmark driver. */
export function externalProcessorClient(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync('envoy/service/ext_proc/v3/external_processor.proto', protoLoaderOptions);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    envoy: { service: { ext_proc: { v3: { ExternalProcessor: grpc.ServiceClientConstructor } } } };
  };
  return loaded.envoy.service.ext_proc.v3.ExternalProcessor;
}
