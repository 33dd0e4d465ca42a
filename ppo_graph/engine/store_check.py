"""``ppo store check``: does a SPARQL store answer the catalogue as the engine here does?

Every canned query (questions, checks and reports, with their default parameters) runs twice: in
process on the graph the store should hold (the shipped graph, plus the files that were loaded,
reasoned here: the expected rows, computed afresh, so they cannot go stale) and in the store
(:class:`~ppo_graph.engine.remote.RemoteGraph`). Nothing is written to the store.

Rows are compared as multisets of normalised terms (:func:`term_key`): a number by its value (so
``"3"^^xsd:int`` and ``"3"^^xsd:integer``, ``1.50`` and ``1.5E0`` agree; a non-integer to ten
significant digits), a boolean by its truth, a language tag in lower case, any blank node like any
other; everything else (IRIs, strings, other datatypes) exactly. Order is compared too where the
query's top-level ``ORDER BY`` fully determines it: every key a projected variable (``?x``,
``ASC(?x)``, ``DESC(?x)``) and no two expected rows with the same keys. A query the store refuses
or fails on is a difference, with the store's message; a store that cannot be reached, or refuses
the credentials, stops the check (:class:`~ppo_graph.errors.StoreError`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal

from ppo_graph.catalogue.sparql_text import tokens
from ppo_graph.errors import UsageError
from ppo_graph.namespaces import XSD_NS
from ppo_graph.tables import NUMBER_TYPES, display, parts

if TYPE_CHECKING:
    from ppo_graph.catalogue.query_file import QuerySpec
    from ppo_graph.engine.protocol import Graph

Row = dict[str, Any]
Verdict = Literal["agrees", "differs", "fails"]
#: Significant digits a non-integer number is compared to (stores print doubles differently).
DIGITS = 10
#: Longest value shown in a row (longer ones are cut with "...").
SHOWN_VALUE = 80
_BOOLEAN = XSD_NS + "boolean"


def term_key(term: Any) -> Any:
    """What a term is compared by (hashable; None for an unbound column)."""
    if term is None:
        return None
    kind, text, datatype, language = parts(term)
    if kind == "iri":
        return ("iri", text)
    if kind == "bnode":
        return ("bnode",)
    if language:
        return ("lang", text, language.lower())
    if datatype in NUMBER_TYPES:
        number = _number(text)
        if number is not None:
            return ("number", number)
    if datatype == _BOOLEAN and text.strip().lower() in ("true", "false", "1", "0"):
        return ("boolean", text.strip().lower() in ("true", "1"))
    return ("literal", text, datatype)


def _number(text: str) -> int | float | None:
    """A numeric literal's value: an int when integral, else a float to :data:`DIGITS` digits."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return float(value)  # inf, -inf, nan: compared as floats (nan never equal: shown)
    if value == value.to_integral_value():
        return int(value)
    rounded = float(f"{float(value):.{DIGITS}g}")
    return rounded if math.isfinite(rounded) else None


def row_key(row: Row, columns: Sequence[str]) -> tuple[Any, ...]:
    return tuple(term_key(row.get(column)) for column in columns)


def show_row(row: Row, columns: Sequence[str]) -> str:
    """``column=value`` for each bound column (IRIs as CURIEs, literals quoted), cut short."""
    shown = []
    for column in columns:
        term = row.get(column)
        if term is None:
            continue
        kind, text, _, _ = parts(term)
        value = display(term) if kind == "iri" else text
        if len(value) > SHOWN_VALUE:
            value = value[: SHOWN_VALUE - 3] + "..."
        shown.append(f"{column}={value}" if kind == "iri" else f'{column}="{value}"')
    return " ".join(shown) or "(every column unbound)"


def order_keys(text: str) -> list[str] | None:
    """The variables of the query's top-level ``ORDER BY`` when every key is a plain variable
    (``?x``, ``ASC(?x)``, ``DESC(?x)``); [] without one; None when a key is an expression."""
    found: list[tuple[str, str]] = []
    depth = 0
    inside = False
    previous = ""
    for kind, value in tokens(text):
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
        elif depth == 0 and kind == "word" and value.upper() == "BY" and previous == "ORDER":
            inside, found = True, []
            previous = "BY"
            continue
        if inside:
            if depth == 0 and kind == "word" and value.upper() in ("LIMIT", "OFFSET", "VALUES"):
                inside = False
            else:
                found.append((kind, value))
        previous = value.upper() if kind == "word" else ""
    keys: list[str] = []
    items = list(found)
    while items:
        kind, value = items.pop(0)
        if kind == "var":
            keys.append(value[1:])
            continue
        if kind == "word" and value.upper() in ("ASC", "DESC") and len(items) >= 3:
            (_, v1), (k2, v2), (_, v3) = items[:3]
            if v1 == "(" and k2 == "var" and v3 == ")":
                keys.append(v2[1:])
                del items[:3]
                continue
        return None
    return keys


