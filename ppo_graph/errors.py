"""Errors the commands turn into exit code 2 with a one-line message (never a traceback)."""

from __future__ import annotations

from pathlib import Path


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
