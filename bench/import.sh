#!/usr/bin/env bash
# Import at the issue's size (#10): 100,000 customers with their sites, contacts and
# equipment (100,000 sites, 100,000 contacts, 150,000 pieces of equipment) from CSV
# into a fresh SQLite database with the release build's `orderly import`, then the
# same files again (every row an update). Aim: the first import under 60 s.
# Usage: bench/import.sh [customers, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
cargo build --release --quiet
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ORDERLY_DATA_DIR="$WORK/data" ORDERLY_LOG=warn ORDERLY_JWT_SECRET=bench-secret-bench-secret-bench-secret
unset DATABASE_URL ORDERLY_CONFIG
mkdir -p "$WORK/files"

python3 - "$N" "$WORK/files" <<'PY'
import csv, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
random.seed(7)
first = ["Olena", "Petro", "Iryna", "Taras", "Oksana", "Andrii", "Mariia", "Bohdan"]
last = ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk"]
cities = ["Kyiv", "Lviv", "Odesa", "Dnipro", "Kharkiv", "Vinnytsia"]
def w(name, header, rows):
    with open(f"{out}/{name}.csv", "w", newline="") as f:
        c = csv.writer(f); c.writerow(header); c.writerows(rows)
w("customers", ["id", "name", "kind", "segment", "tags", "notes"],
  ((f"C{i}", f"{random.choice(first)} {random.choice(last)} {i}", "person", "b2c",
    "filter;north" if i % 3 == 0 else "", "came from the old CRM") for i in range(n)))
w("sites", ["id", "customer_id", "address_line1", "city", "postal_code", "latitude", "longitude"],
  ((f"S{i}", f"C{i}", f"Street {i % 500} {i % 97 + 1}", random.choice(cities), f"0{i % 9000 + 1000}",
    f"{50 + random.random():.5f}", f"{30 + random.random():.5f}") for i in range(n)))
w("contacts", ["id", "customer_id", "site_id", "name", "phones", "email", "consent_marketing"],
  ((f"P{i}", f"C{i}", f"S{i}", f"{random.choice(first)}", f"+38067{i:07d}",
    f"c{i}@example.com", "yes" if i % 2 else "no") for i in range(n)))
w("equipment", ["id", "site_id", "kind", "model", "serial_number", "installed_on"],
  ((f"E{j}", f"S{j % n}", "reverse osmosis filter" if j < n else "softener", f"RO-{j % 7}",
    f"SN{j:08d}", f"20{j % 6 + 18}-0{j % 9 + 1}-1{j % 9}") for j in range(n * 3 // 2)))
PY

target/release/orderly migrate >/dev/null
target/release/orderly user add --email owner@bench.orderly --name Owner --role owner --password bench-password >/dev/null
wc -l "$WORK"/files/*.csv | sed 's/^/  /'

run() {
  local label=$1
  local start end
  start=$(date +%s.%N)
  target/release/orderly import "$WORK/files" --source bench
  end=$(date +%s.%N)
  printf '%s: %.1f s\n' "$label" "$(echo "$end - $start" | bc)"
}
run "first import (all created)"
run "second import (all updated)"
ls -la "$ORDERLY_DATA_DIR" | sed 's/^/  /'
