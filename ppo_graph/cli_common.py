"""What the ``cli_*`` command modules share: the input arguments of every graph-reading command
and the engine they open. Kept apart from :mod:`ppo_graph.cli`, which imports the command
modules, so that none of them imports back from it."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph


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


def open_graph(args: argparse.Namespace, extra: Sequence[Path] | None = None) -> Any:
    """The engine for a command's input arguments (EXTRA files, --no-reason, --no-cache)."""
    from .engine import KnowledgeGraph

    return KnowledgeGraph.open(
        args.extra if extra is None else extra,
        reasoning=not args.no_reason,
        cache=False if args.no_cache else None,
        reasoner=args.reasoner,
    )


def open_union(args: argparse.Namespace) -> Graph:
    """The reasoned graph (asserted and inferred triples) as rdflib, for the networkx views."""
    graph: Graph = open_graph(args).rdflib_graph("union")
    return graph
