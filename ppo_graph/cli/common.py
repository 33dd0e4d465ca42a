"""What the ``cli_*`` command modules share: the input arguments of every graph-reading command
and the engine they open. Kept apart from :mod:`ppo_graph.cli`, which imports the command
modules, so that none of them imports back from it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any


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


def add_store_options(parser: argparse.ArgumentParser, *, what: str) -> None:
    """--store URL and the options that name a SPARQL store's endpoints and graph."""
    from ppo_graph.engine.remote import DEFAULT_GRAPH

    parser.add_argument(
        "--store",
        metavar="URL",
        help=f"{what} (URL/query for SPARQL, URL/store for the Graph Store Protocol, as Oxigraph "
        "server names them; see --query-url and --gsp-url)",
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


def store_endpoints(args: argparse.Namespace) -> Any:
    """The :class:`~ppo_graph.engine.remote.Endpoints` the store options name, or None without them."""
    from ppo_graph.engine.remote import Endpoints
    from ppo_graph.errors import UsageError

    given = [args.store, args.query_url, args.gsp_url]
    if not any(given):
        if args.graph:
            raise UsageError("--graph names a graph in a store: give --store URL too")
        return None
    return Endpoints.of(
        args.store, query_url=args.query_url, gsp_url=args.gsp_url, graph=args.graph
    )


def open_graph(args: argparse.Namespace, extra: Sequence[Path] | None = None) -> Any:
    """The engine for a command's input arguments (EXTRA files, --no-reason, --no-cache), or,
    with ``--store`` (commands that take it), the store's graph (:mod:`ppo_graph.engine.remote`)."""
    from ppo_graph.engine import KnowledgeGraph

    if any(getattr(args, name, None) for name in ("store", "query_url", "gsp_url", "graph")):
        from ppo_graph.engine.remote import RemoteGraph
        from ppo_graph.errors import UsageError

        files = list(args.extra if extra is None else extra)
        if files:
            raise UsageError(
                f"{files[0]}: with --store the data is the store's; upload your files with "
                "ppo load --store URL EXTRA ..."
            )
        return RemoteGraph.connect(store_endpoints(args), getattr(args, "timeout", None))

    return KnowledgeGraph.open(
        args.extra if extra is None else extra,
        reasoning=not args.no_reason,
        cache=False if args.no_cache else None,
        reasoner=args.reasoner,
    )
