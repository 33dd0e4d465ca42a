"""The ``ppo`` command: thin shells over the library.

Exit codes (:mod:`ppo_graph.errors`): 0 ok, 1 validation failures found, 2 usage or input error.
Each command group lives in its own ``cli_*`` module exposing ``register(subparsers)``; what they
share is in :mod:`ppo_graph.cli_common`, so none imports back from here. Heavy libraries (owlrl,
pyshacl, networkx) are imported inside the commands, so ``ppo --help`` is instant.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence

from . import __version__
from .errors import EXIT_FAILURES, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, PPOError

#: Modules that add sub-commands; each has ``register(subparsers) -> None``.
COMMAND_MODULES = (
    "ppo_graph.cli_core",
    "ppo_graph.cli_viz",
    "ppo_graph.cli_interfaces",
    "ppo_graph.cli_query",
    "ppo_graph.cli_cache",
    "ppo_graph.cli_serve",
    "ppo_graph.cli_org",
    "ppo_graph.cli_store",
    "ppo_graph.cli_raci",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ppo",
        description=(
            "A knowledge graph of the ITIL v3 Planning, Protection and Optimization roles: "
            "build, reason (OWL RL), validate (SHACL), query (SPARQL) and draw it."
        ),
        epilog=f"Exit codes: {EXIT_OK} ok, {EXIT_FAILURES} validation failures found, "
        f"{EXIT_USAGE} usage or input error.",
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
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except OSError as err:  # e.g. an unreadable file: an input error, never a traceback
        print(f"ppo {args.command}: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    sys.exit(main())
