"""Step 4: canned SPARQL. The catalogue in ``queries/``, safe parameter binding, and formatting.

Every ``.rq`` file opens with a comment header that this module parses strictly::

    # title: Duties of a role, own and inherited
    # question: Which duties does a role carry, listed for it or inherited?
    # param: role = ppod:CapacityManagementProcessManager (IRI of a ppo:Role)
    #   The role whose duties are listed (indented lines continue the previous field).
    # columns: duty, how, listedFor, text

``questions/`` holds queries for people; ``checks/NAME-violation.rq`` must return no rows on the
shipped graph. Each file is parsed once (``prepareQuery``); parameters are bound only through
``initBindings``, never spliced into the query text, so a value cannot change the query.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any
from typing import Literal as Lit

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node, Variable

from .errors import InputError, UsageError
from .formats import Format
from .namespaces import PPO, PREFIXES
from .paths import queries_dir

Kind = Lit["question", "check"]
#: One result row: column name -> RDF term (None when the variable is unbound).
Row = dict[str, Node | None]

#: Folder of the catalogue -> kind of query it holds.
FOLDERS: dict[str, Kind] = {"questions": "question", "checks": "check"}
CHECK_SUFFIX = "-violation"
#: Columns every check must return, so a failing check names the node, property and value.
CHECK_COLUMNS = ("focus", "property", "value", "message")

_HEADER_KEYS = ("title", "question", "param", "columns", "method")
_REQUIRED_KEYS = ("title", "question", "columns")
_PARAM_RE = re.compile(
    r"""^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*
        (?P<default>"[^"]*"|\S+)\s*
        \((?P<type>[^)]*)\)\s*(?P<desc>.*)$""",
    re.VERBOSE,
)
_TYPE_IRI_RE = re.compile(r"^IRI of an? (?P<cls>\S+)$")
_TYPE_LITERAL_RE = re.compile(r"^literal(?: (?P<dt>\S+))?$")
_FIELD_RE = re.compile(r"^#\s?(?P<key>[a-z]+):\s*(?P<value>.*)$")
_CONTINUATION_RE = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel, PPO.abbreviation)


# ---------------------------------------------------------------------------------------------
# Terms <-> text
# ---------------------------------------------------------------------------------------------


def expand_curie(text: str) -> URIRef | None:
    """``ppod:X`` -> full IRI, ``<iri>`` or ``https://...`` -> IRI; None if it is neither."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        return URIRef(text[1:-1])
    if re.match(r"^(https?|urn|file):", text):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return None


@cache
def _namespaces_longest_first() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(PREFIXES.items(), key=lambda item: -len(item[1])))


def compact(iri: str) -> str:
    """A full IRI as a CURIE when one of the project prefixes covers it."""
    for prefix, namespace in _namespaces_longest_first():
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and re.fullmatch(r"[A-Za-z0-9_.\-]+", local):
            return f"{prefix}:{local}"
    return iri


def display(term: Node | None) -> str:
    """How a term is shown to people: CURIEs for IRIs, the lexical form for literals."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(str(term))
    return str(term)


def simplify(term: Node | None) -> Any:
    """A plain Python value for a term: CURIE string, int, bool, float or str (None if unbound)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float | str):
            return value
        return str(term)
    return display(term)


def simplify_rows(rows: Iterable[Row]) -> list[dict[str, Any]]:
    return [{key: simplify(value) for key, value in row.items()} for row in rows]


# ---------------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """A query parameter: the variable it binds, its default and what a value must be."""

    name: str
    default: str
    kind: Lit["iri", "literal"]
    cls: URIRef | None = None
    datatype: URIRef | None = None
    description: str = ""

    @property
    def type_text(self) -> str:
        if self.kind == "iri":
            return f"IRI of a {display(self.cls)}"
        return f"literal {display(self.datatype)}" if self.datatype else "literal"


@dataclass(frozen=True)
class QuerySpec:
    """A parsed query file: its header metadata and the prepared query."""

    name: str
    path: Path
    kind: Kind | Lit["user"]
    title: str
    question: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    method: str
    text: str
    prepared: Query = field(repr=False, compare=False)


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
        if key != "param" and key in fields:
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
        return Param(
            match.group("name"), default, "literal", datatype=datatype, description=match["desc"]
        )
    raise InputError(
        path,
        f"param type must be 'IRI of a CLASS' or 'literal [DATATYPE]', not {type_text!r}",
        line,
    )


