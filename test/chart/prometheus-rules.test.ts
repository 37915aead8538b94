/**
 * The chart's Prometheus rules, rendered with the chart's default thresholds, pass `promtool check
 * rules` and the unit tests in files/monitoring/prometheus-rules.test.yaml (`promtool test rules`).
 * promtool comes from Debian's `prometheus` package (.ci/run installs it); without it locally the
 * promtool checks are skipped, and CI always has it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { REPO_ROOT } from '../envoy-config/bootstrap-queries';
import { renderTemplate, type TemplateValue } from '../envoy-config/helm-lite';

const MONITORING = path.join(REPO_ROOT, 'charts', 'llm-gateway', 'files', 'monitoring');
const values = YAML.parse(readFileSync(path.join(REPO_ROOT, 'charts', 'llm-gateway', 'values.yaml'), 'utf8')) as TemplateValue;
const rendered = renderTemplate(readFileSync(path.join(MONITORING, 'prometheus-rules.yaml.tpl'), 'utf8'), values);

const promtool = process.env.PROMTOOL_BIN ?? 'promtool';
const promtoolAvailable = spawnSync(promtool, ['--version'], { encoding: 'utf8' }).status === 0;
const withPromtool = promtoolAvailable ? it : it.skip;

interface RuleGroup {
  readonly name: string;
  readonly rules: ReadonlyArray<{ readonly alert?: string; readonly record?: string; readonly expr: string }>;
}

describe('Prometheus rules', () => {
  const groups = (YAML.parse(rendered) as { groups: RuleGroup[] }).groups;
  const alerts = groups.flatMap((group) => group.rules.map((rule) => rule.alert)).filter((name): name is string => name !== undefined);

  it('has the alerts the runbook names', () => {
    expect(alerts).toEqual(
      expect.arrayContaining(['LlmGatewayHighErrorRate', 'LlmGatewayHighLatencyP99', 'LlmGatewayDailyCostHigh', 'LlmGatewayBudgetNearlyUsed', 'LlmGatewayBudgetExhausted']),
    );
  });

  it('leaves Prometheus templates for Prometheus and fills in the thresholds', () => {
    expect(rendered).toContain('{{ $labels.tenant }}');
    expect(rendered).toContain('> 0.05');
    expect(rendered).not.toContain('.Values');
  });

  it('has a unit test for every alert', () => {
    const tests = readFileSync(path.join(MONITORING, 'prometheus-rules.test.yaml'), 'utf8');
    expect(alerts.filter((alert) => !tests.includes(`alertname: ${alert}`))).toEqual([]);
  });

  function workDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'llmgw-rules-'));
    writeFileSync(path.join(dir, 'rules.yaml'), rendered);
    copyFileSync(path.join(MONITORING, 'prometheus-rules.test.yaml'), path.join(dir, 'rules.test.yaml'));
    return dir;
  }

  withPromtool('passes promtool check rules', () => {
    const run = spawnSync(promtool, ['check', 'rules', path.join(workDir(), 'rules.yaml')], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toMatch(/SUCCESS/);
    expect(run.status).toBe(0);
  });

  withPromtool('passes promtool test rules', () => {
    const run = spawnSync(promtool, ['test', 'rules', path.join(workDir(), 'rules.test.yaml')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${run.stdout}${run.stderr}`);
    expect(run.stdout).toMatch(/SUCCESS/);
  });

  withPromtool('fails promtool test rules when a threshold moves (the tests can fail)', () => {
    const dir = workDir();
    writeFileSync(path.join(dir, 'rules.yaml'), rendered.replace('> 500', '> 1000'));
    const run = spawnSync(promtool, ['test', 'rules', path.join(dir, 'rules.test.yaml')], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('LlmGatewayDailyCostHigh');
  });
});
