# llm-gateway: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
BIN := node_modules/.bin

.PHONY: all install build typecheck test test-tools test-unit run bench check-config schemas policy train-injection eval clean

all: build

# npm ci only when the lockfile changed since the last install.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

# One tsc pass type-checks src, test, bench and scripts, and emits them into dist/ (make run uses dist).
build: install
	$(BIN)/tsc -p tsconfig.json

typecheck: install
	$(BIN)/tsc -p tsconfig.json --noEmit

# Rego in policy/bundles/* -> dist/policy/<name>.tar.gz with the pinned opa (go install into .tools/bin
# when missing): opa check (SDK-only capabilities + input schema), opa test, opa build -t wasm.
policy:
	scripts/build-policy.sh

# Every test: unit, integration (real sockets, real gRPC, real Redis, real opa-compiled wasm) and end to
# end through the test edge with the official SDKs.
# helm and kube-validate (pinned, Go-built into .tools/bin) for the chart tests.
test-tools:
	scripts/install-test-tools.sh

test: build policy test-tools
	HELM_BIN=$(CURDIR)/.tools/bin/helm KUBE_VALIDATE_BIN=$(CURDIR)/.tools/bin/kube-validate $(BIN)/jest

# Unit tests only (no build needed), for a quick loop.
test-unit: install
	$(BIN)/jest src

# Sidecar + (without an envoy binary) the test edge + mock providers, on fixed ports; see README.
run: build
	node dist/scripts/run-local.js

# Sidecar vs a no-op ext_proc server, same Envoy-like driver (Go from bench/driver-go; Node fallback).
# About 2 minutes. BENCH_JSON=path also writes the figures as JSON; see bench/README.md for settings.
bench: build policy
	node dist/bench/run.js
	node dist/bench/translation.js
	node dist/bench/cache.js
	node dist/test/guard-injection/bench-injection.js --corpus ../shared/corpus/injection-dev.jsonl
	node dist/bench/output.js --corpus ../shared/corpus/pii-dev.jsonl
	node dist/bench/injection-offload.js
	node --expose-gc dist/bench/policy.js

# Detector quality on the dev corpora (figures in the README come from these).
eval: build
	node bin/llmgw.js eval injection ../shared/corpus/injection-dev.jsonl --loso
	node bin/llmgw.js eval injection eval/injection/check-multilingual-b.jsonl
	node bin/llmgw.js eval injection eval/injection/check-multilingual-d.jsonl
	node bin/llmgw.js eval injection eval/injection/check-multilingual-f.jsonl
	node bin/llmgw.js eval injection eval/injection/check-agent-data-h.jsonl
	node bin/llmgw.js eval pii ../shared/corpus/pii-dev.jsonl

# Retrain the injection classifier (deterministic: the same corpus gives the committed weights).
train-injection: build
	node dist/scripts/train-injection.js --corpus ../shared/corpus/injection-dev.jsonl --out models/injection/model.json

check-config: build
	node bin/llmgw.js check-config config/local.yaml

# Regenerate JSON schemas from their zod sources (a test fails when they drift).
schemas: build
	node dist/scripts/generate-schemas.js

clean:
	rm -rf dist coverage
