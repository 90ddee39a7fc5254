#!/usr/bin/env python3
"""Google OR-Tools' routing solver on the generated city week Orderly's bench
wrote, beside Orderly (benches/city_plan.rs) and VROOM (bench/vroom_city.py).

    python3 bench/ortools_city.py PROBLEM.json SECONDS LABEL

Every engineer's day is a vehicle: its shift bounds the time dimension, skills and
pins restrict which vehicle may visit a job, lunch is a break interval, the most
visits a count dimension. Leaving an order out costs its worth × 10^6 (more than
any day's driving: Orderly plans the most valuable work first); arcs cost
Orderly's weights (a minute's driving as a kilometre, in thousandths). Parallel
cheapest insertion, then guided local search, on OR-Tools' one thread.
"""
import time

import ortools
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

import city


def solve(problem, seconds):
    base, jobs, shifts = problem.base, problem.jobs, problem.shifts
    # Nodes: one per job, then one per place a shift starts or ends.
    ends = sorted({s["start_location"] for _, _, s in shifts} |
                  {s["end_location"] for _, _, s in shifts if s["end_location"] is not None})
    node_of_place = {place: len(jobs) + i for i, place in enumerate(ends)}
    place = [j["location"] for j in jobs] + ends
    service = [j["duration"] for j in jobs] + [0] * len(ends)
    starts = [node_of_place[s["start_location"]] for _, _, s in shifts]
    finishes = [node_of_place[s["end_location"] if s["end_location"] is not None else s["start_location"]]
                for _, _, s in shifts]
    manager = pywrapcp.RoutingIndexManager(len(place), len(shifts), starts, finishes)
    routing = pywrapcp.RoutingModel(manager)

    def arc_cost(i, j):
        a, b = place[manager.IndexToNode(i)], place[manager.IndexToNode(j)]
        return round(1000 * (city.PER_SECOND * problem.duration(a, b) + city.PER_METRE * problem.distance(a, b)))

    def travel_and_service(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return problem.duration(place[a], place[b]) + service[a]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(arc_cost))
    horizon = max(s["end"] for _, _, s in shifts) - base
    timing = routing.RegisterTransitCallback(travel_and_service)
    routing.AddDimension(timing, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for k, (_, _, s) in enumerate(shifts):
        for index in (routing.Start(k), routing.End(k)):
            time_dim.CumulVar(index).SetRange(s["start"] - base, s["end"] - base)
        lunch = s["lunch"]
        if lunch:
            brk = routing.solver().FixedDurationIntervalVar(
                lunch["earliest"] - base, lunch["latest"] - base, lunch["duration"], False, f"lunch {k}")
            time_dim.SetBreakIntervalsOfVehicle([brk], k, service)
    counted = routing.RegisterUnaryTransitCallback(lambda i: 1 if manager.IndexToNode(i) < len(jobs) else 0)
    caps = [problem.vehicles[v]["max_jobs"] or len(jobs) for v, _, _ in shifts]
    routing.AddDimensionWithVehicleCapacity(counted, 0, caps, True, "Count")
    for i, job in enumerate(jobs):
        index = manager.NodeToIndex(i)
        if job["windows"]:
            lo = min(a for a, _ in job["windows"]) - base
            hi = max(b for _, b in job["windows"]) - base
            time_dim.CumulVar(index).SetRange(lo, hi)
            gaps = sorted(job["windows"])
            for (_, b), (a, _) in zip(gaps, gaps[1:]):
                if a - b > 1:
                    time_dim.CumulVar(index).RemoveInterval(b - base + 1, a - base - 1)
        routing.VehicleVar(index).SetValues([-1] + problem.allowed(job))
        routing.AddDisjunction([index], int(job["value"]) * 10**6)
    for k in range(len(shifts)):
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(k)))

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    started = time.monotonic()
    solution = routing.SolveWithParameters(params)
    elapsed = time.monotonic() - started
    if solution is None:
        return [], elapsed
    routes = []
    for k, (v, s, _) in enumerate(shifts):
        index = solution.Value(routing.NextVar(routing.Start(k)))
        stops = []
        while not routing.IsEnd(index):
            stops.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(((v, s), stops))
    return routes, elapsed


if __name__ == "__main__":
    city.main(f"OR-Tools {ortools.__version__} routing solver, 1 thread", "ortools", solve)
