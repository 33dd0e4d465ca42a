"""At scale on a store: ``ppo load`` and ``ppo validate --checks --store`` on the Oxigraph server
and on Virtuoso, beside in-process.

    python bench/store.py [--catalogue 1M] [--org-people 35000] [--stores oxigraph,virtuoso]
                          [--virtuoso-buffers 100000] [--virtuoso-max-rows 2500000]
                          [--virtuoso-batch 100000] [--virtuoso-query-mem 8G] [--no-here]
                          [--seed 1] [--timeout 1800] [--out results.md] [--json raw.json]
    python bench/store.py --quick          # 2k triples, 50 people, the Oxigraph server: a smoke

Two data sets, each written into a temporary folder: the tenant catalogue (``generate.py SIZE``:
tailored roles and duties of many organisations, an extension of exactly SIZE triples) and the
organisation (``generate_org.py N``, imported with ``ppo org import``). For each, every step is a
whole ``ppo`` process started by ``run.py``'s launcher (wall time; the child's own peak RSS from
``os.wait4``; stopped after ``--timeout`` seconds), with a cache folder of its own:

* in process: ``ppo validate --checks FILE`` with the cache empty (load, reason, SHACL and every
  check, and the reasoned graph written to the cache), again warm, and ``ppo query role-duties
  FILE`` warm;
* on each store, a new server on free loopback ports in the folder (tests/stores.py starts it:
  ``oxigraph serve``; ``virtuoso-t`` with ``--virtuoso-buffers`` pages, ``--virtuoso-max-rows``
  and no query time limit): ``ppo load FILE --timeout SECONDS`` (the cache warm from the
  in-process run, so this is reading the reasoned graph, one Graph Store Protocol PUT of its
  N-Triples and the store's ingest; on Virtuoso with ``--batch`` of ``--virtuoso-batch``
  triples, a PUT and then POSTs, since it deadlocked or hung on one PUT of a million), ``ppo validate --checks --store`` (the checks as SPARQL in
  the store, SHACL here on a copy fetched with a Graph Store GET) and ``ppo query role-duties
  --store``; then the store server's own peak RSS (VmHWM). ``--no-here`` leaves the in-process
  steps out (the cache is filled by an untimed ``ppo stats FILE`` instead).

Each validate writes its JSON report, so the table says how many violations each found: the same
count in process and in a store is the verdict agreeing at scale (``ppo store check`` compares
row by row). A step that fails says so with its exit code and the end of its stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
TESTS = BENCH.parent / "tests"
for folder in (BENCH, TESTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import generate  # noqa: E402
import generate_org  # noqa: E402
from org_size import PPO, measure  # noqa: E402
from run import MIB, child_env, fmt_rss, machine, table  # noqa: E402

STORES = ("oxigraph", "virtuoso")


def say(message: str) -> None:
    print(f"[store bench] {message}", file=sys.stderr, flush=True)


def datasets(args: argparse.Namespace, root: Path) -> Iterator[tuple[str, Path]]:
    """(label, file) of each data set, written on demand."""
    if args.catalogue:
        size = generate.parse_size(args.catalogue)
        path = root / f"catalogue-{generate.size_label(size)}.nt"
        generate.write(path, size, seed=args.seed)
        yield f"tenant catalogue, {generate.size_label(size)} triples", path
    if args.org_people:
        csv = root / "org-csv"
        generate_org.write(csv, args.org_people, seed=args.seed)
        path = root / f"org-{args.org_people}.ttl"
        done = subprocess.run(
            [str(PPO), "org", "import", str(csv / "people.csv"), "--raci", str(csv / "raci.csv"),
             "--out", str(path)],
            env=child_env(root), capture_output=True, text=True, timeout=args.timeout, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"ppo org import failed: {done.stderr.strip()}")
        yield f"organisation, {args.org_people:,} people", path


@contextmanager
def running(
    kind: str, folder: Path, buffers: int, max_rows: int, query_mem: str = "2G"
) -> Iterator[Any]:
    """A ``stores.Store`` of ``kind``, new in ``folder`` (tests/stores.py starts and stops it)."""
    import stores

    folder.mkdir(parents=True, exist_ok=True)
    if kind == "oxigraph":
        with stores.oxigraph_store(folder) as store:
            yield store
    else:
        virtuoso = stores.virtuoso_store(
            folder, buffers=buffers, max_seconds=0, max_rows=max_rows, query_mem=query_mem
        )
        with virtuoso as store:
            yield store


def server_hwm(folder: Path) -> int | None:
    """The peak RSS (VmHWM) of the server process whose command line names ``folder``."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if str(folder) in cmdline and ("oxigraph" in cmdline or "virtuoso-t" in cmdline):
                found = re.search(r"VmHWM:\s+(\d+)", (proc / "status").read_text())
                return int(found.group(1)) * 1024 if found else None
        except OSError:
            continue
    return None


