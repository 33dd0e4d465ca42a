"""Core commands: validate, build, stats and run (the main job)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from ppo_graph import dates
from ppo_graph.cli.common import (
    add_input_files,
    add_output,
    add_store_options,
    emit_rows,
    open_graph,
    output_format,
    store_endpoints,
    write_output,
)
from ppo_graph.errors import EXIT_FAILURES, EXIT_OK, UsageError
from ppo_graph.formats import Format, GraphFormat, ReportFormat, choices


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "validate",
        help="reason and validate the graph (plus your files) with SHACL",
        description="Load the shipped graph plus EXTRA files, run OWL RL reasoning (owlrl) and "
        "validate with pyshacl. With an organisation loaded (ppo org import), its checks run too "
        "(queries/checks/org-*-violation.rq: roles held, one Accountable per process, every duty "
        "Responsible, segregation of duties). Exit 0 conforms, 1 violations found, 2 bad input.",
    )
    add_input_files(p)
    add_store_options(
        p,
        what="validate the graph in this SPARQL store (see ppo load): the checks run as SPARQL "
        "there, SHACL on a copy fetched over the Graph Store Protocol",
    )
    add_output(
        p,
        list(dict.fromkeys([*choices(*ReportFormat), *choices(*Format)])),
        about="; text: the report; json: its document; turtle: the SHACL report graph; "
        "table, csv, md, xlsx: a row per finding (severity, shape, focus, path, value, message)",
    )
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
    p.add_argument(
        "--checks",
        action="store_true",
        help="also run all the catalogue's checks (queries/checks/*-violation.rq: anchoring "
        "of every link in the duty texts, interfaces, defects, ...), not only the organisation "
        "checks; their rows count as violations",
    )
    p.add_argument(
        "--as-of",
        type=dates.option,
        default=None,
        metavar="DATE",
        help="run the organisation checks as of this date, YYYY-MM-DD (default: today, the local "
        "date): memberships begun on or before it and not ended before it count",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="with a store: how long it may take to answer each request, a check or the copy "
        "for SHACL (default: 300; 0 for no limit)",
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
    p.add_argument("--out", type=Path, required=True, help="output file; - for standard output")
    p.add_argument(
        "--format",
        choices=choices(*GraphFormat),
        default=None,
        help="output format (default: from the --out suffix, .ttl .nt .jsonld .trig .nq; else turtle)",
    )
    p.set_defaults(handler=cmd_build)

    p = subparsers.add_parser(
        "stats",
        help="counts of roles, duties per role, processes, artefacts, interfaces, triples",
    )
    add_input_files(p)
    add_output(
        p,
        [ReportFormat.TEXT.value, *choices(*Format)],
        about="; text: the report; json: its document; table, csv, md, xlsx: a row per count "
        "(group, item, value, and a role's direct and inherited duties)",
    )
    p.set_defaults(handler=cmd_stats)

    p = subparsers.add_parser(
        "run",
        help="the main job: build, reason, validate, answer the canned questions, draw the interfaces",
        description="Build and reason the graph, validate it, print a summary, answer the canned "
        "questions and write the reasoned graph and the interface picture into --out. Then the "
        "shipped example organisation (examples/org): its validation with the organisation "
        "checks, its RACI matrix by role and its gaps. Its violations are the example's "
        "deliberate gaps and do not change the exit code, which is the shipped graph's verdict.",
    )
    p.add_argument(
        "--out", type=Path, default=Path("ppo-out"), help="output folder (default: ppo-out)"
    )
    p.add_argument(
        "--answers", action="store_true", help="also print every canned question's answer"
    )
    p.add_argument("--no-cache", action="store_true", help="do not use the cache")
    p.add_argument(
        "--no-org",
        action="store_true",
        help="skip the example organisation (org-validation.txt, raci-by-role.*, org-gaps.txt)",
    )
    p.set_defaults(handler=cmd_run)


def cmd_validate(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ppo_graph.engine import jobs
    from ppo_graph.report import format_json, format_text

    output_format(args, [*args.extra, *args.shapes])
    if args.checks and args.format == ReportFormat.TURTLE:
        raise UsageError("--checks gives no SHACL report graph: use --format text or json")
    if args.timeout is not None:
        if args.timeout < 0:
            raise UsageError("--timeout must be 0 (no limit) or more")
        if store_endpoints(args) is None:
            raise UsageError(
                "--timeout is for a store (--store or --query-url): here the "
                "validation runs to its end"
            )
    kg = open_graph(args)
    turtle = args.format == ReportFormat.TURTLE
    with dates.as_of(args.as_of) as as_of:  # the checks' asOf default: this date
        report = jobs.validate(
            kg,
            args.shapes,
            checks="none" if turtle else "all" if args.checks else "organisation",
            engine="pyshacl" if turtle else args.shacl,
            note=lambda message: print(f"ppo validate: note: {message}", file=sys.stderr),
        )
        if turtle:
            write_output(args, _turtle_report(kg, report, as_of), "the SHACL report graph")
            return EXIT_OK if report.ok else EXIT_FAILURES
    organisation = _organisation_loaded(kg)

    def document() -> str:
        text = format_json(report)
        if organisation:
            data = json.loads(text)
            if isinstance(data, dict):
                data["asOf"] = as_of.isoformat()
                text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        return text

    def report_text() -> str:
        text = format_text(report)
        return text + f"\n{dates.checked(as_of)}\n" if organisation else text

    rows = [{**asdict(v), **({"asOf": as_of.isoformat()} if organisation else {})}
            for v in report.violations]  # fmt: skip
    columns = [*FINDING_COLUMNS, *(["asOf"] if organisation else [])]
    text = report_text if args.format == ReportFormat.TEXT else None
    emit_rows(args, rows, columns, table=text, json=document, title="findings")
    return EXIT_OK if report.ok else EXIT_FAILURES


#: The columns of ``ppo validate``'s findings as rows (table, csv, md, xlsx).
FINDING_COLUMNS = ["severity", "shape", "shape_label", "focus", "path", "value", "message"]


def _turtle_report(kg: Any, report: Any, as_of: dt.date) -> str:
    """The SHACL report graph alone, as Turtle; the organisation checks are SPARQL, not SHACL,
    so what they find is said on stderr, and counts in the exit code. With an organisation
    loaded, a comment line opens the Turtle with the date its checks read it as of."""
    from ppo_graph.backends import reference_backend
    from ppo_graph.engine.answers import check_violations

    found = check_violations(kg, organisation_only=True)
    if found:
        print(
            f"ppo validate: the organisation checks found {len(found)} problem(s) as of "
            f"{as_of.isoformat()}, which the SHACL report graph cannot hold: see them with "
            "--format text or json",
            file=sys.stderr,
        )
        report.conforms = False
    stamp = f"# {dates.checked(as_of)}\n" if _organisation_loaded(kg) else ""
    return stamp + reference_backend().report_turtle(report)


def _organisation_loaded(kg: Any) -> bool:
    """An org:Organization is loaded (the organisation checks' condition)."""
    return any(row["orgLoaded"] == "true" for row in kg.rows("org-loaded", text=True))


def cmd_build(args: argparse.Namespace) -> int:
    from ppo_graph.build import format_for_suffix, serialize, serialize_store
    from ppo_graph.output import atomic_write, refuse_overwriting

    refuse_overwriting(args.out, args.extra)
    to_stdout = str(args.out) == "-"
    if not to_stdout and args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder; give a file name")
    fmt = args.format or ("turtle" if to_stdout else format_for_suffix(args.out))
    kg = open_graph(args)
    text = serialize_store(kg, fmt)
    if text is None:
        text = serialize(kg.reasoned(), fmt)
    if to_stdout:  # "-" is standard output, as for every Unix tool
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(args.out, text)
    for message in kg.inconsistencies:
        print(f"warning: OWL RL inconsistency: {message}", file=sys.stderr)
    print(
        f"wrote {'standard output' if to_stdout else args.out} ({kg.asserted_count} asserted + "
        f"{kg.inferred_count} inferred triples, {fmt})",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ppo_graph.stats import STAT_COLUMNS, compute, format_text, stat_rows
    from ppo_graph.tables import json_text

    output_format(args, args.extra)
    kg = open_graph(args)
    stats = compute(kg)
    table = (lambda: format_text(stats)) if args.format == ReportFormat.TEXT else None
    emit_rows(
        args,
        stat_rows(stats),
        STAT_COLUMNS,
        table=table,
        json=lambda: json_text(asdict(stats)),
        title="stats",
    )
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from ppo_graph.engine import jobs

    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    done = jobs.main_job(out, cache=False if args.no_cache else None, organisation=not args.no_org)
    lines = done.summary
    if not args.answers:
        lines = [
            *lines,
            f"The full answers are in {out / 'answers.txt'} (ppo run --answers prints them).",
        ]
    print("\n".join(lines))
    if args.answers:
        print()
        sys.stdout.write(done.answers)
    return EXIT_FAILURES if done.failed else EXIT_OK
