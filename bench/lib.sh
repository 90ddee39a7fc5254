# Shared by the bench scripts (source it): a release server on the demo company,
# stopped and its data folder removed at exit, and logins.

# start_demo PORT [SCALE]: builds, then serves the demo (SCALE× its customers) on
# 127.0.0.1:PORT, in a fresh data folder on SQLite; sets BASE.
start_demo() {
  local port=$1 scale=${2:-1}
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  cargo build --release --quiet
  DATA=$(mktemp -d)
  BASE="http://127.0.0.1:$port"
  env -u DATABASE_URL ORDERLY_DATA_DIR="$DATA" ORDERLY_BIND="127.0.0.1:$port" ORDERLY_LOG=warn \
    target/release/orderly serve --demo --demo-scale "$scale" &
  PID=$!
  trap 'kill $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
  for _ in $(seq 1 600); do curl -sf "$BASE/api/v1/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "the server did not start" >&2
  return 1
}

# login EMAIL: an access token of a demo user.
login() {
  curl -sf -X POST "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-password\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
