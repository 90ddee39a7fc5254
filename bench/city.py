"""What the city comparisons share: reading the problem Orderly's bench wrote
(`cargo bench --bench city_plan -- ... --write FILE`), scoring a plan on its own
matrix, and the CSV and table every solver writes, so that bench/routing.sh can
set Orderly, OR-Tools and VROOM side by side on one generated week.

A solver script calls `main(label, csv_name, solve)` where `solve(problem, seconds)`
returns `(routes, seconds_taken)`: routes as `((vehicle, shift), [job index, ...])`.
Arguments: PROBLEM.json SECONDS LABEL; appends to target/bench/city-<csv_name>.csv.

Times in the problem are Unix seconds; job windows bound the start of the work.
The cost both Python solvers minimise, after the most valuable orders placed, is
Orderly's own: a minute of driving weighs as much as a kilometre.
"""
import csv
import json
import os
import resource
import sys

# Orderly's weights (src/routing/solver.rs): per second of time, per metre.
PER_SECOND, PER_METRE = 0.0166, 0.001


class Problem:
    def __init__(self, path):
        raw = json.load(open(path))
        m = raw["matrix"]
        self.size = m["size"]
        self.durations = m["durations"]
        self.distances = m["distances"]
        self.jobs = raw["jobs"]
        self.vehicles = raw["vehicles"]
        self.feasible = raw["feasible"]
        # Every shift as its own vehicle, in order: (vehicle index, shift index, shift).
        self.shifts = [(v, s, shift) for v, vehicle in enumerate(self.vehicles)
                       for s, shift in enumerate(vehicle["shifts"])]
        self.base = min(shift["start"] for _, _, shift in self.shifts)

    def duration(self, a, b):
        return self.durations[a * self.size + b]

    def distance(self, a, b):
        return self.distances[a * self.size + b]

    def rows(self, what):
        """The matrix `what` ("durations" or "distances") as a list of rows."""
        flat, n = getattr(self, what), self.size
        return [flat[i * n:(i + 1) * n] for i in range(n)]

    def skill_ids(self):
        names = sorted({s for j in self.jobs for s in j["skills"]} |
                       {s for v in self.vehicles for s in v["skills"]})
        return {name: i for i, name in enumerate(names)}

    def allowed(self, job):
        """Indices into `shifts` that may take `job` (skills, or its pin)."""
        if job["pinned"]:
            vid, shift = job["pinned"]
            return [k for k, (v, s, _) in enumerate(self.shifts)
                    if self.vehicles[v]["id"] == vid and s == shift]
        return [k for k, (v, _, _) in enumerate(self.shifts)
                if set(job["skills"]) <= set(self.vehicles[v]["skills"])]


def score(problem, routes):
    """(new orders planned, booked visits kept, driving hours, km) of `routes`."""
    planned = kept = seconds = metres = 0
    for (v, s), stops in routes:
        shift = problem.vehicles[v]["shifts"][s]
        at = shift["start_location"]
        for j in stops:
            job = problem.jobs[j]
            seconds += problem.duration(at, job["location"])
            metres += problem.distance(at, job["location"])
            at = job["location"]
            if job["id"].startswith("o:"):
                planned += 1
            else:
                kept += 1
        if stops and shift["end_location"] is not None:
            seconds += problem.duration(at, shift["end_location"])
            metres += problem.distance(at, shift["end_location"])
    return planned, kept, seconds / 3600, metres / 1000


def main(name, csv_name, solve):
    path, seconds, label = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    problem = Problem(path)
    routes, elapsed = solve(problem, seconds)
    planned, kept, hours, km = score(problem, routes)
    booked = sum(1 for j in problem.jobs if j["id"].startswith("b:"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name}: {label}, {seconds:g} s: planned {planned} / {problem.feasible}, "
          f"kept {kept} / {booked}, {hours:.0f} h driving, {km:.0f} km, "
          f"{elapsed:.1f} s, {peak:.0f} MiB")
    os.makedirs("target/bench", exist_ok=True)
    with open(f"target/bench/city-{csv_name}.csv", "a", newline="") as f:
        csv.writer(f).writerow([label, f"{seconds:g}", f"{elapsed:.2f}", planned, problem.feasible,
                                kept, booked, f"{hours:.1f}", f"{km:.1f}", f"{peak:.0f}"])


def table(label, seconds):
    """The side-by-side table of the last run of each solver on `label` at `seconds`."""
    print(f"\n{label}, {seconds:g} s budget\n")
    print("| solver | took | orders planned / feasible | booked kept | driving | distance | peak memory |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for solver in ("orderly", "ortools", "vroom"):
        try:
            rows = list(csv.reader(open(f"target/bench/city-{solver}.csv")))
        except FileNotFoundError:
            continue
        rows = [r for r in rows if r[0] == label and float(r[1]) == seconds]
        if not rows:
            continue
        _, _, took, planned, feasible, kept, booked, hours, km, peak = rows[-1]
        share = 100 * int(planned) / max(int(feasible), 1)
        print(f"| {solver} | {float(took):.1f} s | {planned} / {feasible} ({share:.1f} %) | "
              f"{kept} / {booked} | {float(hours):.0f} h | {float(km):.0f} km | {peak} MiB |")


if __name__ == "__main__":
    table(sys.argv[1], float(sys.argv[2]))
