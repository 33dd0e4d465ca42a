"""``ppo org import`` and ``ppo org export``: an organisation's people and RACI CSV files to W3C
ORG Turtle and back (:mod:`ppo_graph.org`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from ppo_graph import dates
from ppo_graph.errors import EXIT_OK, UsageError

_LAYOUT = (
    "people CSV columns: person,name,email,team,post,role,from,to[,service] (one row per "
    "membership; dates YYYY-MM-DD, to empty while it lasts), and optionally post_id, team_id, "
    "service_id (the id is then the identity, the name its label). RACI CSV columns: "
    "who,duty,letter (who: a person id, else a post id or name; duty: ppod:duty-7.6-14; "
    "letter: R, A, C or I). "
    "Segregation CSV columns: role,incompatible_with (two roles one person must not hold at the "
    "same time). Roles by IRI, CURIE, label, short form (Capacity Manager) or process "
    "abbreviation (ISM Owner); roles of your own Turtle with --with."
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "org",
        help="an organisation's people and RACI: import from CSV to Turtle, export back",
        description="Map a real organisation onto the PPO roles (W3C ORG). " + _LAYOUT,
    )
    sub = p.add_subparsers(dest="org_command", metavar="ORG_COMMAND")
    sub.required = True

    imp = sub.add_parser(
        "import",
        help="people CSV (and RACI CSV) to Turtle; nothing is written unless every row is good",
        description="Check every row (exit 2 with each bad row's line number) and write the "
        "organisation as Turtle. " + _LAYOUT + " Each file may be CSV (UTF-8, or UTF-16 with a "
        "BOM; comma, semicolon or tab) or an .xlsx workbook (--sheet); map your own headers with "
        "--columns; other columns are ignored with a note. Posts, teams, services and people are "
        "their exact names and ids: names that differ only in case or punctuation stay apart.",
    )
    imp.add_argument("people", type=Path, help="the people CSV (or .xlsx workbook)")
    imp.add_argument("--raci", type=Path, help="the duty-level RACI CSV (or .xlsx)")
    _add_reading(imp)
    imp.add_argument(
        "--segregation",
        type=Path,
        help="pairs of roles one person must not hold together (CSV: role,incompatible_with)",
    )
    imp.add_argument(
        "--with",
        dest="with_files",
        type=Path,
        action="append",
        default=[],
        metavar="TURTLE",
        help="your own Turtle adding roles (an org:Role or ppo:Role with an rdfs:label) or "
        "duties that the CSV files may name; repeat for several files",
    )
    imp.add_argument(
        "--out", type=Path, default=None, help="Turtle file (default: standard output)"
    )
    imp.add_argument("--base", default=None, help="namespace of the organisation's IRIs")
    imp.add_argument("--name", default="Organisation", help="the organisation's name")
    imp.set_defaults(handler=cmd_import)

    exp = sub.add_parser(
        "export",
        help="an imported organisation (Turtle) back to the people CSV (and RACI CSV)",
    )
    exp.add_argument("org", type=Path, help="the organisation's Turtle")
    exp.add_argument("--out", type=Path, default=None, help="people CSV (default: standard output)")
    exp.add_argument("--raci-out", type=Path, default=None, help="also write the RACI CSV here")
    exp.add_argument(
        "--segregation-out",
        type=Path,
        default=None,
        help="also write the role pairs the file declares incompatible (CSV, roles as CURIEs)",
    )
    exp.set_defaults(handler=cmd_export)

    gaps = sub.add_parser(
        "gaps",
        help="unheld roles, uncovered duties, workload, single points of failure; --without "
        "PERSON: what would be orphaned if they left",
        description="Where the organisation loaded (EXTRA: its Turtle) is thin, by the rule of "
        "the organisation checks (current memberships only): PPO owner and manager roles nobody "
        "holds, duties nobody is Responsible for (through a held role, inherited duties "
        "included, or an R assignment), duties with exactly one Responsible person (single "
        "points of failure), and the people with the most duties. --without PERSON (an id or a "
        "name) recomputes it all with that person's memberships and assignments removed: "
        "what they alone cover shows as orphaned.",
    )
    from ppo_graph.cli.common import add_as_of, add_input_files, add_output

    add_input_files(gaps)
    gaps.add_argument("--without", metavar="PERSON", help="a person id or name: as if they left")
    gaps.add_argument(
        "--top", type=int, default=10, help="people listed by workload (default 10; 0: all)"
    )
    add_output(gaps, about="; table: the report as text")
    add_as_of(gaps)
    gaps.add_argument(
        "--ahead",
        type=int,
        default=0,
        metavar="DAYS",
        help="also the gaps and segregation conflicts that start within DAYS days of the date "
        "(memberships that begin or end in that window)",
    )
    gaps.set_defaults(handler=cmd_gaps)
    _register_diff(sub)
    _register_whatif(sub)


def _add_reading(parser: Any) -> None:
    """--sheet and --columns: how the people and RACI tables are read (import and diff)."""
    parser.add_argument(
        "--sheet", help="the sheet of an .xlsx workbook to read (default: the first)"
    )
    parser.add_argument(
        "--columns",
        action="append",
        default=[],
        metavar="MAPPING",
        help='your own headers for our columns: person="Employee ID",name="Full name" (any '
        "column of the people, RACI or segregation files), or a file with one "
        "column=Header a line; repeatable. Other columns are ignored, with a note naming them",
    )


def _write(path: Path | None, text: str, what: str) -> None:
    from ppo_graph.output import atomic_write

    if path is None or str(path) == "-":
        sys.stdout.write(text)
        return
    if path.is_dir():
        raise UsageError(f"--out {path} is a folder; give a file name")
    atomic_write(path, text)
    print(f"wrote {path} ({what})", file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.memory import no_gc
    from ppo_graph.org.csvfile import Reading, parse_columns, read_all
    from ppo_graph.org.rdf import DEFAULT_BASE, to_turtle
    from ppo_graph.output import refuse_overwriting

    refuse_overwriting(args.out, [args.people, args.raci, args.segregation, *args.with_files])
    for path in (args.people, args.raci, args.segregation):
        if path is not None and not path.exists():
            raise UsageError(f"{path}: no such file")
    read = Reading(sheet=args.sheet, columns=parse_columns(args.columns))
    # The shipped graph names the roles and duties; a user's own Turtle may add more (reasoned,
    # so a role typed by a subclass of ppo:Role counts).
    extensions = list(args.with_files)
    kg = KnowledgeGraph.open(
        extensions, reasoning=bool(extensions), cache=None if extensions else False
    )
    with no_gc():  # rows and terms by the million, no cycles among them
        try:
            people, raci, pairs = read_all(kg, args.people, args.raci, args.segregation, read)
        finally:  # the notes (ignored columns, near names) also explain a refusal
            for note in read.notes:
                print(note, file=sys.stderr)
        text = to_turtle(
            people, raci, pairs, base=args.base or DEFAULT_BASE, organisation=args.name
        )
    what = f"{len({r.person for r in people})} people, {len(people)} memberships"
    what += f", {len(raci)} RACI assignments"
    _write(args.out, text, what + (f", {len(pairs)} incompatible role pairs" if pairs else ""))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.org import ID_COLUMNS
    from ppo_graph.org.rdf import rows_of
    from ppo_graph.output import refuse_overwriting
    from ppo_graph.tables import format_csv

    outs = {
        "--out": args.out,
        "--raci-out": args.raci_out,
        "--segregation-out": args.segregation_out,
    }
    for option, out in outs.items():
        refuse_overwriting(out, [args.org], option)
    if not args.org.is_file():
        raise UsageError(f"{args.org}: no such file")
    kg = KnowledgeGraph.open([args.org], reasoning=False, cache=False)
    catalogue = default_catalogue()
    people = rows_of(kg, "org-people")
    # The id columns only when some post, team or service has an id: what was imported.
    columns = [
        column
        for column in catalogue.get("org-people").columns
        if column not in ID_COLUMNS or any(row[column] for row in people)
    ]
    _write(args.out, format_csv(people, columns), f"{len(people)} memberships")
    if args.raci_out is not None:
        from ppo_graph.namespaces import compact

        raci = [{**row, "duty": compact(row["duty"])} for row in rows_of(kg, "org-raci")]
        _write(
            args.raci_out,
            format_csv(raci, catalogue.get("org-raci").columns),
            f"{len(raci)} assignments",
        )
    if args.segregation_out is not None:
        from ppo_graph.namespaces import compact

        # The file alone: the shipped graph's example pair is not the organisation's own.
        own = KnowledgeGraph.open([args.org], shipped=False, reasoning=False, cache=False)
        pairs = [
            {"role": compact(row["role"]), "incompatible_with": compact(row["other"])}
            for row in rows_of(own, "org-segregation-pairs")
        ]
        _write(
            args.segregation_out,
            format_csv(pairs, ["role", "incompatible_with"]),
            f"{len(pairs)} incompatible role pairs",
        )
    return EXIT_OK


def cmd_gaps(args: argparse.Namespace) -> int:
    from ppo_graph.cli.common import emit_rows, open_graph, output_format
    from ppo_graph.org.gaps import COLUMNS, find_person, gaps, gaps_text

    output_format(args, args.extra)
    kg = open_graph(args)
    without = find_person(kg, args.without) if args.without else None
    if args.ahead < 0:
        raise UsageError(f"--ahead: {args.ahead} is negative; give a number of days, 0 or more")
    rows = gaps(kg, without, args.top, args.as_of, args.ahead)
    emit_rows(args, rows, COLUMNS, table=lambda: gaps_text(rows, without, args.ahead), title="gaps")
    return EXIT_OK


def _register_diff(sub: Any) -> None:
    from ppo_graph.cli.common import add_as_of, add_output

    diff = sub.add_parser(
        "diff",
        help="what changes from one organisation to another: who joined, left, changed post or "
        "role; which roles and duties become uncovered; new segregation conflicts",
        description="Compare two organisations (each its Turtle, or a people CSV or workbook "
        "read as ppo org import reads it, with its RACI table through --old-raci or --new-raci), "
        "each with the shipped graph and by the rule of the "
        "organisation checks (current memberships only): people who joined or left, changed "
        "post or role, posts renamed (the same post_id); PPO owner and manager roles that "
        "become unheld (or held again); duties, "
        "per process, that become uncovered (or covered again); people who gain (or lose) a "
        "pair of incompatible roles. Exit 0 whatever changed.",
    )
    diff.add_argument("old", type=Path, help="the organisation before (Turtle, or people CSV)")
    diff.add_argument("new", type=Path, help="the organisation after (Turtle, or people CSV)")
    diff.add_argument(
        "--old-raci",
        type=Path,
        metavar="FILE",
        help="the RACI CSV (or .xlsx) of OLD, when OLD is a people table (as import's --raci)",
    )
    diff.add_argument(
        "--new-raci",
        type=Path,
        metavar="FILE",
        help="the RACI CSV (or .xlsx) of NEW, when NEW is a people table",
    )
    _add_reading(diff)
    add_output(diff, about="; table: the report as text")
    add_as_of(diff)
    diff.set_defaults(handler=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    from ppo_graph.cli.common import emit_rows, output_format
    from ppo_graph.org.csvfile import Reading, parse_columns
    from ppo_graph.org.diff import COLUMNS, diff, diff_text, is_rdf

    output_format(args, [args.old, args.new, args.old_raci, args.new_raci])
    for path in (args.old, args.new, args.old_raci, args.new_raci):
        if path is None:
            continue
        if path.is_dir():
            raise UsageError(f"{path} is a folder; give an organisation's Turtle or people CSV")
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    sides = (("--old-raci", args.old, args.old_raci), ("--new-raci", args.new, args.new_raci))
    for option, side, raci in sides:
        if raci is not None and is_rdf(side):
            raise UsageError(
                f"{option} {raci}: {side} is an organisation's RDF, which holds its own RACI "
                "assignments; --old-raci and --new-raci go with a people CSV or workbook"
            )
    read = Reading(sheet=args.sheet, columns=parse_columns(args.columns))
    try:
        with dates.as_of(args.as_of) as day:  # both organisations read as of one date
            rows = diff(args.old, args.new, args.old_raci, args.new_raci, read)
    finally:  # the notes (ignored columns, near names) also explain a refusal
        for note in dict.fromkeys(read.notes):
            print(note, file=sys.stderr)
    emit_rows(
        args,
        _dated(rows, day),
        COLUMNS,
        table=lambda: f"{dates.stamp(day)}\n" + diff_text(rows, args.old, args.new),
        title="diff",
    )
    return EXIT_OK


def _register_whatif(sub: Any) -> None:
    from ppo_graph.cli.common import add_as_of, add_output

    whatif = sub.add_parser(
        "whatif",
        help="a reorganisation tried on a copy (--merge POST POST, --move PERSON POST, --split "
        "POST NEW): the duties, conflicts, gaps and workload it leaves; nothing written",
        description="Try a change on a copy of the organisation (ORG, its Turtle) and print "
        "what it leaves, by the rule of the organisation checks (current memberships only): "
        "the changes as ppo org diff gives them, the duties each person it touches is "
        "Responsible for (each once: restatements and duplicate bullets counted once), the "
        "segregation conflicts, the unheld roles and uncovered duties, and the workload. "
        "--merge POST OTHER: the two posts become POST, whose holders hold every role of both, "
        "with OTHER's assignments. --move PERSON POST: the person (an id or a name) leaves "
        "their current posts and holds POST. --split POST NEW: a new post NEW in POST's team "
        "and service, with --role ROLE (default: POST's role); the people named by --holder "
        "(repeatable) move to it and the others stay (a post with two or more holders needs "
        "--holder; one with one holder keeps them and NEW starts vacant unless they are named). "
        "Nothing is written.",
    )
    whatif.add_argument("org", type=Path, help="the organisation's Turtle")
    whatif.add_argument(
        "extra", type=Path, nargs="*", help="more Turtle: your own roles (as for --with)"
    )
    change = whatif.add_mutually_exclusive_group()  # one is required: said by cmd_whatif
    change.add_argument("--merge", nargs=2, metavar=("POST", "OTHER"), help="merge two posts")
    change.add_argument("--move", nargs=2, metavar=("PERSON", "POST"), help="move a person")
    change.add_argument(
        "--split", nargs=2, metavar=("POST", "NEW"), help="split a new post NEW off POST"
    )
    whatif.add_argument(
        "--holder",
        action="append",
        default=[],
        metavar="PERSON",
        help="with --split: a holder of POST (id or name) who moves to NEW; repeatable",
    )
    whatif.add_argument(
        "--role", default="", help="with --split: NEW's role (default: POST's one role)"
    )
    whatif.add_argument(
        "--top", type=int, default=10, help="people listed by workload (default 10; 0: all)"
    )
    add_output(whatif, about="; table: the report as text")
    add_as_of(whatif)
    whatif.set_defaults(handler=cmd_whatif)


def cmd_whatif(args: argparse.Namespace) -> int:
    from ppo_graph.cli.common import emit_rows, output_format
    from ppo_graph.org.whatif import COLUMNS, Change, whatif, whatif_text

    output_format(args, [args.org, *args.extra])
    for path in (args.org, *args.extra):
        if not path.is_file():
            raise UsageError(f"{path}: no such file" + (" (a folder)" if path.is_dir() else ""))
    if not (args.merge or args.move or args.split):
        raise UsageError(
            "ppo org whatif: say what to try: --merge POST OTHER, --move PERSON POST or "
            "--split POST NEW"
        )
    if not args.split and (args.holder or args.role):
        raise UsageError(f"{'--holder' if args.holder else '--role'} is an option of --split")
    kind, (first, second) = next(
        (kind, pair)
        for kind, pair in (("merge", args.merge), ("move", args.move), ("split", args.split))
        if pair
    )
    change = Change(kind, first, second, tuple(args.holder), args.role)
    with dates.as_of(args.as_of) as day:  # the change made, and read, as of one date
        rows = whatif(args.org, change, args.extra, args.top)
    emit_rows(
        args,
        _dated(rows, day),
        COLUMNS,
        table=lambda: f"{dates.stamp(day)}\n" + whatif_text(rows, change),
        title="whatif",
    )
    return EXIT_OK


def _dated(rows: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    """``rows`` with the date they hold for in a column ``asOf`` (as ``ppo org gaps`` rows)."""
    return [{**row, "asOf": day.isoformat()} for row in rows]
