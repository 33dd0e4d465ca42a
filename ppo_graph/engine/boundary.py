"""The query boundary: what a query may do, decided in one place for every front end.

Every query text that comes from outside the package (``/sparql``, the workbench's SPARQL page,
``ppo query --file``, the notebook's ``KnowledgeGraph.query``, and each query forwarded to a
``--store``) passes :func:`check_query` before anything evaluates it. It reads the text with a
real SPARQL 1.1 parser (rdflib's grammar, which follows the specification's escapes: ``\\u``
code points are expanded before parsing, escaped characters in prefixed names, strings and
comments are the grammar's own; read in :mod:`ppo_graph.backends.reference.sparql_parser`,
reached through the registry, :func:`ppo_graph.backends.reference_backend`), and decides from
what the parse tree holds, never from our own reading of the text:

* an update (INSERT, DELETE, LOAD, CLEAR, DROP, ...) is refused;
* ``SERVICE`` (with an IRI or a variable, ``SILENT`` or not, at any depth), ``FROM`` and
  ``FROM NAMED`` are refused unless the caller allows remote access;
* a tree node the boundary does not know is refused, and so is text the parser cannot read:
  what the boundary cannot understand, it does not let through.

pyoxigraph then parses the same text again to evaluate it. Where the two parsers could disagree,
the query is refused: :meth:`CheckedQuery.agrees_with` compares the query form and the projected
variables the two parsers found, and the evaluator stops before reading a row when they differ.
The walls behind this one: the in-process evaluator pins the dataset to the loaded graph (so
``FROM`` could not widen it) and runs in a worker process that cannot open a network socket
(:mod:`ppo_graph.engine.isolation`); a ``--store`` is sent the protocol's ``default-graph-uri``
and ``named-graph-uri`` (:mod:`ppo_graph.engine.remote`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ppo_graph.errors import UsageError

if TYPE_CHECKING:
    from ppo_graph.backends.reference.sparql_parser import ParsedQuery

Form = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
Reason = Literal["update", "remote", "unknown"]

#: The parse-tree nodes a read-only query may hold (rdflib's names for the SPARQL 1.1 grammar's
#: productions). Anything else, an update's clauses among them, is refused; SERVICE and the
#: dataset clause are refused unless remote access is allowed.
ALLOWED_NODES = frozenset(
    [
        "AdditiveExpression",
        "Aggregate_Avg",
        "Aggregate_Count",
        "Aggregate_GroupConcat",
        "Aggregate_Max",
        "Aggregate_Min",
        "Aggregate_Sample",
        "Aggregate_Sum",
        "AskQuery",
        "Base",
        "Bind",
        "Builtin_ABS",
        "Builtin_BNODE",
        "Builtin_BOUND",
        "Builtin_CEIL",
        "Builtin_COALESCE",
        "Builtin_CONCAT",
        "Builtin_CONTAINS",
        "Builtin_DATATYPE",
        "Builtin_DAY",
        "Builtin_ENCODE_FOR_URI",
        "Builtin_EXISTS",
        "Builtin_FLOOR",
        "Builtin_HOURS",
        "Builtin_IF",
        "Builtin_IRI",
        "Builtin_LANG",
        "Builtin_LANGMATCHES",
        "Builtin_LCASE",
        "Builtin_MD5",
        "Builtin_MINUTES",
        "Builtin_MONTH",
        "Builtin_NOTEXISTS",
        "Builtin_NOW",
        "Builtin_RAND",
        "Builtin_REGEX",
        "Builtin_REPLACE",
        "Builtin_ROUND",
        "Builtin_SECONDS",
        "Builtin_SHA1",
        "Builtin_SHA256",
        "Builtin_SHA384",
        "Builtin_SHA512",
        "Builtin_STR",
        "Builtin_STRAFTER",
        "Builtin_STRBEFORE",
        "Builtin_STRDT",
        "Builtin_STRENDS",
        "Builtin_STRLANG",
        "Builtin_STRLEN",
        "Builtin_STRSTARTS",
        "Builtin_STRUUID",
        "Builtin_SUBSTR",
        "Builtin_TIMEZONE",
        "Builtin_TZ",
        "Builtin_UCASE",
        "Builtin_URI",
        "Builtin_UUID",
        "Builtin_YEAR",
        "Builtin_isBLANK",
        "Builtin_isIRI",
        "Builtin_isLITERAL",
        "Builtin_isNUMERIC",
        "Builtin_isURI",
        "Builtin_sameTerm",
        "ConditionalAndExpression",
        "ConditionalOrExpression",
        "ConstructQuery",
        "DescribeQuery",
        "DistinctPath",
        "FakeGroupGraphPatten",
        "Filter",
        "Function",
        "GraphGraphPattern",
        "GroupAs",
        "GroupClause",
        "GroupGraphPatternSub",
        "GroupOrUnionGraphPattern",
        "HavingClause",
        "InlineData",
        "InversePath",
        "LimitOffsetClauses",
        "MinusGraphPattern",
        "MultiplicativeExpression",
        "OptionalGraphPattern",
        "OrderClause",
        "OrderCondition",
        "PathAlternative",
        "PathElt",
        "PathEltOrInverse",
        "PathNegatedPropertySet",
        "PathSequence",
        "PrefixDecl",
        "RelationalExpression",
        "SelectQuery",
        "SubSelect",
        "TriplesBlock",
        "UnaryMinus",
        "UnaryNot",
        "UnaryPlus",
        "ValuesClause",
        "literal",
        "pname",
        "vars",
    ]
)
#: Reach beyond the loaded graph: allowed only when the caller asks for it.
REMOTE_NODES = frozenset({"ServiceGraphPattern", "DatasetClause"})
_FORMS: dict[str, Form] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class QueryRefused(UsageError):
    """The boundary refuses the query: ``reason`` says why (``update``, ``remote``: SERVICE,
    FROM or FROM NAMED, ``unknown``: a construct it does not let through). Front ends map it
    (the endpoint to 403, the command line to exit 2)."""

    def __init__(self, message: str, reason: Reason, found: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.found = found

    def __reduce__(self) -> Any:  # kept whole across a worker process's pipe
        return (type(self), (str(self), self.reason, self.found))


class MalformedQuery(UsageError):
    """The text is not a SPARQL 1.1 query the boundary's parser can read (400, exit 2)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        where = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"malformed query{where}: {message}")
        self.detail = message
        self.line = line
        self.column = column

    def __reduce__(self) -> Any:
        return (type(self), (self.detail, self.line, self.column))


