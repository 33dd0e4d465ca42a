"""Runaway queries against a real ``ppo serve --timeout 2 --memory-limit 512 --max-long 2``: each
is answered 503 with a message within the deadline plus a margin, the server's process tree stays
under a memory cap while they run, and afterwards the tree is idle again and a one-row query is
answered at once. ``ppo query --file`` stops a runaway the same way and leaves no process behind.

The server's process tree is the server and every descendant (the zygote and its workers), found
through the parent links in ``/proc/PID/stat``."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_serve_live import NO_PROXY, ppo_serve

if not Path("/proc/self/stat").exists():
    pytest.skip("reads the process tree from /proc (Linux)", allow_module_level=True)

TIMEOUT = 2.0
MEMORY_MIB = 512
MAX_LONG = 2
MAX_INFLIGHT = 24  # so that forty at once meet the bound
SERVE_ARGS = (
    "--timeout",
    f"{TIMEOUT:g}",
    "--memory-limit",
    str(MEMORY_MIB),
    "--max-long",
    str(MAX_LONG),
    "--max-inflight",
    str(MAX_INFLIGHT),
    "--client-timeout",
    "1",
)
#: A worker's own memory beyond its allowance (its share of the interpreter and graph, the
#: answer being built) and the server's buffers for one request, in MiB.
SLACK_MIB = 100
#: How many workers beyond --max-long may hold memory at once: the ones not yet long (under a
#: quarter second old) and the ones being torn down after their kill.
EXTRA_WORKERS = 2
MIB = 1024 * 1024
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
ONE_ROW = "SELECT ?s { ?s ?p ?o } LIMIT 1"


def doubling(levels: int) -> str:
    """A string that doubles ``levels`` times: 2 * 2**levels characters at the end."""
    binds = ['BIND("ab" AS ?x0)'] + [
        f"BIND(CONCAT(?x{n - 1},?x{n - 1}) AS ?x{n})" for n in range(1, levels + 1)
    ]
    return f"SELECT ?x{levels} {{ {' '.join(binds)} }}"


RUNAWAYS = (
    "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c LIMIT 1",  # memory grows fast
    "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",  # hours of CPU
    doubling(29),  # 1 GiB of string, twice the allowance
    doubling(27),  # 256 MiB at the end, 512 MiB with the strings before it
)


# -- the process tree ---------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3, the state, first)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def tree(root: int) -> list[int]:
    """``root`` and all its descendants now living."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def memory(pids: list[int]) -> int:
    """Bytes the processes hold: the sum of their proportional set sizes (a page shared by
    forked copies counted once in all, not once per process), or of their RSS without PSS."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
                total += next(int(ln.split()[1]) * 1024 for ln in rollup if ln.startswith("Pss:"))
            continue
        except (OSError, StopIteration):
            pass
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * PAGE
        except (OSError, IndexError):
            pass
    return total


def cpu_ticks(pids: list[int]) -> dict[tuple[int, str], int]:
    """utime + stime of each process, by (pid, start time) so a recycled pid is a new key."""
    ticks = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            ticks[(pid, fields[19])] = int(fields[11]) + int(fields[12])
    return ticks


def cpu_seconds(root: int, window: float = 1.0) -> float:
    """CPU seconds the tree of ``root`` used during the next ``window`` seconds."""
    before = cpu_ticks(tree(root))
    time.sleep(window)
    after = cpu_ticks(tree(root))
    return sum(t - before.get(key, 0) for key, t in after.items()) / CLK_TCK


@dataclass
class Sampler:
    """The tree's memory every 0.1 s, in a thread, until :meth:`stop`."""

    root: int
    peak: int = 0
    samples: int = 0
    _done: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Sampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, memory(tree(self.root)))
            self.samples += 1
            self._done.wait(0.1)

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()


# -- the server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    base: str
    pid: int
    rest: int  # bytes the tree holds at rest, after a first query


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("runaway") / "stderr.txt"
    with ppo_serve(log, *SERVE_ARGS) as base:
        pid = _listener(base)
        assert post(base, ONE_ROW).status == 200
        yield Server(base, pid, memory(tree(pid)))


def _listener(base: str) -> int:
    """The server's process id: this process's child running ``serve --port PORT``."""
    port = str(urllib.parse.urlsplit(base).port)
    for pid in tree(os.getpid())[1:]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                argv = cmdline.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "serve" in argv and "--port" in argv and argv[argv.index("--port") + 1] == port:
            return pid
    pytest.fail(f"no child of this test serves {base}")


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    retry_after: str | None
    seconds: float


def post(base: str, query: str, timeout: float = 60) -> Reply:
    data = urllib.parse.urlencode({"query": query}).encode()
    began = time.monotonic()
    try:
        with NO_PROXY.open(f"{base}/sparql", data=data, timeout=timeout) as response:
            body, status, headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as exc:
        body, status, headers = exc.read(), exc.code, exc.headers
    text = body.decode("utf-8", errors="replace")
    return Reply(status, text, headers.get("Retry-After"), time.monotonic() - began)


