"""rdflib's SPARQL 1.1 parser, read for the query boundary: what a query text holds, as plain
values (:class:`ParsedQuery`), with no rdflib object leaving this module.

The boundary (:mod:`ppo_graph.engine.boundary`) decides what a query may do from these values;
this module only reads the text with a real SPARQL grammar (its ``\\u`` escapes expanded before
parsing, escaped characters in prefixed names, strings and comments the grammar's own) and walks
the parse tree. It is reached through the registry (:func:`ppo_graph.backends.reference_backend`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

Problem = Literal["unreadable", "update", "unknown value"]


@dataclass(frozen=True)
class ParsedQuery:
    """What the parser found: every parse-tree node's name (rdflib's names for the grammar's
    productions), the query node's name (``SelectQuery``, ...; "" if none), what reaches
    beyond the graph (``SERVICE <iri>``, ``FROM <iri>``, ``FROM NAMED <iri>``), a SELECT's
    projected variables in order (None for ``SELECT *`` and the other forms), and the prefixes
    its prefixed names use and its PREFIX declarations declare ("" for the empty prefix).

    Or, with ``problem`` set, why the text could not be read as a query: ``unreadable`` (the
    parser's message in ``detail``, and where, when it says), ``update`` (a SPARQL update) or
    ``unknown value`` (the tree holds a Python value the walk does not know: its type's name
    in ``detail``)."""

    node_names: tuple[str, ...] = ()
    query_name: str = ""
    reaches: tuple[str, ...] = ()
    projection: tuple[str, ...] | None = None
    prefixes_used: tuple[str, ...] = ()
    prefixes_declared: tuple[str, ...] = ()
    problem: Problem | None = None
    detail: str = ""
    line: int | None = None
    column: int | None = None


class _Unreadable(Exception):
    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class _Update(Exception):
    pass


class _UnknownValue(Exception):
    pass


def parse_query(text: str) -> ParsedQuery:
    """The text read by rdflib's grammar as a query, or why it cannot be (``problem``)."""
    try:
        tree = _parse(text)
        names = tuple(_node_names(tree))
    except _Unreadable as exc:
        return ParsedQuery(
            problem="unreadable", detail=exc.message, line=exc.line, column=exc.column
        )
    except _Update:
        return ParsedQuery(problem="update")
    except _UnknownValue as exc:
        return ParsedQuery(problem="unknown value", detail=str(exc))
    query = tree[1]
    query_name = str(getattr(query, "name", "") or "")
    return ParsedQuery(
        names,
        query_name,
        tuple(_reaches(tree)),
        _projection(query) if query_name == "SelectQuery" else None,
        *_prefixes(tree),
    )


def syntax_error(text: str) -> tuple[str, int | None, int | None] | None:
    """rdflib's message, line and column for a query that does not parse (shorter than
    pyoxigraph's, which lists every expected character class); None when rdflib reads it."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text)
    except Exception as exc:  # pyparsing and rdflib raise several types
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "col", None)
        message = getattr(exc, "msg", None) or str(exc).strip().splitlines()[0]
        return (
            str(message),
            line if isinstance(line, int) else None,
            column if isinstance(column, int) and isinstance(line, int) else None,
        )
    return None


# ---------------------------------------------------------------------------------------------


def _parse(text: str) -> Any:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)
    except ParseBaseException as exc:
        error: ParseBaseException = exc
    except Exception as exc:  # rdflib raises a few other types on bad terms
        raise _Unreadable(str(exc).strip().splitlines()[0][:300]) from None
    try:
        parseUpdate(text)
    except Exception:
        raise _Unreadable(str(error.msg), error.lineno, error.col) from None
    raise _Update()


def _node_names(node: Any) -> Iterator[str]:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Node

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item.name
            stack.extend(item.values())
        elif isinstance(item, (str, Node, int, float, bool)) or item is None:
            continue
        elif isinstance(item, dict):
            stack.extend(item.values())
        else:
            try:
                stack.extend(iter(item))
            except TypeError:
                raise _UnknownValue(type(item).__name__) from None


def _reaches(node: Any) -> Iterator[str]:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                yield f"SERVICE {_show(item.get('term'))}"
            elif item.name == "DatasetClause":
                if "named" in item:
                    yield f"FROM NAMED {_show(item['named'])}"
                else:
                    yield f"FROM {_show(item.get('default'))}"
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)


def _prefixes(node: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the prefixes of the prefixed names, the prefixes declared), each sorted, once."""
    from rdflib.plugins.sparql.parserutils import CompValue

    used: set[str] = set()
    declared: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "pname":
                used.add(str(dict.get(item, "prefix") or ""))
            elif item.name == "PrefixDecl":
                declared.add(str(dict.get(item, "prefix") or ""))
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)
    return tuple(sorted(used)), tuple(sorted(declared))


def _show(term: Any) -> str:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, CompValue) and term.name == "pname":
        # dict.get: CompValue.get answers a missing key with the key's own name
        return f"{dict.get(term, 'prefix') or ''}:{dict.get(term, 'localname') or ''}"
    return str(term)


def _projection(query: Any) -> tuple[str, ...] | None:
    """The SELECT's projected variables in order (None for ``SELECT *``)."""
    projection = dict.get(query, "projection")
    if not projection:
        return None
    names: list[str] = []
    for item in projection:
        name = dict.get(item, "var") or dict.get(item, "evar")
        if name is None:
            return None
        names.append(str(name))
    return tuple(names)
