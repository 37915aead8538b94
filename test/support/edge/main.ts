/**
 * Runs the test edge as a process (for `make run` without an envoy binary):
 *
 *   node dist/test/support/edge/main.js --config envoy/envoy-local.yaml --extproc 127.0.0.1:50051 \
 *     --port 10000 --upstream openai=http://127.0.0.1:18081 --upstream anthropic=http://127.0.0.1:18082
 *
 * --config defaults to envoy/envoy-local.yaml, --extproc to the address of the ext_proc cluster in
 * that file, --port to the listener's port. Prints the listening URL on stdout.
 */
import { type Edge, startEdge } from './edge';
import { loadEnvoyConfig } from './envoy-config';

export interface EdgeArgs {
  config?: string;
  extproc?: string;
  port?: number;
  host?: string;
  upstreams: Record<string, string>;
}

export function parseArgs(argv: readonly string[]): EdgeArgs {
  const args: EdgeArgs = { upstreams: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    i++;
    switch (flag) {
      case '--config':
        args.config = value;
        break;
      case '--extproc':
        args.extproc = value;
        break;
      case '--port':
        if (!/^\d+$/.test(value)) throw new Error(`--port ${value} is not a port number`);
        args.port = Number(value);
        break;
      case '--host':
        args.host = value;
        break;
      case '--upstream': {
        const eq = value.indexOf('=');
        if (eq <= 0) throw new Error(`--upstream ${value}: expected cluster=http://host:port`);
        args.upstreams[value.slice(0, eq)] = value.slice(eq + 1);
        break;
      }
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return args;
}

/** The ext_proc cluster's first endpoint, as a grpc-js target. */
function extProcAddressFromConfig(configPath: string | undefined): string {
  const config = loadEnvoyConfig(configPath);
  const cluster = config.extProc.grpc_cluster ? config.clusters.get(config.extProc.grpc_cluster) : undefined;
  const endpoint = cluster?.endpoints[0];
  if (!endpoint) throw new Error('no --extproc given and the ext_proc cluster has no endpoint');
  if (endpoint.pipe !== undefined) return `unix:${endpoint.pipe}`;
  return `${endpoint.address ?? '127.0.0.1'}:${endpoint.port ?? 50051}`;
}

export async function main(argv: readonly string[]): Promise<Edge> {
  const args = parseArgs(argv);
  const config = loadEnvoyConfig(args.config);
  const edge = await startEdge({
    envoyConfigPath: args.config,
    extProc: { address: args.extproc ?? extProcAddressFromConfig(args.config) },
    upstreams: args.upstreams,
    port: args.port ?? config.listener.port,
    host: args.host ?? config.listener.address,
  });
  process.stdout.write(`test edge listening on ${edge.url}\n`);
  return edge;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (edge) => {
      const stop = (): void => {
        void edge.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      process.stderr.write(`test edge: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
