{{/* Names and labels shared by every object of the release. */}}
{{- define "llm-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "llm-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "llm-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llm-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "llm-gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "llm-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "llm-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "llm-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Shutdown budget: Envoy drains client connections for envoy.drainSeconds, then the sidecar finishes
open streams for up to sidecar.drainTimeoutSeconds, then 15 s of slack for the processes to exit.
*/}}
{{- define "llm-gateway.minimumGracePeriod" -}}
{{- add (.Values.envoy.drainSeconds | int64) (.Values.sidecar.drainTimeoutSeconds | int64) 15 }}
{{- end }}

{{- define "llm-gateway.gracePeriod" -}}
{{- $minimum := include "llm-gateway.minimumGracePeriod" . | int64 }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- $minimum }}
{{- else if lt (.Values.terminationGracePeriodSeconds | int64) $minimum }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must be at least envoy.drainSeconds + sidecar.drainTimeoutSeconds + 15 = %v, or Kubernetes kills streams still draining" .Values.terminationGracePeriodSeconds $minimum) }}
{{- else }}
{{- .Values.terminationGracePeriodSeconds | int64 }}
{{- end }}
{{- end }}

{{/* Refuse settings that render a pod which cannot work. */}}
{{- define "llm-gateway.validate" -}}
{{- if not (has .Values.sidecar.transport (list "tcp" "uds")) }}
{{- fail (printf "sidecar.transport must be tcp or uds, not %q" .Values.sidecar.transport) }}
{{- end }}
{{- if gt (add (.Values.envoy.bufferLimitBytes | int64) 1048576) (.Values.sidecar.maxMessageBytes | int64) }}
{{- fail "sidecar.maxMessageBytes must exceed envoy.bufferLimitBytes by at least 1 MiB (headers and gRPC framing), or large buffered bodies fail the ext_proc stream" }}
{{- end }}
{{- if and .Values.sidecar.audit.bodies.enabled (not .Values.sidecar.audit.bodies.tenants) }}
{{- fail "sidecar.audit.bodies.enabled needs sidecar.audit.bodies.tenants (the tenants whose bodies are kept)" }}
{{- end }}
{{- if .Values.envoy.jwt.enabled }}
{{- if or (not .Values.envoy.jwt.issuer) (not .Values.envoy.jwt.jwksUri) (not .Values.envoy.jwt.jwksHost) (not .Values.envoy.jwt.audiences) }}
{{- fail "envoy.jwt.enabled needs envoy.jwt.issuer, audiences, jwksUri and jwksHost" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The sidecar's config.yaml: the user's sidecar.config with the keys the pod layout decides (how Envoy
reaches it, message size, drain time, where probes reach the admin port) set by the chart.
*/}}
{{- define "llm-gateway.sidecarConfig" -}}
{{- $server := dict "maxMessageBytes" (.Values.sidecar.maxMessageBytes | int64) "drainTimeoutSeconds" (.Values.sidecar.drainTimeoutSeconds | int64) }}
{{- if eq .Values.sidecar.transport "uds" }}
{{- $_ := set $server "unixSocket" (printf "%s/%s" .Values.sidecar.socketDir .Values.sidecar.socketName) }}
{{- else }}
{{- $_ := set $server "tcp" (dict "host" "127.0.0.1" "port" (.Values.sidecar.grpcPort | int64)) }}
{{- end }}
{{- $admin := dict "host" "0.0.0.0" "port" (.Values.sidecar.adminPort | int64) }}
{{- if .Values.sidecar.adminTokenSecret.name }}
{{- $_ := set $admin "token" (dict "file" "/etc/llmgw/admin-token/token") }}
{{- end }}
{{- $managed := dict "server" $server "admin" $admin "logging" (dict "level" .Values.sidecar.logLevel) }}
{{- $audit := dict }}
{{- with .Values.sidecar.audit.files }}
{{- if .enabled }}
{{- $files := dict "dir" .mountPath "keyFile" "/etc/llmgw/audit-key/key" }}
{{- if not (kindIs "invalid" .retentionDays) }}
{{- $_ := set $files "retentionDays" (.retentionDays | int64) }}
{{- end }}
{{- $_ := set $audit "files" $files }}
{{- end }}
{{- end }}
{{- with .Values.sidecar.audit.bodies }}
{{- if .enabled }}
{{- $_ := set $audit "bodies" (dict "key" (dict "file" "/etc/llmgw/audit-bodies-key/key") "tenants" .tenants "maxBytes" (.maxBytes | int64)) }}
{{- end }}
{{- end }}
{{- if $audit }}
{{- $_ := set $managed "audit" $audit }}
{{- end }}
{{- with .Values.sidecar.redis }}
{{- if .enabled }}
{{- $redis := dict "host" .host "port" (.port | int64) "db" (.db | int64) }}
{{- if .passwordSecret }}
{{- $_ := set $redis "password" (dict "env" "LLMGW_REDIS_PASSWORD") }}
{{- end }}
{{- if .tls }}
{{- $_ := set $redis "tls" (dict "rejectUnauthorized" true) }}
{{- end }}
{{- $_ := set $managed "budgets" (dict "redis" $redis "onRedisFailure" .onFailure) }}
{{- end }}
{{- end }}
{{- toYaml (mustMergeOverwrite (deepCopy .Values.sidecar.config) $managed) }}
{{- end }}
