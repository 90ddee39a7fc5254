#!/usr/bin/env bash
# The office pages on ten times the demo data (2,000 customers; release build,
# SQLite): server time (wrk, one connection, so no queueing: p50 and p99), pages
# a second with 16 connections, and the bytes over the wire (gzip, as a browser
# asks; headers included) with the size before compression.
# Pages: the reminders inbox (a page of 50), the customer card (the customer
# with the most orders), the dispatch board (today, every engineer).
# Usage: bench/office.sh [seconds per wrk run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
PORT=18183

source bench/lib.sh
start_demo "$PORT" 10

# The session cookies of a signed-in user, as one Cookie header.
cookies() {
  local jar; jar=$(mktemp)
  curl -s -o /dev/null -c "$jar" --data-urlencode "email=$1" --data-urlencode "password=demo-password" \
    "$BASE/office/login"
  awk '!/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$jar"
  rm -f "$jar"
}
MANAGER=$(cookies manager@demo.orderly)
ADMIN=$(cookies admin@demo.orderly)
TOKEN=$(login manager@demo.orderly)
# The customer with the most orders: the fullest card.
CUSTOMER=$(curl -sf "$BASE/api/v1/work-orders?limit=200" -H "Authorization: Bearer $TOKEN" |
  python3 -c 'import json,sys,collections; c=collections.Counter(o["customer_id"] for o in json.load(sys.stdin)["items"]); print(c.most_common(1)[0][0])')

run() {
  local name=$1 cookie=$2 path=$3 lua out1 out16 gz raw status
  lua=$(mktemp)
  printf 'wrk.headers["Cookie"] = "%s"\nwrk.headers["Accept-Encoding"] = "gzip"\n' "$cookie" > "$lua"
  read -r gz status <<<"$(curl -s -o /dev/null -H "Cookie: $cookie" -H 'Accept-Encoding: gzip' \
    -w '%{size_download} %{http_code}' "$BASE$path")"
  [ "$status" = 200 ] || { echo "$path answered $status" >&2; exit 1; }
  gz=$(( gz + $(curl -s -o /dev/null -H "Cookie: $cookie" -H 'Accept-Encoding: gzip' -w '%{size_header}' "$BASE$path") ))
  raw=$(curl -s -o /dev/null -H "Cookie: $cookie" -w '%{size_download}' "$BASE$path")
  out1=$(wrk -t1 -c1 -d"${DURATION}s" --latency -s "$lua" "$BASE$path")
  out16=$(wrk -t2 -c16 -d"${DURATION}s" -s "$lua" "$BASE$path")
  printf '| %-34s | %7s | %7s | %8s | %8.1f KB | %7.1f KB |\n' "$name" \
    "$(echo "$out1" | awk '$1=="50%" {print $2}')" \
    "$(echo "$out1" | awk '$1=="99%" {print $2}')" \
    "$(echo "$out16" | awk '/Requests\/sec/ {printf "%d", $2}')" \
    "$(echo "$gz" | awk '{print $1/1000}')" "$(echo "$raw" | awk '{print $1/1000}')"
  rm -f "$lua"
}

echo "Ten times the demo (2,000 customers), ${DURATION}s per wrk run."
echo
echo "| page | p50 | p99 | pages/s (16 conn.) | over the wire (gzip) | uncompressed |"
echo "|---|---|---|---|---|---|"
run "reminders inbox (50 a page)" "$MANAGER" "/office/reminders"
run "customer card" "$MANAGER" "/office/customers/$CUSTOMER"
run "dispatch board (today)" "$ADMIN" "/office/board"
read -r css_h css_b <<<"$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_header} %{size_download}' "$BASE/office/office.css")"
read -r js_h js_b <<<"$(curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_header} %{size_download}' "$BASE/office/office.js")"
echo
echo "Styles and script, once per session (then answered 304): office.css $(( css_h + css_b )) B, office.js $(( js_h + js_b )) B (gzip, headers included)."