def attack(base: str, queries: list[str]) -> list[Reply]:
    """Every query sent at once, each by its own thread; the replies in order."""
    replies: list[Reply | None] = [None] * len(queries)
    go = threading.Barrier(len(queries))

    def send(index: int) -> None:
        go.wait()
        replies[index] = post(base, queries[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(queries))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(reply is not None for reply in replies)
    return [reply for reply in replies if reply is not None]


def assert_stopped(replies: list[Reply]) -> None:
    for reply in replies:
        assert reply.status == 503, reply
        assert "stopped" in reply.body or "busy" in reply.body, reply
        # stopped near its deadline, not run to its end (these queries run for minutes): the
        # margin allows for forty replies on two cores with the rest of the suite beside them
        # (6.1 s was seen once in CI, where TIMEOUT + 3 was the bound)
        assert reply.seconds < TIMEOUT + 8, reply


def assert_back_to_idle(server: Server) -> None:
    time.sleep(TIMEOUT + 2)
    used = cpu_seconds(server.pid)
    processes = tree(server.pid)
    # the server, the zygote and at most the 8 idle workers the pool keeps ready
    assert len(processes) <= 10, processes
    assert used < 0.2, f"the tree used {used:.2f} s of CPU in 1 s at rest"
    reply = post(server.base, ONE_ROW)
    assert reply.status == 200 and reply.seconds < 1.0, reply


def memory_cap(server: Server) -> int:
    """The tree at rest, plus (max_long + EXTRA_WORKERS) workers each at its memory allowance
    plus SLACK_MIB: (rest + (2 + 2) * (512 + 100) MiB) here."""
    return server.rest + (MAX_LONG + EXTRA_WORKERS) * (MEMORY_MIB + SLACK_MIB) * MIB


# -- the tests ----------------------------------------------------------------------------------


def test_runaways_stopped_in_time_and_memory(server: Server) -> None:
    with Sampler(server.pid) as sampler:
        for _ in range(2):
            assert_stopped(attack(server.base, list(RUNAWAYS)))
    assert sampler.samples > 10
    assert sampler.peak < memory_cap(server), (
        f"the tree held {sampler.peak / MIB:.0f} MiB, over the cap of "
        f"{memory_cap(server) / MIB:.0f} MiB (at rest: {server.rest / MIB:.0f} MiB)"
    )
    assert_back_to_idle(server)


def test_forty_at_once(server: Server) -> None:
    queries = [RUNAWAYS[n % len(RUNAWAYS)] for n in range(40)]
    with Sampler(server.pid) as sampler:
        replies = attack(server.base, queries)
    assert_stopped(replies)
    refused = [reply for reply in replies if reply.retry_after is not None]
    assert refused, "no request was refused for the bounds (--max-inflight, --max-long)"
    for reply in refused:
        # over --max-inflight: refused before any work; over --max-long: stopped once it has used
        # a quarter second of CPU (forty share two cores, so that may take until the deadline)
        limit = 1.0 if "max-inflight" in reply.body else TIMEOUT + 1
        assert reply.seconds < limit, reply
    assert sampler.peak < memory_cap(server), f"{sampler.peak / MIB:.0f} MiB"
    assert_back_to_idle(server)


def test_ppo_query_stops_a_runaway(tmp_path: Path) -> None:
    query = tmp_path / "runaway.rq"
    query.write_text(RUNAWAYS[1] + "\n", encoding="utf-8")
    began = time.monotonic()
    command = subprocess.Popen(
        [sys.executable, "-m", "ppo_graph", "query", "--file", str(query), "--timeout", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[tuple[int, str]] = set()  # (pid, start time) of every descendant seen
    while command.poll() is None and time.monotonic() - began < 60:
        seen |= set(cpu_ticks(tree(command.pid)[1:]))
        time.sleep(0.05)
    stdout, stderr = command.communicate(timeout=60)
    elapsed = time.monotonic() - began
    assert command.returncode == 2, stdout + stderr
    assert "stopped" in stderr, stderr
    assert elapsed < 10, f"ppo query took {elapsed:.1f} s"
    assert seen, "ppo query evaluated the query in no worker process"
    time.sleep(0.2)  # the kernel tears down a killed process
    left = {
        (pid, started)
        for pid, started in seen
        if (fields := _stat(pid)) is not None and fields[19] == started and fields[0] != "Z"
    }
    assert not left, f"processes of ppo query still running: {sorted(left)}"


def test_slow_clients_are_cut_off(server: Server) -> None:
    """A request head sent a piece at a time, or an idle connection, is closed after
    --client-timeout (1 s here); a body that stops arriving gets 408; the server answers the
    next client as before."""
    import socket

    host, port = (
        urllib.parse.urlsplit(server.base).hostname,
        urllib.parse.urlsplit(server.base).port,
    )
    assert host and port
    openings = [b"", b"GET /health HTTP/1.1\r\nHost: localhost\r\n"]
    for opening in openings:
        with socket.create_connection((host, port), timeout=10) as sock:
            began = time.monotonic()
            sock.sendall(opening)
            assert sock.recv(100) == b""  # closed by the server, with nothing sent
            assert 0.8 < time.monotonic() - began < 4
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nSELECT"
        )
        began = time.monotonic()
        answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.1 408"), answer
        assert time.monotonic() - began < 4
    assert post(server.base, ONE_ROW).status == 200
