"""Enterprise size: ``ppo org`` on generated organisations of 1k, 10k and 50k people.

    python bench/org_size.py [--sizes 1000,10000,50000] [--seed 1] [--timeout 600]
                             [--baseline-pythonpath DIR [--repeat N]]

For each size, ``bench/generate_org.py`` writes the people and RACI CSV files, then each step runs
in a fresh child process (started by ``bench/run.py``'s launcher: wall time, and the peak memory
of the child with its own children, such as the cache writer, from ``run.run_process``;
``timeout`` stops a step after ``--timeout`` seconds), from a temporary directory with ``PPO_CACHE_DIR`` inside it (an empty cache for each size):

* import: ``ppo org import people.csv --raci raci.csv --out org.ttl`` (CSV -> Turtle);
* validate: ``ppo validate --checks org.ttl``, the first command on the new file (load, reason,
  SHACL + checks, and writing the reasoned graph to the cache; exit 0 or 1 both count as done);
* gaps: ``ppo org gaps org.ttl``, the next command (the reasoned graph read from the cache);
* gaps-cold: ``ppo org gaps --no-cache org.ttl`` (load and reason again, no cache);
* raci: ``ppo raci org.ttl --by person --format csv --out x.csv`` (from the cache).

The triples column is the shipped graph plus the organisation after reasoning (counted in a
separate, unmeasured child). Targets (issue 11): the 1M-triple organisation validated in
<= 60 s and <= 2 GiB (the first, cache-filling run), ``ppo org gaps`` <= 10 s (the cached
run); every row says PASS or MISS against them.

With ``--baseline-pythonpath DIR`` (a checkout of an earlier commit, e.g. a ``git worktree``), each
step runs twice on the same generated files, once with this checkout's ``ppo_graph`` and once
with ``DIR``'s (``PYTHONPATH=DIR``, the same interpreter and packages; both started as ``python -m
ppo_graph``), each side with a folder and a cache of its own; the two alternate, the one that
goes first changing from run to run, so a load on the machine weighs on both alike. It prints
the candidate, the baseline and their ratio per size and step. ``--repeat N`` runs each step N
times per side and keeps the medians (``validate`` with its cache folder emptied before each
run, so every run is the cold, cache-filling one): one run of a step moves by up to 10-15 %
from the next on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import generate_org  # noqa: E402
from run import GIB, MIB, Launcher, child_env, compiled  # noqa: E402

PPO = Path(sys.executable).parent / "ppo"
TIMEOUT_BIN = shutil.which("timeout")
VALIDATE_SECONDS = 60.0
VALIDATE_RSS = 2 * GIB
GAPS_SECONDS = 10.0
STEPS = ("import", "validate", "gaps", "gaps-cold", "raci")

COUNT = (
    "import sys; from ppo_graph import engine; "
    "print(len(engine.KnowledgeGraph.open([sys.argv[1]], cache=False)))"
)


def measure(
    argv: list[str], work: Path, timeout: float, env: dict[str, str] | None = None
) -> dict[str, object]:
    """One child: seconds, peak RSS (bytes), exit code; ``ok`` unless it failed (2+). ``env``:
    the child's environment (default: ``run.child_env(work)``, the cache inside ``work``)."""
    if TIMEOUT_BIN:
        argv = [TIMEOUT_BIN, "-k", "5", str(int(timeout)), *argv]
    err = work / "stderr.txt"
    result = Launcher.get().run(argv, work, env or child_env(work), err)
    code = int(result["code"])
    out: dict[str, object] = {"s": float(result["s"]), "rss": int(result["rss"]), "code": code}
    if code in (124, 137):
        out["error"] = f"stopped after {timeout:.0f} s"
    elif code not in (0, 1):
        tail = err.read_text("utf-8", "replace").strip().splitlines()[-3:]
        out["error"] = f"exit {code}: " + " / ".join(tail)
    return out


def commands(
    csv_dir: Path, ttl: Path, work: Path, ppo: list[str] | None = None
) -> dict[str, list[str]]:
    """The command of each step in :data:`STEPS`: ``csv_dir`` holds people.csv and raci.csv,
    ``ttl`` is the organisation that ``import`` writes and the others read; ``ppo``: how ``ppo``
    is started (default: the ``ppo`` script beside this interpreter)."""
    p = ppo or [str(PPO)]
    return {
        "import": [
            *p, "org", "import", str(csv_dir / "people.csv"),
            "--raci", str(csv_dir / "raci.csv"), "--out", str(ttl),
        ],
        "validate": [*p, "validate", "--checks", str(ttl)],
        "gaps": [*p, "org", "gaps", str(ttl)],
        "gaps-cold": [*p, "org", "gaps", "--no-cache", str(ttl)],
        "raci": [
            *p, "raci", str(ttl), "--by", "person",
            "--format", "csv", "--out", str(work / "x.csv"),
        ],
    }  # fmt: skip


