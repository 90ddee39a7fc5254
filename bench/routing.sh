#!/usr/bin/env bash
# Day planning figures (README "Routes"):
# Solomon's instances through Orderly's solver, Google OR-Tools and VROOM at the
# same time limits, side by side, then Orderly's spread over five seeds.
#   bash bench/routing.sh [SECONDS ...]     (default: 1 5 30 s per instance)
#   ORDERLY_ROUTING_SEEDS=0 skips the spread; ORDERLY_ROUTING_DAY=0 skips the day plan.
set -euo pipefail
cd "$(dirname "$0")/.."
budgets=("${@:-1 5 30}")
read -r -a budgets <<<"${budgets[*]}"
python3 -c 'import ortools' 2>/dev/null || pip install -q ortools
python3 -c 'import vroom' 2>/dev/null || pip install -q pyvroom
quiet() { grep -v ' index created in ' || true; }
cargo bench --no-run --bench solomon --bench day_plan 2>&1 | tail -1
if [ "${ORDERLY_ROUTING_DAY:-1}" != 0 ]; then
  cargo bench --bench day_plan 2>&1 | quiet
fi
for s in "${budgets[@]}"; do
  cargo bench --bench solomon -- "$s" 2>&1 | quiet
  python3 bench/ortools_solomon.py "$s"
  python3 bench/vroom_solomon.py "$s"
done
seeds=${ORDERLY_ROUTING_SEEDS:-5}
spread_budget=${budgets[1]:-${budgets[0]}}
for ((seed = 1; seed <= seeds; seed++)); do
  ORDERLY_SOLOMON_THREADS=1 ORDERLY_SOLOMON_SEED=$seed cargo bench --bench solomon -- "$spread_budget" 2>&1 | quiet >/dev/null
done
python3 bench/routing_table.py "$seeds" "$spread_budget" "${budgets[@]}"
