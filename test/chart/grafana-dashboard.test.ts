/**
 * The Grafana dashboard shipped in the chart: valid JSON, and every metric its queries use is one the
 * sidecar exports (checked against the real registry), so a renamed metric cannot leave an empty panel.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { registerRouteMetrics } from '../../src/telemetry/route-metrics';
import { createMetrics } from '../../src/telemetry/metrics';
import { REPO_ROOT } from '../envoy-config/bootstrap-queries';

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: ReadonlyArray<{ readonly expr: string }>;
}

const dashboard = JSON.parse(readFileSync(path.join(REPO_ROOT, 'charts/llm-gateway/files/monitoring/grafana-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: Panel[];
  annotations: { list: Array<{ expr: string }> };
};
const queries = [...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr }))), ...dashboard.annotations.list.map((item) => ({ panel: 'annotation', expr: item.expr }))];

/** Metric names in a PromQL expression: identifiers followed by `{`, `[` or a closing parenthesis, not label names or functions. */
function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const match of expr.matchAll(/\b([a-z_][a-z0-9_]*(?::[a-z0-9_]+)*)\s*(?=\{|\[)/g)) names.add(match[1]!);
  return [...names];
}

it('uses only metrics the sidecar exports', async () => {
  const metrics = createMetrics();
  // Registered by the composition root beside the sidecar metrics (src/app.ts).
  registerRouteMetrics(metrics.registry, () => undefined);
  const exported = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    exported.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${metric.name}${suffix}`);
  }
  const used = queries.flatMap((query) => metricNames(query.expr).map((name) => ({ panel: query.panel, name })));
  expect(used.length).toBeGreaterThan(20);
  expect(used.filter((item) => !exported.has(item.name))).toEqual([]);
});

it('covers cost, tokens, blocks, latency percentiles, time to first token, cache and breakers', () => {
  const all = queries.map((query) => query.expr).join('\n');
  for (const needle of ['llmgw_cost_usd_total', 'gen_ai_client_token_usage_total', 'outcome="rejected"', 'histogram_quantile(0.5', 'histogram_quantile(0.99', 'gen_ai_server_time_to_first_token_seconds_bucket', 'llmgw_cache_hits_total', 'llmgw_route_breaker_state']) {
    expect(all).toContain(needle);
  }
});

it('filters every per-tenant panel by the tenant variable', () => {
  const unfiltered = queries.filter((query) => /\btenant\b/.test(query.expr) && !query.expr.includes('tenant=~"$tenant"'));
  expect(unfiltered).toEqual([]);
});
