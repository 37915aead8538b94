/**
 * `make run`: the gateway on a laptop. Starts the mock providers, the sidecar with config/demo.yaml, and
 * in front of it real Envoy (envoy/envoy-local.yaml) when an `envoy` binary is on PATH, otherwise the
 * test edge, which speaks ext_proc to the sidecar exactly as Envoy does. Fixed ports, documented in
 * the README; Ctrl-C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from '../src/app';
import { startMockProviders } from '../test/support/providers';
import { startEdge } from '../test/support/edge/edge';

const root = path.resolve(__dirname, '..', '..');
const configPath = path.join(root, process.env.LLMGW_CONFIG ?? 'config/demo.yaml');
const envoyConfig = path.join(root, 'envoy/envoy-local.yaml');
const LISTENER_PORT = 10000;
const DEMO_KEY = 'sk-llmgw-demo';
const MOCK_PORTS = { openai: 18081, anthropic: 18082, gemini: 18083 } as const;

function providerKey(name: string): string {
  return readFileSync(path.join(root, 'config/demo-secrets', `${name}.key`), 'utf8').trim();
}

async function main(): Promise<void> {
  const mocks = await startMockProviders(MOCK_PORTS, {
    // The mocks check the credential the way the real APIs do, so a broken key injection shows up.
    apiKeys: { anthropic: providerKey('anthropic'), gemini: providerKey('gemini') },
  });
  const app = await App.start({ configPath, watchConfig: true });
  let stopFront: () => Promise<void>;
  let frontName: string;
  if (spawnSync('envoy', ['--version'], { stdio: 'ignore' }).status === 0) {
    const envoy: ChildProcess = spawn('envoy', ['-c', envoyConfig, '--log-level', 'warn'], { stdio: 'inherit' });
    stopFront = () =>
      new Promise((resolve) => {
        envoy.once('exit', () => resolve());
        envoy.kill('SIGTERM');
      });
    frontName = `Envoy (${path.relative(root, envoyConfig)})`;
  } else {
    const edge = await startEdge({ envoyConfigPath: envoyConfig, extProc: { address: `127.0.0.1:${app.addresses.tcpPort}` }, port: LISTENER_PORT });
    stopFront = () => edge.close();
    frontName = 'the test edge (no envoy on PATH)';
  }

  const models = [...app.config.models.values()].map((model) => `${model.name} (${model.provider.name})`).join(', ');
  process.stderr.write(
    [
      '',
      `llm-gateway is running behind ${frontName}`,
      `  listener   http://127.0.0.1:${LISTENER_PORT}`,
      `  API key    ${DEMO_KEY}`,
      `  models     ${models}`,
      `  sidecar    gRPC 127.0.0.1:${app.addresses.tcpPort}, admin http://127.0.0.1:${app.addresses.adminPort} (/metrics /healthz /readyz)`,
      `  providers  mock OpenAI ${mocks.openai.url}, Anthropic ${mocks.anthropic.url}, Gemini ${mocks.gemini.url}`,
      '',
      'Try:',
      `  curl -s http://127.0.0.1:${LISTENER_PORT}/v1/chat/completions -H 'authorization: Bearer ${DEMO_KEY}' \\`,
      `    -H 'content-type: application/json' -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
      '',
      'Audit records go to stdout, logs to stderr. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    void (async () => {
      await stopFront();
      await app.drain();
      await mocks.close();
      process.exit(0);
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`make run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
