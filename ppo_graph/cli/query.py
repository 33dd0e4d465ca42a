"""``ppo queries`` and ``ppo query``: the canned SPARQL catalogue, and the user's own queries."""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph import dates
from ppo_graph.catalogue import FOLDERS
from ppo_graph.cli.common import (
    add_input_files,
    add_output,
    add_store_options,
    emit_rows,
    open_graph,
    output_format,
)
from ppo_graph.errors import EXIT_FAILURES, EXIT_OK, UsageError

if TYPE_CHECKING:
    from ppo_graph.catalogue import Param, QuerySpec


#: The name a query read from standard input (``--file -``) goes by in messages.
STDIN_NAME = "<stdin>"


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser(
        "queries",
        help="list the canned SPARQL queries with their titles and parameters",
        description="The catalogue of canned queries: questions for people, checks "
        "(NAME-violation) that must return no rows, and the reports the other commands are "
        "computed from.",
    )
    listing.add_argument(
        "--kind",
        choices=tuple(FOLDERS.values()),
        help="list only the questions, the checks or the reports",
    )
    listing.add_argument(
        "--values",
        metavar="PARAM",
        help="list the values a parameter takes instead (label, CURIE and the other names it "
        "may be given by): a parameter's name (role, theme, process, artefact) or QUERY.PARAM",
    )
    add_input_files(listing)
    add_output(listing, about="; table: the catalogue as text")
    listing.set_defaults(handler=list_queries)

    run = subparsers.add_parser(
        "query",
        help="run a canned query by NAME, or your own with --file, on the reasoned graph",
        description="Run a canned query (see `ppo queries`) or a SPARQL file of your own on the "
        "shipped graph after OWL RL reasoning. Parameters are bound as values, never pasted "
        "into the query text. A check (NAME-violation) that returns rows exits with 1.",
        epilog="examples:\n"
        "  ppo query role-duties --param role=ppod:DemandManagementProcessOwner\n"
        "  ppo query artefact-mentions --param artefact='Capacity Plan' --format csv\n"
        "  ppo query --file my.rq extra.ttl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("name", nargs="?", metavar="NAME", help="a canned query (see `ppo queries`)")
    add_input_files(run)
    add_store_options(run, what="run the query in this SPARQL store (see ppo load) instead of here")
    run.add_argument(
        "--file",
        "--query-file",
        dest="file",
        type=Path,
        metavar="FILE.rq",
        help="run this SPARQL query file instead of a canned query (- reads it from standard "
        "input); the prefixes ppo:, ppod:, skos:, rdfs:, org: ... are known without PREFIX "
        "lines, unless the query declares its own",
    )
    run.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter value: a CURIE (ppod:X), a full IRI, or a label; repeatable",
    )
    add_output(run, about="; table: wrapped to fit --width columns")
    run.add_argument(
        "--width", type=int, default=80, help="table width in characters (default: 80)"
    )
    run.add_argument(
        "--data",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="deprecated: give extra RDF files as EXTRA arguments, as for every other command",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="stop a query that runs longer than this (default: 60; 0 for no limit); the query "
        "runs in a worker process that is killed at the deadline",
    )
    run.add_argument(
        "--memory-limit",
        type=int,
        default=None,
        metavar="MIB",
        help="stop a query whose evaluation needs more than this much memory, in MiB (default: "
        "4096; 0 for no cap; applies with --timeout)",
    )
    run.add_argument(
        "--allow-remote",
        action="store_true",
        help="let a --file query use SERVICE or FROM (network access); refused by default",
    )
    run.add_argument(
        "--as-of",
        type=dates.option,
        default=None,
        metavar="DATE",
        help="for a query about the organisation (one with the asOf parameter): read it as of "
        "this date, YYYY-MM-DD (default: today, the local date); the same as --param asOf=DATE",
    )
    run.set_defaults(handler=run_query_command)


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param needs KEY=VALUE, not {pair!r}")
        if key.strip() in params:
            raise UsageError(f"--param {key.strip()} given twice")
        params[key.strip()] = value
    return params


def list_queries(args: argparse.Namespace) -> int:
    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.tables import Row

    if args.values:
        return list_values(args)
    output_format(args)
    specs = [s for s in default_catalogue() if not args.kind or s.kind == args.kind]
    rows: list[Row] = [
        {
            "name": (spec.name),
            "kind": (spec.kind),
            "title": (spec.title),
            "question": (spec.question),
            "parameters": (" ".join(f"{p.name}={p.default} ({p.type_text})" for p in spec.params)),
        }
        for spec in specs
    ]
    columns = ["name", "kind", "title", "question", "parameters"]
    emit_rows(args, rows, columns, table=lambda: catalogue_text(specs), title="queries")
    return EXIT_OK


def find_param(wanted: str, specs: Iterable[QuerySpec]) -> tuple[QuerySpec, Param]:
    """The IRI parameter ``wanted`` names (``PARAM`` or ``QUERY.PARAM``): the first query's that
    declares one of that name; a UsageError naming the IRI parameters there are."""
    specs = list(specs)
    query, _, name = wanted.rpartition(".")
    for spec in specs:
        if query and spec.name != query:
            continue
        for param in spec.params:
            if param.name == name and param.kind == "iri":
                return spec, param
    known = sorted({p.name for s in specs for p in s.params if p.kind == "iri"})
    raise UsageError(
        f"--values: no query has an IRI parameter {wanted!r} (parameters: {', '.join(known)})"
    )