def _syntax_error(path: Path, exc: Exception) -> InputError:
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "col", None)
    message = getattr(exc, "msg", None) or str(exc).strip().splitlines()[0]
    if isinstance(line, int):
        where = f" (column {col})" if isinstance(col, int) else ""
        return InputError(path, f"SPARQL syntax error: {message}{where}", line)
    return InputError(path, f"SPARQL syntax error: {message}")


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # not an update either: the caller reports the query syntax error
        return False
    return True


def prepare(text: str, path: Path) -> Query:
    """``prepareQuery`` with errors that name the file and line; updates are refused."""
    try:
        return prepareQuery(text)
    except Exception as exc:  # pyparsing and rdflib raise several types; all mean "bad query"
        if _is_update(text):
            raise InputError(
                path,
                "this is a SPARQL update (INSERT/DELETE/LOAD/DROP/CLEAR...); ppo query runs "
                "read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE) only",
            ) from exc
        raise _syntax_error(path, exc) from exc


def projected(prepared: Query) -> tuple[str, ...]:
    """The names of a SELECT query's result columns ((), for other query forms)."""
    if prepared.algebra.name != "SelectQuery":
        return ()
    return tuple(str(v) for v in prepared.algebra.PV)


def _query_variables(prepared: Query) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, Variable):
            found.add(str(node))
        elif isinstance(node, CompValue | Mapping):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple | set | frozenset):
            for value in node:
                walk(value)

    walk(prepared.algebra)
    return found


