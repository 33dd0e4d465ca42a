"""The ``ppo`` command: thin shells over the library.

Exit codes: 0 ok, 1 validation failures found, 2 usage or input error.
Each command group lives in its own ``cli_*`` module exposing ``register(subparsers)``; heavy
libraries (owlrl, pyshacl, networkx) are imported inside the commands, so ``ppo --help`` is instant.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import PPOError

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2

#: Modules that add sub-commands; each has ``register(subparsers) -> None``.
COMMAND_MODULES = (
    "ppo_graph.cli_core",
    "ppo_graph.cli_viz",
    "ppo_graph.cli_query",
    "ppo_graph.cli_cache",
)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ppo",
        description=(
            "A knowledge graph of the ITIL v3 Planning, Protection and Optimization roles: "
            "build, reason (OWL RL), validate (SHACL), query (SPARQL) and draw it."
        ),
        epilog="Exit codes: 0 ok, 1 validation failures found, 2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def _tolerant_output() -> None:
    """A terminal or pipe whose encoding cannot show a character (PYTHONIOENCODING=ascii, a
    latin-1 locale) gets an escape (``\\u2019``) instead of a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or odd stream: as it is
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except PPOError as err:
        print(f"ppo {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as err:  # e.g. an unreadable file: an input error, never a traceback
        print(f"ppo {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    sys.exit(main())
