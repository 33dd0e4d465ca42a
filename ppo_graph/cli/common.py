"""What the ``cli_*`` command modules share: the input arguments of every graph-reading command
and the engine they open, and the output options (``--format``, ``--out``, ``--excel``) of
every command that prints rows. Kept apart from :mod:`ppo_graph.cli`, which imports the command
modules, so that none of them imports back from it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: One row of a command's output: column -> value (an RDF term, a plain value or None).
Row = dict[str, Any]


def add_input_files(parser: argparse.ArgumentParser) -> None:
    """The arguments every graph-reading command shares: EXTRA files and --no-reason."""
    parser.add_argument(
        "extra",
        nargs="*",
        type=Path,
        metavar="EXTRA",
        help="your own RDF files (Turtle, N-Triples, JSON-LD, RDF/XML) loaded with the shipped graph",
    )
    parser.add_argument(
        "--no-reason",
        action="store_true",
        help="skip OWL RL reasoning (inherited duties and inverse links are then absent)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache of reasoned graphs (see `ppo cache info`)",
    )
    parser.add_argument(
        "--reasoner",
        choices=("auto", "fast", "owlrl"),
        default="auto",
        help="auto (default): the fast OWL RL rules, owlrl for input they do not cover; "
        "owlrl: always the reference reasoner; fast: refuse input the fast rules do not cover",
    )


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """``--as-of DATE`` of the organisation commands (``args.as_of``: a date, or None for
    :func:`ppo_graph.dates.current`); a bad date exits 2 naming the option and the form."""
    from ppo_graph import dates

    parser.add_argument(
        "--as-of",
        type=dates.option,
        default=None,
        metavar="DATE",
        help="read the organisation as of this date, YYYY-MM-DD (default: today, the local "
        "date): memberships begun on or before it and not ended before it count; every report "
        "shows the date",
    )


def add_store_options(
    parser: argparse.ArgumentParser, *, what: str, with_store: bool = True
) -> None:
    """--store URL and the options that name a SPARQL store's endpoints, graph and user
    (``with_store=False``: the command takes the URL as an argument of its own)."""
    from ppo_graph.namespaces import DEFAULT_GRAPH

    if with_store:
        parser.add_argument(
            "--store",
            metavar="URL",
            help=f"{what} (URL/query for SPARQL, URL/store for the Graph Store Protocol, as "
            "Oxigraph server names them; see --query-url and --gsp-url)",
        )
    parser.add_argument(
        "--graph",
        metavar="IRI",
        default=None,
        help=f"the store's named graph that holds the reasoned graph (default: {DEFAULT_GRAPH})",
    )
    parser.add_argument(
        "--query-url",
        metavar="URL",
        help="the store's SPARQL query endpoint, when it is not --store URL/query "
        "(Fuseki: URL/DATASET/query; GraphDB: URL/repositories/REPO)",
    )
    parser.add_argument(
        "--gsp-url",
        metavar="URL",
        help="the store's Graph Store Protocol endpoint, when it is not --store URL/store "
        "(Fuseki: URL/DATASET/data; GraphDB: URL/repositories/REPO/rdf-graphs/service)",
    )
    parser.add_argument(
        "--store-user",
        metavar="NAME",
        help="send every request to the store as this user, by HTTP Basic or Digest as the store "
        "asks; the password comes from the environment variable PPO_STORE_PASSWORD, else from "
        "~/.netrc (or $NETRC), never from the command line. Without it, a bearer token in "
        "PPO_STORE_TOKEN is sent, if set",
    )


def store_endpoints(args: argparse.Namespace) -> Any:
    """The :class:`~ppo_graph.engine.remote.Endpoints` the store options name, or None without them."""
    from ppo_graph.engine.auth import credentials
    from ppo_graph.engine.remote import Endpoints
    from ppo_graph.errors import UsageError

    given = [args.store, args.query_url, args.gsp_url]
    if not any(given):
        for option, value in (("--graph", args.graph), ("--store-user", args.store_user)):
            if value:
                raise UsageError(f"{option} goes with a store: give --store URL too")
        return None
    urls = [url for url in (args.query_url, args.gsp_url, args.store) if url]
    return Endpoints.of(
        args.store,
        query_url=args.query_url,
        gsp_url=args.gsp_url,
        graph=args.graph,
        credentials=credentials(args.store_user, urls),
    )


def open_graph(args: argparse.Namespace, extra: Sequence[Path] | None = None) -> Any:
    """The engine for a command's input arguments (EXTRA files, --no-reason, --no-cache), or,
    with ``--store`` (commands that take it), the store's graph (:mod:`ppo_graph.engine.remote`)."""
    from ppo_graph.engine import KnowledgeGraph

    store_options = ("store", "query_url", "gsp_url", "graph", "store_user")
    if any(getattr(args, name, None) for name in store_options):
        from ppo_graph.engine.remote import TRANSFER_TIMEOUT, RemoteGraph
        from ppo_graph.errors import UsageError

        files = list(args.extra if extra is None else extra)
        if files:
            raise UsageError(
                f"{files[0]}: with --store the data is the store's; upload your files with "
                "ppo load --store URL EXTRA ..."
            )
        timeout = getattr(args, "timeout", None)  # 0: no limit; None: the default
        return RemoteGraph.connect(
            store_endpoints(args), TRANSFER_TIMEOUT if timeout is None else timeout or None
        )

    return KnowledgeGraph.open(
        args.extra if extra is None else extra,
        reasoning=not args.no_reason,
        cache=False if args.no_cache else None,
        reasoner=args.reasoner,
    )


