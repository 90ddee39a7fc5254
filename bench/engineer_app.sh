#!/usr/bin/env bash
# The engineer's route page: bytes over the wire on the first load and on a load
# with everything cached (the app's files revalidated, answered 304), gzip on,
# against the demo company (release build, SQLite, engineer1's day).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
data=$(mktemp -d)
port=8097
ORDERLY_DATA_DIR="$data" ORDERLY_LOG=warn ./target/release/orderly serve --demo --bind "127.0.0.1:$port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -sf "127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"engineer1@demo.orderly","password":"demo-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

# bytes (headers + body) of one request; extra curl arguments follow the path
fetch() {
  local path=$1; shift
  curl -s -o /dev/null -H 'Accept-Encoding: gzip' "$@" -w '%{size_header} %{size_download} %{http_code}' "$base$path"
}
etag() { curl -s -D - -o /dev/null "$base$1" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}'; }

first=0; cached=0
printf '| resource | first load | cached load |\n|---|---|---|\n'
for path in /app/ /app/app.js /app/app.css /app/sw.js; do
  read -r h1 b1 _ <<<"$(fetch "$path")"
  tag=$(etag "$path")
  if [ -n "$tag" ]; then read -r h2 b2 s2 <<<"$(fetch "$path" -H "If-None-Match: $tag")"; else read -r h2 b2 s2 <<<"$(fetch "$path")"; fi
  printf '| `%s` | %d B | %d B (%s) |\n' "$path" $((h1 + b1)) $((h2 + b2)) "$s2"
  first=$((first + h1 + b1)); cached=$((cached + h2 + b2))
done
visits=$(curl -s -H "Authorization: Bearer $token" "$base/api/v1/my/visits" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
read -r h b _ <<<"$(fetch /api/v1/my/visits -H "Authorization: Bearer $token")"
printf '| `/api/v1/my/visits` (%d visits) | %d B | %d B |\n' "$visits" $((h + b)) $((h + b))
first=$((first + h + b)); cached=$((cached + h + b))
printf '| **total** | **%d B** | **%d B** |\n' "$first" "$cached"
