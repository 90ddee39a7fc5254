#!/usr/bin/env bash
# Day planning figures (README "Routes"):
# Solomon's instances through Orderly's solver and through Google
# OR-Tools at the same time limit, side by side.
#   bash bench/routing.sh [SECONDS]     (default 30 s per Solomon instance)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
cargo bench --bench day_plan 2>&1 | grep -v " index created in "
python3 -c 'import ortools' 2>/dev/null || pip install -q ortools
cargo bench --bench solomon -- "$seconds" 2>&1 | grep -v ' index created in '
python3 bench/ortools_solomon.py "$seconds"
python3 - <<'PY'
import csv
ours = {r["instance"]: r for r in csv.DictReader(open("target/bench/solomon-orderly.csv"))}
theirs = {r["instance"]: r for r in csv.DictReader(open("target/bench/solomon-ortools.csv"))}
print("\nSide by side (distance and time: Orderly ÷ OR-Tools)\n")
print("| instance | Orderly vehicles | OR-Tools vehicles | Orderly distance | OR-Tools distance | distance ratio | time ratio |")
print("|---|---:|---:|---:|---:|---:|---:|")
dr, tr = [], []
for name, o in ours.items():
    t = theirs.get(name)
    if not t:
        continue
    d = float(o["distance"]) / float(t["distance"])
    s = float(o["seconds"]) / float(t["seconds"])
    dr.append(d); tr.append(s)
    print(f"| {name} | {o['vehicles']} | {t['vehicles']} | {float(o['distance']):.2f} | {float(t['distance']):.2f} | {d:.4f} | {s:.2f} |")
if dr:
    print(f"| mean | | | | | {sum(dr)/len(dr):.4f} | {sum(tr)/len(tr):.2f} |")
PY
