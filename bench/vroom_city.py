#!/usr/bin/env python3
"""VROOM (the `pyvroom` package) on the generated city week Orderly's bench wrote,
beside Orderly (benches/city_plan.rs) and OR-Tools (bench/ortools_city.py).

    python3 bench/vroom_city.py PROBLEM.json SECONDS LABEL

Every engineer's day is a vehicle with its shift as time window, its skills, its
lunch as a break and its most visits as `max_tasks`; a booked visit is pinned to
its day through a skill only that vehicle has, at its booked time. Priorities keep
Orderly's order (urgent, high, normal, low; booked above all), costs its weights
(60 per hour, 1 per km). Exploration level 5, two threads, stopped at the limit.
"""
from datetime import timedelta
from importlib.metadata import version
import time

import numpy
import vroom

import city

# Orderly's worth of an order (src/routing/planner.rs) → VROOM's 0–100 priority.
PRIORITY = {1_000_000: 100, 10_000: 90, 1_000: 50, 100: 10, 10: 1}


def solve(problem, seconds):
    base = problem.base
    skills = problem.skill_ids()
    n = problem.size
    model = vroom.Input()
    model.set_durations_matrix("car", numpy.array(problem.durations, dtype=numpy.uint32).reshape(n, n))
    model.set_distances_matrix("car", numpy.array(problem.distances, dtype=numpy.uint32).reshape(n, n))
    pins = {}
    vehicles = []
    for k, (v, s, shift) in enumerate(problem.shifts):
        vehicle = problem.vehicles[v]
        pin = len(skills) + k
        pins[(vehicle["id"], s)] = pin
        lunch = shift["lunch"]
        vehicles.append(vroom.Vehicle(
            id=k,
            start=shift["start_location"],
            end=shift["end_location"],
            skills={skills[name] for name in vehicle["skills"]} | {pin},
            time_window=vroom.TimeWindow(shift["start"] - base, shift["end"] - base),
            breaks=[vroom.Break(k, time_windows=[vroom.TimeWindow(lunch["earliest"] - base, lunch["latest"] - base)],
                                service=lunch["duration"])] if lunch else [],
            costs=vroom.VehicleCosts(per_hour=round(city.PER_SECOND * 3600), per_km=round(city.PER_METRE * 1000)),
            max_tasks=vehicle["max_jobs"],
        ))
    model.add_vehicle(vehicles)
    jobs = []
    for i, job in enumerate(problem.jobs):
        wanted = {pins[tuple(job["pinned"])]} if job["pinned"] else {skills[name] for name in job["skills"]}
        jobs.append(vroom.Job(
            id=i,
            location=job["location"],
            default_service=job["duration"],
            skills=wanted,
            priority=PRIORITY.get(int(job["value"]), 10),
            time_windows=[vroom.TimeWindow(a - base, b - base) for a, b in job["windows"]],
        ))
    model.add_job(jobs)
    started = time.monotonic()
    solution = model.solve(exploration_level=5, nb_threads=2, timeout=timedelta(seconds=seconds))
    elapsed = time.monotonic() - started
    steps = solution.routes
    routes = []
    for k, route in steps[steps["type"] == "job"].groupby("vehicle_id", sort=False):
        v, s, _ = problem.shifts[int(k)]
        routes.append(((v, s), [int(i) for i in route["id"]]))
    return routes, elapsed


if __name__ == "__main__":
    city.main(f"VROOM (pyvroom {version('pyvroom')}), exploration level 5, 2 threads", "vroom", solve)