def remote_access(prepared: Query) -> list[str]:
    """What in the parsed algebra would reach beyond the local graph (SERVICE, FROM)."""
    reasons: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                reasons.append(f"SERVICE {node['term'].n3()}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(prepared.algebra)
    for clause in getattr(prepared.algebra, "datasetClause", None) or []:
        named = "named" in clause
        reasons.append(
            f"FROM {'NAMED ' if named else ''}<{clause['named' if named else 'default']}>"
        )
    return reasons


def parse_query_file(
    path: Path, kind: Kind | Lit["user"], name: str | None = None, *, strict: bool = True
) -> QuerySpec:
    """Read and parse one ``.rq`` file; a catalogue file (``strict``) must have a full header."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(path, "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read: {exc}") from exc
    header = _parse_header(text, path, strict)
    if strict:
        for key in _REQUIRED_KEYS:
            if key not in header.fields:
                raise InputError(path, f"header has no '# {key}:' line", header.end_line)
    prepared = prepare(text, path)

    def one(key: str, fallback: str) -> str:
        values = header.fields.get(key)
        return values[0][1] if values else fallback

    params = tuple(
        _parse_param(path, line, value) for line, value in header.fields.get("param", [])
    )
    variables = _query_variables(prepared)
    seen: set[str] = set()
    for (line, _), param in zip(header.fields.get("param", []), params, strict=True):
        if param.name in seen:
            raise InputError(path, f"param {param.name!r} declared twice", line)
        seen.add(param.name)
        if param.name not in variables:
            raise InputError(path, f"param {param.name!r} is not a variable of the query", line)
    columns_line, columns_text = header.fields.get("columns", [(header.end_line, "")])[0]
    columns = tuple(c.strip() for c in columns_text.split(",") if c.strip())
    actual = projected(prepared)
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
        prepared=prepared,
    )


class Catalogue:
    """Every canned query, parsed once. Iterates in (kind, name) order."""

    def __init__(self, specs: Iterable[QuerySpec]) -> None:
        self._specs: dict[str, QuerySpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise InputError(spec.path, f"query name {spec.name!r} also used by another file")
            self._specs[spec.name] = spec

    @classmethod
    def load(cls, folder: Path | None = None) -> Catalogue:
        root = Path(folder) if folder is not None else queries_dir()
        specs: list[QuerySpec] = []
        for sub, kind in FOLDERS.items():
            for path in sorted((root / sub).glob("*.rq")):
                if not _NAME_RE.match(path.stem):
                    raise InputError(path, "query file names are lower-case words joined by '-'")
                if (kind == "check") != path.stem.endswith(CHECK_SUFFIX):
                    raise InputError(
                        path, f"checks, and only checks, are named NAME{CHECK_SUFFIX}.rq"
                    )
                specs.append(parse_query_file(path, kind))
        return cls(specs)

    def __iter__(self) -> Iterator[QuerySpec]:
        order: dict[str, int] = {kind: i for i, kind in enumerate(FOLDERS.values())}
        return iter(sorted(self._specs.values(), key=lambda s: (order.get(s.kind, 9), s.name)))

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def names(self, kind: Kind | None = None) -> list[str]:
        return [s.name for s in self if kind is None or s.kind == kind]

    def get(self, name: str) -> QuerySpec:
        try:
            return self._specs[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._specs, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(
                f"unknown query {name!r}{hint} (`ppo queries` lists all {len(self)})"
            ) from None


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, parsed once per process."""
    return Catalogue.load()


def load_user_query(path: Path | str, *, allow_remote: bool = False) -> QuerySpec:
    """A user's own query file: the header is optional, SERVICE and FROM need ``allow_remote``."""
    spec = parse_query_file(Path(path), "user", strict=False)
    remote = remote_access(spec.prepared)
    if remote and not allow_remote:
        raise UsageError(
            f"{path}: the query would reach beyond the local graph ({'; '.join(remote)}); "
            "pass --allow-remote if that is intended"
        )
    return spec


# ---------------------------------------------------------------------------------------------
# Binding parameters
# ---------------------------------------------------------------------------------------------


def _instances(graph: Graph, cls: URIRef) -> set[URIRef]:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    classes.add(cls)
    return {s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def resolve_param(graph: Graph, param: Param, raw: str) -> Identifier:
    """The RDF term for a parameter value given as text.

    An IRI parameter accepts a CURIE (``ppod:X``), a full IRI, or a label, abbreviation or local
    name (case, spaces and punctuation ignored); it must name an instance of the parameter's
    class, or a UsageError lists the instances that exist.
    """
    if param.kind == "literal":
        if param.datatype == XSD.integer and not re.fullmatch(r"[+-]?[0-9]+", raw.strip()):
            raise UsageError(f"parameter {param.name}: {raw!r} is not an integer")
        if param.datatype is not None:
            return Literal(raw.strip(), datatype=param.datatype)
        return Literal(raw)
    assert param.cls is not None
    candidates = _instances(graph, param.cls)
    iri = expand_curie(raw)
    if iri is not None and iri in candidates:
        return iri
    wanted = _normal(raw)

    def names_of(candidate: URIRef) -> Iterator[str]:
        yield _local_name(str(candidate))
        for prop in LABEL_PROPERTIES:
            yield from (str(v) for v in graph.objects(candidate, prop))

    matches = sorted(
        c for c in candidates if wanted and any(_normal(n) == wanted for n in names_of(c))
    )
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(display(m) for m in matches)
        raise UsageError(f"parameter {param.name}: {raw!r} is ambiguous; it could be {names}")
    valid = ", ".join(sorted(display(c) for c in candidates)) or "(none in this graph)"
    raise UsageError(
        f"parameter {param.name}: {raw!r} is not a {display(param.cls)}; valid values: {valid}"
    )


def check_param_names(spec: QuerySpec, params: Mapping[str, str]) -> None:
    """A UsageError naming the first parameter the query does not declare (or use)."""
    declared = [p.name for p in spec.params]
    for name in params:
        if name in declared:
            continue
        if spec.kind == "user" and name in _query_variables(spec.prepared):
            continue  # a user's query without a header: any of its variables can be bound
        known = ", ".join(declared) or "none"
        raise UsageError(f"query {spec.name!r} has no parameter {name!r} (parameters: {known})")


def bind_params(graph: Graph, spec: QuerySpec, params: Mapping[str, str]) -> dict[str, Identifier]:
    """``initBindings`` for the query: declared defaults overridden by ``params``.

    A user's query may bind any of its variables; a value that looks like a CURIE or an IRI
    becomes an IRI, anything else a plain literal.
    """
    check_param_names(spec, params)
    declared = {p.name: p for p in spec.params}
    bindings: dict[str, Identifier] = {}
    for name, raw in params.items():
        param = declared.get(name)
        if param is None:
            iri = expand_curie(raw)
            bindings[name] = iri if iri is not None else Literal(raw)
        else:
            bindings[name] = resolve_param(graph, param, raw)
    for param in spec.params:
        if param.name not in bindings:
            bindings[param.name] = resolve_param(graph, param, param.default)
    return bindings


def run_query(
    graph: Graph,
    name_or_spec: str | QuerySpec,
    params: Mapping[str, str] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> list[Row]:
    """Run a canned query (by name) or a parsed one; one dict per row, keyed by column."""
    spec = (
        (catalogue or default_catalogue()).get(name_or_spec)
        if isinstance(name_or_spec, str)
        else name_or_spec
    )
    bindings = bind_params(graph, spec, params or {})
    result = graph.query(spec.prepared, initBindings=bindings)
    if result.type == "ASK":
        return [{"ask": Literal(bool(result.askAnswer))}]
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        assert result.graph is not None
        return [{"subject": s, "predicate": p, "object": o} for s, p, o in sorted(result.graph)]
    names = [str(v) for v in result.vars or []]
    return [
        {name: row[i] for i, name in enumerate(names)}  # type: ignore[index]
        for row in result
    ]


def run_checks(graph: Graph, catalogue: Catalogue | None = None) -> dict[str, list[Row]]:
    """Every check query's rows (empty lists when the graph passes)."""
    cat = catalogue or default_catalogue()
    return {spec.name: run_query(graph, spec) for spec in cat if spec.kind == "check"}


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def _columns_of(rows: Sequence[Row], columns: Sequence[str] | None) -> list[str]:
    if columns:
        return list(columns)
    return list(rows[0]) if rows else []


def _is_int(term: Node | None) -> bool:
    return isinstance(term, Literal) and isinstance(term.toPython(), int)


def _fit_widths(natural: list[int], floors: list[int], budget: int) -> list[int]:
    """Shrink the widest columns first, down to their floor, then below it if still too wide."""
    widths = list(natural)
    for limit in (floors, [min(6, w) for w in natural]):
        while sum(widths) > budget:
            shrinkable = [i for i, w in enumerate(widths) if w > limit[i]]
            if not shrinkable:
                break
            widest = max(shrinkable, key=lambda i: widths[i] - limit[i])
            widths[widest] -= 1
    return widths


def format_table(rows: Sequence[Row], columns: Sequence[str] | None = None, width: int = 80) -> str:
    """A plain-text table that fits ``width`` columns, long cells wrapped on word boundaries."""
    cols = _columns_of(rows, columns)
    if not cols:
        return "(no rows)\n"
    gap = "  "
    cells = [[display(row.get(c)) for c in cols] for row in rows]
    numeric = [all(_is_int(row.get(c)) for row in rows if row.get(c) is not None) for c in cols]
    natural = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(cols)]
    longest_word = [
        max([0, *(len(w) for r in cells for w in r[i].split())]) for i in range(len(cols))
    ]
    floors = [min(natural[i], max(len(c), min(longest_word[i], 24), 8)) for i, c in enumerate(cols)]
    widths = _fit_widths(natural, floors, width - len(gap) * (len(cols) - 1))

    def wrap(text: str, w: int) -> list[str]:
        return textwrap.wrap(text, w, break_on_hyphens=False) or [""]

    def render(values: list[str], align: bool) -> list[str]:
        wrapped = [wrap(v, widths[i]) for i, v in enumerate(values)]
        height = max(len(w) for w in wrapped)
        lines = []
        for k in range(height):
            parts = []
            for i, w in enumerate(wrapped):
                piece = w[k] if k < len(w) else ""
                right = align and numeric[i]
                parts.append(piece.rjust(widths[i]) if right else piece.ljust(widths[i]))
            lines.append(gap.join(parts).rstrip())
        return lines

    out = [*render(cols, False), gap.join("-" * w for w in widths)]
    blocks = [render(r, True) for r in cells]
    spaced = any(len(b) > 1 for b in blocks)
    for i, block in enumerate(blocks):
        if spaced and i:
            out.append("")
        out.extend(block)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_csv(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    cols = _columns_of(rows, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([display(row.get(c)) for c in cols])
    return buffer.getvalue()


def format_json(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    cols = _columns_of(rows, columns)
    data = [{c: simplify(row.get(c)) for c in cols} for row in rows]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def format_md(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    cols = _columns_of(rows, columns)
    if not cols:
        return "(no rows)\n"

    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    out += ["| " + " | ".join(cell(display(row.get(c))) for c in cols) + " |" for row in rows]
    return "\n".join(out) + "\n"


def format_rows(
    rows: Sequence[Row],
    columns: Sequence[str] | None = None,
    fmt: Format | str = Format.TABLE,
    width: int = 80,
) -> str:
    fmt = Format(fmt)
    if fmt is Format.TABLE:
        return format_table(rows, columns, width)
    if fmt is Format.CSV:
        return format_csv(rows, columns)
    if fmt is Format.JSON:
        return format_json(rows, columns)
    return format_md(rows, columns)


def answer_all(
    graph: Graph,
    stream: IO[str],
    *,
    limit: int = 5,
    width: int = 80,
    catalogue: Catalogue | None = None,
) -> None:
    """Print every question query's answer (defaults for parameters), ``limit`` rows each."""
    cat = catalogue or default_catalogue()
    for spec in cat:
        if spec.kind != "question":
            continue
        rows = run_query(graph, spec)
        args = "".join(f" {p.name}={p.default}" for p in spec.params)
        heading = f"== {spec.title} ({spec.name}{args})"
        stream.write("\n".join(textwrap.wrap(heading, width, subsequent_indent="   ")) + "\n")
        table = format_table(rows[:limit], spec.columns, width)
        if len(rows) > limit:  # replace the "(N rows)" footer
            table = table.rstrip("\n").rsplit("\n", 1)[0]
            table += f"\n(first {limit} of {len(rows)} rows; all of them: ppo query {spec.name})\n"
        stream.write(table + "\n")


# ---------------------------------------------------------------------------------------------
# Notebook API
# ---------------------------------------------------------------------------------------------


def open_graph(extra: Iterable[Path | str] = ()) -> Graph:
    """The shipped graph (plus ``extra`` files), reasoned: asserted and inferred triples."""
    from .load import load_graph
    from .reason import reason

    return reason(load_graph(extra)).union()


def _require_pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # optional dependency
        raise UsageError(
            "to_dataframe needs pandas, which is optional: pip install pandas "
            "(ask() returns the same rows as a list of dicts without it)"
        ) from exc
    return pandas


class Session:
    """Load and reason the graph once, then ask any number of queries::

    from ppo_graph.query import Session
    s = Session()
    s.ask("role-duties", role="ppod:CapacityManagementProcessOwner")
    """

    def __init__(self, extra: Iterable[Path | str] = (), *, graph: Graph | None = None) -> None:
        self.graph = graph if graph is not None else open_graph(extra)
        self.catalogue = default_catalogue()

    def queries(self) -> list[str]:
        return self.catalogue.names()

    def rows(self, name: str, **params: str) -> list[Row]:
        """The rows as RDF terms."""
        return run_query(self.graph, name, params, catalogue=self.catalogue)

    def ask(self, name: str, **params: str) -> list[dict[str, Any]]:
        """The rows as plain Python values (CURIE strings, ints, str)."""
        return simplify_rows(self.rows(name, **params))

    def to_dataframe(self, name: str, **params: str) -> Any:
        pandas = _require_pandas()
        spec = self.catalogue.get(name)
        return pandas.DataFrame(self.ask(name, **params), columns=list(spec.columns))


@cache
def _default_session() -> Session:
    return Session()


def ask(name: str, **params: str) -> list[dict[str, Any]]:
    """Run a canned query on the shipped graph (loaded and reasoned on first use)."""
    return _default_session().ask(name, **params)


def to_dataframe(name: str, **params: str) -> Any:
    """A canned query's rows as a pandas DataFrame (pandas must be installed)."""
    _require_pandas()  # fail before loading the graph
    return _default_session().to_dataframe(name, **params)
