"""A bounded loopback load test of ``ppo serve``: CLIENTS concurrent clients (threads, each with
its own connection per request) run the canned questions (defaults for their parameters) and a
raw SPARQL query in turn, for REQUESTS requests each or SECONDS seconds, and the run prints the
throughput, the p50/p95/p99 latency and the error count (any status but 200, or no answer).

    .venv/bin/python bench/load.py                          # starts ppo serve, 50 clients, 10 s
    .venv/bin/python bench/load.py --clients 50 --requests 20 --json
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000   # a server already running

Without --url it starts ``ppo serve`` on a free loopback port and stops it by its PID. Only
loopback URLs are accepted: this is a test of this machine, not of somebody else's server.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
RAW_QUERY = (
    "SELECT ?role ?label WHERE { ?role a <https://w3id.org/ppo-graph/ontology#Role> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
)


@dataclass
class Result:
    clients: int
    requests: int
    errors: int
    seconds: float
    throughput: float  # requests per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    machine: str = field(default_factory=lambda: f"{platform.machine()}, {os.cpu_count()} cores")
    error_samples: list[str] = field(default_factory=list)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def paths(base: str) -> list[str]:
    """Every canned question (as /queries lists them) and one raw /sparql query."""
    with NO_PROXY.open(f"{base}/queries", timeout=60) as response:
        listing = json.load(response)
    found = [
        f"/queries/{entry['name']}?format=json"
        for entry in listing
        if entry.get("kind") == "question"
    ]
    found.append("/sparql?" + urllib.parse.urlencode({"query": RAW_QUERY, "format": "json"}))
    return found


def run(base: str, clients: int, requests: int | None, seconds: float | None) -> Result:
    targets = paths(base)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at: list[float] = []

    def client(number: int) -> None:
        start.wait()
        done = 0
        while True:
            if requests is not None and done >= requests:
                return
            if seconds is not None and time.monotonic() >= stop_at[0]:
                return
            path = targets[(number + done) % len(targets)]
            began = time.perf_counter()
            problem = None
            try:
                with NO_PROXY.open(base + path, timeout=120) as response:
                    response.read()
                    if response.status != 200:
                        problem = f"{response.status} {path}"
            except Exception as exc:  # an HTTP error status or no answer: counted, not raised
                problem = f"{type(exc).__name__}: {exc} ({path})"
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if problem:
                    errors.append(problem)
            done += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(time.monotonic() + (seconds or 0))
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return Result(
        clients=clients,
        requests=len(ordered),
        errors=len(errors),
        seconds=round(wall, 3),
        throughput=round(len(ordered) / wall, 1) if wall else 0.0,
        p50_ms=round(percentile(ordered, 0.50) * 1000, 1),
        p95_ms=round(percentile(ordered, 0.95) * 1000, 1),
        p99_ms=round(percentile(ordered, 0.99) * 1000, 1),
        max_ms=round((ordered[-1] if ordered else 0) * 1000, 1),
        error_samples=errors[:5],
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(extra_args: list[str]) -> Iterator[str]:
    """``ppo serve`` on a free loopback port for the duration, stopped by its PID."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "ppo_graph", "serve", "--port", str(port), *extra_args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                NO_PROXY.open(f"{base}/health", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    message = server.stderr.read().decode() if server.stderr else ""
                    raise SystemExit(f"ppo serve did not start: {message}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running ppo serve (loopback only); default: start one")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    bound = parser.add_mutually_exclusive_group()
    bound.add_argument("--requests", type=int, help="requests per client")
    bound.add_argument("--seconds", type=float, help="run for this long (default: 10)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--serve-arg", action="append", default=[], help="an argument for the ppo serve started"
    )
    args = parser.parse_args(argv)
    if args.clients < 1:
        parser.error("--clients must be at least 1")
    seconds = args.seconds if args.requests is None else None
    if args.requests is None and seconds is None:
        seconds = 10.0
    if args.url and not _loopback(args.url):
        parser.error(f"--url {args.url}: only a loopback server (127.0.0.1, ::1, localhost)")

    def measure(base: str) -> Result:
        return run(base.rstrip("/"), args.clients, args.requests, seconds)

    if args.url:
        result = measure(args.url)
    else:
        with served(args.serve_arg) as base:
            result = measure(base)
    if args.json:
        print(json.dumps(asdict(result), indent=2))
    else:
        print(
            f"{result.clients} clients, {result.requests} requests in {result.seconds:.1f} s "
            f"({result.machine}): {result.throughput:.1f} requests/s; latency p50 "
            f"{result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
            f"max {result.max_ms:.0f} ms; {result.errors} error(s)"
        )
        for sample in result.error_samples:
            print(f"  error: {sample}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
