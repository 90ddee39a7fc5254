#!/usr/bin/env python3
"""Google OR-Tools' routing solver on Solomon's VRPTW instances, for comparison with
Orderly's solver (benches/solomon.rs) on the same instances and time limit.

    python3 bench/ortools_solomon.py [SECONDS [INSTANCE ...]]

Same objective as ours: fewest vehicles first (a large fixed cost per vehicle), then
least distance. Arc costs are Euclidean distances scaled by 1000 and rounded; the
reported distance is recomputed from each route's order in double precision.
Guided local search from a parallel cheapest-insertion start (path-cheapest-arc, the guide's default, finds no first solution for R101).
Writes target/bench/solomon-ortools.csv.
"""
import csv
import math
import os
import sys
import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

SCALE = 1000
VEHICLE_COST = 10**9


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
    return lines[0], vehicles, capacity, rows


def euclid(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1])


def solve(path, seconds):
    name, vehicles, capacity, rows = read(path)
    n = len(rows)
    dist = [[round(euclid(a, b) * SCALE) for b in rows] for a in rows]
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance(i, j):
        return dist[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def travel_and_service(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return dist[a][b] + round(rows[a][5] * SCALE)

    arc = routing.RegisterTransitCallback(distance)
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    routing.SetFixedCostOfAllVehicles(VEHICLE_COST)
    horizon = round(rows[0][4] * SCALE)
    timing = routing.RegisterTransitCallback(travel_and_service)
    routing.AddDimension(timing, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for node in range(1, n):
        index = manager.NodeToIndex(node)
        time_dim.CumulVar(index).SetRange(round(rows[node][3] * SCALE), round(rows[node][4] * SCALE))
    for v in range(vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(0, horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(0, horizon)
    demand = routing.RegisterUnaryTransitCallback(lambda i: int(rows[manager.IndexToNode(i)][2]))
    routing.AddDimensionWithVehicleCapacity(demand, 0, [capacity] * vehicles, True, "Load")

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    started = time.monotonic()
    solution = routing.SolveWithParameters(params)
    elapsed = time.monotonic() - started
    if solution is None:
        return name, 0, float("nan"), elapsed
    used, total = 0, 0.0
    for v in range(vehicles):
        index = routing.Start(v)
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        route.append(0)
        if len(route) > 2:
            used += 1
            total += sum(euclid(rows[a], rows[b]) for a, b in zip(route, route[1:]))
    return name, used, total, elapsed


def main():
    args = sys.argv[1:]
    seconds = 30.0
    if args and args[0].replace(".", "", 1).isdigit():
        seconds = float(args.pop(0))
    folder = os.environ.get("ORDERLY_SOLOMON_DIR", "bench/data/solomon")
    best = list(csv.DictReader(open(os.path.join(folder, "best_known.csv"))))
    if args:
        best = [b for b in best if b["instance"] in args]
    import ortools
    print(f"OR-Tools {ortools.__version__} routing solver, {seconds:g} s per instance, 1 thread\n")
    print("| instance | best vehicles | best distance | vehicles | distance | distance ÷ best | seconds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    out = ["instance,vehicles,distance,seconds"]
    ratios = []
    for b in best:
        name, used, total, elapsed = solve(os.path.join(folder, b["instance"] + ".txt"), seconds)
        ratio = total / float(b["distance"])
        ratios.append(ratio)
        print(f"| {b['instance']} | {b['vehicles']} | {float(b['distance']):.2f} | {used} | {total:.2f} | {ratio:.4f} | {elapsed:.1f} |")
        out.append(f"{b['instance']},{used},{total:.2f},{elapsed:.2f}")
    print(f"\nmean distance ÷ best-known: {sum(ratios) / max(len(ratios), 1):.4f}")
    os.makedirs("target/bench", exist_ok=True)
    with open("target/bench/solomon-ortools.csv", "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
