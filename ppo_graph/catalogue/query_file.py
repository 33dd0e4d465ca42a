"""One ``.rq`` file: its comment header parsed strictly and its query parsed up front (by
pyoxigraph, on an empty store), with no RDF library imported.

Every ``.rq`` file opens with a comment header::

    # title: Duties of a role, own and inherited
    # question: Which duties does a role carry, listed for it or inherited?
    # param: role = ppod:CapacityManagementProcessManager (IRI of a ppo:Role)
    #   The role whose duties are listed (indented lines continue the previous field).
    # columns: duty, how, listedFor, text

A catalogue file must have a full header; a user's own file (:func:`load_user_query`) may have
none, and SERVICE or FROM in it needs ``allow_remote``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as Lit

from ppo_graph.catalogue.sparql_text import tokens, variables
from ppo_graph.errors import InputError, UsageError
from ppo_graph.namespaces import compact, expand_curie

Kind = Lit["question", "check", "report"]
#: Columns every check must return, so a failing check names the node, property and value.
CHECK_COLUMNS = ("focus", "property", "value", "message")

_HEADER_KEYS = ("title", "question", "param", "columns", "method", "portability", "deviates")
#: Fields a header may give more than once.
_REPEATED_KEYS = ("param", "deviates")
_REQUIRED_KEYS = ("title", "question", "columns")
_PARAM_RE = re.compile(
    r"""^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*
        (?P<default>"[^"]*"|\S+)\s*
        \((?P<type>[^)]*)\)\s*(?P<desc>.*)$""",
    re.VERBOSE,
)
_TYPE_IRI_RE = re.compile(r"^IRI of an? (?P<cls>\S+)$")
_TYPE_LITERAL_RE = re.compile(
    r"^literal(?: (?P<dt>[^\s,]+))?(?:, at most (?P<words>[1-9][0-9]*) words)?$"
)
_FIELD_RE = re.compile(r"^#\s?(?P<key>[a-z]+):\s*(?P<value>.*)$")
_CONTINUATION_RE = re.compile(r"^#\s{2,}(?P<value>\S.*)$")


@dataclass(frozen=True)
class Param:
    """A query parameter: the variable it binds, its default and what a value must be."""

    name: str
    default: str
    kind: Lit["iri", "literal"]
    cls: str | None = None  # IRI of the class an IRI value must be an instance of
    datatype: str | None = None  # IRI of a literal value's datatype
    description: str = ""
    #: A literal made of words (runs of letters and digits): at most this many ("literal, at
    #: most 8 words"); a value with more is refused rather than answered with nothing.
    max_words: int | None = None

    @property
    def type_text(self) -> str:
        if self.kind == "iri":
            return f"IRI of a {compact(self.cls or '')}"
        text = f"literal {compact(self.datatype)}" if self.datatype else "literal"
        return f"{text}, at most {self.max_words} words" if self.max_words else text


@dataclass(frozen=True)
class QuerySpec:
    """A parsed query file: its header metadata and its text."""

    name: str
    path: Path
    kind: Kind | Lit["user"]
    title: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    method: str
    text: str
    remote: bool = False  # a user's query allowed to use SERVICE or FROM (--allow-remote)
    #: Where the query avoids a construct some SPARQL store gets wrong, and why (``# portability:``)
    portability: str = ""
    #: Stores known to answer it otherwise all the same (``# deviates: STORE: what``): (the
    #: product name its HTTP ``Server`` header starts with, what differs)
    deviates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Header:
    fields: dict[str, list[tuple[int, str]]]
    end_line: int


def _parse_header(text: str, path: Path, strict: bool = True) -> _Header:
    """The ``# key: value`` lines before the first line of SPARQL.

    Strict (the catalogue): every comment line of the header must be a known field. Not strict
    (a user's file): other comment lines are ignored.
    """
    fields: dict[str, list[tuple[int, str]]] = {}
    last: tuple[str, int] | None = None
    end_line = 1
    for number, raw in enumerate(text.splitlines(), start=1):
        end_line = number
        line = raw.rstrip()
        if not line.strip():
            last = None
            continue
        if not line.startswith("#"):
            break
        if line.strip() == "#":
            continue
        continued = _CONTINUATION_RE.match(line)
        if continued and last is not None:
            key, index = last
            line_no, value = fields[key][index]
            fields[key][index] = (line_no, f"{value} {continued.group('value').strip()}")
            continue
        match = _FIELD_RE.match(line)
        if not strict and (not match or match.group("key") not in _HEADER_KEYS):
            last = None
            continue
        if not match:
            raise InputError(path, f"header line is not '# key: value': {line!r}", number)
        key = match.group("key")
        if key not in _HEADER_KEYS:
            raise InputError(
                path, f"unknown header field {key!r} (known: {', '.join(_HEADER_KEYS)})", number
            )
        if key not in _REPEATED_KEYS and key in fields:
            raise InputError(path, f"header field {key!r} given twice", number)
        fields.setdefault(key, []).append((number, match.group("value").strip()))
        last = (key, len(fields[key]) - 1)
    return _Header(fields, end_line)


def _parse_param(path: Path, line: int, value: str) -> Param:
    match = _PARAM_RE.match(value)
    if not match:
        raise InputError(
            path,
            "param must read 'NAME = DEFAULT (IRI of a CLASS)' or 'NAME = \"DEFAULT\" (literal)'",
            line,
        )
    type_text = match.group("type").strip()
    default = match.group("default")
    if default.startswith('"'):
        default = default[1:-1]
    iri_type = _TYPE_IRI_RE.match(type_text)
    if iri_type:
        cls = expand_curie(iri_type.group("cls"))
        if cls is None:
            raise InputError(path, f"unknown class {iri_type.group('cls')!r} in param", line)
        return Param(match.group("name"), default, "iri", cls=cls, description=match["desc"])
    literal_type = _TYPE_LITERAL_RE.match(type_text)
    if literal_type:
        datatype = expand_curie(literal_type.group("dt")) if literal_type.group("dt") else None
        if literal_type.group("dt") and datatype is None:
            raise InputError(path, f"unknown datatype {literal_type.group('dt')!r}", line)
        words = literal_type.group("words")
        return Param(
            match.group("name"),
            default,
            "literal",
            datatype=datatype,
            description=match["desc"],
            max_words=int(words) if words else None,
        )
    raise InputError(
        path,
        f"param type must be 'IRI of a CLASS' or 'literal [DATATYPE][, at most N words]', not "
        f"{type_text!r}",
        line,
    )


def _check(
    text: str, path: Path, user: bool, allow_remote: bool, shift: int = 0
) -> tuple[list[str], bool]:
    """A user's query through the boundary (:func:`~ppo_graph.engine.boundary.check_query`:
    updates refused, SERVICE and FROM refused unless allowed; a catalogue file is the package's
    own, and the tests pass each through the boundary), then parsed by pyoxigraph (on an empty
    store); its result columns and whether it reaches beyond the graph. Errors name the file and
    line."""
    from ppo_graph.catalogue.sparql_text import check_syntax
    from ppo_graph.engine.boundary import MalformedQuery, QueryRefused, check_query, trusted

    if not any(True for _ in tokens(text)):
        raise InputError(
            path, "the file is empty: it holds no SPARQL query (only comments or blanks)"
        )
    try:
        checked = check_query(text, allow_remote=allow_remote) if user else trusted(text)
    except QueryRefused as exc:
        if exc.reason == "update":
            raise InputError(
                path,
                "this is a SPARQL update (INSERT/DELETE/LOAD/DROP/CLEAR...); ppo query runs "
                "read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) only",
            ) from None
        if exc.reason == "remote":
            raise UsageError(f"{path}: {exc}; pass --allow-remote if that is intended") from None
        raise UsageError(f"{path}: {exc}") from None
    except MalformedQuery as exc:
        raise InputError(path, f"SPARQL syntax error: {exc.detail}", exc.line) from None
    if checked.remote:  # not tried on the empty store: that would connect
        return [], True
    try:
        return check_syntax(checked), False
    except SyntaxError as exc:
        raise _syntax_error(text, path, exc, shift) from exc


def _syntax_error(text: str, path: Path, exc: SyntaxError, shift: int = 0) -> InputError:
    """The error for a query that does not parse. pyoxigraph's messages list every expected
    character class, so on this (rare, slow-is-fine) path the reference backend's parser
    (rdflib's) is asked for its shorter message and line; pyoxigraph's line when rdflib's
    message has none (an unknown prefix), its message when rdflib reads the text. ``shift``:
    the characters put before the user's first line (the prefixes declared for them), taken off
    a column on line 1."""
    from ppo_graph.backends import reference_backend
    from ppo_graph.catalogue.sparql_text import syntax_error

    ox_message, ox_line, ox_column = syntax_error(exc)
    found = reference_backend().syntax_error(text)
    if found is not None:
        message, line, column = found
        if line is None:
            line, column = ox_line, ox_column
    else:
        message, line, column = ox_message[:300], ox_line, ox_column
    if line == 1 and column is not None:
        column = max(column - shift, 1)
    where = f" (column {column})" if column is not None else ""
    return InputError(path, f"SPARQL syntax error: {message}{where}", line)


def parse_query_file(
    path: Path,
    kind: Kind | Lit["user"],
    name: str | None = None,
    *,
    strict: bool = True,
    allow_remote: bool = False,
    text: str | None = None,
) -> QuerySpec:
    """Read and parse one ``.rq`` file (or ``text``, read elsewhere, under the name ``path``); a
    catalogue file (``strict``) must have a full header. A user's query gets the project's
    prefixes it uses and does not declare (:func:`~ppo_graph.engine.boundary.with_known_prefixes`).
    """
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise InputError(path, "no such file") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(path, f"cannot read: {exc}") from exc
    header = _parse_header(text, path, strict)  # the comments as written
    shift = 0
    if kind == "user":
        from ppo_graph.engine.boundary import with_known_prefixes

        given = text
        text, _ = with_known_prefixes(text)
        shift = len(text) - len(given)
    if strict:
        for key in _REQUIRED_KEYS:
            if key not in header.fields:
                raise InputError(path, f"header has no '# {key}:' line", header.end_line)
    found, remote = _check(text, path, kind == "user", allow_remote, shift)
    actual = tuple(found)

    def one(key: str, fallback: str) -> str:
        values = header.fields.get(key)
        return values[0][1] if values else fallback

    params = tuple(
        _parse_param(path, line, value) for line, value in header.fields.get("param", [])
    )
    query_variables = variables(text)
    seen: set[str] = set()
    for (line, _), param in zip(header.fields.get("param", []), params, strict=True):
        if param.name in seen:
            raise InputError(path, f"param {param.name!r} declared twice", line)
        seen.add(param.name)
        if param.name not in query_variables:
            raise InputError(path, f"param {param.name!r} is not a variable of the query", line)
    columns_line, columns_text = header.fields.get("columns", [(header.end_line, "")])[0]
    columns = tuple(c.strip() for c in columns_text.split(",") if c.strip())
    if strict and actual and columns != actual:
        raise InputError(
            path,
            f"'# columns:' lists {', '.join(columns)} but the query selects {', '.join(actual)}",
            columns_line,
        )
    if kind == "check":
        missing = [c for c in CHECK_COLUMNS if c not in actual]
        if missing:
            raise InputError(path, f"a check must select ?{', ?'.join(missing)}", columns_line)
    if not columns:
        columns = actual
    deviates = tuple(
        _parse_deviation(path, line, value) for line, value in header.fields.get("deviates", [])
    )
    return QuerySpec(
        name=name or path.stem,
        path=path,
        kind=kind,
        title=one("title", path.name),
        question=one("question", ""),
        params=params,
        columns=columns,
        method=one("method", ""),
        text=text,
        remote=remote,
        portability=one("portability", ""),
        deviates=deviates,
    )


def _parse_deviation(path: Path, line: int, value: str) -> tuple[str, str]:
    """``STORE: what differs`` -> (STORE, what differs)."""
    store, colon, what = value.partition(":")
    if not colon or not store.strip() or " " in store.strip() or not what.strip():
        raise InputError(
            path, f"'# deviates:' is 'STORE: what differs' (STORE one word), not {value!r}", line
        )
    return store.strip(), what.strip()


def load_user_query(
    path: Path | str, *, allow_remote: bool = False, text: str | None = None
) -> QuerySpec:
    """A user's own query file (or ``text`` under the name ``path``, such as a query read from
    standard input): the header is optional, SERVICE and FROM need ``allow_remote``, the
    project's prefixes are known without declarations."""
    return parse_query_file(Path(path), "user", strict=False, allow_remote=allow_remote, text=text)
