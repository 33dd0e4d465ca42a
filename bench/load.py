"""A bounded loopback load test of ``ppo serve``: CLIENTS concurrent clients (threads, each with
its own connection per request) run the canned questions (defaults for their parameters) and a
raw SPARQL query in turn, for REQUESTS requests each or SECONDS seconds, and the run prints the
throughput, the p50/p95/p99 latency of the 200 answers and the error count (any status but 200,
or no answer).

    .venv/bin/python bench/load.py                          # starts ppo serve, 50 clients, 10 s
    .venv/bin/python bench/load.py --clients 50 --requests 20 --json
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000   # a server already running
    .venv/bin/python bench/load.py --one-row --runaway-series 0,4,40   # under runaway queries

With --runaways N, N more threads keep N runaway queries in flight beside the clients (each sends
the next as soon as the previous is answered); their 503 answers are expected and not errors, and
the clients' own 503 answers are counted apart from other errors. --one-row makes every client
send the same one-row raw SPARQL query. --runaway-series 0,4,40 runs the load once per value on
the same server, then once more without runaways right after the attacks ("after"), and prints
a table; it exits 1 only on errors other than 503.

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
import urllib.error
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
ONE_ROW_QUERY = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
#: The ppo serve arguments when runaways are sent and no --serve-arg is given.
RUNAWAY_SERVE_ARGS = ["--timeout", "2"]


def doubling(levels: int) -> str:
    """A string that doubles ``levels`` times (2 * 2**levels characters at the end)."""
    binds = ['BIND("ab" AS ?x0)'] + [
        f"BIND(CONCAT(?x{n - 1},?x{n - 1}) AS ?x{n})" for n in range(1, levels + 1)
    ]
    return f"SELECT ?x{levels} WHERE {{ {' '.join(binds)} }}"


#: Queries that would run for hours or grow without bound: the server must stop each one.
RUNAWAY_QUERIES = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c LIMIT 1",  # memory
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",  # CPU
    doubling(28),  # a 512 MiB string
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
    label: str = ""  # in a series: the number of runaways, or "after"
    runaways: int = 0  # runaway queries kept in flight beside the clients
    refused: int = 0  # the clients' 503 answers (counted in errors)
    other_errors: int = 0  # errors but those: other statuses, no answer, a runaway not 503
    runaway_answers: int = 0  # answers to runaway queries (503 expected)


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


def run(
    base: str,
    clients: int,
    requests: int | None,
    seconds: float | None,
    *,
    one_row: bool = False,
    runaways: int = 0,
) -> Result:
    if one_row:
        targets = ["/sparql?" + urllib.parse.urlencode({"query": ONE_ROW_QUERY, "format": "json"})]
    else:
        targets = paths(base)
    latencies: list[float] = []
    errors: list[str] = []
    refused: list[str] = []
    runaway_answers: list[int] = []
    sent_total: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + runaways + 1)
    stop_at: list[float] = []
    clients_done = threading.Event()

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
            status = 0
            try:
                with NO_PROXY.open(base + path, timeout=120) as response:
                    response.read()
                    status = response.status
                    if status != 200:
                        problem = f"{status} {path}"
            except urllib.error.HTTPError as exc:  # an error status: counted, not raised
                status = exc.code
                problem = f"{exc.code} {_message(exc)} ({path})"
            except Exception as exc:  # no answer: counted, not raised
                problem = f"{type(exc).__name__}: {exc} ({path})"
            elapsed = time.perf_counter() - began
            with lock:
                if not problem:  # the latency of answers, not of refusals
                    latencies.append(elapsed)
                sent_total.append(1)
                if problem:
                    errors.append(problem)
                    if status == 503:
                        refused.append(problem)
            done += 1

    def runaway(number: int) -> None:
        """Keep one runaway query in flight until the clients are done."""
        start.wait()
        sent = number
        while not clients_done.is_set():
            query = RUNAWAY_QUERIES[sent % len(RUNAWAY_QUERIES)]
            data = urllib.parse.urlencode({"query": query}).encode()
            problem = None
            try:
                with NO_PROXY.open(f"{base}/sparql", data=data, timeout=120) as response:
                    response.read()
                    problem = f"runaway answered {response.status}: {query[:40]}"
            except urllib.error.HTTPError as exc:
                if exc.code != 503:
                    problem = f"runaway answered {exc.code} {_message(exc)}: {query[:40]}"
            except Exception as exc:
                problem = f"runaway: {type(exc).__name__}: {exc}"
            with lock:
                runaway_answers.append(1)
                if problem:
                    errors.append(problem)
            sent += 1

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    attackers = [threading.Thread(target=runaway, args=(n,), daemon=True) for n in range(runaways)]
    for thread in threads + attackers:
        thread.start()
    stop_at.append(time.monotonic() + (seconds or 0))
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    clients_done.set()
    for thread in attackers:  # their last runaway is answered, or stopped, before returning
        thread.join()
    ordered = sorted(latencies)
    return Result(
        clients=clients,
        requests=len(sent_total),
        errors=len(errors),
        runaways=runaways,
        refused=len(refused),
        other_errors=len(errors) - len(refused),
        runaway_answers=len(runaway_answers),
        seconds=round(wall, 3),
        throughput=round(len(sent_total) / wall, 1) if wall else 0.0,
        p50_ms=round(percentile(ordered, 0.50) * 1000, 1),
        p95_ms=round(percentile(ordered, 0.95) * 1000, 1),
        p99_ms=round(percentile(ordered, 0.99) * 1000, 1),
        max_ms=round((ordered[-1] if ordered else 0) * 1000, 1),
        error_samples=[e for e in errors if e not in set(refused)][:5] + refused[:2],
    )


def _message(exc: urllib.error.HTTPError) -> str:
    """The first line of an error answer's body."""
    try:
        text = exc.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return text.strip().splitlines()[0][:120] if text.strip() else ""


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


