/**
 * Protocol check of the benchmark's driver and baseline (bench/), no timing: every ext_proc message of a
 * simulated request gets its matching response, against the no-op server and the real sidecar, for both
 * scenarios. The Go driver speaks the same protocol over the same pre-encoded bytes (bench/scenario.ts).
 */
import { runExchanges } from '../../bench/driver-node';
import { startNoopServer, type NoopServer } from '../../bench/noop-server';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildScenario, SCENARIOS } from '../../bench/scenario';
import { benchGatewayConfig } from '../../bench/sidecar-config';
import { startTestSidecar, type TestSidecar } from '../support/sidecar';

describe('bench driver (protocol only)', () => {
  let noop: NoopServer;
  let sidecar: TestSidecar;
  beforeAll(async () => {
    noop = await startNoopServer();
    // The bench's own config, so the sidecar runs its whole pipeline here exactly as in `make bench`.
    const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-bench-'));
    sidecar = await startTestSidecar(benchGatewayConfig(dir));
  });
  afterAll(async () => {
    await noop.close();
    await sidecar.app.close();
  });

  it.each(SCENARIOS)('%s: the no-op server answers every message of every exchange', async (name) => {
    const scenario = buildScenario(name);
    const totals = await runExchanges(`127.0.0.1:${noop.port}`, scenario, 6, 3);
    const messages = 6 * scenario.messagesPerExchange;
    expect(totals).toEqual({ completed: 6, immediate: 0, messages, responses: messages });
  });

  it.each(SCENARIOS)('%s: the sidecar answers every message (its mode_override keeps the same body modes)', async (name) => {
    const scenario = buildScenario(name);
    const totals = await runExchanges(sidecar.grpcAddress, scenario, 6, 3);
    const messages = 6 * scenario.messagesPerExchange;
    expect(totals).toEqual({ completed: 6, immediate: 0, messages, responses: messages });
  });

  it('builds the scenarios the bench promises', () => {
    const json = buildScenario('json');
    const sse = buildScenario('sse');
    expect(json.messagesPerExchange).toBe(4);
    expect(sse.messagesPerExchange).toBe(53);
    expect(sse.responseBodyStreamed).toHaveLength(50);
    expect(json.sizes.requestBody).toBeGreaterThan(900);
    expect(json.sizes.responseBody).toBeGreaterThan(900);
  });
});
