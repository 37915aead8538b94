/**
 * OTLP/HTTP trace export from the real sidecar process (compiled, `make build`) to a local collector:
 * the exporter's transport only works outside Jest's module sandbox, so this runs `llmgw serve` as a
 * child, sends one request over ext_proc, stops it with SIGTERM (which flushes the spans) and reads
 * what the collector received.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { stringify } from 'yaml';
import { externalProcessorClient } from '../../src/extproc/protos';
import type { ProtoProcessingRequest, ProtoProcessingResponse } from '../../src/extproc/envoy-types';
import { testGatewayConfig, TEST_KEYS } from '../support/sidecar';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/llmgw.js');

interface OtlpAttribute {
  readonly key: string;
  readonly value: Record<string, unknown>;
}
interface OtlpSpan {
  readonly traceId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly attributes: readonly OtlpAttribute[];
  readonly events: ReadonlyArray<{ readonly name: string }>;
}

beforeAll(() => {
  if (!existsSync(path.join(root, 'dist/src/main.js'))) throw new Error('dist/ is missing: run `make build` (make test does it)');
});

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes.find((item) => item.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}

it('exports one span per request over OTLP/HTTP, flushed on SIGTERM', async () => {
  const spans: OtlpSpan[] = [];
  const resources: unknown[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const collector = createServer((req, res) => {
    headers.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { resourceSpans: Array<{ resource: unknown; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
      for (const resource of body.resourceSpans) {
        resources.push(resource.resource);
        for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;

  const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-otlp-'));
  writeFileSync(path.join(dir, 'collector.token'), 'secret-token\n');
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    stringify({
      server: { tcp: { host: '127.0.0.1', port: 0 }, drainTimeoutSeconds: 5 },
      admin: { port: 0 },
      ...testGatewayConfig(dir),
      telemetry: { traces: { enabled: true, endpoint, serviceName: 'llmgw-test', headers: { authorization: { file: 'collector.token' } } } },
    }),
  );
  const child: ChildProcessWithoutNullStreams = spawn('node', [bin, 'serve', '--config', config]);
  let client: grpc.Client | undefined;
  try {
    let log = '';
    const port = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (data: Buffer) => {
        log += data.toString();
        const match = /"tcpPort":(\d+)[^\n]*llmgw sidecar ready/.exec(log);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${log}`)));
    });
    const Client = externalProcessorClient();
    const processor = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      Process(): grpc.ClientDuplexStream<ProtoProcessingRequest, ProtoProcessingResponse>;
    };
    client = processor;
    const stream = processor.Process();
    const responses: string[] = [];
    stream.on('data', (r: ProtoProcessingResponse) => responses.push(r.response ?? ''));
    stream.on('error', () => undefined);
    const raw = (key: string, value: string) => ({ key, raw_value: Buffer.from(value) });
    stream.write({
      request_headers: {
        headers: {
          headers: [
            raw(':method', 'POST'),
            raw(':path', '/v1/chat/completions'),
            raw('content-type', 'application/json'),
            raw('authorization', `Bearer ${TEST_KEYS.acme}`),
            raw('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
          ],
        },
      },
    });
    stream.write({ request_body: { body: Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}'), end_of_stream: true } });
    while (responses.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const ended = new Promise((resolve) => stream.on('status', resolve));
    stream.end();
    await ended;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  } finally {
    client?.close();
    child.kill('SIGKILL');
    collector.close();
  }
  expect(spans).toHaveLength(1);
  const span = spans[0]!;
  expect(span.name).toBe('chat gpt-4o-mini');
  expect(span.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  expect(span.parentSpanId).toBe('b7ad6b7169203331');
  expect(attribute(span, 'gen_ai.system')).toBe('openai');
  expect(attribute(span, 'gen_ai.request.model')).toBe('gpt-4o-mini');
  expect(attribute(span, 'llmgw.tenant')).toBe('acme');
  expect(attribute(span, 'llmgw.decision')).toBe('allow');
  expect(span.events.map((event) => event.name)).toEqual(expect.arrayContaining(['request_headers', 'request_body']));
  expect(JSON.stringify(resources)).toContain('llmgw-test');
  expect(headers[0]?.authorization).toBe('secret-token');
});