def violations(report: Path) -> int | None:
    try:
        return len(json.loads(report.read_text(encoding="utf-8"))["violations"])
    except (OSError, ValueError, KeyError):
        return None


def one_dataset(
    args: argparse.Namespace, label: str, path: Path, work: Path
) -> list[dict[str, Any]]:
    """The rows of one data set: in process, then on each store."""
    rows: list[dict[str, Any]] = []
    env = child_env(work)

    def step(where: str, what: str, argv: list[str], report: Path | None = None) -> None:
        result = measure([str(PPO), *argv], work, args.timeout, env)
        row = {"data": label, "where": where, "step": what, **result}
        if report is not None:
            row["violations"] = violations(report)
        rows.append(row)
        say(f"{label}: {where}: {what}: {fmt(row)} (load {os.getloadavg()[0]:.1f})")

    report = work / "validate-here.json"
    validate = ["validate", "--checks", "--format", "json"]
    if args.here:
        here = [*validate, "--out", str(report), str(path)]
        step("in process", "validate --checks (cold)", here, report)
        step("in process", "validate --checks (warm)", here, report)
        step("in process", "query role-duties (warm)", ["query", "role-duties", str(path)])
    else:  # the reasoned graph into the cache, untimed, for ppo load
        warm = subprocess.run([str(PPO), "stats", str(path)], env=env, capture_output=True,
                              timeout=args.timeout, check=False)  # fmt: skip
        if warm.returncode != 0:
            raise SystemExit(f"ppo stats {path} failed: {warm.stderr.decode()[-500:]}")
    triples = _count(path, env, args.timeout)
    for row in rows:
        row["triples"] = triples
    for kind in args.stores:
        server = running(
            kind,
            work / kind,
            args.virtuoso_buffers,
            args.virtuoso_max_rows,
            args.virtuoso_query_mem,
        )
        with server as store:
            where = {"oxigraph": "Oxigraph server", "virtuoso": "Virtuoso"}[kind]
            report = work / f"validate-{kind}.json"
            upload = ["load", *store.args(), str(path), "--timeout", str(args.timeout)]
            if kind == "virtuoso" and args.virtuoso_batch:
                upload += ["--batch", str(args.virtuoso_batch)]
            step(where, "load", upload)
            step(
                where,
                "validate --checks --store",
                [*validate, "--out", str(report), *store.args(), "--timeout", str(args.timeout)],
                report,
            )
            query = ["query", "role-duties", *store.args(), "--timeout", str(args.timeout)]
            step(where, "query role-duties --store", query)
            hwm = server_hwm(work / kind)
            said = store_log(work / kind) if any("error" in r for r in rows[-3:]) else None
            for row in rows[-3:]:
                row["triples"] = triples
                row["server_rss"] = hwm
                if said and "error" in row:
                    row["store_log"] = said
                    say(f"{where}'s log ends: {said}")
    return rows


def store_log(folder: Path, lines: int = 4) -> str:
    """The last lines of a store's own log (Virtuoso's virtuoso.log, else its stderr), for a
    step that failed: a store that died says why there, if anywhere."""
    for name in ("virtuoso.log", "stderr.txt"):
        try:
            text = (folder / name).read_text("utf-8", "replace").strip().splitlines()
        except OSError:
            continue
        if text:
            return " / ".join(line.strip() for line in text[-lines:])
    return ""


