/** The budget gauges the composition root adds next to the budget alerts, and the breaker hook. */
import pino from 'pino';
import type { LimitStatus } from '../budget/service-types';
import type { RuntimeConfig } from '../config/runtime';
import { createMetrics } from './metrics';
import { createTelemetry } from './setup';
import { parseTelemetryForTest } from './test-config';

const config = { telemetry: parseTelemetryForTest({ metrics: { tenantLabels: ['acme'] } }), audit: {}, providers: new Map() } as unknown as RuntimeConfig;

function limit(overrides: Partial<LimitStatus>): LimitStatus {
  return { limit: 'usdPerDay', scope: { kind: 'tenant', name: 'acme' }, max: 10, remaining: 6, resetMs: 1000, status: 'ok', retryAfterMs: 0, used: 3, held: 1, ...overrides } as LimitStatus;
}

it('sets budget remaining and used ratio for day and month limits, never per caller, and still runs the alerts', async () => {
  const metrics = createMetrics();
  const seen: string[] = [];
  const telemetry = createTelemetry({ config: () => config, metrics, logger: pino({ level: 'silent' }), baseDir: '.', now: () => 1_700_000_000_000 });
  telemetry.budgetObserver({ observe: (tenant) => void seen.push(tenant) }).observe('acme', [
    limit({}),
    limit({ limit: 'tokensPerDay', scope: { kind: 'model', name: 'gpt-4o' }, max: 1000, used: 250, held: 0 }),
    limit({ scope: { kind: 'caller', name: 'key:k1' } }),
    limit({ limit: 'requestsPerMinute' }),
  ]);
  telemetry.budgetObserver(undefined).observe('initech', [limit({ max: 4, used: 4, held: 0 })]);
  const remaining = (await metrics.genai.budgetRemaining.get()).values.map((value) => [value.labels, value.value]);
  expect(remaining).toEqual([
    [{ tenant: 'acme', limit: 'usdPerDay', scope: 'tenant', unit: 'usd' }, 6],
    [{ tenant: 'acme', limit: 'tokensPerDay', scope: 'model:gpt-4o', unit: 'tokens' }, 750],
    [{ tenant: 'other', limit: 'usdPerDay', scope: 'tenant', unit: 'usd' }, 0],
  ]);
  const ratio = (await metrics.genai.budgetUsedRatio.get()).values.find((value) => value.labels.tenant === 'acme' && value.labels.scope === 'tenant');
  expect(ratio?.value).toBeCloseTo(0.4);
  expect(seen).toEqual(['acme']);
  const windowEnd = (await metrics.genai.budgetWindowEnd.get()).values.find((value) => value.labels.tenant === 'acme' && value.labels.scope === 'tenant');
  expect(windowEnd?.value).toBe(1_700_000_001);
  await telemetry.shutdown();
});