def list_values(args: argparse.Namespace) -> int:
    """``ppo queries --values PARAM``: every value the parameter takes, by label, with its CURIE
    and the other names the one resolver (:mod:`ppo_graph.names`) accepts for it."""
    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.catalogue.bindings import param_names
    from ppo_graph.names import key
    from ppo_graph.namespaces import compact
    from ppo_graph.tables import Row

    spec, param = find_param(args.values, default_catalogue())
    output_format(args, args.extra)
    kg = open_graph(args)
    assert param.cls is not None
    found = [dict(r) for r in kg.rows("name-index", {"class": compact(param.cls)}, text=True)]
    resolver = param_names(param, found)
    others = {
        node: {f for f in forms if key(f) != key(resolver.label(node))}
        for node, forms in resolver.forms.items()
    }
    for row in found:
        if row["name"] and row["how"] in ("alt", "abbreviation"):
            others.setdefault(row["node"], set()).add(row["name"])
    rows: list[Row] = [
        {"label": label, "value": curie, "names": ", ".join(sorted(others.get(iri, ())))}
        for label, curie, iri in resolver.values()
    ]
    columns = ["label", "value", "names"]
    emit_rows(args, rows, columns, title=f"{spec.name}.{param.name}")
    return EXIT_OK


def catalogue_text(specs: Iterable[QuerySpec], width: int = 80) -> str:
    """The catalogue for people: each name, its title, and its parameters with defaults."""
    headings = {
        "question": "Questions",
        "check": "Checks (each must return no rows)",
        "report": "Reports (what ppo stats, ppo interfaces and ppo viz are computed from)",
    }
    out: list[str] = []
    kind = None
    for spec in specs:
        if spec.kind != kind:
            kind = spec.kind
            out += [*([""] if out else []), headings.get(kind, kind), ""]
        out.append(spec.name)
        out += textwrap.wrap(spec.title, width, initial_indent="    ", subsequent_indent="    ")
        for param in spec.params:
            line = f"    --param {param.name}={param.default}"
            kind_text = f"({param.type_text})"
            if len(line) + 2 + len(kind_text) <= width:
                out.append(f"{line}  {kind_text}")
            else:
                out += [line, f"        {kind_text}"]
    return "\n".join(out) + "\n"


def run_query_command(args: argparse.Namespace) -> int:
    from ppo_graph.catalogue import check_param_names, default_catalogue, load_user_query
    from ppo_graph.tables import format_table

    if args.name and args.file:
        from ppo_graph.backends.fast.parse import FORMATS

        if Path(args.name).suffix.lower().lstrip(".") not in FORMATS:
            raise UsageError("give a query NAME or --file FILE.rq, not both")
        args.extra = [Path(args.name), *args.extra]  # `--file my.rq extra.ttl`: a data file
        args.name = None
    if not args.name and not args.file:
        raise UsageError("give a query NAME (see `ppo queries`) or --file FILE.rq")
    if args.width < 20:
        raise UsageError("--width must be at least 20")
    params = _parse_params(args.param)
    output_format(args, [*args.extra, *args.data, args.file])
    if args.file and str(args.file) == "-":  # the query from standard input
        spec = load_user_query(
            Path(STDIN_NAME), allow_remote=args.allow_remote, text=sys.stdin.read()
        )
    elif args.file:
        spec = load_user_query(args.file, allow_remote=args.allow_remote)
    else:
        if args.allow_remote:
            raise UsageError("--allow-remote applies to --file queries only")
        spec = default_catalogue().get(args.name)
    if args.as_of is not None:
        if dates.AS_OF_PARAM not in {p.name for p in spec.params}:
            raise UsageError(
                f"--as-of: query {spec.name!r} does not read the organisation's memberships "
                f"(it has no {dates.AS_OF_PARAM} parameter)"
            )
        if dates.AS_OF_PARAM in params:
            raise UsageError(f"give --as-of or --param {dates.AS_OF_PARAM}, not both")
        params[dates.AS_OF_PARAM] = args.as_of.isoformat()
    check_param_names(spec, params)  # before the slow part: loading and reasoning
    if args.data:
        print(
            "ppo query: warning: --data is deprecated; give extra files as EXTRA arguments "
            "(ppo query NAME extra.ttl)",
            file=sys.stderr,
        )
    kg = open_graph(args, [*args.extra, *args.data])
    if args.memory_limit is not None and args.memory_limit < 0:
        raise UsageError("--memory-limit must be 0 (no cap) or more")
    if args.timeout < 0:
        raise UsageError("--timeout must be 0 (no limit) or more")
    rows = kg.rows(spec, params, timeout=args.timeout, memory_mb=args.memory_limit)
    columns = list(spec.columns) or (list(rows[0]) if rows else [])

    def table() -> str:
        about = textwrap.wrap(spec.question, args.width) if spec.question else []
        if dates.AS_OF_PARAM in {p.name for p in spec.params}:  # an organisation question
            about.append(dates.stamp(dates.read_as_of(params)))
        return "\n".join([spec.title, *about, "", ""]) + format_table(rows, columns, args.width)

    emit_rows(args, rows, columns, table=table, title=spec.name)
    if spec.kind == "check" and rows:
        print(f"ppo query: check {spec.name} found {len(rows)} violation(s)", file=sys.stderr)
        return EXIT_FAILURES
    return EXIT_OK
