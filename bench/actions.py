#!/usr/bin/env python3
"""Latency of work-order writes against a running Orderly (loopback only).

Creates N work orders, then takes each through `agree` and `send-to-scheduling`,
from T client threads with keep-alive connections, and prints p50/p99 per step.
Usage: actions.py BASE_URL MANAGER_TOKEN [N=1000] [THREADS=4]
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

base, token = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 4
url = urllib.parse.urlparse(base)
assert url.hostname in ("127.0.0.1", "localhost"), "benchmarks talk to loopback only"
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def connect():
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def call(conn, method, path, body=None):
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    res = conn.getresponse()
    data = res.read()
    return res.status, (json.loads(data) if data else None)


def customers_with_sites(conn, wanted):
    """(customer_id, site_id) pairs from the site list."""
    pairs, cursor = [], None
    while len(pairs) < wanted:
        path = "/api/v1/sites?limit=200" + (f"&cursor={cursor}" if cursor else "")
        status, page = call(conn, "GET", path)
        assert status == 200, page
        pairs += [(s["customer_id"], s["id"]) for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    return [pairs[i % len(pairs)] for i in range(wanted)]


def run_step(name, jobs):
    """jobs: list of (method, path, body); returns latencies in ms and the answers."""
    latencies, answers, lock = [], [None] * len(jobs), threading.Lock()
    chunks = [list(range(i, len(jobs), threads)) for i in range(threads)]

    def worker(indices):
        conn = connect()
        for i in indices:
            method, path, body = jobs[i]
            t0 = time.perf_counter()
            status, answer = call(conn, method, path, body)
            elapsed = (time.perf_counter() - t0) * 1000
            if status not in (200, 201):
                raise SystemExit(f"{name}: {status} {answer}")
            with lock:
                latencies.append(elapsed)
            answers[i] = answer

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    print(f"| {name:<36} | {len(latencies):>6} | {len(latencies) / wall:>9.0f} | {p(0.50):>7.2f} ms | {p(0.99):>7.2f} ms |")
    return answers


conn = connect()
pairs = customers_with_sites(conn, n)
print(f"| write ({threads} client threads) | requests | per second | p50 | p99 |")
print("|---|---|---|---|---|")
line = [{"description": "Cartridge set change", "quantity": 1, "unit_price": 145000}]
created = run_step("POST /work-orders", [
    ("POST", "/api/v1/work-orders", {"customer_id": c, "site_id": s, "scope_lines": line}) for c, s in pairs
])
ids = [a["work_order"]["id"] for a in created]
run_step("POST …/actions/agree", [("POST", f"/api/v1/work-orders/{i}/actions/agree", {"version": 1}) for i in ids])
run_step("POST …/actions/send-to-scheduling",
         [("POST", f"/api/v1/work-orders/{i}/actions/send-to-scheduling", {"version": 2}) for i in ids])