@dataclass(frozen=True)
class Outcome:
    """One query's comparison: rows here and in the store, and the first difference."""

    name: str
    kind: str
    here: int
    there: int | None  # None: the store failed on the query
    missing: int = 0  # rows here the store lacks
    extra: int = 0  # rows in the store not here
    first_missing: str | None = None
    first_extra: str | None = None
    order_at: int | None = None  # 1-based row where the order first differs
    order_rows: tuple[str, str] | None = None  # (here, in the store) at that row
    error: str | None = None

    @property
    def verdict(self) -> Verdict:
        if self.error is not None:
            return "fails"
        if self.missing or self.extra or self.order_at is not None:
            return "differs"
        return "agrees"

    def details(self) -> list[str]:
        """What differs, a line each: the first missing and extra rows, or the first row out of
        order, or the store's error."""
        if self.error is not None:
            return [f"the store failed: {self.error}"]
        lines = []
        if self.first_missing is not None:
            lines.append(f"missing ({self.missing} row{_s(self.missing)}): {self.first_missing}")
        if self.first_extra is not None:
            lines.append(f"extra ({self.extra} row{_s(self.extra)}): {self.first_extra}")
        if self.order_at is not None and self.order_rows is not None:
            here, there = self.order_rows
            lines.append(f"same rows, other order: row {self.order_at} is here: {here}")
            lines.append(f"and in the store: {there}")
        return lines

    def as_row(self) -> dict[str, Any]:
        return {
            "query": self.name,
            "kind": self.kind,
            "verdict": self.verdict,
            "rows_here": self.here,
            "rows_store": self.there,
            "difference": "; ".join(self.details()),
        }


#: The columns of ``ppo store check``'s rows (--format csv, json, md, xlsx).
COLUMNS = ("query", "kind", "verdict", "rows_here", "rows_store", "difference")


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def compare(spec: QuerySpec, here: Sequence[Row], there: Sequence[Row]) -> Outcome:
    """The outcome of one query: ``here`` the expected rows, ``there`` the store's."""
    columns = list(spec.columns) or sorted({c for row in [*here, *there] for c in row})
    here_keys = [row_key(row, columns) for row in here]
    there_keys = [row_key(row, columns) for row in there]
    missing = Counter(here_keys) - Counter(there_keys)
    extra = Counter(there_keys) - Counter(here_keys)
    gone = _first(here_keys, missing)
    added = _first(there_keys, extra, like=None if gone is None else here_keys[gone])
    first_missing = None if gone is None else show_row(here[gone], columns)
    first_extra = None if added is None else show_row(there[added], columns)
    outcome = Outcome(
        spec.name,
        spec.kind,
        len(here),
        len(there),
        missing=sum(missing.values()),
        extra=sum(extra.values()),
        first_missing=first_missing,
        first_extra=first_extra,
    )
    if missing or extra:
        return outcome
    keys = order_keys(spec.text)
    if not keys or not set(keys) <= set(columns):
        return outcome
    at = [columns.index(k) for k in keys]
    ordered_here = [tuple(key[i] for i in at) for key in here_keys]
    if len(set(ordered_here)) < len(ordered_here):
        return outcome  # ties: the store may order them either way
    ordered_there = [tuple(key[i] for i in at) for key in there_keys]
    for position, (mine, theirs) in enumerate(zip(ordered_here, ordered_there, strict=True)):
        if mine != theirs:
            rows = (show_row(here[position], columns), show_row(there[position], columns))
            return Outcome(
                spec.name, spec.kind, len(here), len(there), order_at=position + 1, order_rows=rows
            )
    return outcome


def _first(
    keys: Sequence[tuple[Any, ...]], wanted: Counter[Any], like: tuple[Any, ...] | None = None
) -> int | None:
    """The index of the first row among ``wanted``; with ``like``, of the first one that shares
    the most columns with it (so a missing row is shown beside the extra row that replaced it)."""
    best: tuple[int, int] | None = None  # (shared columns, -index)
    for index, key in enumerate(keys):
        if not wanted[key]:
            continue
        if like is None:
            return index
        shared = sum(a == b for a, b in zip(key, like, strict=True))
        if best is None or shared > best[0]:
            best = (shared, index)
    return None if best is None else best[1]


def run(
    here: Graph,
    there: Graph,
    specs: Iterable[QuerySpec],
    params: Mapping[str, Mapping[str, str]] | None = None,
    *,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Each query's outcome (``params``: query name -> parameter values; else the defaults).
    A store that cannot be reached, or refuses the credentials, raises
    :class:`~ppo_graph.errors.StoreError`; any other failure of the store on one query is that
    query's outcome."""
    outcomes = []
    for spec in specs:
        given = dict((params or {}).get(spec.name, {}))
        expected = here.rows(spec, given)
        try:
            got = there.rows(spec, given)
        except (SyntaxError, UsageError) as exc:
            if _stops_the_check(exc):
                raise
            outcome = Outcome(spec.name, spec.kind, len(expected), None, error=_one_line(exc))
        else:
            outcome = compare(spec, expected, got)
        if progress is not None:
            progress(outcome)
        outcomes.append(outcome)
    return outcomes


def _stops_the_check(exc: Exception) -> bool:
    """An unreachable store, or one that refuses the credentials, fails every query alike."""
    from ppo_graph.engine.remote import HTTPStatusError, StoreUnreachable

    if isinstance(exc, StoreUnreachable):
        return True
    return isinstance(exc, HTTPStatusError) and exc.status in (401, 403, 407)


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 400 else text[:397] + "..."
