/**
 * The real sidecar over real sockets: gRPC health, ext_proc on TCP, TLS with client certificates and a
 * Unix socket, the message-size limit, the admin port, config reload and the SIGTERM drain.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { externalProcessorClient } from '../../src/extproc/protos';
import type { ProtoProcessingRequest, ProtoProcessingResponse } from '../../src/extproc/envoy-types';
import { EXT_PROC_SERVICE_NAME } from '../../src/extproc/server';
import { startTestSidecar, testGatewayConfig, TEST_KEYS, type TestSidecar } from '../support/sidecar';
import { makeTestPki } from '../support/certs';

type HealthClient = grpc.Client & {
  Check(request: { service: string }, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void;
};

const healthDefinition = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, credentials: grpc.ChannelCredentials) => HealthClient } } };
};

function healthStatus(address: string, service = '', credentials = grpc.credentials.createInsecure()): Promise<string> {
  const client = new healthDefinition.grpc.health.v1.Health(address, credentials);
  return new Promise((resolve, reject) => {
    client.Check({ service }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(response?.status ?? 'UNKNOWN');
    });
  });
}

type ProcessStream = grpc.ClientDuplexStream<ProtoProcessingRequest, ProtoProcessingResponse>;

function openStream(address: string, credentials = grpc.credentials.createInsecure(), options: grpc.ClientOptions = {}) {
  const Client = externalProcessorClient();
  const client = new Client(address, credentials, options) as unknown as grpc.Client & { Process(): ProcessStream };
  const stream = client.Process();
  const responses: ProtoProcessingResponse[] = [];
  const waiters: (() => void)[] = [];
  let status: grpc.StatusObject | undefined;
  let error: grpc.ServiceError | undefined;
  stream.on('data', (r: ProtoProcessingResponse) => {
    responses.push(r);
    waiters.splice(0).forEach((w) => w());
  });
  stream.on('status', (s: grpc.StatusObject) => {
    status = s;
    waiters.splice(0).forEach((w) => w());
  });
  stream.on('error', (e: grpc.ServiceError) => {
    error = e;
    waiters.splice(0).forEach((w) => w());
  });
  const next = async (count: number): Promise<ProtoProcessingResponse[]> => {
    while (responses.length < count && !status && !error) await new Promise<void>((resolve) => waiters.push(resolve));
    if (responses.length < count) throw error ?? new Error(`stream ended: ${status?.code} ${status?.details}`);
    return responses.slice(0, count);
  };
  const finished = async (): Promise<{ status?: grpc.StatusObject; error?: grpc.ServiceError }> => {
    while (!status && !error) await new Promise<void>((resolve) => waiters.push(resolve));
    return { status, error };
  };
  return { client, stream, responses, next, finished };
}

const raw = (key: string, value: string) => ({ key, raw_value: Buffer.from(value) });
const headersMessage = (path = '/v1/chat/completions'): ProtoProcessingRequest => ({
  request_headers: {
    headers: {
      headers: [
        raw(':method', 'POST'),
        raw(':path', path),
        raw(':authority', 'gw'),
        raw(':scheme', 'http'),
        raw('content-type', 'application/json'),
        raw('authorization', `Bearer ${TEST_KEYS.acme}`),
      ],
    },
  },
});
const chatBody = (content = 'hello'): Buffer => Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }));

describe('sidecar server over TCP', () => {
  let sidecar: TestSidecar;
  beforeAll(async () => {
    sidecar = await startTestSidecar();
  });
  afterAll(async () => {
    await sidecar.app.close();
  });

  it('reports SERVING for the server and the ext_proc service', async () => {
    expect(await healthStatus(sidecar.grpcAddress)).toBe('SERVING');
    expect(await healthStatus(sidecar.grpcAddress, EXT_PROC_SERVICE_NAME)).toBe('SERVING');
  });

  it('answers a full four-phase exchange and ends the stream OK on half-close', async () => {
    const { client, stream, next, finished } = openStream(sidecar.grpcAddress);
    stream.write(headersMessage());
    stream.write({ request_body: { body: chatBody(), end_of_stream: true } });
    stream.write({ response_headers: { headers: { headers: [raw(':status', '200'), raw('content-type', 'text/event-stream')] } } });
    stream.write({ response_body: { body: Buffer.from('data: {}\n\n'), end_of_stream: true } });
    const responses = await next(4);
    expect(responses.map((r) => r.response)).toEqual(['request_headers', 'request_body', 'response_headers', 'response_body']);
    expect(responses[2].mode_override?.response_body_mode).toBe('STREAMED');
    const routed = responses[1].request_body?.response;
    const set = new Map((routed?.header_mutation?.set_headers ?? []).map((h) => [h.header.key, Buffer.from(h.header.raw_value ?? []).toString()]));
    expect(set.get('x-llmgw-cluster')).toBe('openai');
    expect(set.get('authorization')).toBe('Bearer sk-provider-openai');
    expect(routed?.clear_route_cache).toBe(true);
    expect(responses[0].request_headers?.response?.header_mutation?.remove_headers).toContain('authorization');
    stream.end();
    const { status } = await finished();
    expect(status?.code).toBe(grpc.status.OK);
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sidecar.audit.records.at(-1)).toMatchObject({ tenant: 'acme', keyId: 'acme-key', modelServed: 'gpt-4o-mini', outcome: 'completed', status: 200 });
  });

  it('serves /metrics, /healthz and /readyz on the admin port', async () => {
    const metrics = await (await fetch(`${sidecar.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/llmgw_extproc_messages_total\{kind="request_headers",service="llmgw"\} [1-9]/);
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');
    expect((await fetch(`${sidecar.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${sidecar.adminUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${sidecar.adminUrl}/nope`)).status).toBe(404);
  });

  it('keeps the old config on a bad reload and counts it; a good one is swapped in', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(sidecar.configPath, 'server: { tcp: { port: "not a port" } }\n');
    expect(sidecar.app.store.reload()).toBe(false);
    expect(sidecar.app.config.logging.level).toBe('info');
    const metrics = await (await fetch(`${sidecar.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/llmgw_config_loads_total\{result="invalid",trigger="reload",service="llmgw"\} 1/);
    sidecar.writeConfig({ server: { tcp: { host: '127.0.0.1', port: 0 } }, logging: { level: 'warn' }, ...testGatewayConfig(sidecar.dir) });
    expect(sidecar.app.store.reload()).toBe(true);
    expect(sidecar.app.config.logging.level).toBe('warn');
  });
});

describe('sidecar server limits, Unix socket and TLS', () => {
  it('rejects a message over maxMessageBytes and accepts one under it', async () => {
    const sidecar = await startTestSidecar({ server: { tcp: { host: '127.0.0.1', port: 0 }, maxMessageBytes: 64 * 1024 } });
    try {
      const ok = openStream(sidecar.grpcAddress);
      ok.stream.write(headersMessage());
      ok.stream.write({ request_body: { body: chatBody('a'.repeat(60 * 1024)), end_of_stream: true } });
      expect((await ok.next(2))[1].response).toBe('request_body');
      ok.stream.end();
      await ok.finished();
      ok.client.close();

      const tooBig = openStream(sidecar.grpcAddress);
      tooBig.stream.write(headersMessage());
      tooBig.stream.write({ request_body: { body: Buffer.alloc(80 * 1024, 'a'), end_of_stream: true } });
      const { error, status } = await tooBig.finished();
      expect(error?.code ?? status?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      tooBig.client.close();
    } finally {
      await sidecar.app.close();
    }
  });

  it('serves ext_proc and health on a Unix socket', async () => {
    const socket = path.join(mkdtempSync(path.join(tmpdir(), 'llmgw-uds-')), 'extproc.sock');
    const sidecar = await startTestSidecar({ server: { unixSocket: socket } });
    try {
      expect(await healthStatus(`unix:${socket}`)).toBe('SERVING');
      const { client, stream, next } = openStream(`unix:${socket}`);
      stream.write(headersMessage());
      expect((await next(1))[0].response).toBe('request_headers');
      stream.end();
      client.close();
    } finally {
      await sidecar.app.close();
    }
  });

  it('requires a client certificate signed by the configured CA when mTLS is on', async () => {
    const pki = makeTestPki();
    const sidecar = await startTestSidecar({
      server: {
        tcp: { host: '127.0.0.1', port: 0 },
        tls: { certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFile: pki.caCert, requireClientCert: true },
      },
    });
    const address = `localhost:${sidecar.app.addresses.tcpPort}`;
    try {
      const withCert = grpc.credentials.createSsl(pki.read(pki.caCert), pki.read(pki.clientKey), pki.read(pki.clientCert));
      expect(await healthStatus(address, '', withCert)).toBe('SERVING');
      const withoutCert = grpc.credentials.createSsl(pki.read(pki.caCert));
      await expect(healthStatus(address, '', withoutCert)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      await expect(healthStatus(address)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      await sidecar.app.close();
    }
  });
});

describe('drain', () => {
  it('turns NOT_SERVING and unready, lets an open stream finish, then stops', async () => {
    const sidecar = await startTestSidecar();
    const open = openStream(sidecar.grpcAddress);
    open.stream.write(headersMessage());
    await open.next(1);
    const drained = sidecar.app.drain();
    let drainDone = false;
    void drained.then(() => {
      drainDone = true;
    });
    expect(await healthStatus(sidecar.grpcAddress)).toBe('NOT_SERVING');
    expect((await fetch(`${sidecar.adminUrl}/readyz`)).status).toBe(503);
    // The open stream still gets answers while draining.
    open.stream.write({ request_body: { body: chatBody(), end_of_stream: true } });
    expect((await open.next(2))[1].response).toBe('request_body');
    expect(drainDone).toBe(false);
    open.stream.end();
    await drained;
    expect((await open.finished()).status?.code).toBe(grpc.status.OK);
    open.client.close();
  });

  it('cuts off streams still open at the drain timeout', async () => {
    const sidecar = await startTestSidecar({ server: { tcp: { host: '127.0.0.1', port: 0 }, drainTimeoutSeconds: 0.2 } });
    const open = openStream(sidecar.grpcAddress);
    open.stream.write(headersMessage());
    await open.next(1);
    await sidecar.app.drain();
    const { status, error } = await open.finished();
    expect(error?.code ?? status?.code).toBe(grpc.status.UNAVAILABLE);
    open.client.close();
  });
});
