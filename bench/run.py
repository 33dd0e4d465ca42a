"""One command that measures the fast engine against the reference pipeline, with ratios.

    python bench/run.py [--quick] [--sizes 10k,100k,1M] [--repeat 5] [--query role-duties]
                        [--org-people 35000] [--out results.md] [--json results.json]
                        [--no-reference]

In one run, on one machine, it times:

* whole-process cold runs (a new Python process each time; median of ``--repeat``, candidate and
  baseline alternating, the order flipped every round): ``python -c "import rdflib"`` (the
  reference for "cold ppo query <= 2x import rdflib"), ``ppo --help``, ``ppo query NAME`` and
  ``ppo validate`` with a warm cache, and ``ppo validate NEW.ttl`` with a new small user file per
  run (the cache cannot answer), against the naive pipeline ``bench/naive.py`` (rdflib parse +
  owlrl closure + pySHACL, or rdflib running the same .rq file); peak RSS of each child from
  ``os.wait4``;
* in one child process on the shipped graph: reasoning alone (fast reasoner vs owlrl),
  validation alone (fast SHACL vs pySHACL) and every canned query, warm, in total (pyoxigraph
  through the engine vs rdflib on the same reasoned graph);
* growth: the shipped graph plus a generated extension (``bench/generate.py``) of each size, in a
  child process per size: load, reason, validate, all canned queries, wall time and peak RSS of
  each step; the reference (owlrl + pySHACL + rdflib) at 10k only; at the top size each canned
  query on raw pyoxigraph (the reasoned store dumped and reloaded) vs through the engine;
* whole processes on the top size's file ``BIG.nt`` (shipped graph + extension), with a cache
  folder of their own, empty at first: ``ppo validate BIG.nt`` cold (one run, which fills the
  cache; peak RSS from ``os.wait4``), then ``ppo query NAME BIG.nt`` warm (one untimed run, then
  the median of ``--repeat``) and ``ppo serve BIG.nt`` until ``GET /health`` answers 200 (a free
  loopback port, the median of ``--repeat``; the server is stopped after each run);
* the organisation (``bench/generate_org.py``, ``--org-people`` people, default 35,000), through
  ``bench/org_size.py``: ``ppo org import``, ``ppo validate --checks org.ttl`` once (fills the
  cache), then ``ppo org gaps org.ttl`` warm (the median of ``--repeat``).

It prints the machine, then the targets of issue 17 and the earlier ones with PASS/MISS (a target
set at 1M triples or 35k people says "not measured" below that size, with the figure measured),
then a Markdown table per part. Everything runs from a temporary directory with ``PPO_CACHE_DIR``
pointing into it. ``--quick`` (size 10k, repeat 3, 2,000 people; no reference growth, no naive
query and no rdflib query baselines, one naive validate for both validate rows) finishes in about
a minute.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import naive  # noqa: E402

# bench/org_size.py imports its launcher from ``run``: let it find this module, whatever name it
# runs under (``__main__``, or the tests' own), so both use one launcher.
sys.modules.setdefault("run", sys.modules[__name__])

PPO_SCRIPT = Path(sys.executable).parent / "ppo"
MIB = 1 << 20
GIB = 1 << 30

# Targets of issue 17 ("today": the figures the issue gives).
BIG_QUERY_SECONDS = 1.0
BIG_QUERY_TODAY = 25.0
WARM_QUERY_VS_IMPORT = 3.0
SERVE_READY_SECONDS = 2.0
COLD_VALIDATE_SECONDS = 60.0
COLD_VALIDATE_RSS = 2 * GIB
QUERIES_WARM_TOTAL = 0.050
QUERIES_WARM_TODAY = 0.187
ORG_GAPS_SECONDS = 5.0
ORG_PEOPLE = 35_000
ORG_PEOPLE_QUICK = 2_000
# Earlier targets.
COLD_QUERY_VS_IMPORT = 2.0
VALIDATE_SPEEDUP = 10.0
TOP_SECONDS = 60.0
TOP_RSS = 2 * GIB
RAW_RATIO = 1.5
TARGET_SIZE = 1_000_000
#: A whole process at the top size still running after this many seconds is stopped.
BIG_TIMEOUT = 900.0
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_rss(size: int | None) -> str:
    if not size:
        return "–"
    if size >= GIB:
        return f"{size / GIB:.2f} GiB"
    return f"{size / MIB:.0f} MiB"


def fmt_x(ratio: float | None) -> str:
    if ratio is None:
        return "–"
    return f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Whole processes
# ---------------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    rss: int  # peak RSS of the child (with its own children, summed), bytes
    code: int
    error: str = ""


#: A tiny launcher process (no site packages, ~10 MiB) that starts every measured child. On
#: Linux a child's ``ru_maxrss`` includes the peak RSS of the process that forked it (exec records
#: the old address space's high-water mark), so children started by this script (rdflib loaded)
#: would all report at least its size. The launcher resets its own high-water mark before each
#: spawn, times the child from ``posix_spawn`` to ``os.wait4`` and reports the child's rusage.
LAUNCHER = r"""
import json, os, sys, threading, time
null = os.open(os.devnull, os.O_RDWR)
PAGE = os.sysconf("SC_PAGE_SIZE")
def tree(pid):
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found
def resident(p):
    try:
        with open(f"/proc/{p}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0
def sample(pid, done, peak):
    while not done.wait(0.05):
        peak[0] = max(peak[0], sum(resident(p) for p in tree(pid)))
for line in sys.stdin:
    job = json.loads(line)
    err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
               (os.POSIX_SPAWN_DUP2, err, 2)]
    os.chdir(job["cwd"])
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass
    started = time.perf_counter()
    try:
        pid = os.posix_spawn(job["argv"][0], job["argv"], job["env"], file_actions=actions)
        done, peak = threading.Event(), [0]
        sampler = threading.Thread(target=sample, args=(pid, done, peak), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        result = {"s": seconds, "rss": max(usage.ru_maxrss * 1024, peak[0]),
                  "code": os.waitstatus_to_exitcode(status)}
    except OSError as exc:
        result = {"s": 0.0, "rss": 0, "code": 127, "error": str(exc)}
    os.close(err)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
"""


class Launcher:
    """Runs children through :data:`LAUNCHER`, one at a time."""

    _instance: Launcher | None = None

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    @classmethod
    def get(cls) -> Launcher:
        if cls._instance is None or cls._instance.proc.poll() is not None:
            cls._instance = cls()
        return cls._instance

    @classmethod
    def close(cls) -> None:
        if cls._instance is not None:
            assert cls._instance.proc.stdin is not None
            cls._instance.proc.stdin.close()
            cls._instance.proc.wait()
            cls._instance = None

    def run(self, argv: Sequence[str], cwd: Path, env: dict[str, str], stderr: Path) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        job = {"argv": [str(a) for a in argv], "cwd": str(cwd), "env": env, "stderr": str(stderr)}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())


def run_process(
    argv: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float | None = None
) -> Run:
    """Run a child to completion: wall time, and its peak memory: the larger of its own peak RSS
    from ``os.wait4`` and the peak of the RSS summed over it and its descendants, sampled every
    50 ms (a ``ppo`` command's cache writer is a forked child that lives beside it: counted with
    it, the pages they share counted twice, so the figure errs high). Through ``timeout(1)`` when
    ``timeout`` is given and it is installed (its peak includes the child's, which it waits for)."""
    wrapper = shutil.which("timeout") if timeout else None
    if wrapper:
        argv = [wrapper, "-k", "5", str(int(timeout or 0)), *argv]
    with tempfile.NamedTemporaryFile(prefix="stderr-", dir=cwd) as err:
        result = Launcher.get().run(argv, cwd, env, Path(err.name))
        code = int(result["code"])
        text = result.get("error", "")
        if code != 0 and not text:
            tail = Path(err.name).read_text("utf-8", "replace").strip().splitlines()[-3:]
            text = f"exit {code}: " + " / ".join(tail)
            if wrapper and code in (124, 137):
                text = f"stopped after {timeout:.0f} s"
    return Run(float(result["s"]), int(result["rss"]), code, text)


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.code == 0 for r in self.runs)

    @property
    def seconds(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.ok else None

    @property
    def rss(self) -> int | None:
        return max(r.rss for r in self.runs) if self.ok else None

    @property
    def error(self) -> str:
        return next((r.error for r in self.runs if r.code != 0), "")


@dataclass
class Case:
    key: str
    label: str
    candidate: Callable[[int], list[str]] | None
    baseline: Callable[[int], list[str]] | None
    baseline_label: str = ""
    cand: Series = field(default_factory=Series)
    base: Series = field(default_factory=Series)


def cold_runs(
    args: argparse.Namespace, work: Path, root: Path, only: set[str] | None = None
) -> list[Case]:
    """The whole-process cold runs; ``only``: just the cases with these keys (the tests)."""
    env = child_env(work)
    py = sys.executable
    ppo = str(PPO_SCRIPT)
    naive_py = [py, str(BENCH / "naive.py")]
    name = args.query
    new_files = [work / f"new-{i}.ttl" for i in range(args.repeat + 1)]
    for i, path in enumerate(new_files):  # one fresh small user file per run: a cache miss
        generate.write(path, 300, seed=1000 + i)

    def fixed(argv: list[str]) -> Callable[[int], list[str]]:
        return lambda i: argv

    naive_validate_new = Case(
        "validate_new",
        "`ppo validate NEW.ttl` (new file each run: cache miss)",
        lambda i: [ppo, "validate", str(new_files[i])],
        lambda i: [*naive_py, "validate", str(new_files[i]), "--root", str(root)],
        "naive validate NEW.ttl",
    )
    cases = [
        Case("python", '`python -c "pass"` (interpreter start)', fixed([py, "-c", "pass"]), None),
        Case(
            "import_rdflib",
            '`python -c "import rdflib"` (reference)',
            fixed([py, "-c", "import rdflib"]),
            None,
        ),
        Case("help", "`ppo --help`", fixed([ppo, "--help"]), None),
        Case(
            "query",
            f"`ppo query {name}` (cache warm)",
            fixed([ppo, "query", name]),
            None if args.quick else fixed([*naive_py, "query", name, "--root", str(root)]),
            f"naive query {name}",
        ),
        Case(
            "validate",
            "`ppo validate` (cache warm)",
            fixed([ppo, "validate"]),
            None if args.quick else fixed([*naive_py, "validate", "--root", str(root)]),
            "naive validate",
        ),
        naive_validate_new,
    ]
    if only is not None:
        cases = [c for c in cases if c.key in only]
    compiled(Path(__file__).resolve().parent.parent / "ppo_graph")
    say(f"cold runs: PPO_CACHE_DIR={env['PPO_CACHE_DIR']}, warming the cache")
    for argv in ([ppo, "validate"], [ppo, "query", name]):
        warm = run_process(argv, cwd=work, env=env)
        if warm.code != 0:
            say(f"warm-up {' '.join(argv[1:])} failed: {warm.error}")
    if not args.quick:  # one untimed run of everything: file-system caches warm for all
        for case in cases:
            for make in (case.candidate, case.baseline):
                if make is not None:
                    run_process(make(args.repeat), cwd=work, env=env)
    for i in range(args.repeat):
        say(f"cold runs: round {i + 1} of {args.repeat}")
        for case in cases:
            pair = [(case.candidate, case.cand), (case.baseline, case.base)]
            if i % 2:
                pair.reverse()
            for make, series in pair:
                if make is not None:
                    series.runs.append(run_process(make(i), cwd=work, env=env))
    by_key = {c.key: c for c in cases}
    if args.quick and "validate" in by_key:  # one naive validate serves both rows (no cache)
        by_key["validate"].base = naive_validate_new.base
        by_key["validate"].baseline_label = "naive validate NEW.ttl (shared in --quick)"
    return cases


def compiled(*packages: Path) -> None:
    """Byte-compile ``packages`` (folders of Python source) as installing them does (pip compiles
    what it installs): the children run with bytecode written (:func:`child_env`), so no timed
    run pays for compiling the modules it imports, which a session with
    ``PYTHONDONTWRITEBYTECODE`` would otherwise do on every run (0.1-0.2 s of a ``ppo`` command,
    more for the larger of two versions compared)."""
    import compileall

    for package in packages:
        compileall.compile_dir(str(package), quiet=1)


def child_env(work: Path, cache: str = "ppo-cache") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode as installed: see compiled()
    env.pop("PPO_NO_CACHE", None)
    env["PPO_CACHE_DIR"] = str(work / cache)
    env["PPO_QUIET"] = "1"
    return env


def free_port() -> int:
    """A free loopback port (bound to port 0, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_ready(
    argv: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float = BIG_TIMEOUT
) -> Run:
    """Start ``ppo serve ... --port P`` on a free loopback port and poll ``GET /health`` every
    10 ms: the wall time from the start to the first 200, and the server's peak RSS then (its
    VmHWM); the server is stopped (terminated, killed after 10 s) however this ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/health"
    with tempfile.NamedTemporaryFile(prefix="stderr-serve-", dir=cwd) as err:
        started = time.perf_counter()
        server = subprocess.Popen(
            [*map(str, argv), "--port", str(port)],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            while True:
                try:
                    with NO_PROXY.open(url, timeout=5) as answer:
                        if answer.status == 200:
                            seconds = time.perf_counter() - started
                            break
                except OSError:  # refused (not listening yet), or an HTTP error status
                    pass
                if server.poll() is not None or time.perf_counter() - started > timeout:
                    code = server.poll()
                    tail = Path(err.name).read_text("utf-8", "replace").strip().splitlines()
                    why = f"exit {code}" if code is not None else f"not ready after {timeout:.0f} s"
                    return Run(0.0, 0, code or 1, f"{why}: " + " / ".join(tail[-3:]))
                time.sleep(0.01)
            rss = 0
            try:
                status = Path(f"/proc/{server.pid}/status").read_text()
                match = re.search(r"VmHWM:\s+(\d+)", status)
                rss = int(match.group(1)) * 1024 if match else 0
            except OSError:
                pass
            return Run(seconds, rss, 0)
        finally:
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()


def top_runs(args: argparse.Namespace, work: Path, path: Path) -> dict[str, Any]:
    """Whole processes on ``path`` (the top size's extension) with a cache folder of their own,
    empty at first: cold ``ppo validate`` (one run: it fills the cache), warm ``ppo query NAME``
    (one untimed run, then ``--repeat``), warm ``ppo serve`` until ready (``--repeat``)."""
    env = child_env(work, "ppo-cache-top")
    shutil.rmtree(env["PPO_CACHE_DIR"], ignore_errors=True)
    ppo = str(PPO_SCRIPT)
    out: dict[str, Any] = {"file": path.name}
    say(f"top size ({path.name}): cold ppo validate (fills the cache)")
    out["validate_cold"] = Series([run_process([ppo, "validate", str(path)], cwd=work, env=env,
                                               timeout=BIG_TIMEOUT)])  # fmt: skip
    query = [ppo, "query", args.query, str(path)]
    say(f"top size: warm ppo query {args.query}, 1 + {args.repeat} runs")
    out["query_first"] = run_process(query, cwd=work, env=env, timeout=BIG_TIMEOUT)
    out["query_warm"] = Series(
        [run_process(query, cwd=work, env=env, timeout=BIG_TIMEOUT) for _ in range(args.repeat)]
    )
    say(f"top size: warm ppo serve until GET /health is 200, {args.repeat} runs")
    serve = [ppo, "serve", str(path)]
    out["serve_ready"] = Series([serve_ready(serve, cwd=work, env=env) for _ in range(args.repeat)])
    shutil.rmtree(env["PPO_CACHE_DIR"], ignore_errors=True)
    return out


def org_runs(args: argparse.Namespace, work: Path, files_dir: Path) -> dict[str, Any]:
    """``ppo org gaps`` warm on a generated organisation of ``--org-people`` people, through
    ``bench/org_size.py``: import, ``ppo validate --checks`` once (fills the cache of its own,
    empty at first), then ``ppo org gaps`` ``--repeat`` times."""
    import org_size

    n = args.org_people
    env = child_env(work, "ppo-cache-org")
    shutil.rmtree(env["PPO_CACHE_DIR"], ignore_errors=True)
    folder = files_dir / f"org-{n}-seed{args.seed}"
    say(f"organisation: {n:,} people (bench/generate_org.py)")
    people, raci = org_size.generate_org.write(folder / "csv", n, seed=args.seed)
    out: dict[str, Any] = {"people": n, "people_rows": people, "raci_rows": raci}
    ttl = folder / "org.ttl"
    argvs = org_size.commands(folder / "csv", ttl, work)
    for step in ("import", "validate"):
        say(f"organisation: {step}")
        out[step] = org_size.measure(argvs[step], work, BIG_TIMEOUT, env)
        if "error" in out[step]:
            return out
    say(f"organisation: ppo org gaps, {args.repeat} runs")
    gaps = [org_size.measure(argvs["gaps"], work, BIG_TIMEOUT, env) for _ in range(args.repeat)]
    failed = next((g for g in gaps if "error" in g), None)
    out["gaps"] = (
        dict(failed)
        if failed
        else {
            "s": statistics.median(float(g["s"]) for g in gaps),  # type: ignore[arg-type]
            "rss": max(int(g["rss"]) for g in gaps),  # type: ignore[call-overload]
            "runs": len(gaps),
            "each": [g["s"] for g in gaps],
        }
    )
    shutil.rmtree(env["PPO_CACHE_DIR"], ignore_errors=True)
    return out


# ---------------------------------------------------------------------------------------------
# Child processes: measurements inside one process
# ---------------------------------------------------------------------------------------------


def _hwm() -> int:
    """This process's peak RSS (VmHWM) in bytes."""
    with open("/proc/self/status") as status:
        match = re.search(r"VmHWM:\s+(\d+)", status.read())
    return int(match.group(1)) * 1024 if match else 0


#: The highest VmHWM seen before a reset: resetting also hides the peak from ``ru_maxrss``.
_PEAK = [0]


def _reset_hwm() -> None:
    """Reset VmHWM to the current RSS, so the next reading is the peak of the next step."""
    _PEAK[0] = max(_PEAK[0], _hwm())
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _error(exc: BaseException) -> dict[str, Any]:
    traceback.print_exc()
    return {"error": f"{type(exc).__name__}: {exc}"[:300]}


def step(out: dict[str, Any], key: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` once: its wall time and the peak RSS while it ran go to ``out[key]``."""
    gc.collect()
    _reset_hwm()
    started = time.perf_counter()
    try:
        value = fn()
    except Exception as exc:
        out[key] = _error(exc)
        return None
    out[key] = {"s": time.perf_counter() - started, "rss": _hwm()}
    return value


def measure(
    out: dict[str, Any],
    key: str,
    fn: Callable[[], Any],
    repeat: int,
    *,
    warm: bool = False,
    budget: float = 20.0,
) -> Any:
    """Median of up to ``repeat`` runs (fewer once ``budget`` seconds are spent; at least one);
    with ``warm``, one untimed run first."""
    gc.collect()
    _reset_hwm()
    try:
        value = fn() if warm else None
        times: list[float] = []
        spent = time.perf_counter()
        while len(times) < max(1, repeat):
            started = time.perf_counter()
            value = fn()
            times.append(time.perf_counter() - started)
            if time.perf_counter() - spent > budget:
                break
    except Exception as exc:
        out[key] = _error(exc)
        return None
    out[key] = {"s": statistics.median(times), "runs": len(times), "rss": _hwm()}
    return value


def _catalogue() -> Any:
    try:
        from ppo_graph.catalogue import default_catalogue
    except ImportError:  # before the engine's catalogue module
        from ppo_graph.backends.reference.query import default_catalogue  # type: ignore[no-redef]
    return default_catalogue()


def _query_texts(names: list[str]) -> dict[str, str]:
    cat = _catalogue()
    return {name: Path(cat.get(name).path).read_text(encoding="utf-8") for name in names}


def _rdflib_graph(kg: Any) -> Any:
    """The engine's reasoned graph (asserted + inferred) as an rdflib Graph."""
    if hasattr(kg, "rdflib_graph"):
        return kg.rdflib_graph("union")
    import pyoxigraph as ox
    from rdflib import Graph

    data = kg.store.dump(format=ox.RdfFormat.N_QUADS)
    graph = Graph()
    for line in data.decode("utf-8").splitlines():  # drop the graph names
        if line.strip():
            graph.parse(data=line.rsplit(" ", 2)[0] + " .\n", format="nt")
    return graph


def child_shipped(args: argparse.Namespace) -> dict[str, Any]:
    """Reasoning, validation and the canned queries on the shipped graph, in this process."""
    from rdflib.plugins.sparql import prepareQuery

    from ppo_graph.engine import KnowledgeGraph

    out: dict[str, Any] = {}
    root = Path(args.root)
    fast, ref = args.repeat, args.ref_repeat
    kg = step(out, "open", lambda: KnowledgeGraph.open(cache=False, reasoner="fast"))
    if kg is None:
        return out
    out["asserted"], out["inferred"] = kg.asserted_count, kg.inferred_count
    out["reasoner"] = kg.reasoner

    # Reasoning alone, parsing excluded on both sides.
    try:
        from ppo_graph.backends.fast import reasoner as fast_reasoner
        from ppo_graph.backends.fast.parse import triples
        from ppo_graph.paths import shipped_graph_files

        asserted = list(dict.fromkeys(t for p in shipped_graph_files() for t in triples(p)))
        terms = fast_reasoner.oxigraph_terms()
        closure = measure(out, "reason_fast", lambda: fast_reasoner.reason(asserted, terms), fast)
        if closure is not None:
            out["reason_fast_inferred"] = len(closure.inferred)
    except Exception as exc:
        out["reason_fast"] = _error(exc)
    parsed = naive.parse(root, [])

    def owlrl_once() -> Any:
        from rdflib import Graph

        graph = Graph()
        graph += parsed
        started = time.perf_counter()
        naive.closure(graph)
        return time.perf_counter() - started, len(graph) - len(parsed)

    owlrl_times = []
    for _ in range(max(1, ref)):
        seconds, added = owlrl_once()  # the copy of the parsed graph is not timed
        owlrl_times.append(seconds)
    out["reason_owlrl"] = {"s": statistics.median(owlrl_times), "runs": len(owlrl_times)}
    out["reason_owlrl_added"] = added

    # Validation alone, on the same reasoned graph.
    report = measure(out, "validate_fast", lambda: kg.validate(engine="fast"), fast)
    if report is not None:
        out["validate_fast_conforms"] = bool(report.conforms)
    union = _rdflib_graph(kg)
    conforms = measure(out, "validate_pyshacl", lambda: naive.shacl(union, root), ref)
    out["validate_pyshacl_conforms"] = conforms

    # Every canned query, warm: the engine (pyoxigraph) and rdflib on the same graph.
    names = _catalogue().names()
    out["queries"] = len(names)
    counts_fast: dict[str, int] = {}
    counts_rdflib: dict[str, int] = {}

    def all_fast() -> None:
        for name in names:
            counts_fast[name] = len(kg.rows(name))

    measure(out, "queries_fast", all_fast, max(fast, 5), warm=True)
    per_query: dict[str, float] = {}
    for name in names:
        sub: dict[str, Any] = {}
        measure(sub, "q", lambda name=name: kg.rows(name), max(fast, 5), warm=True)
        per_query[name] = sub["q"].get("s", float("nan"))
    out["queries_fast_each"] = per_query

    texts = _query_texts(names)
    prepared = {n: prepareQuery(t) for n, t in texts.items()}
    bindings = {n: naive.defaults(t) for n, t in texts.items()}

    def all_rdflib() -> None:
        for name in names:
            counts_rdflib[name] = len(naive.run_query(union, prepared[name], bindings[name]))

    if args.quick:
        return out
    measure(out, "queries_rdflib", all_rdflib, ref, warm=args.ref_warm, budget=60)
    out["row_mismatches"] = sorted(
        f"{n}: {counts_fast.get(n)} vs {counts_rdflib.get(n)}"
        for n in names
        if counts_fast.get(n) != counts_rdflib.get(n)
    )
    return out


def child_load(args: argparse.Namespace) -> dict[str, Any]:
    """Load only (shipped + extension, no reasoning): its own process, so its peak is its own."""
    from ppo_graph.engine import KnowledgeGraph

    out: dict[str, Any] = {}
    extra = [Path(args.file)]
    kg = step(out, "load", lambda: KnowledgeGraph.open(extra, reasoning=False, cache=False))
    if kg is not None:
        out["asserted"] = kg.asserted_count
    return out


def child_growth(args: argparse.Namespace) -> dict[str, Any]:
    """Load + reason, validate, all canned queries on the fast path; raw pyoxigraph with --raw."""
    from ppo_graph.engine import KnowledgeGraph

    out: dict[str, Any] = {}
    extra = [Path(args.file)]
    kg = step(
        out,
        "load_reason",
        lambda: KnowledgeGraph.open(extra, reasoning=True, cache=False, reasoner="fast"),
    )
    if kg is None:
        return out
    out["asserted"], out["inferred"] = kg.asserted_count, kg.inferred_count
    out["reasoner"] = kg.reasoner
    out["timings"] = dict(getattr(kg, "timings", {}) or {})
    report = step(out, "validate", lambda: kg.validate(engine="fast"))
    if report is not None:
        out["conforms"] = bool(report.conforms)
        out["violations"] = len(report.violations)
    names = _catalogue().names()
    # First pass: each query in a fork of this process with a time limit, since one slow query
    # (quadratic on some engines) must not stall the whole benchmark. The fork's peak RSS
    # (os.wait4) counts the pages it shares with this process, so it is the step's peak.
    first: dict[str, Any] = {
        name: _in_fork(lambda name=name: len(kg.rows(name)), args.query_timeout) for name in names
    }
    finished = [n for n in names if "s" in first[n]]
    out["queries_each"] = first
    out["queries_timed_out"] = [n for n in names if "timeout" in first[n]]
    out["queries_failed"] = {n: first[n]["error"] for n in names if "error" in first[n]}
    out["queries_first"] = {
        "s": sum(first[n]["s"] for n in finished),
        "rss": max((first[n]["rss"] for n in finished), default=0),
    }
    rows: dict[str, int] = {}

    def all_queries() -> None:
        for name in finished:
            rows[name] = len(kg.rows(name))

    if not args.quick:
        step(out, "queries_warm", all_queries)
    out["rows"] = rows
    if args.raw:
        repeat, rounds, budget = (1, 1, 2.0) if args.quick else (args.repeat, 2, 10.0)
        out["raw"] = raw_comparison(kg, finished, repeat, rounds, budget)
    return out


def _in_fork(fn: Callable[[], int], timeout: float) -> dict[str, Any]:
    """Run ``fn`` in a forked child, killed after ``timeout`` seconds: its wall time, result
    and peak RSS, or ``{"timeout": timeout}``."""
    read_end, write_end = os.pipe()
    _reset_hwm()  # the fork's peak then starts from this process's current RSS
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: run, report, leave without cleanup
        os.close(read_end)
        try:
            began = time.perf_counter()
            value = fn()
            message = json.dumps({"s": time.perf_counter() - began, "rows": value})
        except BaseException as exc:
            message = json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300]})
        os.write(write_end, message.encode())
        os._exit(0)
    os.close(write_end)
    result: dict[str, Any] = {}
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.perf_counter() - started > timeout:
            os.kill(pid, 9)
            os.wait4(pid, 0)
            os.close(read_end)
            return {"timeout": timeout}
        time.sleep(0.01)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    try:
        result = json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        result = {}
    if not result:
        result = {"error": f"the forked child died (status {status})"}
    result["rss"] = usage.ru_maxrss * 1024
    return result


def raw_comparison(
    kg: Any, names: list[str], repeat: int, rounds: int = 2, budget: float = 10.0
) -> dict[str, Any]:
    """Each canned query straight on a pyoxigraph store (the reasoned store dumped and reloaded,
    the query text already bound) vs the same query through the engine."""
    import pyoxigraph as ox

    from ppo_graph.backends.fast.sparql import bind, with_values

    cat = _catalogue()
    raw = ox.Store()
    raw.bulk_load(kg.store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    result: dict[str, Any] = {}
    for name in names:
        spec = cat.get(name)
        try:
            text = with_values(spec.text, bind(kg.store, spec, {}), name)
        except Exception as exc:
            result[name] = _error(exc)
            continue

        def direct(text: str = text) -> int:
            solutions = raw.query(text, use_default_graph_as_union=True)
            variables = solutions.variables
            return len([[solution[v] for v in variables] for solution in solutions])

        pair: dict[str, Any] = {}
        for _ in range(rounds):  # alternate, so neither side always runs on a warmer cache
            measure(pair, "raw", direct, repeat, budget=budget)
            measure(pair, "engine", lambda name=name: len(kg.rows(name)), repeat, budget=budget)
            if "error" in pair.get("raw", {}) or "error" in pair.get("engine", {}):
                break
            pair.setdefault("raw_s", []).append(pair["raw"]["s"])
            pair.setdefault("engine_s", []).append(pair["engine"]["s"])
            if pair["raw"]["s"] > 10:  # a slow query: one round says enough
                break
        if "raw_s" in pair:
            result[name] = {"raw": min(pair["raw_s"]), "engine": min(pair["engine_s"])}
        else:
            result[name] = pair.get("raw") if "error" in pair.get("raw", {}) else pair["engine"]
    return result


def child_reference(args: argparse.Namespace) -> dict[str, Any]:
    """The reference path (rdflib + owlrl + pySHACL + rdflib SPARQL) on shipped + extension."""
    from rdflib.plugins.sparql import prepareQuery

    out: dict[str, Any] = {}
    root = Path(args.root)
    graph = step(out, "load", lambda: naive.parse(root, [Path(args.file)]))
    if graph is None:
        return out
    out["asserted"] = len(graph)
    step(out, "reason", lambda: naive.closure(graph))
    out["inferred"] = len(graph) - out["asserted"]
    out["conforms"] = step(out, "validate", lambda: naive.shacl(graph, root))
    names = _catalogue().names()
    texts = _query_texts(names)
    prepared = {n: prepareQuery(t) for n, t in texts.items()}

    def all_queries() -> None:
        for name in names:
            naive.run_query(graph, prepared[name], naive.defaults(texts[name]))

    step(out, "queries_first", all_queries)
    return out


CHILDREN = {
    "shipped": child_shipped,
    "load": child_load,
    "growth": child_growth,
    "reference": child_reference,
}


def run_child(
    kind: str, work: Path, root: Path, extra_args: Sequence[str] = ()
) -> tuple[dict[str, Any], Run]:
    target = work / f"child-{kind}-{time.monotonic_ns()}.json"
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--child-out",
        str(target),
        "--root",
        str(root),
        *extra_args,
    ]
    env = child_env(work)
    env["PPO_NO_CACHE"] = "1"
    run = run_process(argv, cwd=work, env=env)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {"error": run.error or "the child wrote no result"}
    return data, run


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem = re.search(r"MemTotal:\s+(\d+)", meminfo)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    versions = []
    for package in ("ppo-graph", "rdflib", "owlrl", "pyshacl", "pyoxigraph"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    return [
        ("nproc", f"{usable} usable of {os.cpu_count()}"),
        ("CPU", model.group(1).strip() if model else platform.processor() or "?"),
        ("memory", fmt_rss(int(mem.group(1)) * 1024) if mem else "?"),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("packages", ", ".join(versions)),
    ]


def _s(d: dict[str, Any] | None, key: str = "s") -> float | None:
    if not d or "error" in d:
        return None
    value = d.get(key)
    return float(value) if value is not None else None


def _err(d: dict[str, Any] | None) -> str:
    return f"error: {d['error']}" if d and "error" in d else ""


def ratio(baseline: float | None, candidate: float | None) -> float | None:
    if baseline is None or candidate is None or candidate <= 0:
        return None
    return baseline / candidate


@dataclass
class Target:
    name: str
    measured: str
    passed: bool | None  # None: not measured

    @property
    def verdict(self) -> str:
        return {True: "**PASS**", False: "**MISS**", None: "not measured"}[self.passed]


def issue17_targets(
    args: argparse.Namespace,
    cases: list[Case],
    shipped: dict[str, Any],
    top: dict[str, Any] | None,
    org: dict[str, Any] | None,
) -> list[Target]:
    """The targets of issue 17, in its order. A target set at 1M triples (or 35k people) is
    "not measured" at a smaller size, and its row says the size measured."""
    targets: list[Target] = []
    by_key = {c.key: c for c in cases}
    imp = by_key["import_rdflib"].cand.seconds if "import_rdflib" in by_key else None
    name = args.query
    top_size = args.size_list[-1] if args.size_list else 0
    label = generate.size_label(top_size) if top_size else "?"
    at_target = top_size >= TARGET_SIZE
    where = "" if at_target else f", at {label} only"
    if top is not None:
        q: Series = top["query_warm"]
        seconds = q.seconds
        targets.append(
            Target(
                f"warm `ppo query {name} BIG.nt` at 1M <= {BIG_QUERY_SECONDS:g} s "
                f"(today {BIG_QUERY_TODAY:g} s)",
                f"{fmt_s(seconds)}, {fmt_rss(q.rss)} (median of {len(q.runs)}{where}); "
                f"{fmt_x(ratio(BIG_QUERY_TODAY, seconds))} faster than today, "
                f"{fmt_x(ratio(seconds, imp))} `import rdflib`"
                if seconds is not None
                else q.error or "–",
                None if seconds is None or not at_target else seconds <= BIG_QUERY_SECONDS,
            )
        )
    query = by_key["query"].cand.seconds if "query" in by_key else None
    r = ratio(query, imp)
    if "query" in by_key or "import_rdflib" in by_key:
        targets.append(
            Target(
                f"warm `ppo query {name}` (shipped graph) <= {WARM_QUERY_VS_IMPORT:g}× "
                '`python -c "import rdflib"`',
                f"{fmt_s(query)} = {fmt_x(r)} of {fmt_s(imp)}"
                if r
                else (by_key["query"].cand.error if "query" in by_key else "")
                or (by_key["import_rdflib"].cand.error if "import_rdflib" in by_key else "")
                or "–",
                None if r is None else r <= WARM_QUERY_VS_IMPORT,
            )
        )
    if top is not None:
        ready: Series = top["serve_ready"]
        seconds = ready.seconds
        targets.append(
            Target(
                f"warm `ppo serve BIG.nt` ready (GET /health 200) at 1M <= "
                f"{SERVE_READY_SECONDS:g} s",
                f"{fmt_s(seconds)}, {fmt_rss(ready.rss)} (median of {len(ready.runs)}{where})"
                if seconds is not None
                else ready.error or "–",
                None if seconds is None or not at_target else seconds <= SERVE_READY_SECONDS,
            )
        )
        cold: Series = top["validate_cold"]
        seconds, rss = cold.seconds, cold.rss
        targets.append(
            Target(
                f"cold `ppo validate BIG.nt` at 1M (whole process, empty cache) <= "
                f"{COLD_VALIDATE_SECONDS:g} s",
                f"{fmt_s(seconds)} (one run{where})" if seconds is not None else cold.error or "–",
                None if seconds is None or not at_target else seconds <= COLD_VALIDATE_SECONDS,
            )
        )
        targets.append(
            Target(
                f"cold `ppo validate BIG.nt` at 1M: peak RSS <= {fmt_rss(COLD_VALIDATE_RSS)}",
                f"{fmt_rss(rss)} (`os.wait4`{where})" if rss else cold.error or "–",
                None if not rss or not at_target else rss <= COLD_VALIDATE_RSS,
            )
        )
    warm = _s(shipped.get("queries_fast"))
    targets.append(
        Target(
            f"all {shipped.get('queries', '?')} canned queries warm on the shipped graph, in "
            f"total, < {QUERIES_WARM_TOTAL * 1000:g} ms (today {QUERIES_WARM_TODAY * 1000:g} ms)",
            f"{fmt_s(warm)}; {fmt_x(ratio(QUERIES_WARM_TODAY, warm))} faster than today"
            if warm is not None
            else _err(shipped.get("queries_fast")) or "–",
            None if warm is None else warm < QUERIES_WARM_TOTAL,
        )
    )
    if org is not None:
        gaps = org.get("gaps")
        seconds = _s(gaps)
        n = int(org.get("people") or 0)
        at_people = n >= ORG_PEOPLE
        failed = next(
            (f"{step}: {org[step]['error']}" for step in ("import", "validate", "gaps")
             if "error" in (org.get(step) or {})),
            "",
        )  # fmt: skip
        targets.append(
            Target(
                f"`ppo org gaps` at {ORG_PEOPLE // 1000}k people, warm, <= {ORG_GAPS_SECONDS:g} s",
                f"{fmt_s(seconds)}, {fmt_rss((gaps or {}).get('rss'))} (median of "
                f"{(gaps or {}).get('runs')}"
                + ("" if at_people else f", at {n:,} people only")
                + ")"
                if seconds is not None
                else failed or "–",
                None if seconds is None or not at_people else seconds <= ORG_GAPS_SECONDS,
            )
        )
    return targets


def earlier_targets(
    args: argparse.Namespace,
    cases: list[Case],
    growth: list[dict[str, Any]],
) -> list[Target]:
    """The targets set before issue 17 (in-process steps at the top size among them)."""
    by_key = {c.key: c for c in cases}
    targets: list[Target] = []

    imp = by_key["import_rdflib"].cand.seconds if "import_rdflib" in by_key else None
    query = by_key["query"].cand.seconds if "query" in by_key else None
    r = ratio(query, imp)
    targets.append(
        Target(
            f"cold `ppo query {args.query}` <= {COLD_QUERY_VS_IMPORT:g}× `import rdflib`",
            f"{fmt_s(query)} = {fmt_x(r)} of {fmt_s(imp)}"
            if r
            else (by_key["query"].cand.error if "query" in by_key else "") or "–",
            None if r is None else r <= COLD_QUERY_VS_IMPORT,
        )
    )
    for key, what in (("validate", "warm cache"), ("validate_new", "new user file")):
        case = by_key.get(key)
        if case is None:
            continue
        speedup = ratio(case.base.seconds, case.cand.seconds)
        targets.append(
            Target(
                f"cold `ppo validate` ({what}) >= {VALIDATE_SPEEDUP:g}× faster than naive",
                f"{fmt_x(speedup)} ({fmt_s(case.base.seconds)} → {fmt_s(case.cand.seconds)})"
                if speedup
                else case.cand.error or case.base.error or "–",
                None if speedup is None else speedup >= VALIDATE_SPEEDUP,
            )
        )
    top = growth[-1] if growth else None
    at_target = top is not None and top["size"] >= TARGET_SIZE
    if top is not None:
        fast = top["fast"]
        reason_s = _reason_seconds(top)
        validate_s = _s(fast.get("validate"))
        total = reason_s + validate_s if reason_s is not None and validate_s is not None else None
        peak = max(
            (fast.get(k, {}).get("rss") or 0 for k in ("load_reason", "validate")), default=0
        )
        where = "" if at_target else f" (measured at {generate.size_label(top['size'])} only)"
        targets.append(
            Target(
                f"at 1M, in process: reason + validate <= {TOP_SECONDS:g} s",
                f"{fmt_s(total)} ({fmt_s(reason_s)} + {fmt_s(validate_s)}){where}",
                None if total is None or not at_target else total <= TOP_SECONDS,
            )
        )
        targets.append(
            Target(
                f"at 1M, in process: peak RSS of reason + validate <= {fmt_rss(TOP_RSS)}",
                f"{fmt_rss(peak)}{where}",
                None if not peak or not at_target else peak <= TOP_RSS,
            )
        )
        raw = fast.get("raw") or {}
        ratios = {n: v["engine"] / v["raw"] for n, v in raw.items() if "raw" in v and v["raw"] > 0}
        if ratios:
            worst = max(ratios, key=lambda n: ratios[n])
            total_raw = sum(v["raw"] for v in raw.values() if "raw" in v)
            total_engine = sum(v["engine"] for v in raw.values() if "raw" in v)
            targets.append(
                Target(
                    f"each canned query through the engine <= {RAW_RATIO:g}× raw pyoxigraph "
                    f"(at {generate.size_label(top['size'])})",
                    f"worst {fmt_x(ratios[worst])} ({worst}); all together "
                    f"{fmt_x(total_engine / total_raw if total_raw else None)}",
                    ratios[worst] <= RAW_RATIO,
                )
            )
    return targets


def report(
    args: argparse.Namespace,
    cases: list[Case],
    shipped: dict[str, Any],
    growth: list[dict[str, Any]],
    started: float,
    top: dict[str, Any] | None = None,
    org: dict[str, Any] | None = None,
) -> str:
    parts = ["# ppo benchmark", ""]
    parts.append(table(["machine", ""], machine()))
    parts.append("")
    by_key = {c.key: c for c in cases}
    imp = by_key["import_rdflib"].cand.seconds if "import_rdflib" in by_key else None
    top_growth = growth[-1] if growth else None
    for title, targets in (
        ("## Targets (issue 17)", issue17_targets(args, cases, shipped, top, org)),
        ("## Earlier targets", earlier_targets(args, cases, growth)),
    ):
        parts += [title, ""]
        parts.append(
            table(
                ["target", "measured", "result"],
                [(t.name, t.measured, t.verdict) for t in targets],
            )
        )
        parts.append("")

    # -- cold runs ---------------------------------------------------------------------------
    if not cases:
        parts += ["(Whole-process cold runs skipped: --skip-cold.)", ""]
    else:
        parts += [
            f"## Whole-process cold runs (median of {args.repeat}, candidate and baseline alternating)",
            "",
            "Each run is a new process from a temporary directory; `PPO_CACHE_DIR` is a fresh temporary "
            "folder, warmed once before timing. Baseline: `bench/naive.py` (rdflib parse + owlrl "
            "closure + pySHACL, or rdflib running the same .rq file). RSS: the child's peak "
            "(`os.wait4`), the largest of the runs. Ratio vs `import rdflib` = candidate / "
            '`python -c "import rdflib"`.',
            "",
        ]
        rows = []
        for case in cases:
            cand, base = case.cand, case.base
            rows.append(
                (
                    case.label,
                    fmt_s(cand.seconds) if cand.ok else cand.error or "–",
                    fmt_rss(cand.rss),
                    fmt_x(ratio(cand.seconds, imp)) if case.key != "import_rdflib" else "1×",
                    case.baseline_label if case.base.runs else "–",
                    (fmt_s(base.seconds) if base.ok else base.error) if base.runs else "–",
                    fmt_rss(base.rss) if base.runs else "–",
                    f"**{fmt_x(ratio(base.seconds, cand.seconds))}**" if base.runs else "–",
                )
            )
        parts.append(
            table(
                [
                    "command (candidate)",
                    "time",
                    "peak RSS",
                    "vs import rdflib",
                    "baseline",
                    "time",
                    "peak RSS",
                    "speed-up",
                ],
                rows,
            )
        )
        parts.append("")

    parts += whole_process_section(args, top, org, imp)

    # -- in process ---------------------------------------------------------------------------
    parts += [
        "## In process, shipped graph "
        f"({shipped.get('asserted', '?')} asserted + {shipped.get('inferred', '?')} inferred triples)",
        "",
        "Medians; parsing excluded from reasoning, both validators run on the same reasoned graph, "
        "both query engines on the same reasoned graph, after one untimed run of every query.",
        "",
    ]
    rows = []
    for label, fast_key, ref_key, ref_label in (
        ("reasoning (OWL RL)", "reason_fast", "reason_owlrl", "owlrl"),
        ("validation (SHACL)", "validate_fast", "validate_pyshacl", "pySHACL"),
        (
            f"all {shipped.get('queries', '?')} canned queries, warm, total",
            "queries_fast",
            "queries_rdflib",
            "rdflib",
        ),
    ):
        f, b = shipped.get(fast_key), shipped.get(ref_key)
        rows.append(
            (
                label,
                fmt_s(_s(f)) if _s(f) is not None else _err(f) or "–",
                ref_label,
                fmt_s(_s(b))
                if _s(b) is not None
                else _err(b) or ("skipped in --quick" if args.quick else "–"),
                f"**{fmt_x(ratio(_s(b), _s(f)))}**",
            )
        )
    parts.append(table(["step", "fast", "reference", "time", "speed-up"], rows))
    notes = []
    if "reason_fast_inferred" in shipped:
        notes.append(
            f"fast reasoner: {shipped['reason_fast_inferred']} inferred triples (trivial ones "
            f"left out); owlrl added {shipped.get('reason_owlrl_added', '?')} (with its trivia)"
        )
    if "validate_fast_conforms" in shipped:
        notes.append(
            f"conforms: fast {shipped['validate_fast_conforms']}, "
            f"pySHACL {shipped.get('validate_pyshacl_conforms')}"
        )
    if shipped.get("row_mismatches"):
        notes.append(
            "row counts differ (engine vs rdflib): " + "; ".join(shipped["row_mismatches"])
        )
    elif "queries_rdflib" in shipped and "error" not in shipped["queries_rdflib"]:
        notes.append("every query gives the same number of rows on both engines")
    each = shipped.get("queries_fast_each") or {}
    if each:
        slow = sorted(each.items(), key=lambda kv: -kv[1])[:5]
        notes.append("slowest on the engine: " + ", ".join(f"{n} {fmt_s(s)}" for n, s in slow))
    parts += ["", *(f"- {n}" for n in notes), ""]

    # -- growth ------------------------------------------------------------------------------
    parts += [
        "## Growth: shipped graph + generated extension",
        "",
        "One child process per size and path (the load-only step in a process of its own). "
        "Time: wall; RSS: the process's peak during the step (VmHWM reset before each step). "
        "Queries, 1st pass: each canned query in a fork of the child, stopped after "
        f"{fmt_s(args.query_timeout)}; warm: all that finished, again, in the child itself"
        f"{' (skipped in --quick)' if args.quick else ''}. "
        "The reference path (rdflib parse, owlrl, pySHACL, rdflib SPARQL with one pass over the "
        "queries) runs at 10k only.",
        "",
    ]
    rows = []
    for g in growth:
        fast, label = g["fast"], generate.size_label(g["size"])
        load = g.get("load", {}).get("load")
        reason_s = _reason_seconds(g)
        queries_first, queries_warm = fast.get("queries_first"), fast.get("queries_warm")
        conforms = fast.get("conforms")
        rows.append(
            (
                f"+{label} (fast)",
                f"{fast.get('asserted', '?'):,}" if isinstance(fast.get("asserted"), int) else "?",
                f"{fast.get('inferred', '?'):,}" if isinstance(fast.get("inferred"), int) else "?",
                _cell(load),
                f"{fmt_s(reason_s)} / {fmt_rss((fast.get('load_reason') or {}).get('rss'))}"
                if reason_s is not None
                else _err(fast.get("load_reason")) or "–",
                _cell(fast.get("validate")),
                _cell(queries_first),
                _cell(queries_warm),
                "yes"
                if conforms
                else ("–" if conforms is None else f"no ({fast.get('violations')})"),
                fmt_rss(max(g["fast_run"].rss, fast.get("peak_rss") or 0)),
            )
        )
        ref = g.get("reference")
        if ref is not None:
            rows.append(
                (
                    f"+{label} (reference)",
                    f"{ref.get('asserted', '?'):,}"
                    if isinstance(ref.get("asserted"), int)
                    else "?",
                    f"{ref.get('inferred', '?'):,} (with trivia)"
                    if isinstance(ref.get("inferred"), int)
                    else "?",
                    _cell(ref.get("load")),
                    _cell(ref.get("reason")),
                    _cell(ref.get("validate")),
                    _cell(ref.get("queries_first")),
                    "–",
                    "yes" if ref.get("conforms") else "no",
                    fmt_rss(max(g["reference_run"].rss, ref.get("peak_rss") or 0)),
                )
            )
    parts.append(
        table(
            [
                "input",
                "asserted",
                "inferred",
                "load",
                "reason",
                "validate",
                "queries (1st pass)",
                "queries (warm)",
                "conforms",
                "process peak RSS",
            ],
            rows,
        )
    )
    parts.append("")
    for g in growth:
        fast, label = g["fast"], generate.size_label(g["size"])
        if fast.get("queries_timed_out"):
            parts.append(
                f"- +{label}: stopped after {fmt_s(args.query_timeout)} and left out of the "
                f"query totals: {', '.join(fast['queries_timed_out'])}"
            )
        if fast.get("queries_failed"):
            failed = "; ".join(f"{n}: {e}" for n, e in fast["queries_failed"].items())
            parts.append(f"- +{label}: failed: {failed}")
        each = {n: v["s"] for n, v in (fast.get("queries_each") or {}).items() if "s" in v}
        if each:
            slow = sorted(each.items(), key=lambda kv: -kv[1])[:4]
            parts.append(
                f"- +{label}: slowest queries (1st pass): "
                + ", ".join(f"{n} {fmt_s(t)}" for n, t in slow)
            )
    parts.append("")
    parts.append(
        "Load: parse shipped + extension into the store (own process). Reason: the engine's "
        "reasoning time (`KnowledgeGraph.timings`), RSS of load + reason. Each cell: time / peak RSS."
    )
    parts.append("")

    if top_growth is not None and top_growth["fast"].get("raw"):
        raw = top_growth["fast"]["raw"]
        parts += [
            f"## Canned queries at +{generate.size_label(top_growth['size'])}: raw pyoxigraph vs the "
            "engine",
            "",
            "Raw: the reasoned store dumped to N-Quads and bulk-loaded into a new "
            "`pyoxigraph.Store`, the query text already bound, rows materialised. Engine: "
            "`KnowledgeGraph.rows(name)` (parameter resolution and row dicts included). "
            + (
                "One run each (--quick). "
                if args.quick
                else "Best of two alternating medians (one round for a query slower than 10 s). "
            )
            + "Queries that timed out above are left out.",
            "",
        ]
        rows = []
        for name, v in sorted(raw.items()):
            if "raw" in v:
                rows.append(
                    (name, fmt_s(v["raw"]), fmt_s(v["engine"]), fmt_x(v["engine"] / v["raw"]))
                )
            else:
                rows.append((name, _err(v), "", ""))
        parts.append(table(["query", "raw pyoxigraph", "engine", "ratio"], rows))
        parts.append("")

    parts.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    return "\n".join(parts) + "\n"


def whole_process_section(
    args: argparse.Namespace,
    top: dict[str, Any] | None,
    org: dict[str, Any] | None,
    imp: float | None,
) -> list[str]:
    """The table of the whole processes on the top size's file and on the organisation."""
    if top is None and org is None:
        return []
    rows: list[tuple[str, ...]] = []

    def series_row(command: str, series: Series, note: str) -> None:
        rows.append(
            (
                command,
                str(len(series.runs)),
                fmt_s(series.seconds) if series.ok else series.error or "–",
                ", ".join(fmt_s(r.seconds) for r in series.runs if r.code == 0) or "–",
                fmt_rss(series.rss),
                fmt_x(ratio(series.seconds, imp)),
                note,
            )
        )

    if top is not None:
        name = top.get("file", "BIG.nt")
        series_row(f"`ppo validate {name}`", top["validate_cold"], "cold: empty cache, fills it")
        series_row(
            f"`ppo query {args.query} {name}`",
            Series([top["query_first"]]),
            "the first after validate (not counted)",
        )
        series_row(f"`ppo query {args.query} {name}`", top["query_warm"], "warm")
        series_row(f"`ppo serve {name}`", top["serve_ready"], "warm: start to GET /health 200")
    if org is not None:
        n = int(org.get("people") or 0)
        for step, command, note in (
            ("import", "`ppo org import people.csv --raci raci.csv`", "CSV -> Turtle"),
            ("validate", "`ppo validate --checks org.ttl`", "cold: fills the cache"),
            ("gaps", "`ppo org gaps org.ttl`", "warm"),
        ):
            d = org.get(step)
            if d is None:
                continue
            each = d.get("each") or ([d["s"]] if "s" in d else [])
            rows.append(
                (
                    f"{command} ({n:,} people)",
                    str(d.get("runs", 1)),
                    fmt_s(d["s"]) if "error" not in d else f"error: {d['error']}",
                    ", ".join(fmt_s(x) for x in each) if "error" not in d else "–",
                    fmt_rss(d.get("rss")) if "error" not in d else "–",
                    fmt_x(ratio(d.get("s"), imp)) if "error" not in d else "–",
                    note,
                )
            )
    text = [
        "## Whole processes at the top size and on the organisation",
        "",
        "Each a new process started by the launcher (wall time; peak RSS of the child, its own "
        "children's summed with it (`run_process`); for `ppo serve`, the server's VmHWM when ready), each part with a cache "
        "folder of its own, empty at first. "
        + (
            f"BIG.nt: the shipped graph + the +{generate.size_label(args.size_list[-1])} "
            "extension above. "
            if top is not None
            else ""
        )
        + (
            f"The organisation: `bench/generate_org.py {org.get('people')}` "
            f"({org.get('people_rows', '?'):,} people rows, {org.get('raci_rows', '?'):,} RACI "
            "rows)."
            if org is not None
            else ""
        ),
        "",
        table(
            ["command", "runs", "time (median)", "each", "peak RSS", "vs import rdflib", "note"],
            rows,
        ),
        "",
    ]
    return text


def _cell(d: dict[str, Any] | None) -> str:
    if not d:
        return "–"
    if "error" in d:
        return _err(d)
    return f"{fmt_s(d.get('s'))} / {fmt_rss(d.get('rss'))}"


def _reason_seconds(g: dict[str, Any]) -> float | None:
    fast = g["fast"]
    timed = (fast.get("timings") or {}).get("reason")
    if timed is not None:
        return float(timed)
    total, load = _s(fast.get("load_reason")), _s(g.get("load", {}).get("load"))
    return total - load if total is not None and load is not None else None


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the fast ppo engine against the reference pipeline, with ratios.",
        epilog="examples:\n  python bench/run.py --quick\n"
        "  python bench/run.py --sizes 10k,100k,1M --repeat 5 --out bench-results.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="size 10k, repeat 3, 2,000 people, fewer baselines (about a minute)",
    )
    parser.add_argument("--sizes", help="extension sizes (default 10k,100k,1M; --quick: 10k)")
    parser.add_argument("--repeat", type=int, help="runs per timing (default 5; --quick: 3)")
    parser.add_argument(
        "--query",
        default="role-duties",
        help="canned query for the whole-process runs (default role-duties)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated extensions")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the owlrl + pySHACL growth run at 10k"
    )
    parser.add_argument(
        "--skip-cold", action="store_true", help="skip the whole-process runs on the shipped graph"
    )
    parser.add_argument(
        "--skip-top",
        action="store_true",
        help="skip the whole-process runs on the top size's file (cold validate, warm query and "
        "serve)",
    )
    parser.add_argument(
        "--org-people",
        type=int,
        help=f"people in the organisation for `ppo org gaps` (default {ORG_PEOPLE}; --quick: "
        f"{ORG_PEOPLE_QUICK}; 0: skip)",
    )
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument("--json", type=Path, help="write the raw measurements here")
    parser.add_argument("--workdir", type=Path, help="keep generated files here (default: temp)")
    # Internal: the measuring children.
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--child-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ref-repeat", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--ref-warm", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=120.0,
        help="growth: a canned query still running after this many seconds is stopped and "
        "reported as timed out (default 120)",
    )
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 5
    if args.sizes is None:
        args.sizes = "10k" if args.quick else "10k,100k,1M"
    if args.org_people is None:
        args.org_people = ORG_PEOPLE_QUICK if args.quick else ORG_PEOPLE
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.org_people < 0:
        parser.error("--org-people must be 0 or more")
    try:
        args.size_list = sorted({generate.parse_size(s) for s in args.sizes.split(",") if s})
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        data = CHILDREN[args.child](args)
        data["peak_rss"] = max(_PEAK[0], _hwm())
        args.child_out.write_text(json.dumps(data, default=str), encoding="utf-8")
        return 0
    started = time.perf_counter()
    from ppo_graph.paths import resource_root

    root = resource_root()
    if not PPO_SCRIPT.exists():
        print(f"no ppo script beside {sys.executable}: install the package", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="ppo-bench-") as tmp:
        work = Path(tmp)
        files_dir = args.workdir or work
        files_dir.mkdir(parents=True, exist_ok=True)
        cases = [] if args.skip_cold else cold_runs(args, work, root)
        ref_repeat = 1 if args.quick else 3
        say("in process: shipped graph")
        shipped_args = ["--repeat", str(args.repeat), "--ref-repeat", str(ref_repeat)]
        if args.quick:  # no rdflib query baseline
            shipped_args.append("--quick")
        else:  # rdflib: one untimed pass over the prepared queries first
            shipped_args.append("--ref-warm")
        shipped, _ = run_child("shipped", work, root, shipped_args)
        growth = []
        for size in args.size_list:
            label = generate.size_label(size)
            path = files_dir / f"extension-{label}-seed{args.seed}.nt"
            if not path.exists():
                say(f"growth: generating {label} triples")
                generate.write(path, size, seed=args.seed)
            say(f"growth {label}: load")
            load, _ = run_child("load", work, root, ["--file", str(path)])
            say(f"growth {label}: load, reason, validate, queries (fast path)")
            extra = ["--file", str(path), "--repeat", str(args.repeat)]
            extra += ["--query-timeout", str(args.query_timeout)]
            if size == args.size_list[-1]:
                extra.append("--raw")
            if args.quick:
                extra.append("--quick")
            fast, fast_run = run_child("growth", work, root, extra)
            entry: dict[str, Any] = {"size": size, "load": load, "fast": fast, "fast_run": fast_run}
            if size == 10_000 and not args.quick and not args.no_reference:
                say(f"growth {label}: reference path (owlrl + pySHACL + rdflib), takes minutes")
                ref, ref_run = run_child("reference", work, root, ["--file", str(path)])
                entry["reference"], entry["reference_run"] = ref, ref_run
            growth.append(entry)
        top = None
        if growth and not args.skip_top:
            label = generate.size_label(args.size_list[-1])
            top = top_runs(args, work, files_dir / f"extension-{label}-seed{args.seed}.nt")
        org = org_runs(args, work, files_dir) if args.org_people > 0 else None
        text = report(args, cases, shipped, growth, started, top, org)
        Launcher.close()
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        raw = {
            "cold": {
                c.key: {
                    "candidate": [vars(r) for r in c.cand.runs],
                    "baseline": [vars(r) for r in c.base.runs],
                }
                for c in cases
            },
            "shipped": shipped,
            "growth": [
                {k: (vars(v) if isinstance(v, Run) else v) for k, v in g.items()} for g in growth
            ],
            "top": {
                k: (
                    [vars(r) for r in v.runs]
                    if isinstance(v, Series)
                    else vars(v)
                    if isinstance(v, Run)
                    else v
                )
                for k, v in (top or {}).items()
            },
            "org": org,
        }
        args.json.write_text(json.dumps(raw, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