def _count(path: Path, env: dict[str, str], timeout: float) -> int | None:
    """The triples of the shipped graph and ``path`` after reasoning (from the cache: untimed)."""
    code = (
        "import sys; from ppo_graph.engine import KnowledgeGraph; "
        "print(len(KnowledgeGraph.open([sys.argv[1]])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    return int(done.stdout.strip()) if done.returncode == 0 else None


def fmt(row: dict[str, Any]) -> str:
    if "error" in row:
        return f"FAILED ({row['error']})"
    return f"{row['s']:.1f} s / {row['rss'] / MIB:.0f} MiB"


def report(args: argparse.Namespace, rows: list[dict[str, Any]]) -> str:
    head = ["data", "triples (reasoned)", "where", "step", "time", "peak RSS (ppo)",
            "violations", "store's peak RSS"]  # fmt: skip
    body = []
    for row in rows:
        failed = "error" in row
        body.append(
            [
                row["data"],
                f"{row['triples']:,}" if row.get("triples") else "–",
                row["where"],
                f"`ppo {row['step']}`",
                (
                    f"FAILED: {row['error']}"
                    + (f" (the store's log: {row['store_log']})" if row.get("store_log") else "")
                )
                if failed
                else f"{row['s']:.1f} s",
                "–" if failed else fmt_rss(row["rss"]),
                str(row["violations"]) if row.get("violations") is not None else "–",
                fmt_rss(row.get("server_rss")),
            ]
        )
    lines = [
        f"Measured {dt.date.today().isoformat()} with "
        + f"`python bench/store.py {' '.join(args.argv)}`".replace(" `", "`")
        + f" (load average at the end: {os.getloadavg()[0]:.1f})",
        "",
        *(f"- {key}: {value}" for key, value in machine()),
        f"- stores: {', '.join(args.stores) or 'none'}; Virtuoso with {args.virtuoso_buffers} "
        f"buffers (8 KiB pages), ResultSetMaxRows and MaxVectorSize {args.virtuoso_max_rows}, "
        f"MaxQueryMem {args.virtuoso_query_mem}, "
        f"no query time limit, loaded in requests of {args.virtuoso_batch or 'all the'} "
        "triples",
        "",
        table(head, body),
    ]
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogue", default="1M", help="size of the tenant catalogue "
                        "(generate.py: 10k, 1M; 0 to skip; default 1M)")  # fmt: skip
    parser.add_argument("--org-people", type=int, default=35000,
                        help="people in the organisation (0 to skip; default 35000)")  # fmt: skip
    parser.add_argument("--stores", default=None,
                        help="which stores, comma-separated (default: oxigraph,virtuoso; "
                        "--quick: oxigraph)")  # fmt: skip
    parser.add_argument("--virtuoso-buffers", type=int, default=100_000,
                        help="Virtuoso's NumberOfBuffers (8 KiB each; default 100000)")  # fmt: skip
    parser.add_argument("--virtuoso-max-rows", type=int, default=2_500_000,
                        help="Virtuoso's ResultSetMaxRows and MaxVectorSize (default 2500000: "
                        "above the graph's triples, or its Graph Store GET fails; at 5000000 "
                        "7.2 died in the checks here)")  # fmt: skip
    parser.add_argument("--virtuoso-query-mem", default="8G",
                        help="Virtuoso's MaxQueryMem (default 8G; its own default of 2G made it "
                        "say \"Low query memory limit\" in the checks at 2M triples)")  # fmt: skip
    parser.add_argument("--virtuoso-batch", type=int, default=100_000,
                        help="ppo load --batch on Virtuoso (default 100000; 0: one PUT, which "
                        "7.2 deadlocked or hung on at a million triples)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="stop a step after this many seconds (default 1800)")  # fmt: skip
    parser.add_argument("--no-here", dest="here", action="store_false",
                        help="leave the in-process steps out")  # fmt: skip
    parser.add_argument("--quick", action="store_true",
                        help="2k triples, 50 people, the Oxigraph server only: a smoke")  # fmt: skip
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--json", type=Path, help="write the raw rows (JSON) here")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if args.quick:
        args.catalogue, args.org_people = "2k", 50
    if args.stores is None:
        args.stores = "oxigraph" if args.quick else ",".join(STORES)
    if args.catalogue in ("0", ""):
        args.catalogue = None
    args.stores = [s for s in args.stores.split(",") if s]
    unknown = set(args.stores) - set(STORES)
    if unknown:
        parser.error(f"--stores: unknown {', '.join(sorted(unknown))} (known: {', '.join(STORES)})")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="store-bench-") as tmp:
        root = Path(tmp)
        for n, (label, path) in enumerate(datasets(args, root)):
            work = root / f"run-{n}"
            work.mkdir()
            rows += one_dataset(args, label, path, work)
    text = report(args, rows)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 1 if any("error" in row for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
