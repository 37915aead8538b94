#!/usr/bin/env bash
# Compile the tenant policy bundles in policy/bundles/<name>/ to wasm bundles with the real `opa` CLI.
#
#   scripts/build-policy.sh                     check, test (`opa test`) and build every bundle into dist/policy/<name>.tar.gz
#   scripts/build-policy.sh --src DIR --out F   one bundle directory to one output file (tests use this)
#   scripts/build-policy.sh capabilities        regenerate policy/capabilities.json from `opa capabilities --current`
#   scripts/build-policy.sh opa                 only make sure the pinned opa is installed; print its path
#
# Options for a build: --signing-key KEY (HMAC secret or PEM private key file) with --signing-alg (HS256, RS256...;
# default RS256) and --signing-key-id ID (default "default"), --revision REV (default: content hash),
# --no-test (skip `opa test`), --no-schema (skip the input schema check), --force (rebuild even when the inputs did not change).
#
# Every compile is against policy/capabilities.json: builtins that @open-policy-agent/opa-wasm cannot run (the
# time.* family, http.send, crypto...) fail the build. A bundle is rebuilt only when its inputs changed (a stamp
# next to the output holds their hash); concurrent runs wait on a lock.
#
# opa comes from `go install` at the pinned version into .tools/bin (gitignored), unless OPA=/path/to/opa.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OPA_VERSION=v1.22.4
ENTRYPOINT=gateway/decision
CAPABILITIES="$ROOT/policy/capabilities.json"
ALLOWLIST="$ROOT/policy/wasm-sdk-builtins.txt"
# JSON Schema of the policy input (generated from src/policy/types.ts): `opa check --schema` type-checks input refs.
INPUT_SCHEMA="$ROOT/policy/input.schema.json"

die() { echo "build-policy: $*" >&2; exit 1; }

has_pinned_opa() {
  local v
  v="$("$OPA" version 2>/dev/null)" || return 1
  [[ $'\n'"$v"$'\n' == *$'\n'"Version: ${OPA_VERSION#v}"$'\n'* ]]
}

ensure_opa() {
  if [[ -n "${OPA:-}" ]]; then
    [[ -x "$OPA" ]] || die "OPA=$OPA is not executable"
    return
  fi
  OPA="$ROOT/.tools/bin/opa"
  if ! has_pinned_opa; then
    command -v go >/dev/null || die "opa $OPA_VERSION is not in .tools/bin and go is not installed"
    echo "build-policy: installing opa $OPA_VERSION with go install (a cold build takes a few minutes)" >&2
    mkdir -p "$ROOT/.tools"
    # One installer at a time (parallel test workers may all get here).
    (
      flock 9
      has_pinned_opa || GOBIN="$ROOT/.tools/bin" go install "github.com/open-policy-agent/opa@$OPA_VERSION"
    ) 9>"$ROOT/.tools/opa-install.lock"
  fi
}