def one_size(n: int, seed: int, timeout: float) -> dict[str, object]:
    row: dict[str, object] = {"n": n}
    with tempfile.TemporaryDirectory(prefix=f"org-size-{n}-") as tmp:
        work = Path(tmp)
        people, raci = generate_org.write(work / "csv", n, seed=seed)
        row["people_rows"], row["raci_rows"] = people, raci
        ttl = work / "org.ttl"
        argvs = commands(work / "csv", ttl, work)
        for step in STEPS:
            if step != "import" and not ttl.exists():
                row[step] = {"error": "no org.ttl"}
                continue
            row[step] = measure(argvs[step], work, timeout)
            say(f"  {n}: {step} {fmt(row[step])}")
            if step == "import" and ttl.exists():
                env = child_env(work)
                done = subprocess.run(
                    [sys.executable, "-c", COUNT, str(ttl)],
                    capture_output=True, text=True, env=env, timeout=timeout, check=False,
                )  # fmt: skip
                row["triples"] = int(done.stdout.strip()) if done.returncode == 0 else None
    return row


SIDES = ("candidate", "baseline")


def baseline_env(work: Path, pythonpath: Path) -> dict[str, str]:
    """The baseline's environment: :func:`run.child_env` with ``pythonpath`` first on
    ``PYTHONPATH``, so its ``ppo_graph`` is imported instead of this checkout's."""
    env = child_env(work)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return env


def check_baseline(pythonpath: Path) -> str:
    """The ``ppo_graph`` package file the baseline imports; a SystemExit(2) naming
    ``--baseline-pythonpath`` when it is not the one under ``pythonpath``."""
    with tempfile.TemporaryDirectory(prefix="org-size-check-") as tmp:
        done = subprocess.run(
            [sys.executable, "-c", "import ppo_graph; print(ppo_graph.__file__)"],
            capture_output=True, text=True, env=baseline_env(Path(tmp), pythonpath),
            cwd=tmp, timeout=60, check=False,
        )  # fmt: skip
    found = done.stdout.strip()
    if done.returncode != 0 or not Path(found).resolve().is_relative_to(pythonpath.resolve()):
        say(
            f"org_size.py: --baseline-pythonpath {pythonpath}: ppo_graph is imported from "
            f"{found or done.stderr.strip()!r}, not from that folder (give a checkout's root)"
        )
        raise SystemExit(2)
    return found


def compare_size(
    n: int, seed: int, timeout: float, baseline: Path, repeat: int = 1
) -> dict[str, object]:
    """One size measured for both sides (:data:`SIDES`) on the same generated files, each step
    ``repeat`` times per side (the median time and peak RSS kept; ``validate`` with the cache
    folder emptied before each run, so every run is the cold one); the side that runs first
    alternates from run to run."""
    row: dict[str, object] = {"n": n}
    with tempfile.TemporaryDirectory(prefix=f"org-size-{n}-") as tmp:
        root = Path(tmp)
        people, raci = generate_org.write(root / "csv", n, seed=seed)
        row["people_rows"], row["raci_rows"] = people, raci
        ppo = [sys.executable, "-m", "ppo_graph"]
        works = {side: root / side for side in SIDES}
        argvs, envs = {}, {}
        for side, work in works.items():
            work.mkdir()
            argvs[side] = commands(root / "csv", work / "org.ttl", work, ppo)
            envs[side] = baseline_env(work, baseline) if side == "baseline" else child_env(work)
        turn = 0
        for step in STEPS:
            runs: dict[str, list[dict[str, object]]] = {side: [] for side in SIDES}
            for _ in range(repeat):
                for side in SIDES if turn % 2 == 0 else SIDES[::-1]:
                    if step == "validate":
                        shutil.rmtree(envs[side]["PPO_CACHE_DIR"], ignore_errors=True)
                    result: dict[str, object] = (
                        {"error": "no org.ttl"}
                        if step != "import" and not (works[side] / "org.ttl").exists()
                        else measure(argvs[side][step], works[side], timeout, envs[side])
                    )
                    runs[side].append(result)
                    say(f"  {n}: {step} {side} {fmt(result)} (load {os.getloadavg()[0]:.1f})")
                turn += 1
            for side in SIDES:
                row[f"{side}:{step}"] = median_run(runs[side])
    return row


