#!/usr/bin/env bash
# Go-built tools the chart tests use, pinned, into .tools/bin (gitignored); idempotent (only checks when
# they are there). `make test` runs it, so a fresh clone lints, renders and validates the chart too.
#   helm           pinned release, built with `go install`
#   kube-validate  strict decoding of the chart's and deploy/'s manifests into the Kubernetes, Prometheus
#                  Operator, Istio, Gateway API and Envoy Gateway Go types, pinned by
#                  tools/kube-validate/go.sum (offline schema validation; kubeconform would download
#                  its schemas)
set -euo pipefail
cd "$(dirname "$0")/.."

export GOBIN="$PWD/.tools/bin"
HELM_VERSION=v3.18.4
# Capture first: `grep -q` exiting early would SIGPIPE the writer and trip pipefail.
helm_version="$("$GOBIN/helm" version --short 2>/dev/null || true)"
if [[ "$helm_version" != *"$HELM_VERSION"* ]]; then
  echo "install-test-tools: helm $HELM_VERSION (go install, a few minutes the first time)" >&2
  go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
fi
# go build is a no-op when nothing changed.
(cd tools/kube-validate && go build -o "$GOBIN/kube-validate" .)
