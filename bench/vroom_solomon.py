#!/usr/bin/env python3
"""VROOM (the `pyvroom` package) on Solomon's VRPTW instances, beside Orderly's
solver (benches/solomon.rs) and OR-Tools (bench/ortools_solomon.py).

    python3 bench/vroom_solomon.py [SECONDS [INSTANCE ...]]

The same integer travel as the others (Euclidean × 1000, rounded) as durations and
costs; fewest vehicles first through a large fixed cost per vehicle, then least
distance. Exploration level 5 (VROOM's most thorough), two threads (this machine's
cores, as Orderly), stopped at the time limit; VROOM often finishes before it.
"""
import time
from importlib.metadata import version
from datetime import timedelta

import vroom

import solomon

VEHICLE_COST = 10**7


def solve(instance, seconds):
    rows, scale = instance.rows, solomon.SCALE
    problem = vroom.Input()
    matrix = instance.scaled_matrix()
    problem.set_durations_matrix("car", matrix)
    problem.set_costs_matrix("car", matrix)
    depot = rows[0]
    window = vroom.TimeWindow(round(depot[3] * scale), round(depot[4] * scale))
    problem.add_vehicle([
        vroom.Vehicle(
            id=v,
            start=0,
            end=0,
            capacity=[instance.capacity],
            time_window=window,
            costs=vroom.VehicleCosts(fixed=VEHICLE_COST, per_hour=3600),
        )
        for v in range(instance.vehicles)
    ])
    problem.add_job([
        vroom.Job(
            id=c,
            location=c,
            default_service=round(r[5] * scale),
            delivery=[int(r[2])],
            time_windows=[vroom.TimeWindow(round(r[3] * scale), round(r[4] * scale))],
        )
        for c, r in enumerate(rows) if c > 0
    ])
    started = time.monotonic()
    solution = problem.solve(exploration_level=5, nb_threads=2, timeout=timedelta(seconds=seconds))
    elapsed = time.monotonic() - started
    steps = solution.routes
    routes = []
    for _, route in steps[steps["type"] == "job"].groupby("vehicle_id", sort=False):
        routes.append([int(i) for i in route["id"]])
    return routes, elapsed


if __name__ == "__main__":
    solomon.main(f"VROOM (pyvroom {version('pyvroom')}), exploration level 5, 2 threads", "vroom", solve)