def median_run(runs: list[dict[str, object]]) -> dict[str, object]:
    """The runs of one step as one: the first failure, else the median time and peak RSS (and
    how many runs, when more than one)."""
    failed = [run for run in runs if "error" in run]
    if failed or len(runs) == 1:
        return (failed or runs)[0]
    seconds = statistics.median(float(str(run["s"])) for run in runs)
    rss = statistics.median(int(str(run["rss"])) for run in runs)
    return {"s": seconds, "rss": int(rss), "code": runs[0]["code"], "runs": len(runs)}


def ratio(row: dict[str, object], step: str, key: str = "s") -> str:
    cand, base = row.get(f"candidate:{step}"), row.get(f"baseline:{step}")
    if (
        not isinstance(cand, dict)
        or not isinstance(base, dict)
        or "error" in cand
        or "error" in base
    ):
        return "—"
    return f"{cand[key] / base[key]:.2f}"


def comparison_table(rows: list[dict[str, object]]) -> str:
    head = ["people", "step", "candidate", "baseline", "time ratio", "peak RSS ratio"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        for step in STEPS:
            cells = [
                f"{row['n']:,}",
                step,
                fmt(row.get(f"candidate:{step}")),
                fmt(row.get(f"baseline:{step}")),
                ratio(row, step),
                ratio(row, step, "rss"),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def fmt(step: object) -> str:
    if not isinstance(step, dict) or "error" in step:
        return "—" if not isinstance(step, dict) else f"MISS ({step['error']})"
    return f"{step['s']:.1f} s / {step['rss'] / MIB:.0f} MiB"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def verdict(row: dict[str, object]) -> tuple[str, str]:
    val, gaps = row.get("validate"), row.get("gaps")
    v = (
        "PASS"
        if isinstance(val, dict)
        and "error" not in val
        and val["s"] <= VALIDATE_SECONDS  # type: ignore[operator]
        and val["rss"] <= VALIDATE_RSS  # type: ignore[operator]
        else "MISS"
    )
    g = (
        "PASS"
        if isinstance(gaps, dict) and "error" not in gaps and gaps["s"] <= GAPS_SECONDS  # type: ignore[operator]
        else "MISS"
    )
    return v, g


def table(rows: list[dict[str, object]]) -> str:
    head = [
        "people", "people rows", "RACI rows", "triples (reasoned)", "import",
        "validate (first, fills the cache)", "gaps (cached)", "gaps --no-cache",
        "raci --by person (cached)", "validate <= 60 s, 2 GiB", "gaps <= 10 s",
    ]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        triples = row.get("triples")
        cells = [
            f"{row['n']:,}",
            f"{row['people_rows']:,}",
            f"{row['raci_rows']:,}",
            f"{triples:,}" if isinstance(triples, int) else "—",
            *(fmt(row.get(step)) for step in STEPS),
            *verdict(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per step")
    parser.add_argument(
        "--baseline-pythonpath",
        type=Path,
        metavar="DIR",
        help="also run every step with the ppo_graph of DIR (a checkout of an earlier commit) "
        "and print the ratios",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="with --baseline-pythonpath: run each step this many times per side, the median "
        "kept (validate cold each time)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    base = args.baseline_pythonpath
    if base is not None:
        say(f"baseline: {check_baseline(base)}")
    compiled(BENCH.parent / "ppo_graph", *([base / "ppo_graph"] if base is not None else []))
    rows = []
    loads = [os.getloadavg()]
    try:
        for n in sizes:
            say(f"size {n} ...")
            rows.append(
                one_size(n, args.seed, args.timeout)
                if base is None
                else compare_size(n, args.seed, args.timeout, base, args.repeat)
            )
            loads.append(os.getloadavg())
    finally:
        Launcher.close()
    if base is not None:
        print(
            f"# ppo org at enterprise size, candidate vs baseline ({base}) — "
            f"{dt.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}"
        )
        print()
        print(
            "Load average (1 min) at the start and after each size: "
            + ", ".join(f"{load[0]:.1f}" for load in loads)
            + ". Each cell: wall time / peak RSS of the child with its own children (summed); ratio: candidate / baseline."
        )
        print()
        print(comparison_table(rows))
        return 0
    print(
        f"# ppo org at enterprise size — {dt.date.today().isoformat()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print()
    print(
        f"Targets: the 1M-triple organisation validated in <= {VALIDATE_SECONDS:.0f} s and "
        f"<= {VALIDATE_RSS // GIB} GiB; `ppo org gaps` <= {GAPS_SECONDS:.0f} s from the cache (checked on every "
        "row). Each cell: wall time / peak RSS of the child with its own children (summed)."
    )
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
