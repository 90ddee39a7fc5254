#!/usr/bin/env python3
"""Google OR-Tools' routing solver on Solomon's VRPTW instances, for comparison with
Orderly's solver (benches/solomon.rs) on the same instances and time limit.

    python3 bench/ortools_solomon.py [SECONDS [INSTANCE ...]]

Same objective as ours: fewest vehicles first (a large fixed cost per vehicle), then
least distance. Arc costs are Euclidean distances scaled by 1000 and rounded; the
reported distance is recomputed from each route's order in double precision.
Guided local search from a parallel cheapest-insertion start (path-cheapest-arc, the
guide's default, finds no first solution for R101). OR-Tools' routing search runs on
one thread.
"""
import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

import solomon

VEHICLE_COST = 10**9


def solve(instance, seconds):
    rows, scale, vehicles = instance.rows, solomon.SCALE, instance.vehicles
    n = len(rows)
    dist = instance.scaled_matrix()
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def distance(i, j):
        return dist[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def travel_and_service(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return dist[a][b] + round(rows[a][5] * scale)

    arc = routing.RegisterTransitCallback(distance)
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    routing.SetFixedCostOfAllVehicles(VEHICLE_COST)
    horizon = round(rows[0][4] * scale)
    timing = routing.RegisterTransitCallback(travel_and_service)
    routing.AddDimension(timing, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for node in range(1, n):
        index = manager.NodeToIndex(node)
        time_dim.CumulVar(index).SetRange(round(rows[node][3] * scale), round(rows[node][4] * scale))
    for v in range(vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(0, horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(0, horizon)
    demand = routing.RegisterUnaryTransitCallback(lambda i: int(rows[manager.IndexToNode(i)][2]))
    routing.AddDimensionWithVehicleCapacity(demand, 0, [instance.capacity] * vehicles, True, "Load")

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
    for v in range(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return routes, elapsed


if __name__ == "__main__":
    import ortools

    solomon.main(f"OR-Tools {ortools.__version__} routing solver, 1 thread", "ortools", solve)