update_capabilities() {
  ensure_opa
  local full
  full="$(mktemp)"
  "$OPA" capabilities --current >"$full"
  node - "$full" "$ALLOWLIST" "$CAPABILITIES" <<'NODE'
const fs = require('fs');
const [full, allowPath, outPath] = process.argv.slice(2);
const caps = JSON.parse(fs.readFileSync(full, 'utf8'));
const allow = new Set(fs.readFileSync(allowPath, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
const builtins = caps.builtins.filter((b) => allow.has(b.name));
const missing = [...allow].filter((n) => !builtins.some((b) => b.name === n));
if (missing.length) { console.error(`build-policy: not builtins of this opa: ${missing.join(', ')}`); process.exit(1); }
// The SDK reads ABI 1.x; opa's wasm compiler accepts a capabilities file naming any minor version up to its own.
const out = { builtins, future_keywords: caps.future_keywords, features: caps.features, wasm_abi_versions: [{ version: 1, minor_version: 1 }, { version: 1, minor_version: 2 }] };
fs.writeFileSync(outPath, JSON.stringify(out, null, 2) + '\n');
console.log(`build-policy: ${outPath}: ${builtins.length} of ${caps.builtins.length} builtins`);
NODE
  rm -f "$full"
}

# Hash of everything that decides a bundle's bytes: sources, capabilities, opa version, this script, options.
input_hash() {
  local src="$1"; shift
  {
    (cd "$src" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
    sha256sum "$CAPABILITIES" "$INPUT_SCHEMA" "$ROOT/scripts/build-policy.sh"
    "$OPA" version | head -1
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-64
}

build_one() {
  local src="$1" out="$2"
  [[ -d "$src" ]] || die "no bundle directory $src"
  mkdir -p "$(dirname "$out")"
  # Absolute paths, then opa runs inside the bundle directory so file names in the bundle are relative to it.
  src="$(cd "$src" && pwd)"
  out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
  local key_fingerprint=""
  if [[ -n "$SIGNING_KEY" ]]; then
    if [[ -f "$SIGNING_KEY" ]]; then key_fingerprint="$(sha256sum <"$SIGNING_KEY")"; else key_fingerprint="$(printf '%s' "$SIGNING_KEY" | sha256sum)"; fi
  fi
  local hash
  hash="$(input_hash "$src" "$REVISION" "$SIGNING_ALG" "$SIGNING_KEY_ID" "$key_fingerprint" "$RUN_TESTS" "$USE_SCHEMA")"
  (
    flock 9
    if [[ "$FORCE" != 1 && -f "$out" && "$(cat "$out.stamp" 2>/dev/null)" == "$hash" ]]; then
      echo "build-policy: $out is up to date"
      exit 0
    fi
    cd "$src"
    local schema_args=()
    [[ "$USE_SCHEMA" == 1 ]] && schema_args=(--schema "$INPUT_SCHEMA")
    "$OPA" check --strict --capabilities "$CAPABILITIES" "${schema_args[@]}" --ignore '*_test.rego' .
    if [[ "$RUN_TESTS" == 1 ]]; then
      # --capabilities here too: a test cannot lean on a builtin the gateway will not have.
      "$OPA" test --capabilities "$CAPABILITIES" --fail-on-empty --parallel 1 .
    fi
    # --bundle: the directory is a bundle root (data.json paths give the data paths); needed for signing.
    local args=(build --bundle -t wasm -e "$ENTRYPOINT" --capabilities "$CAPABILITIES" --ignore '*_test.rego'
      --revision "${REVISION:-${hash:0:16}}" -o "$out.tmp")
    if [[ -n "$SIGNING_KEY" ]]; then
      args+=(--signing-key "$SIGNING_KEY" --signing-alg "$SIGNING_ALG" --verification-key-id "$SIGNING_KEY_ID")
    fi
    "$OPA" "${args[@]}" .
    mv "$out.tmp" "$out"
    echo "$hash" >"$out.stamp"
    echo "build-policy: built $out ($(wc -c <"$out") bytes)"
  ) 9>"$out.lock"
}

SRC="" OUT="" REVISION="" SIGNING_KEY="" SIGNING_ALG=RS256 SIGNING_KEY_ID=default RUN_TESTS=1 FORCE=0 USE_SCHEMA=1
case "${1:-}" in
  capabilities) update_capabilities; exit 0 ;;
  opa) ensure_opa; echo "$OPA"; exit 0 ;;
esac
while (($#)); do
  case "$1" in
    --src) SRC="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --revision) REVISION="$2"; shift 2 ;;
    --signing-key) SIGNING_KEY="$2"; shift 2 ;;
    --signing-alg) SIGNING_ALG="$2"; shift 2 ;;
    --signing-key-id) SIGNING_KEY_ID="$2"; shift 2 ;;
    --no-test) RUN_TESTS=0; shift ;;
    --no-schema) USE_SCHEMA=0; shift ;;
    --force) FORCE=1; shift ;;
    *) die "unknown argument $1 (see the header of $0)" ;;
  esac
done

ensure_opa
[[ -f "$CAPABILITIES" ]] || die "$CAPABILITIES is missing: run scripts/build-policy.sh capabilities"
if [[ -n "$SRC" ]]; then
  [[ -n "$OUT" ]] || die "--src needs --out"
  build_one "$SRC" "$OUT"
else
  [[ -z "$OUT" ]] || die "--out needs --src"
  found=0
  for dir in "$ROOT"/policy/bundles/*/; do
    found=1
    build_one "${dir%/}" "$ROOT/dist/policy/$(basename "$dir").tar.gz"
  done
  ((found)) || die "no bundles under policy/bundles/"
fi
