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

source bench/lib.sh
start_demo "$PORT" 10

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
