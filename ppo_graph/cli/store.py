"""``ppo load --store URL``: upload the reasoned graph into a SPARQL 1.1 store's named graph
with the Graph Store Protocol (:mod:`ppo_graph.engine.remote`), for ``--store`` on the other
commands; ``ppo store check URL``: whether the store answers every canned query as the engine
here does (:mod:`ppo_graph.engine.store_check`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ppo_graph.cli.common import (
    add_input_files,
    add_output,
    add_store_options,
    emit_rows,
    open_graph,
    output_format,
    store_endpoints,
)
from ppo_graph.errors import EXIT_FAILURES, EXIT_OK, UsageError

#: The store options, blanked to open the graph here (the one uploaded, or expected).
_STORE_OPTIONS = ("store", "query_url", "gsp_url", "graph", "store_user")


def register(subparsers: Any) -> None:
    load = subparsers.add_parser(
        "load",
        help="upload the reasoned graph into a SPARQL store (Graph Store Protocol)",
        description="Load the shipped graph plus EXTRA files, reason (OWL RL), and replace the "
        "store's named graph with the asserted and inferred triples in one HTTP PUT (SPARQL 1.1 "
        "Graph Store Protocol), or with --batch in several requests. `ppo query --store URL` and `ppo validate --store URL` then "
        "answer from the store.",
        epilog="examples:\n"
        "  oxigraph serve --location data --bind 127.0.0.1:7878 &\n"
        "  ppo load --store http://127.0.0.1:7878 extra.ttl\n"
        "  ppo load --store http://127.0.0.1:3030/ppo --query-url http://127.0.0.1:3030/ppo/query \\\n"
        "           --gsp-url http://127.0.0.1:3030/ppo/data     # Fuseki",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_files(load)
    add_store_options(load, what="the SPARQL store to upload into")
    load.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long the store may take to answer the upload (default: 300; 0 for no limit): "
        "a store ingesting millions of triples in one request may need more",
    )
    load.add_argument(
        "--batch",
        type=int,
        default=0,
        metavar="TRIPLES",
        help="send the graph in requests of this many triples, a PUT then POSTs (default: 0, "
        "the whole graph in one PUT, which replaces it atomically); for a store that does not "
        "take a million triples in one transaction (Virtuoso 7.2: 100000). A request that fails "
        "leaves the graph partly loaded, and the error says how much",
    )
    load.set_defaults(handler=load_command)

    store = subparsers.add_parser(
        "store",
        help="check a SPARQL store: does it answer the canned queries as here?",
        description="Commands about a SPARQL store that ppo load fills.",
    )
    sub = store.add_subparsers(dest="store_command", metavar="STORE_COMMAND")
    sub.required = True
    check = sub.add_parser(
        "check",
        help="run every canned query in the store and here; exit 1 if the store answers one "
        "differently",
        description="Run every canned query of the catalogue (questions, checks and reports, "
        "default parameters) in the store's graph and on the same graph here (the shipped graph "
        "plus EXTRA files, reasoned here: give the files you loaded), and print each query the "
        "store answers differently, with its first missing or extra row (or the first row out "
        "of order, where the query's ORDER BY fixes the order), or the store's error. Loads "
        "nothing. Numbers compare by value (3 and 3.0, xsd:int and xsd:integer agree), blank "
        "nodes as blank nodes, everything else exactly. Exit 0 when every query agrees, 1 when "
        "one differs, 2 when the store cannot be reached or refuses the credentials.",
        epilog="examples:\n"
        "  ppo store check http://127.0.0.1:7878                       # Oxigraph server\n"
        "  ppo store check http://127.0.0.1:8890 --query-url http://127.0.0.1:8890/sparql\n"
        "  ppo store check http://HOST:7878 --graph https://example.org/org-a org-a.ttl\n"
        "  PPO_STORE_PASSWORD=... ppo store check http://HOST:8890 \\\n"
        "      --query-url http://HOST:8890/sparql-auth --store-user dba  # Virtuoso, Digest",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "url",
        metavar="URL",
        help="the store: URL/query for SPARQL (as Oxigraph server names it; see --query-url)",
    )
    add_input_files(check)
    add_store_options(check, what="the store", with_store=False)
    check.add_argument(
        "--query",
        dest="queries",
        action="append",
        default=[],
        metavar="NAME",
        help="check only this canned query (repeatable; default: every one)",
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="give up on a request to the store after this long (default: 120; 0 for no "
        "limit); a query the store does not answer in time counts as a difference",
    )
    add_output(
        check,
        about="; table: the queries that differ, each with its first differing row; csv, json, "
        "md, xlsx: a row per query (query, kind, verdict, rows here and in the store, difference)",
    )
    check.set_defaults(handler=check_command)


def _here(args: argparse.Namespace) -> argparse.Namespace:
    """The arguments with the store options blanked: they open the graph here."""
    return argparse.Namespace(**{**vars(args), **dict.fromkeys(_STORE_OPTIONS)})


def load_command(args: argparse.Namespace) -> int:
    from ppo_graph.engine.remote import upload

    endpoints = store_endpoints(args)
    if endpoints is None:
        raise UsageError("give --store URL: the SPARQL store to upload into")
    if args.timeout < 0:
        raise UsageError("--timeout must be 0 (no limit) or more")
    if args.batch < 0:
        raise UsageError("--batch must be 0 (one request) or a number of triples")
    kg = open_graph(_here(args))  # the graph to upload
    for message in kg.inconsistencies:
        print(f"warning: OWL RL inconsistency: {message}", file=sys.stderr)
    count = upload(kg, endpoints, args.timeout or None, batch=args.batch or None)
    print(
        f"ppo load: {count:,} triples ({kg.asserted_count:,} asserted + {kg.inferred_count:,} "
        f"inferred, {kg.reasoner} reasoning) now in graph <{endpoints.graph}> at "
        f"{endpoints.gsp_url}",
        file=sys.stderr,
    )
    return EXIT_OK


def check_command(args: argparse.Namespace) -> int:
    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.engine import store_check
    from ppo_graph.engine.remote import RemoteGraph

    if args.timeout < 0:
        raise UsageError("--timeout must be 0 (no limit) or more")
    output_format(args, args.extra)
    catalogue = default_catalogue()
    specs = [catalogue.get(name) for name in args.queries] or list(catalogue)
    endpoints = store_endpoints(argparse.Namespace(**{**vars(args), "store": args.url}))
    remote = RemoteGraph.connect(endpoints, args.timeout or None)
    held = len(remote)  # asked first: an unreachable store or refused credentials exit 2 here
    where = f"the store at {endpoints.query_url}"
    if not held:
        raise UsageError(
            f"{where} holds no triples in graph <{endpoints.graph}>: fill it with "
            "ppo load, or name the graph with --graph"
        )
    kg = open_graph(_here(args))
    if held != len(kg):
        print(
            f"ppo store check: note: {where} holds {held:,} triples in graph "
            f"<{endpoints.graph}>, the graph here {len(kg):,} (were the same files loaded?)",
            file=sys.stderr,
        )
    outcomes = store_check.run(kg, remote, specs)
    wrong = [o for o in outcomes if o.verdict != "agrees"]
    rows = [o.as_row() for o in outcomes]

    def table() -> str:
        lines = []
        for outcome in wrong:
            there = "failed" if outcome.there is None else f"{outcome.there} in the store"
            lines.append(f"{outcome.name} ({outcome.kind}): {outcome.here} rows here, {there}")
            lines.extend(f"  {line}" for line in outcome.details())
        if wrong:
            lines.append(
                f"{len(wrong)} of {len(outcomes)} queries answered differently by {where} "
                f"graph <{endpoints.graph}>"
            )
        else:
            lines.append(
                f"all {len(outcomes)} queries answered as here by {where} graph <{endpoints.graph}>"
            )
        return "\n".join(lines) + "\n"

    emit_rows(args, rows, store_check.COLUMNS, table=table, title="store check")
    return EXIT_FAILURES if wrong else EXIT_OK
