"""Core commands: validate, build, stats and run (the main job)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from .cli import EXIT_FAILURES, EXIT_OK, add_input_files, open_graph
from .errors import UsageError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "validate",
        help="reason and validate the graph (plus your files) with SHACL",
        description="Load the shipped graph plus EXTRA files, run OWL RL reasoning (owlrl) and "
        "validate with pyshacl. Exit 0 conforms, 1 violations found, 2 bad input.",
    )
    add_input_files(p)
    p.add_argument("--format", choices=("text", "json", "turtle"), default="text")
    p.add_argument(
        "--shapes",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="your own SHACL shapes, added to the shipped ones; repeatable",
    )
    p.add_argument(
        "--shacl",
        choices=("auto", "fast", "pyshacl"),
        default="auto",
        help="auto (default): the fast SHACL path, pySHACL for shapes it does not cover; "
        "pyshacl: always the reference validator",
    )
    p.set_defaults(handler=cmd_validate)

    p = subparsers.add_parser(
        "build",
        help="write the merged, reasoned graph to a file",
        description="Write the shipped graph plus EXTRA files and the OWL RL inferences, the "
        "inferred triples kept apart (named graphs in trig/nquads/jsonld, a separate block in "
        "turtle/nt). The file is written atomically.",
    )
    add_input_files(p)
    p.add_argument("--out", type=Path, required=True, help="output file")
    p.add_argument(
        "--format",
        choices=("turtle", "nt", "jsonld", "trig", "nquads"),
        default=None,
        help="output format (default: from the --out suffix, .ttl .nt .jsonld .trig .nq; else turtle)",
    )
    p.set_defaults(handler=cmd_build)

    p = subparsers.add_parser(
        "stats",
        help="counts of roles, duties per role, processes, artefacts, interfaces, triples",
    )
    add_input_files(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(handler=cmd_stats)

    p = subparsers.add_parser(
        "run",
        help="the main job: build, reason, validate, answer the canned questions, draw the interfaces",
        description="Build and reason the graph, validate it, print a summary, answer the canned "
        "questions and write the reasoned graph and the interface picture into --out.",
    )
    p.add_argument(
        "--out", type=Path, default=Path("ppo-out"), help="output folder (default: ppo-out)"
    )
    p.set_defaults(handler=cmd_run)


def cmd_validate(args: argparse.Namespace) -> int:
    from .report import format_json, format_text

    kg = open_graph(args)
    engine = "pyshacl" if args.format == "turtle" else args.shacl
    report = kg.validate(args.shapes, engine=engine)
    if args.format == "turtle":
        from .validate import format_turtle

        sys.stdout.write(format_turtle(report))
    else:
        sys.stdout.write((format_json if args.format == "json" else format_text)(report))
    return EXIT_OK if report.ok else EXIT_FAILURES


def cmd_build(args: argparse.Namespace) -> int:
    from .build import format_for_suffix, serialize
    from .output import atomic_write

    if args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder; give a file name")
    fmt = args.format or format_for_suffix(args.out)
    kg = open_graph(args)
    reasoned = kg.reasoned()
    atomic_write(args.out, serialize(reasoned, fmt))
    for message in reasoned.inconsistencies:
        print(f"warning: OWL RL inconsistency: {message}", file=sys.stderr)
    print(
        f"wrote {args.out} ({len(reasoned.asserted)} asserted + {len(reasoned.inferred)} inferred "
        f"triples, {fmt})",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from .stats import compute, format_text

    kg = open_graph(args)
    stats = compute(kg)
    if args.format == "json":
        print(json.dumps(asdict(stats), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(format_text(stats))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    import importlib

    from .build import serialize
    from .output import atomic_write
    from .report import format_text as validation_text
    from .stats import compute
    from .stats import format_text as stats_text

    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)

    def step(title: str) -> float:
        print(f"\n== {title}", flush=True)
        return time.perf_counter()

    from .engine import KnowledgeGraph

    t = step("Build and reason: load the ontology and the encoded tutorial, OWL RL closure")
    kg = KnowledgeGraph.open()
    how = "from the cache" if kg.from_cache else f"reasoner: {kg.reasoner}"
    print(
        f"   {kg.asserted_count:,} triples loaded, {kg.inferred_count:,} inferred "
        f"({how}) in {time.perf_counter() - t:.1f}s"
    )
    reasoned = kg.reasoned()
    union = kg.rdflib_graph("union")
    graph_file = atomic_write(out / "ppo-graph.trig", serialize(reasoned, "trig"))
    print(f"   reasoned graph written to {graph_file}")

    t = step("Validate: SHACL")
    report = kg.validate()
    sys.stdout.write("   " + validation_text(report).replace("\n", "\n   ").rstrip() + "\n")

    t = step("Checks: the *-violation.rq queries (must return no rows)")
    from .catalogue import default_catalogue

    found = {}
    for spec in default_catalogue():
        if spec.kind == "check":
            rows = kg.rows(spec)
            if rows:
                found[spec.name] = rows
    if found:
        for name, rows in found.items():
            print(f"   {name}: {len(rows)} row(s); see: ppo query {name}")
    else:
        print(f"   none found ({time.perf_counter() - t:.1f}s)")

    step("Summary")
    stats = compute(kg)
    sys.stdout.write(stats_text(stats))

    hooks = (
        ("Canned questions", "ppo_graph.query", "answer_all", (kg, sys.stdout)),
        ("Interface picture", "ppo_graph.viz", "write_default_picture", (union, out)),
    )
    for title, module_name, function, call_args in hooks:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        step(title)
        result = getattr(module, function)(*call_args)
        if isinstance(result, Path):
            print(f"   interface picture written to {result.resolve()}")

    print(f"\nDone. Outputs are in {out.resolve()}")
    return EXIT_OK if report.ok and not found else EXIT_FAILURES
