/**
 * The whole path as in production, minus Envoy itself: official SDK -> test edge (Envoy's ext_proc
 * filter, envoy/envoy-local.yaml) -> real sidecar over gRPC -> mock provider, and back.
 */
import { startEdge, type Edge, type StartEdgeOptions } from '../support/edge/edge';
import type { ConfigInput } from '../../src/config/schema';
import type { AuditRecord } from '../../src/audit/record';
import { startMockProviders } from '../support/providers';
import { PROVIDER_KEYS, startTestSidecar, type TestSidecar } from '../support/sidecar';

export interface Gateway {
  readonly edge: Edge;
  readonly sidecar: TestSidecar;
  readonly mocks: Awaited<ReturnType<typeof startMockProviders>>;
  close(): Promise<void>;
}

export async function startGateway(
  config: Partial<ConfigInput> = {},
  edgeOptions: Pick<StartEdgeOptions, 'dynamicMetadata' | 'overrides'> = {},
): Promise<Gateway> {
  // The mocks check credentials as the real APIs do: a request that reached them with the client's key
  // (or none) fails there, not only in our assertions.
  const mocks = await startMockProviders({}, { apiKeys: { ...PROVIDER_KEYS } });
  const sidecar = await startTestSidecar(config);
  const edge = await startEdge({
    ...edgeOptions,
    extProc: { address: sidecar.grpcAddress },
    upstreams: {
      openai: mocks.openai.url,
      anthropic: mocks.anthropic.url,
      gemini: mocks.gemini.url,
      // envoy-local.yaml's failover cluster, by priority (test/support/edge/UPSTREAM-RULES.md).
      'openai_failover@0': mocks.openai.url,
      'openai_failover@1': mocks.anthropic.url,
      'openai_failover@2': mocks.gemini.url,
    },
  });
  return {
    edge,
    sidecar,
    mocks,
    close: async () => {
      await edge.close();
      await sidecar.app.close();
      await mocks.close();
    },
  };
}

/**
 * The audit record of the edge's last request. The sidecar writes it when it sees the stream end, a
 * moment after the client has its response, so this waits for that write (not for a fixed time, which a
 * loaded machine can outlast).
 */
export async function auditOfLastRequest(gateway: Gateway): Promise<AuditRecord | undefined> {
  await gateway.edge.settled();
  const requestId = gateway.edge.lastRecord()?.requestId;
  return gateway.sidecar.audit.waitFor((record) => record.requestId === requestId);
}
