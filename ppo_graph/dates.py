"""The one definition of "current" for the organisation: the date every organisation check,
report, question and command reads memberships as of.

Memberships count when they have begun on or before that date and have not ended before it
(``ppo:memberFrom`` <= date <= ``ppo:memberUntil``, or no end). The date is the local date
(:func:`local_today`), not UTC, unless ``--as-of`` names another one (:func:`as_of`). The
queries declare it as the parameter ``asOf`` (``literal xsd:date``, default ``"today"``), bound
as an ``xsd:date`` by VALUES like every other parameter; the default resolves to
:func:`current`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from ppo_graph.errors import UsageError

#: The parameter every organisation query declares, and its default.
AS_OF_PARAM = "asOf"
TODAY = "today"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"

_AS_OF: ContextVar[dt.date | None] = ContextVar("ppo_as_of", default=None)
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def local_today() -> dt.date:
    """Today in the machine's local time zone: the one clock the organisation is read by."""
    return dt.date.today()


def current() -> dt.date:
    """The date the organisation is read as of: ``--as-of``'s, else :func:`local_today`."""
    return _AS_OF.get() or local_today()


@contextmanager
def as_of(date: dt.date | None) -> Iterator[dt.date]:
    """Read the organisation as of ``date`` (None: today) inside the block."""
    token = _AS_OF.set(date)
    try:
        yield current()
    finally:
        _AS_OF.reset(token)


def parse_date(text: str, what: str = "--as-of") -> dt.date:
    """``YYYY-MM-DD`` as a date; "today" is :func:`current`. A UsageError names ``what``."""
    raw = text.strip()
    if raw.lower() == TODAY:
        return current()
    if _DATE_RE.match(raw):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise UsageError(f"{what}: {text!r} is not a date; expected the form YYYY-MM-DD")


def option(text: str) -> dt.date:
    """``--as-of``'s argparse type: a bad value exits 2 naming the option and the form."""
    import argparse

    try:
        return parse_date(text)
    except UsageError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected the form YYYY-MM-DD"
        ) from None


def params(date: dt.date | None) -> dict[str, str]:
    """The query parameters that read the organisation as of ``date`` (None: :func:`current`)."""
    return {AS_OF_PARAM: (date or current()).isoformat()}


def iso(day: dt.date | str | None = None) -> str:
    """``day`` as YYYY-MM-DD (None or "": :func:`current`)."""
    if isinstance(day, dt.date):
        return day.isoformat()
    return day or current().isoformat()


def stamp(day: dt.date | str | None = None) -> str:
    """The line every organisation report shows its date with (``ppo raci``'s table and
    Markdown, ``ppo org gaps``, ``diff`` and ``whatif``, ``ppo run``'s example organisation):
    "As of YYYY-MM-DD: memberships current then." (None: :func:`current`)."""
    return f"As of {iso(day)}: memberships current then."


def checked(day: dt.date | str | None = None) -> str:
    """The line ``ppo validate`` (and ``ppo run``'s example organisation) adds to a text report
    when an organisation is loaded: the date its checks read the memberships as of."""
    return f"Organisation checked as of {iso(day)} (memberships current then)."


def read_as_of(bound: Mapping[str, str]) -> str:
    """The date (YYYY-MM-DD) a query that declares ``asOf`` reads the organisation as of, given
    the parameters it is run with: ``asOf``'s value, or :func:`current` when it is missing or
    "today" (the default)."""
    raw = bound.get(AS_OF_PARAM, TODAY)
    try:
        return parse_date(raw, f"--param {AS_OF_PARAM}").isoformat()
    except UsageError:
        return raw