# --- the output options of every command that prints rows ------------------------------------

#: What an ``--out`` suffix says the format is (when ``--format`` is not given); the command's
#: own formats decide which of these it writes.
OUT_SUFFIXES = {
    "csv": "csv",
    "json": "json",
    "md": "md",
    "markdown": "md",
    "xlsx": "xlsx",
    "html": "html",
    "htm": "html",
    "ttl": "turtle",
    "docx": "docx",
    "pdf": "pdf",
    "tsv": "sssom",  # ppo crosswalk's SSSOM table (name.sssom.tsv)
}
#: A ``.txt`` file: the command's plain text (``table``, or ``text`` for a report).
_TEXT_SUFFIX = "txt"

EXCEL_HELP = (
    "with CSV: for Excel to open directly (a UTF-8 byte order mark, so accents and curly "
    "quotes survive; CRLF line ends; text Excel would read as a number or date, such as "
    "section 7.10, led by an apostrophe)"
)


def add_output(
    parser: argparse.ArgumentParser,
    formats: Sequence[str] | None = None,
    *,
    default: str | None = None,
    about: str = "",
) -> None:
    """``--format``, ``--out FILE`` and ``--excel``: the same options, help and behaviour on
    every command that prints rows (:func:`output_format` checks them, :func:`emit_rows` and
    :func:`write_output` write). ``formats``: the command's (default: table, csv, json, md,
    xlsx); ``default``: the format without ``--format`` and without an ``--out`` suffix that
    names one (default: the first); ``about``: what its formats hold, for the help."""
    from ppo_graph.formats import Format, choices

    names = list(formats or choices(*Format))
    fallback = default or names[0]
    parser.add_argument(
        "--format",
        choices=names,
        default=None,
        help=f"output format (default: from the --out suffix, else {fallback}){about}; "
        "xlsx: a workbook, needs --out FILE.xlsx and openpyxl",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write to FILE (a temp file, then renamed; never over an input file) instead of "
        "standard output; - is standard output",
    )
    parser.add_argument("--excel", action="store_true", help=EXCEL_HELP)
    parser.set_defaults(output_formats=tuple(names), output_default=fallback)


def to_stdout(args: argparse.Namespace) -> bool:
    """No ``--out``, or ``--out -``: the output goes to standard output."""
    return args.out is None or str(args.out) == "-"


