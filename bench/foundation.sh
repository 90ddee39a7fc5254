#!/usr/bin/env bash
# Foundation figures on a release build with the demo company on SQLite:
#   1. start-up to the first answered request (median of 5 starts, demo already loaded);
#   2. GET /api/v1/customers?limit=50 against GET /api/v1/health in one run (wrk).
# Usage: bench/foundation.sh [seconds per wrk run, default 10]
# Everything runs on 127.0.0.1; the server and its data folder are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
PORT=18181
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet
BIN=target/release/orderly

DATA=$(mktemp -d)
export ORDERLY_DATA_DIR="$DATA" ORDERLY_BIND="127.0.0.1:$PORT" ORDERLY_LOG=warn
unset DATABASE_URL
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

wait_up() {
  for _ in $(seq 1 4000); do
    curl -sf "$BASE/api/v1/health" >/dev/null 2>&1 && return 0
    sleep 0.005
  done
  echo "server did not start" >&2; return 1
}

# First start loads the demo company.
t0=$(date +%s%N); $BIN serve --demo & PID=$!; wait_up; t1=$(date +%s%N)
echo "first start with demo load: $(( (t1 - t0) / 1000000 )) ms"
kill $PID; wait $PID 2>/dev/null || true; PID=""

startups=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N); $BIN serve & PID=$!; wait_up; t1=$(date +%s%N)
  startups+=($(( (t1 - t0) / 1000000 )))
  kill $PID; wait $PID 2>/dev/null || true; PID=""
done
sorted=($(printf '%s\n' "${startups[@]}" | sort -n))
echo "start-up to first answered request (ms, 5 runs): ${startups[*]} -> median ${sorted[2]} ms"

$BIN serve & PID=$!; wait_up
TOKEN=$(curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"manager@demo.orderly","password":"demo-password"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
LUA=$(mktemp)
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$TOKEN" > "$LUA"

run() {
  local name=$1 path=$2
  local out
  out=$(wrk -t2 -c16 -d"${DURATION}s" --latency -s "$LUA" "$BASE$path")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  printf '| %-34s | %10s | %8s | %8s |\n' "$name" "$rps" "$p50" "$p99"
}
echo
echo "| endpoint (2 threads, 16 connections, ${DURATION}s) | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
run "GET /api/v1/health" "/api/v1/health"
run "GET /api/v1/customers?limit=50" "/api/v1/customers?limit=50"
rm -f "$LUA"
