#!/usr/bin/env bash
# A company's week at scale (README "Routes", "A week for fifty engineers"):
# a generated city around Kyiv planned by Orderly, OR-Tools and VROOM on the same
# problem and time, side by side.
#   bash bench/city.sh [ENGINEERSxORDERSxDAYS:SECONDS ...]
#   (default: 50x1000x5:60 200x4000x14:300)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=("${@:-50x1000x5:60 200x4000x14:300}")
read -r -a runs <<<"${runs[*]}"
python3 -c 'import ortools' 2>/dev/null || pip install -q ortools
python3 -c 'import vroom' 2>/dev/null || pip install -q pyvroom
cargo bench --no-run --bench city_plan 2>&1 | tail -1
mkdir -p target/bench
for run in "${runs[@]}"; do
  size=${run%%:*} seconds=${run##*:}
  IFS=x read -r engineers orders days <<<"$size"
  problem=target/bench/city-$size.json
  cargo bench --bench city_plan -- "$engineers" "$orders" "$days" "$seconds" --write "$problem" >/dev/null
  cargo bench --bench city_plan -- "$engineers" "$orders" "$days" "$seconds" | tail -1
  python3 bench/ortools_city.py "$problem" "$seconds" "$size" || echo "OR-Tools failed on $size"
  python3 bench/vroom_city.py "$problem" "$seconds" "$size" || echo "VROOM failed on $size"
  python3 bench/city.py "$size" "$seconds"
done