class ParsersDisagree(QueryRefused):
    """The boundary's parser and the evaluator's read the text as different queries."""

    def __init__(self, message: str, reason: Reason = "unknown", found: tuple[str, ...] = ()):
        super().__init__(message, reason, found)


@dataclass(frozen=True)
class CheckedQuery:
    """A query text that passed the boundary, with what the boundary's parser found in it: the
    form, the projected variables (None for ``SELECT *`` and the other forms) and, when remote
    access was allowed, what reaches beyond the graph."""

    text: str
    form: Form | None  # None: the package's own text, not read by the boundary
    variables: tuple[str, ...] | None
    reaches: tuple[str, ...] = ()

    @property
    def remote(self) -> bool:
        return bool(self.reaches)

    def agrees_with(self, form: Form, variables: list[str] | None) -> None:
        """Raise :class:`ParsersDisagree` unless the evaluator's parser found the same form and
        (for a SELECT with a projection) the same variables in the same order."""
        if self.form is None:
            return
        if form != self.form or (
            self.variables is not None
            and variables is not None
            and variables != list(self.variables)
        ):
            raise ParsersDisagree(
                "refused: the boundary's SPARQL parser and the evaluator read this query "
                f"differently ({self.form} {list(self.variables or [])} against {form} "
                f"{variables or []}); rewrite it without unusual escapes"
            )


def check_query(text: str, *, allow_remote: bool = False) -> CheckedQuery:
    """The verdict on one query text: a :class:`CheckedQuery`, or :class:`QueryRefused` (an
    update, remote access, an unknown construct) or :class:`MalformedQuery`."""
    parsed = _parse(text)
    unknown = sorted(
        {n for n in parsed.node_names if n not in ALLOWED_NODES and n not in REMOTE_NODES}
    )
    if unknown:
        raise QueryRefused(
            f"refused: the query holds {', '.join(unknown)}, which this read-only boundary does "
            "not let through",
            "unknown",
            tuple(unknown),
        )
    form = _FORMS.get(parsed.query_name)
    if form is None:
        raise QueryRefused("refused: not a SELECT, ASK, CONSTRUCT or DESCRIBE query", "unknown")
    reaches = parsed.reaches
    if reaches and not allow_remote:
        raise QueryRefused(
            f"refused: the query would reach beyond the local graph ({'; '.join(reaches)}); "
            "queries answer from the loaded graph only (no SERVICE, FROM or FROM NAMED)",
            "remote",
            reaches,
        )
    return CheckedQuery(text, form, parsed.projection if form == "SELECT" else None, reaches)


def with_known_prefixes(text: str) -> tuple[str, tuple[str, ...]]:
    """A user's query with the project's prefixes (:data:`ppo_graph.namespaces.PREFIXES`:
    ``ppo:``, ``ppod:``, ``skos:``, ``rdfs:``, ``org:`` ...) that it uses without declaring them
    declared, and which were added. Decided from the grammar's parse (the prefixed names in the
    tree, the PREFIX declarations), never from the text: a prefix the query declares keeps its
    own IRI, one that is not the project's stays undeclared (the parser then says so). The
    declarations go on the first line, before the query's own text, so every line keeps its
    number in an error message. A text that does not parse is returned as it is (its error is
    then the user's own, at the user's line)."""
    from ppo_graph.backends import reference_backend
    from ppo_graph.namespaces import PREFIXES

    if "\x00" in text:
        return text, ()
    parsed = reference_backend().parse_query(text)
    if parsed.problem is not None:
        return text, ()
    missing = tuple(
        p for p in parsed.prefixes_used if p in PREFIXES and p not in parsed.prefixes_declared
    )
    if not missing:
        return text, ()
    declarations = " ".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in missing)
    return f"{declarations} {text}", missing


def trusted(text: str) -> CheckedQuery:
    """A query the package itself wrote (a catalogue file, whose every file the tests pass
    through :func:`check_query`; parameters enter as terms in a VALUES block, never as text)."""
    return CheckedQuery(text, None, None)


# ---------------------------------------------------------------------------------------------


def _parse(text: str) -> ParsedQuery:
    """The text read by the reference backend's SPARQL grammar (rdflib's), or the refusal of
    what it cannot read as a query."""
    from ppo_graph.backends import reference_backend

    if "\x00" in text:
        raise MalformedQuery("the text holds a NUL character")
    parsed = reference_backend().parse_query(text)
    if parsed.problem == "unreadable":
        raise MalformedQuery(parsed.detail, parsed.line, parsed.column)
    if parsed.problem == "update":
        raise QueryRefused(
            "SPARQL updates are refused: the graph is read-only (INSERT, DELETE, LOAD, CLEAR, "
            "DROP, CREATE, ADD, MOVE, COPY)",
            "update",
        )
    if parsed.problem == "unknown value":
        raise QueryRefused(
            f"refused: the parse tree holds a {parsed.detail}, which this boundary does not know",
            "unknown",
        )
    return parsed
