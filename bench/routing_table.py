#!/usr/bin/env python3
"""The side-by-side tables of bench/routing.sh, from the CSVs the three solvers wrote:
per budget, each instance's vehicles and distance for Orderly, OR-Tools and VROOM,
the mean ÷ best-known, and the mean distance ratio per class (C1, C2, R1, R2, RC1,
RC2); then Orderly's spread over seeds (one thread).

    python3 bench/routing_table.py SEEDS SPREAD_BUDGET BUDGET ...
"""
import csv
import os
import re
import statistics
import sys

import solomon

SOLVERS = [("orderly", "Orderly"), ("ortools", "OR-Tools"), ("vroom", "VROOM")]


def load(name):
    path = f"target/bench/{name}.csv"
    if not os.path.exists(path):
        return {}
    return {r["instance"]: r for r in csv.DictReader(open(path))}


def tag(seconds):
    return f"{float(seconds):g}s"


def klass(instance):
    return re.match(r"[A-Z]+\d", instance).group(0)


def main():
    seeds, spread_budget, budgets = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    best = {r["instance"]: r for r in solomon.best_known()}
    for budget in budgets:
        runs = {key: load(f"solomon-{key}-{tag(budget)}") for key, _ in SOLVERS}
        print(f"\n### {tag(budget)} per instance\n")
        head = " | ".join(f"{label} veh. / distance" for _, label in SOLVERS)
        print(f"| instance | best-known veh. / distance | {head} | Orderly ÷ OR-Tools | Orderly ÷ VROOM |")
        print("|---|---:|" + "---:|" * (len(SOLVERS) + 2))
        ratios = {key: [] for key, _ in SOLVERS}
        by_class = {}
        for name, b in best.items():
            cells, dist = [], {}
            for key, _ in SOLVERS:
                r = runs[key].get(name)
                if r is None:
                    cells.append("—")
                    continue
                dist[key] = float(r["distance"])
                ratios[key].append(dist[key] / float(b["distance"]))
                cells.append(f"{r['vehicles']} / {dist[key]:.2f}")
            vs = []
            for other in ("ortools", "vroom"):
                if "orderly" in dist and other in dist:
                    ratio = dist["orderly"] / dist[other]
                    vs.append(f"{ratio:.4f}")
                    by_class.setdefault((klass(name), other), []).append(ratio)
                else:
                    vs.append("—")
            print(f"| {name} | {b['vehicles']} / {float(b['distance']):.2f} | " + " | ".join(cells) + " | " + " | ".join(vs) + " |")
        means = " | ".join(f"**{statistics.mean(ratios[k]):.4f}** ÷ best" if ratios[k] else "—" for k, _ in SOLVERS)
        print(f"| mean | | {means} | | |")
        classes = sorted({c for c, _ in by_class})
        print("\nOrderly's distance ÷ the other's, mean per class: " + "; ".join(
            f"{c} {statistics.mean(by_class[(c, 'ortools')]):.4f} / {statistics.mean(by_class[(c, 'vroom')]):.4f}"
            for c in classes if (c, "ortools") in by_class and (c, "vroom") in by_class
        ) + " (÷ OR-Tools / ÷ VROOM)")
    if seeds:
        runs = [load(f"solomon-orderly-{tag(spread_budget)}-seed{s}") for s in range(1, seeds + 1)]
        runs = [r for r in runs if r]
        if not runs:
            return
        print(f"\n### Orderly over {len(runs)} seeds, one thread, {tag(spread_budget)} per instance\n")
        print("| instance | vehicles | distance min | median | max | spread (max ÷ min − 1) |")
        print("|---|---|---:|---:|---:|---:|")
        per_seed = []
        for name in best:
            rows = [r[name] for r in runs if name in r]
            d = [float(r["distance"]) for r in rows]
            v = sorted({r["vehicles"] for r in rows})
            print(f"| {name} | {'–'.join(v)} | {min(d):.2f} | {statistics.median(d):.2f} | {max(d):.2f} | {max(d) / min(d) - 1:.2%} |")
        for r in runs:
            per_seed.append(statistics.mean(float(r[n]["distance"]) / float(best[n]["distance"]) for n in best if n in r))
        print(f"\nmean ÷ best-known per seed: " + ", ".join(f"{m:.4f}" for m in per_seed))


if __name__ == "__main__":
    main()