def output_format(args: argparse.Namespace, inputs: Sequence[Path | str | None] = ()) -> str:
    """The format :func:`add_output`'s options ask for, checked before anything slow runs:
    ``--format``, else the ``--out`` suffix's (.csv .json .md .xlsx, .txt the plain text), else
    the command's default; the two must agree. ``--out`` must not be one of ``inputs`` nor a
    folder; ``--excel`` goes with CSV; xlsx needs ``--out`` and openpyxl. Sets ``args.format``."""
    from ppo_graph.errors import UsageError
    from ppo_graph.output import refuse_overwriting

    names: tuple[str, ...] = args.output_formats
    refuse_overwriting(args.out, inputs)
    from_suffix: str | None = None
    if not to_stdout(args):
        if args.out.is_dir():
            raise UsageError(f"--out {args.out} is a folder; give a file name")
        suffix = args.out.suffix.lower().lstrip(".")
        if suffix == _TEXT_SUFFIX:
            from_suffix = next((n for n in ("table", "text") if n in names), None)
        else:
            from_suffix = OUT_SUFFIXES.get(suffix)
        if from_suffix is not None and from_suffix not in names:
            raise UsageError(
                f"--out {args.out}: ppo {args.command} does not write .{suffix} files (its "
                f"formats: {', '.join(names)}); give --format or another suffix"
            )
        plain = suffix == _TEXT_SUFFIX and args.format in ("table", "text")
        if args.format and from_suffix and args.format != from_suffix and not plain:
            raise UsageError(
                f"--out {args.out} says {from_suffix} but --format says {args.format}; "
                "make them agree"
            )
    fmt: str = args.format or from_suffix or args.output_default
    if args.excel and fmt != "csv":
        raise UsageError(f"--excel is an option of --format csv, not of --format {fmt}")
    if fmt == "xlsx":
        if to_stdout(args):
            raise UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")
        from ppo_graph.org.xlsx import require_openpyxl

        require_openpyxl()
    args.format = fmt
    return fmt


def write_output(args: argparse.Namespace, content: str | bytes, what: str = "") -> None:
    """``content`` to standard output, or to ``--out`` through the safe writer (temp file and
    rename), saying on stderr what was written."""
    from ppo_graph.output import atomic_write

    if to_stdout(args):
        if isinstance(content, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        else:
            sys.stdout.write(content)
        return
    atomic_write(args.out, content)
    print(f"wrote {args.out}" + (f" ({what})" if what else ""), file=sys.stderr)


def rows_content(
    fmt: str,
    rows: Sequence[Row],
    columns: Sequence[str],
    *,
    excel: bool = False,
    table: Callable[[], str] | None = None,
    json: Callable[[], str] | None = None,
    title: str = "rows",
) -> str | bytes:
    """``rows`` in ``fmt`` by the one writer of each format (:mod:`ppo_graph.tables`, XLSX
    :func:`ppo_graph.org.xlsx.rows_xlsx`); ``table`` and ``json``: the command's own text and
    JSON document, when it has them."""
    from ppo_graph import tables

    if fmt in ("table", "text"):
        return table() if table is not None else tables.format_table(rows, columns)
    if fmt == "csv":
        return tables.format_csv(rows, columns, excel=excel)
    if fmt == "json":
        return json() if json is not None else tables.format_json(rows, columns)
    if fmt == "md":
        return tables.format_md(rows, columns)
    if fmt == "xlsx":
        from ppo_graph.org.xlsx import rows_xlsx

        return rows_xlsx(rows, columns, title)
    raise ValueError(f"not a row format: {fmt}")


def emit_rows(
    args: argparse.Namespace,
    rows: Sequence[Row],
    columns: Sequence[str],
    *,
    table: Callable[[], str] | None = None,
    json: Callable[[], str] | None = None,
    title: str = "rows",
) -> None:
    """Write ``rows`` as :func:`add_output`'s options say (after :func:`output_format`)."""
    content = rows_content(
        args.format, rows, columns, excel=args.excel, table=table, json=json, title=title
    )
    write_output(args, content, f"{len(rows)} row{'' if len(rows) == 1 else 's'}, {args.format}")
