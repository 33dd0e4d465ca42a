"""Errors the commands turn into exit code 2 with a one-line message (never a traceback), and the
exit codes of every command, in one place."""

from __future__ import annotations

from pathlib import Path

#: Everything as asked, and nothing found wrong.
EXIT_OK = 0
#: Validation failures found: SHACL results, OWL RL inconsistencies or a check's rows.
EXIT_FAILURES = 1
#: Bad usage or bad input (a :class:`PPOError`): the command did not do what was asked.
EXIT_USAGE = 2
#: Stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130


class PPOError(Exception):
    """Base class: bad input or bad usage. ``str(err)`` is the message shown to the user."""


class InputError(PPOError):
    """A file could not be read or parsed; names the file and, where known, the line."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class UsageError(PPOError):
    """A command-line argument or parameter is wrong."""


class StoreError(UsageError):
    """The store could not be reached, or answered with an error; the message names the URL.
    Raised by :mod:`ppo_graph.engine.remote` (which re-exports it) and by :mod:`ppo_graph.backends.fast.sparql` when
    a store's answer lacks the query's columns."""
