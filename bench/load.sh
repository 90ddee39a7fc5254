#!/usr/bin/env bash
# A mixed load against a release build for 60 s (issue #10): the office's reads and
# writes at once, on SQLite with ten times the demo company (2,000 customers).
#   reads  85%: customer pages, searches, a customer, work orders, reminders, health
#   writes 15%: new customers (each one write transaction with its timeline event)
# Fails when any answer is not 2xx or any socket error happens; prints throughput and
# the latency distribution. Usage: bench/load.sh [seconds, default 60] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION="${1:-60}"
CONNECTIONS="${2:-32}"
start_demo 18191 10
TOKEN=$(login manager@demo.orderly)
CUSTOMER=$(curl -sf "$BASE/api/v1/customers?limit=1" -H "Authorization: Bearer $TOKEN" \
  | sed -E 's/.*"items":\[\{"id":"([^"]+)".*/\1/')

LUA=$(mktemp --suffix=.lua)
cat > "$LUA" <<LUA
local token = "$TOKEN"
local customer = "$CUSTOMER"
local reads = {
  "/api/v1/customers?limit=50",
  "/api/v1/customers?limit=50&q=067",
  "/api/v1/customers/" .. customer,
  "/api/v1/work-orders?limit=50",
  "/api/v1/reminders?limit=50",
  "/api/v1/customers?limit=50&q=Kyiv",
  "/api/v1/health",
}
local n = 0
local thread_id = 0
setup = function(thread)
  thread:set("tid", thread_id)
  thread_id = thread_id + 1
end
request = function()
  n = n + 1
  local headers = { ["Authorization"] = "Bearer " .. token }
  if n % 7 == 0 then
    headers["Content-Type"] = "application/json"
    local body = string.format('{"kind":"person","segment":"b2c","name":"Load %d-%d"}', tid, n)
    return wrk.format("POST", "/api/v1/customers", headers, body)
  end
  return wrk.format("GET", reads[(n % #reads) + 1], headers)
end
LUA

echo "mixed load: ${DURATION}s, 2 threads, ${CONNECTIONS} connections, 1 write in 7 requests"
OUT=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$LUA" "$BASE")
rm -f "$LUA"
echo "$OUT"
if echo "$OUT" | grep -qE "Non-2xx|Socket errors"; then
  echo "FAILED: some answers were not 2xx, or sockets failed" >&2
  exit 1
fi
CREATED=$(curl -sf "$BASE/api/v1/customers?limit=1&q=Load" -H "Authorization: Bearer $TOKEN" >/dev/null && echo ok)
echo "no errors; the server still answers: $CREATED"
