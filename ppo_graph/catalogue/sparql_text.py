"""SPARQL text without a store: its tokens and variables, the columns of a ``SELECT *``, and
pyoxigraph's syntax errors. The lowest layer of the query modules: :mod:`ppo_graph.catalogue.query_file`
and :mod:`ppo_graph.catalogue.bindings` read query text with it, and :mod:`ppo_graph.backends.fast.sparql` (which
re-exports these names) runs the queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ppo_graph.engine.boundary import CheckedQuery


_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
      |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()<>,;]*)?)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each SPARQL token, comments left out; kinds: string iri var word other."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "comment":
            yield kind, match.group()


def variables(text: str) -> set[str]:
    return {value[1:] for kind, value in tokens(text) if kind == "var"}


def syntax_error(exc: SyntaxError) -> tuple[str, int | None, int | None]:
    """pyoxigraph's 'error at LINE:COL: message' as (message, line, column)."""
    text = str(exc.msg if getattr(exc, "msg", None) else exc)
    match = re.match(r"error at (\d+):(\d+): (.*)", text, re.S)
    if match:
        return match.group(3).strip(), int(match.group(1)), int(match.group(2))
    return text.strip(), None, None


def is_select_star(text: str) -> bool:
    items = [v.upper() for k, v in tokens(text) if k in ("word", "other")]
    for index, value in enumerate(items):
        if value == "SELECT":
            rest = [v for v in items[index + 1 : index + 3] if v not in ("DISTINCT", "REDUCED")]
            return bool(rest) and rest[0] == "*"
    return False


def in_order_of_appearance(text: str, columns: list[str]) -> list[str]:
    """``SELECT *`` columns in the order the query first names them (pyoxigraph sorts them)."""
    first: dict[str, int] = {}
    for index, (kind, value) in enumerate(tokens(text)):
        if kind == "var":
            first.setdefault(value[1:], index)
    return sorted(columns, key=lambda c: (first.get(c, len(first)), c))


def check_syntax(query: CheckedQuery) -> list[str]:
    """Parse a query the boundary let through (on an empty store: no data; the boundary has
    refused SERVICE) and return its result columns; a SyntaxError is raised for bad text."""
    import pyoxigraph as ox

    result = ox.Store().query(query.text)
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        return (
            in_order_of_appearance(query.text, columns) if is_select_star(query.text) else columns
        )
    return []
