{{- /*
Prometheus recording and alert rules for llm-gateway, as a Prometheus rule file (the `groups:` document).
The chart renders it with the thresholds in .Values.prometheusRule.thresholds into a PrometheusRule
(templates/prometheusrule.yaml); test/chart/prometheus-rules.test.ts renders it with the chart defaults
and runs `promtool check rules` and `promtool test rules` (files/monitoring/prometheus-rules.test.yaml).
Prometheus's own template actions ($labels, $value) are written as string literals of the double braces,
so Helm outputs them unchanged for Prometheus.
Only .Values paths, literals and if/end may be used here (test/envoy-config/helm-lite.ts renders it).
*/ -}}
groups:
  - name: llmgw.recording
    rules:
      # Requests per second by tenant and outcome, summed over replicas.
      - record: llmgw:requests:rate5m
        expr: sum by (tenant, outcome) (rate(llmgw_tenant_requests_total[5m]))
      # Share of requests that failed on the gateway's or the provider's side (5xx), by tenant. Refusals
      # (401, 403, 429, blocked content) are the gateway doing its job and are not errors.
      - record: llmgw:request_errors:ratio_rate5m
        expr: |
          sum by (tenant) (rate(llmgw_tenant_requests_total{code=~"internal_error|upstream_error|upstream_unavailable"}[5m]))
            / sum by (tenant) (rate(llmgw_tenant_requests_total[5m]))
      - record: llmgw:operation_duration_seconds:p99_5m
        expr: histogram_quantile(0.99, sum by (le, tenant, gen_ai_request_model) (rate(gen_ai_client_operation_duration_seconds_bucket{outcome="completed"}[5m])))
      - record: llmgw:time_to_first_token_seconds:p99_5m
        expr: histogram_quantile(0.99, sum by (le, tenant, gen_ai_request_model) (rate(gen_ai_server_time_to_first_token_seconds_bucket[5m])))
      # Spend over the last 24 hours, by tenant (USD).
      - record: llmgw:cost_usd:increase1d
        expr: sum by (tenant) (increase(llmgw_cost_usd_total[1d]))
      # Every replica reads the same shared budget; the highest reading is the freshest. A reading whose
      # window has ended (no request since the day or month turned) is dropped.
      - record: llmgw:budget_used:ratio
        expr: |
          max by (tenant, limit, scope) (llmgw_budget_used_ratio)
            and on (tenant, limit, scope) max by (tenant, limit, scope) (llmgw_budget_window_end_timestamp_seconds) > time()

  - name: llmgw.alerts
    rules:
      - alert: LlmGatewayHighErrorRate
        expr: |
          llmgw:request_errors:ratio_rate5m > {{ .Values.prometheusRule.thresholds.errorRatio }}
            and on (tenant) sum by (tenant) (rate(llmgw_tenant_requests_total[5m])) > {{ .Values.prometheusRule.thresholds.minRequestsPerSecond }}
        for: 10m
        labels:
          severity: critical
        annotations:
          summary: 'llm-gateway: {{ "{{" }} $labels.tenant }} has {{ "{{" }} $value | humanizePercentage }} failed requests'
          description: 'More than {{ .Values.prometheusRule.thresholds.errorRatio }} of the requests of tenant {{ "{{" }} $labels.tenant }} fail with internal or upstream errors (5xx) over 5 minutes.'
      - alert: LlmGatewayHighLatencyP99
        expr: llmgw:operation_duration_seconds:p99_5m > {{ .Values.prometheusRule.thresholds.latencyP99Seconds }}
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: 'llm-gateway: p99 latency of {{ "{{" }} $labels.tenant }} / {{ "{{" }} $labels.gen_ai_request_model }} is {{ "{{" }} $value | humanizeDuration }}'
          description: 'Completed requests take longer than {{ .Values.prometheusRule.thresholds.latencyP99Seconds }} s at the 99th percentile.'
      - alert: LlmGatewaySlowFirstToken
        expr: llmgw:time_to_first_token_seconds:p99_5m > {{ .Values.prometheusRule.thresholds.timeToFirstTokenP99Seconds }}
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: 'llm-gateway: p99 time to first token of {{ "{{" }} $labels.tenant }} / {{ "{{" }} $labels.gen_ai_request_model }} is {{ "{{" }} $value | humanizeDuration }}'
      - alert: LlmGatewayDailyCostHigh
        expr: llmgw:cost_usd:increase1d > {{ .Values.prometheusRule.thresholds.dailyCostUsd }}
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'llm-gateway: {{ "{{" }} $labels.tenant }} spent {{ "{{" }} $value | printf "%.2f" }} USD in 24 h'
          description: 'Tenant spend over the last 24 hours is above {{ .Values.prometheusRule.thresholds.dailyCostUsd }} USD.'
      - alert: LlmGatewayBudgetNearlyUsed
        # On the raw gauges, not the recording rule: a budget alert must not wait one evaluation for it.
        expr: |
          (max by (tenant, limit, scope) (llmgw_budget_used_ratio) >= 0.8 < 1)
            and on (tenant, limit, scope) max by (tenant, limit, scope) (llmgw_budget_window_end_timestamp_seconds) > time()
        labels:
          severity: warning
        annotations:
          summary: 'llm-gateway: {{ "{{" }} $labels.tenant }} used {{ "{{" }} $value | humanizePercentage }} of its {{ "{{" }} $labels.limit }} budget ({{ "{{" }} $labels.scope }})'
      - alert: LlmGatewayBudgetExhausted
        expr: |
          (max by (tenant, limit, scope) (llmgw_budget_used_ratio) >= 1)
            and on (tenant, limit, scope) max by (tenant, limit, scope) (llmgw_budget_window_end_timestamp_seconds) > time()
        labels:
          severity: critical
        annotations:
          summary: 'llm-gateway: {{ "{{" }} $labels.tenant }} exhausted its {{ "{{" }} $labels.limit }} budget ({{ "{{" }} $labels.scope }}); requests get 429'
      - alert: LlmGatewayBreakerOpen
        # llmgw_route_breaker_state: 0 closed, 1 half-open, 2 open (src/telemetry/route-metrics.ts).
        expr: max by (provider, model) (llmgw_route_breaker_state) == 2
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'llm-gateway: circuit breaker {{ "{{" }} $labels.provider }}/{{ "{{" }} $labels.model }} has been open for 5 minutes'
      - alert: LlmGatewayAuditRecordsDropped
        expr: sum by (sink, reason) (increase(llmgw_audit_dropped_total[5m])) > 0
        labels:
          severity: critical
        annotations:
          summary: 'llm-gateway: audit sink {{ "{{" }} $labels.sink }} dropped records ({{ "{{" }} $labels.reason }})'
          description: 'Compliance: audit records were not kept. Check the sink (disk, Redis, S3) and llmgw_audit_queue_depth.'
      - alert: LlmGatewayConfigRejected
        expr: sum(increase(llmgw_config_loads_total{result="invalid"}[15m])) > 0
        labels:
          severity: warning
        annotations:
          summary: 'llm-gateway: a config change was refused; the previous config is still in force'