def series_values(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        values = []
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of counts such as 0,4,40")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running ppo serve (loopback only); default: start one")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    bound = parser.add_mutually_exclusive_group()
    bound.add_argument("--requests", type=int, help="requests per client")
    bound.add_argument("--seconds", type=float, help="run for this long (default: 10)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--one-row",
        action="store_true",
        help="every client sends only a one-row raw SPARQL query (default: the canned questions "
        "and a raw query in turn)",
    )
    attack = parser.add_mutually_exclusive_group()
    attack.add_argument(
        "--runaways",
        type=int,
        default=0,
        metavar="N",
        help="keep N runaway queries in flight beside the clients (their 503s are expected)",
    )
    attack.add_argument(
        "--runaway-series",
        type=series_values,
        metavar="N,N,...",
        help="run once per number of runaways (e.g. 0,4,40), then once without right after",
    )
    parser.add_argument(
        "--serve-arg",
        action="append",
        default=[],
        help="an argument for the ppo serve started (with runaways, default: --timeout 2)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1:
        parser.error("--clients must be at least 1")
    if args.runaways < 0:
        parser.error("--runaways must be 0 or more")
    seconds = args.seconds if args.requests is None else None
    if args.requests is None and seconds is None:
        seconds = 10.0
    if args.url and not _loopback(args.url):
        parser.error(f"--url {args.url}: only a loopback server (127.0.0.1, ::1, localhost)")
    series: list[int] | None = args.runaway_series
    serve_args = args.serve_arg
    if not serve_args and (series or args.runaways):
        serve_args = RUNAWAY_SERVE_ARGS

    def measure(base: str, runaways: int, label: str = "") -> Result:
        result = run(
            base.rstrip("/"),
            args.clients,
            args.requests,
            seconds,
            one_row=args.one_row,
            runaways=runaways,
        )
        result.label = label
        return result

    def measure_all(base: str) -> list[Result]:
        if series is None:
            return [measure(base, args.runaways)]
        results = [measure(base, count, str(count)) for count in series]
        return [*results, measure(base, 0, "after")]

    if args.url:
        results = measure_all(args.url)
    else:
        with served(serve_args) as base:
            results = measure_all(base)
    if series is None:
        result = results[0]
        if args.json:
            print(json.dumps(asdict(result), indent=2))
        else:
            print(
                f"{result.clients} clients, {result.requests} requests in {result.seconds:.1f} s "
                f"({result.machine}): {result.throughput:.1f} requests/s; latency p50 "
                f"{result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
                f"max {result.max_ms:.0f} ms; {result.errors} error(s)"
                + (
                    f" ({result.refused} refused with 503, {result.other_errors} other); "
                    f"{result.runaway_answers} runaway queries answered"
                    if result.runaways
                    else ""
                )
            )
            for sample in result.error_samples:
                print(f"  error: {sample}")
        if result.runaways:
            return 1 if result.other_errors else 0
        return 1 if result.errors else 0
    if args.json:
        print(json.dumps([asdict(result) for result in results], indent=2))
    else:
        print(table(results, serve_args, args.one_row))
        for result in results:
            for sample in result.error_samples:
                print(f"  error ({result.label}): {sample}")
    return 1 if any(result.other_errors for result in results) else 0


def table(results: list[Result], serve_args: list[str], one_row: bool) -> str:
    """The series as a Markdown table."""
    first = results[0]
    what = "a one-row raw SPARQL query" if one_row else "the canned questions and a raw query"
    lines = [
        f"{first.clients} clients sending {what} ({first.machine}; ppo serve "
        f"{' '.join(serve_args)})",
        "",
        "| runaways | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | clients' 503 "
        "| other errors | runaway answers |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.label} | {r.requests} | {r.throughput:.1f} | {r.p50_ms:.0f} | {r.p95_ms:.0f} "
            f"| {r.p99_ms:.0f} | {r.max_ms:.0f} | {r.refused} | {r.other_errors} "
            f"| {r.runaway_answers} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
