#!/usr/bin/env bash
# Work-order figures on a release build with ten times the demo data on SQLite:
#   1. latency of work-order writes (create, agree, send-to-scheduling), bench/actions.py;
#   2. GET /api/v1/my/visits (an engineer's day) against GET /api/v1/health in one run (wrk).
# Usage: bench/work_orders.sh [seconds per wrk run, default 10] [orders, default 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
ORDERS="${2:-1000}"
PORT=18182
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet
DATA=$(mktemp -d)
export ORDERLY_DATA_DIR="$DATA" ORDERLY_BIND="127.0.0.1:$PORT" ORDERLY_LOG=warn
unset DATABASE_URL
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

target/release/orderly serve --demo --demo-scale 10 & PID=$!
for _ in $(seq 1 600); do curl -sf "$BASE/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done

login() {
  curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-password\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
MANAGER=$(login manager@demo.orderly)
ENGINEER=$(login engineer1@demo.orderly)

echo "Ten times the demo: 2,000 customers; writes from $ORDERS orders."
python3 bench/actions.py "$BASE" "$MANAGER" "$ORDERS" 4

LUA=$(mktemp)
printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$ENGINEER" > "$LUA"
VISITS=$(curl -sf "$BASE/api/v1/my/visits" -H "Authorization: Bearer $ENGINEER" | grep -o '"visit":' | wc -l)
run() {
  local name=$1 path=$2 out
  out=$(wrk -t2 -c16 -d"${DURATION}s" --latency -s "$LUA" "$BASE$path")
  printf '| %-40s | %10s | %8s | %8s |\n' "$name" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}')" \
    "$(echo "$out" | awk '$1=="99%" {print $2}')"
}
echo
echo "| read (2 threads, 16 connections, ${DURATION}s) | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
run "GET /api/v1/health" "/api/v1/health"
run "GET /api/v1/my/visits ($VISITS visits today)" "/api/v1/my/visits"
rm -f "$LUA"
