"""What the Solomon comparisons share: reading an instance, recomputing a plan's
distance in double precision, and the table and CSV every solver writes, so that
bench/routing.sh can set Orderly, OR-Tools and VROOM side by side.

A solver script calls `main(label, csv_name, solve)` where `solve(instance, seconds)`
returns `(routes, seconds_taken)`: routes as lists of customer numbers, depot left out.
Arguments: [SECONDS [INSTANCE ...]]; writes target/bench/solomon-<csv_name>-<SECONDS>s.csv.
"""
import csv
import math
import os
import sys
from dataclasses import dataclass

SCALE = 1000


@dataclass
class Instance:
    name: str
    vehicles: int
    capacity: int
    # x, y, demand, ready, due, service; row 0 is the depot.
    rows: list

    def scaled_matrix(self):
        """Euclidean distances × SCALE, rounded: the integer travel every solver reads."""
        return [[round(euclid(a, b) * SCALE) for b in self.rows] for a in self.rows]


def folder():
    """Where the instances and their best-known table are."""
    return os.environ.get("ORDERLY_SOLOMON_DIR", "bench/data/solomon")


def best_known():
    """The best-known table's rows (instance, vehicles, distance), in its order."""
    return list(csv.DictReader(open(os.path.join(folder(), "best_known.csv"))))


def read(path):
    lines = [l.strip() for l in open(path)]
    header = next(i for i, l in enumerate(lines) if l.startswith("NUMBER"))
    vehicles, capacity = (int(v) for v in lines[header + 1].split())
    start = next(i for i, l in enumerate(lines) if l.startswith("CUST NO")) + 1
    rows = []
    for l in lines[start:]:
        v = l.split()
        if len(v) == 7:
            rows.append([float(x) for x in v[1:]])
    return Instance(lines[0], vehicles, capacity, rows)


def euclid(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1])


def distance(instance, routes):
    """Total distance of the routes (depot to depot), in double precision."""
    rows = instance.rows
    total = 0.0
    for route in routes:
        stops = [0] + list(route) + [0]
        total += sum(euclid(rows[a], rows[b]) for a, b in zip(stops, stops[1:]))
    return total


def main(label, csv_name, solve):
    args = sys.argv[1:]
    seconds = 30.0
    if args and args[0].replace(".", "", 1).isdigit():
        seconds = float(args.pop(0))
    best = best_known()
    if args:
        best = [b for b in best if b["instance"] in args]
    print(f"{label}, {seconds:g} s per instance\n")
    print("| instance | best vehicles | best distance | vehicles | distance | distance ÷ best | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    out = ["instance,vehicles,distance,seconds"]
    ratios = []
    for b in best:
        instance = read(os.path.join(folder(), b["instance"] + ".txt"))
        routes, elapsed = solve(instance, seconds)
        routes = [r for r in routes if r]
        total = distance(instance, routes)
        served = sorted(c for r in routes for c in r)
        if served != list(range(1, len(instance.rows))):
            print(f"| {b['instance']} | not every customer served ({len(served)}) |")
            total = float("nan")
        ratio = total / float(b["distance"])
        ratios.append(ratio)
        print(f"| {b['instance']} | {b['vehicles']} | {float(b['distance']):.2f} | {len(routes)} | {total:.2f} | {ratio:.4f} | {elapsed:.1f} |")
        out.append(f"{b['instance']},{len(routes)},{total:.2f},{elapsed:.2f}")
    print(f"\nmean distance ÷ best-known: {sum(ratios) / max(len(ratios), 1):.4f}")
    os.makedirs("target/bench", exist_ok=True)
    with open(f"target/bench/solomon-{csv_name}-{seconds:g}s.csv", "w") as f:
        f.write("\n".join(out) + "\n")
