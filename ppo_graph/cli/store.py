"""``ppo load --store URL``: upload the reasoned graph into a SPARQL 1.1 store's named graph
with the Graph Store Protocol (:mod:`ppo_graph.engine.remote`), for ``--store`` on the other commands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ppo_graph.cli.common import add_input_files, add_store_options, open_graph, store_endpoints
from ppo_graph.errors import EXIT_OK, UsageError


def register(subparsers: Any) -> None:
    load = subparsers.add_parser(
        "load",
        help="upload the reasoned graph into a SPARQL store (Graph Store Protocol)",
        description="Load the shipped graph plus EXTRA files, reason (OWL RL), and replace the "
        "store's named graph with the asserted and inferred triples in one HTTP PUT (SPARQL 1.1 "
        "Graph Store Protocol). `ppo query --store URL` and `ppo validate --store URL` then "
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
    load.set_defaults(handler=load_command)


def load_command(args: argparse.Namespace) -> int:
    from ppo_graph.engine.remote import upload

    endpoints = store_endpoints(args)
    if endpoints is None:
        raise UsageError("give --store URL: the SPARQL store to upload into")
    here = {name: None for name in ("store", "query_url", "gsp_url", "graph")}
    kg = open_graph(argparse.Namespace(**{**vars(args), **here}))  # the graph to upload
    for message in kg.inconsistencies:
        print(f"warning: OWL RL inconsistency: {message}", file=sys.stderr)
    count = upload(kg, endpoints)
    print(
        f"ppo load: {count:,} triples ({kg.asserted_count:,} asserted + {kg.inferred_count:,} "
        f"inferred, {kg.reasoner} reasoning) now in graph <{endpoints.graph}> at "
        f"{endpoints.gsp_url}",
        file=sys.stderr,
    )
    return EXIT_OK
