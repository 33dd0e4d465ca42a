"""The ``ppo`` command: thin shells over the library.

Exit codes (:mod:`ppo_graph.errors`): 0 ok, 1 validation failures found, 2 usage or input error.
Each command group lives in its own ``cli_*`` module exposing ``register(subparsers)``; what they
share is in :mod:`ppo_graph.cli.common`, so none imports back from here. Heavy libraries (owlrl,
pyshacl, networkx) are imported inside the commands, so ``ppo --help`` is instant. Every command
takes its options and its files in any order (:class:`IntermixedParser`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from ppo_graph import __version__
from ppo_graph.errors import EXIT_FAILURES, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, PPOError

#: Modules that add sub-commands; each has ``register(subparsers) -> None``.
COMMAND_MODULES = (
    "ppo_graph.cli.core",
    "ppo_graph.cli.viz",
    "ppo_graph.cli.interfaces",
    "ppo_graph.cli.query",
    "ppo_graph.cli.cache",
    "ppo_graph.cli.serve",
    "ppo_graph.cli.org",
    "ppo_graph.cli.store",
    "ppo_graph.cli.raci",
    "ppo_graph.cli.role",
    "ppo_graph.cli.assess",
    "ppo_graph.cli.quiz",
    "ppo_graph.cli.crosswalk",
)


class IntermixedParser(argparse.ArgumentParser):
    """An argument parser whose commands take options and positional arguments (EXTRA files, a
    query NAME, ...) in any order: ``ppo query NAME --format csv EXTRA.ttl`` as well as
    ``ppo query --format csv NAME EXTRA.ttl``, as with ``parse_intermixed_args``.

    A parser with sub-commands (``ppo``, ``ppo org``) parses as argparse does, so the command path
    comes first; the command's own parser (the sub-parsers are of this class too) then parses in
    two passes: the options first, every positional argument held back, then the positional
    arguments left over, in their order. ``--`` ends the options: what follows it is positional
    even when it starts with a dash. The standard library's ``parse_known_intermixed_args`` is not
    used because, in Python 3.11, it refuses a parser with sub-commands and drops a ``--`` that
    comes before the first positional argument (``ppo stats -- -odd.ttl`` then fails).

    An option that takes several values (``--cors ORIGIN ...``) still takes every value up to the
    next option or ``--``, as argparse documents: put files before it, or after ``--``.
    """

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[Any, list[str]]:
        positionals = self._get_positional_actions()
        if self._subparsers is not None or not positionals:  # `ppo`, `ppo org`, `ppo run`
            return super().parse_known_args(args, namespace)
        argv = list(sys.argv[1:] if args is None else args)
        after: list[str] = []
        if "--" in argv:  # what follows the first `--` is positional, as for argparse
            cut = argv.index("--")
            argv, after = argv[:cut], argv[cut:]
        optionals = self._get_optional_actions()
        saved_usage = self.usage
        saved = [
            (action, action.nargs, action.default, action.required) for action in self._actions
        ]
        try:
            if self.usage is None:  # the usage with the positionals, for errors in pass one
                self.usage = self.format_usage().split(": ", 1)[1]
            for action in positionals:  # pass one: the options; the positionals are left over
                action.nargs, action.default = argparse.SUPPRESS, argparse.SUPPRESS
            namespace, rest = super().parse_known_args(argv, namespace)
            for action, nargs, default, _ in saved:
                action.nargs, action.default = nargs, default
            # Pass two: the positionals, in their order. An unknown option (left over by pass
            # one) is kept out, so that the files after it still count and the error names it.
            unknown = [arg for arg in rest if self._parse_optional(arg) is not None]
            given = [arg for arg in rest if self._parse_optional(arg) is None]
            for action in optionals:
                action.required = False  # a missing required option was said in pass one
            namespace, extras = super().parse_known_args(given + after, namespace)
            return namespace, unknown + extras
        finally:
            for action, nargs, default, required in saved:
                action.nargs, action.default, action.required = nargs, default, required
            self.usage = saved_usage


def build_parser() -> argparse.ArgumentParser:
    parser = IntermixedParser(
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


#: The parser, built once per process: a notebook, the tests and ``ppo serve``'s own calls run
#: many commands in one process, and building it took longer than a cached query. Parsing
#: leaves it as it was (:class:`IntermixedParser` restores what it changes).
_PARSER: list[argparse.ArgumentParser] = []


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_output()
    if not _PARSER:
        _PARSER.append(build_parser())
    args = _PARSER[0].parse_args(argv)
    from ppo_graph.engine.cache import writing_aside

    try:
        with writing_aside():  # the cache entry written beside the command's own work
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
