"""The crosswalk: the PPO duties, roles and processes mapped to ITIL 4, ISO/IEC 20000-1:2018 and
COBIT 2019, kept as SSSOM tables (``data/crosswalk/*.sssom.tsv``) and read into the graph as RDF.

:func:`read` is a plain reader of an SSSOM TSV file: its metadata block (the ``#`` lines at the
top, a small subset of YAML: ``key: value``, a nested mapping such as ``curie_map``, a list) and
its rows (tab-separated, quoted as the ``csv`` module and pandas quote). It is fast, because the
shipped graph is read on every command that misses the cache, and strict: anything it cannot
read, or a row that breaks a rule of the crosswalk, is an :class:`~ppo_graph.errors.InputError`
naming the file and line (exit 2):

- a row has exactly the header's cells, a ``subject_id``, ``predicate_id``, ``object_id`` and
  ``mapping_justification``, each a CURIE of a prefix the file's ``curie_map`` (or SSSOM's
  built-in prefixes) declares, or an absolute IRI;
- the predicate is one of the SKOS mapping properties (:data:`PREDICATES`);
- ``confidence`` is a number from 0 to 1, ``mapping_date`` a date (YYYY-MM-DD);
- no (subject, predicate, object) comes twice;
- only the columns of :data:`ROW_SLOTS` (metadata: :data:`SET_SLOTS`) are used.

:meth:`MappingSet.ntriples` gives the set in SSSOM's own RDF form, as the ``sssom`` package
writes it (``sssom convert -O rdf``; ``tests/test_crosswalk.py`` compares the two): a
``sssom:MappingSet`` whose ``sssom:mappings`` are ``owl:Axiom`` nodes (``owl:annotatedSource``,
``owl:annotatedProperty``, ``owl:annotatedTarget``, and a triple per other cell), plus the plain
SKOS triple of each row that has a target (``subject skos:closeMatch target``), so that SPARQL
joins the crosswalk with roles, duties and the organisation directly. A ``sssom:NoTermFound``
row gives no plain triple. Both engines load a ``.sssom.tsv`` file through it
(:mod:`ppo_graph.backends.fast.parse`, :mod:`ppo_graph.backends.reference.load`); the cache key
holds the file's content and :data:`VERSION`.

Nothing in the reader knows which duties exist: the rules that need the graph (every duty
mapped, every target defined, role and process rows agreeing with their duties' rows) are the
checks ``queries/checks/crosswalk-*-violation.rq``. What the graph holds comes back through the
reports ``crosswalk-mappings`` and ``crosswalk-terms`` (:func:`coverage`, any graph with
``rows``): the rows ``ppo crosswalk`` prints (:func:`table_rows`, :func:`text_table`) and the
coverage matrix of the page it writes and the workbench shows (:class:`Coverage`).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph.errors import InputError
from ppo_graph.namespaces import (
    COBIT2019_NS,
    ISO20000_NS,
    ITIL4_NS,
    OWL_NS,
    RDF_NS,
    RDFS_NS,
    SEMAPV_NS,
    SKOS_NS,
    SSSOM_NS,
    XSD_NS,
    local_name,
)

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: Changes whenever the RDF made of a table changes (part of the cache key).
VERSION = "1"
#: A file whose name ends so is read as an SSSOM table.
SUFFIX = ".sssom.tsv"

DCTERMS_NS = "http://purl.org/dc/terms/"
PAV_NS = "http://purl.org/pav/"
NO_TERM_FOUND = SSSOM_NS + "NoTermFound"

#: SSSOM's built-in prefixes: valid in every table, and never redefined by one.
BUILT_IN_PREFIXES = {
    "sssom": SSSOM_NS,
    "owl": OWL_NS,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "skos": SKOS_NS,
    "semapv": SEMAPV_NS,
}

#: The mapping predicates a row may use (SKOS's mapping properties, as the crosswalk reviews
#: them).
PREDICATES = tuple(
    SKOS_NS + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)


@dataclass(frozen=True)
class Slot:
    """How one SSSOM slot is written in RDF: its property IRI and the kind of its value
    (``iri``: an entity reference, ``string``, ``double``, ``date``), and whether a cell holds
    several values (SSSOM's ``|`` between them)."""

    iri: str
    kind: str = "string"
    many: bool = False


def _sssom(name: str, kind: str = "string", many: bool = False) -> Slot:
    return Slot(SSSOM_NS + name, kind, many)


#: The row columns this reader takes, with their RDF form (the SSSOM schema's slot URIs).
ROW_SLOTS: dict[str, Slot] = {
    "subject_id": Slot(OWL_NS + "annotatedSource", "iri"),
    "subject_label": _sssom("subject_label"),
    "subject_source": _sssom("subject_source", "iri"),
    "predicate_id": Slot(OWL_NS + "annotatedProperty", "iri"),
    "object_id": Slot(OWL_NS + "annotatedTarget", "iri"),
    "object_label": _sssom("object_label"),
    "object_source": _sssom("object_source", "iri"),
    "mapping_justification": _sssom("mapping_justification", "iri"),
    "confidence": _sssom("confidence", "double"),
    "author_id": Slot(PAV_NS + "authoredBy", "iri", many=True),
    "author_label": _sssom("author_label", many=True),
    "reviewer_id": _sssom("reviewer_id", "iri", many=True),
    "reviewer_label": _sssom("reviewer_label", many=True),
    "mapping_date": Slot(DCTERMS_NS + "created", "date"),
    "review_date": _sssom("review_date", "date"),
    "comment": Slot(RDFS_NS + "comment"),
}
#: The columns every row must fill.
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")

#: The metadata keys this reader takes (besides ``curie_map``), with their RDF form.
SET_SLOTS: dict[str, Slot] = {
    "mapping_set_id": Slot("", "iri"),  # the set's own IRI
    "mapping_set_version": Slot(OWL_NS + "versionInfo"),
    "mapping_set_title": Slot(DCTERMS_NS + "title"),
    "mapping_set_description": Slot(DCTERMS_NS + "description"),
    "license": Slot(DCTERMS_NS + "license", "iri"),
    "creator_id": Slot(DCTERMS_NS + "creator", "iri", many=True),
    "creator_label": _sssom("creator_label", many=True),
    "mapping_date": Slot(DCTERMS_NS + "created", "date"),
    "publication_date": Slot(DCTERMS_NS + "issued", "date"),
    "subject_source": _sssom("subject_source", "iri"),
    "object_source": _sssom("object_source", "iri"),
    "comment": Slot(RDFS_NS + "comment"),
}
#: Set-level values that hold for every row when the table has no column of that name (SSSOM's
#: propagatable slots, as the sssom package propagates them: the value moves from the set to
#: every row; with the column present, the set keeps it and the rows keep theirs).
PROPAGATED = ("mapping_date", "subject_source", "object_source")
REQUIRED_METADATA = ("mapping_set_id", "license")

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]+")
_IRI_CHARS = re.compile(r"[^\x00-\x20<>\"{}|^`\\]*")
_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Framework:
    """A framework the crosswalk maps to: its name on the command line and in file names, its
    title and its concept scheme."""

    name: str
    title: str
    scheme: str
    #: What its terms are called, for page and table headings.
    terms: str


FRAMEWORKS: dict[str, Framework] = {
    "itil4": Framework("itil4", "ITIL 4", ITIL4_NS + "scheme", "practices and roles"),
    "iso20000": Framework("iso20000", "ISO/IEC 20000-1:2018", ISO20000_NS + "scheme", "clauses"),
    "cobit2019": Framework("cobit2019", "COBIT 2019", COBIT2019_NS + "scheme", "objectives"),
}


@dataclass
class Mapping:
    """One row: its line in the file and its cells by column (as written, surrounding space
    removed), with the CURIEs of the entity-reference columns expanded in :attr:`iris`."""

    line: int
    cells: dict[str, str]
    iris: dict[str, list[str]] = field(default_factory=dict)
    #: The row's text as written in the file (its line, or lines if a quoted cell spans two).
    source: str = ""

    @property
    def subject(self) -> str:
        return self.iris["subject_id"][0]

    @property
    def predicate(self) -> str:
        return self.iris["predicate_id"][0]

    @property
    def object(self) -> str:
        return self.iris["object_id"][0]


@dataclass
class MappingSet:
    """An SSSOM table as read: its metadata (``curie_map`` apart), its columns and rows."""

    path: Path
    metadata: dict[str, str | list[str]]
    curie_map: dict[str, str]
    columns: list[str]
    rows: list[Mapping]
    #: The metadata block's lines, as written (for ``ppo crosswalk --format sssom``).
    header_lines: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        value = self.metadata["mapping_set_id"]
        return value if isinstance(value, str) else value[0]

    def ntriples(self) -> str:
        """The set in SSSOM's RDF form plus each row's plain SKOS triple, as N-Triples."""
        return "".join(_ntriples(self))


# --- reading ------------------------------------------------------------------------------------


def read(path: Path | str) -> MappingSet:
    """The SSSOM table at ``path``; an :class:`InputError` naming the file and line for anything
    it cannot read or that breaks a rule of the module's list."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    lines = text.splitlines(keepends=True)
    block: list[tuple[int, str]] = []
    number = 0
    while number < len(lines) and lines[number].startswith("#"):
        block.append((number + 1, lines[number].rstrip("\r\n")))
        number += 1
    metadata = _metadata(path, block)
    curie_map = _curie_map(path, metadata, block)
    prefixes = {**curie_map, **BUILT_IN_PREFIXES}
    scalars = _set_metadata(path, metadata, block, prefixes)
    while number < len(lines) and not lines[number].strip():
        number += 1
    if number == len(lines):
        raise InputError(path, "no header line (subject_id, predicate_id, ...) after the metadata")
    header_line = number + 1
    columns = [c.strip() for c in lines[number].rstrip("\r\n").split("\t")]
    _check_columns(path, header_line, columns)
    propagated = {
        name: value
        for name in PROPAGATED
        if name not in columns and isinstance(value := scalars.pop(name, None), str)
    }
    rows = list(_rows(path, lines[number + 1 :], header_line, columns, prefixes, propagated))
    return MappingSet(path, scalars, curie_map, columns, rows, [text for _, text in block])


def _check_columns(path: Path, line: int, columns: list[str]) -> None:
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            raise InputError(path, f"the header has no {required} column", line)
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise InputError(path, f"the header names the column {column} twice", line)
        seen.add(column)
        if column not in ROW_SLOTS:
            known = ", ".join(ROW_SLOTS)
            raise InputError(
                path, f"the column {column!r} is not one this reader takes (it takes {known})", line
            )


def _rows(
    path: Path,
    lines: list[str],
    header_line: int,
    columns: list[str],
    prefixes: dict[str, str],
    propagated: dict[str, str],
) -> Iterator[Mapping]:
    reader = csv.reader(lines, delimiter="\t", quotechar='"', strict=True)
    seen: dict[tuple[str, str, str], int] = {}
    start = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # named by the line the row starts on
            hint = ' (a cell that starts with " is quoted up to its closing ")'
            raise InputError(
                path, f"cannot read the row: {exc}{hint}", header_line + start + 1
            ) from exc
        line, source = header_line + start + 1, "".join(lines[start : reader.line_num])
        start = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue  # a blank line, as pandas skips it
        if len(cells) != len(columns):
            raise InputError(
                path, f"the row has {len(cells)} cells, the header {len(columns)} columns", line
            )
        values = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        row = Mapping(line, values | propagated, source=source)
        _check_row(path, row, prefixes)
        key = (row.subject, row.predicate, row.object)
        if key in seen:
            raise InputError(
                path,
                f"the mapping {row.cells['subject_id']} {row.cells['predicate_id']} "
                f"{row.cells['object_id']} is also on line {seen[key]}: one row per mapping",
                line,
            )
        seen[key] = line
        yield row


def _check_row(path: Path, row: Mapping, prefixes: dict[str, str]) -> None:
    for column in REQUIRED_COLUMNS:
        if not row.cells.get(column):
            raise InputError(path, f"the row has no {column}", row.line)
    for column, value in row.cells.items():
        slot = ROW_SLOTS[column]
        if not value:
            continue
        values = _split(value) if slot.many else [value]
        if slot.kind == "iri":
            row.iris[column] = [_expand(path, row.line, column, v, prefixes) for v in values]
        elif slot.kind == "double":
            _check_confidence(path, row.line, column, value)
        elif slot.kind == "date":
            _check_date(path, row.line, column, value)
    if row.predicate not in PREDICATES:
        names = ", ".join(f"skos:{p.removeprefix(SKOS_NS)}" for p in PREDICATES)
        raise InputError(
            path,
            f"predicate_id {row.cells['predicate_id']} is not a SKOS mapping property ({names})",
            row.line,
        )


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _check_confidence(path: Path, line: int, column: str, value: str) -> None:
    if not _NUMBER.fullmatch(value) or not 0 <= float(value) <= 1:
        raise InputError(path, f"{column} {value!r} is not a number from 0 to 1", line)


def _check_date(path: Path, line: int, column: str, value: str) -> None:
    import datetime as dt

    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"{column} {value!r} is not a date (YYYY-MM-DD)", line) from None


def _expand(path: Path, line: int, column: str, value: str, prefixes: dict[str, str]) -> str:
    """A CURIE of a declared prefix, or an absolute IRI, as an IRI."""
    prefix, colon, local = value.partition(":")
    if colon and prefix in prefixes and _IRI_CHARS.fullmatch(local):
        return prefixes[prefix] + local
    if colon and not local.startswith("//") and _PREFIX.fullmatch(prefix):
        raise InputError(
            path,
            f"{column} {value!r}: the prefix {prefix!r} is not in the curie_map (nor one of "
            f"SSSOM's built-in prefixes {', '.join(BUILT_IN_PREFIXES)})",
            line,
        )
    if _ABSOLUTE_IRI.fullmatch(value):
        return value
    raise InputError(path, f"{column} {value!r} is neither a CURIE nor an IRI", line)


# --- the metadata block: a small subset of YAML ------------------------------------------------

#: A parsed metadata value: a scalar, a list of scalars or a mapping of scalars.
_Value = str | list[str] | dict[str, str]


def _metadata(path: Path, block: list[tuple[int, str]]) -> dict[str, tuple[int, _Value]]:
    """The metadata block as key -> (line, value): ``key: scalar``, or ``key:`` followed by
    more-indented ``name: scalar`` lines (a mapping) or ``- scalar`` lines (a list), or an
    inline ``[a, b]`` list. Scalars may be quoted ('...' or "...")."""
    entries: list[tuple[int, int, str]] = []  # (line, indent, text)
    for number, raw in block:
        text = raw.lstrip("#")
        body = _uncommented(text).rstrip()
        if not body.strip():
            continue
        if "\t" in body[: len(body) - len(body.lstrip())]:
            raise InputError(
                path, "metadata: a tab in the indentation (YAML indents with spaces)", number
            )
        entries.append((number, len(body) - len(body.lstrip(" ")), body.strip()))
    found: dict[str, tuple[int, _Value]] = {}
    if not entries:
        return found
    top = entries[0][1]
    index = 0
    while index < len(entries):
        number, indent, text = entries[index]
        if indent != top:
            raise InputError(path, f"metadata: unexpected indentation in {text!r}", number)
        key, colon, rest = text.partition(":")
        key = key.strip()
        if not colon or not _PREFIX.fullmatch(key) or (rest and not rest.startswith(" ")):
            raise InputError(path, f"metadata: expected 'key: value', not {text!r}", number)
        if key in found:
            raise InputError(path, f"metadata: {key} is given twice", number)
        rest = rest.strip()
        index += 1
        if rest:
            found[key] = (number, _inline(path, number, rest))
            continue
        nested: list[tuple[int, str]] = []
        while index < len(entries) and entries[index][1] > top:
            nested.append((entries[index][0], entries[index][2]))
            index += 1
        found[key] = (number, _nested(path, key, number, nested))
    return found


def _uncommented(text: str) -> str:
    """``text`` without a YAML comment (`` #`` outside quotes)."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index]
    return text


def _scalar(path: Path, line: int, text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner.replace('\\"', '"')
    if text[:1] in ("'", '"', "{", "&", "*", "!", "|", ">", "%", "@", "`"):
        raise InputError(path, f"metadata: cannot read the value {text!r}", line)
    return text


def _inline(path: Path, line: int, text: str) -> _Value:
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(path, line, item) for item in text[1:-1].split(",") if item.strip()]
    return _scalar(path, line, text)


def _nested(path: Path, key: str, line: int, lines: list[tuple[int, str]]) -> _Value:
    if not lines:
        return ""
    if all(text.startswith("- ") or text == "-" for _, text in lines):
        return [_scalar(path, n, text[1:]) for n, text in lines]
    mapping: dict[str, str] = {}
    for number, text in lines:
        name, colon, value = text.partition(":")
        if not colon or not name.strip() or (value and not value.startswith(" ")):
            raise InputError(
                path, f"metadata: expected 'name: value' under {key}, not {text!r}", number
            )
        mapping[_scalar(path, number, name)] = _scalar(path, number, value)
    return mapping


def _curie_map(
    path: Path, metadata: dict[str, tuple[int, _Value]], block: list[tuple[int, str]]
) -> dict[str, str]:
    line, value = metadata.get("curie_map", (block[0][0] if block else 1, {}))
    if not isinstance(value, dict):
        raise InputError(path, "metadata: curie_map must map prefixes to IRIs", line)
    for prefix, iri in value.items():
        if not _PREFIX.fullmatch(prefix) or not _ABSOLUTE_IRI.fullmatch(iri):
            raise InputError(
                path, f"metadata: curie_map {prefix}: {iri!r} is not a prefix and IRI", line
            )
        built_in = BUILT_IN_PREFIXES.get(prefix)
        if built_in is not None and built_in != iri:
            raise InputError(
                path,
                f"metadata: curie_map redefines SSSOM's built-in prefix {prefix} ({built_in})",
                line,
            )
    return dict(value)


def _set_metadata(
    path: Path,
    metadata: dict[str, tuple[int, _Value]],
    block: list[tuple[int, str]],
    prefixes: dict[str, str],
) -> dict[str, str | list[str]]:
    first = block[0][0] if block else 1
    for required in REQUIRED_METADATA:
        if required not in metadata:
            raise InputError(path, f"metadata: no {required} (SSSOM requires it)", first)
    scalars: dict[str, str | list[str]] = {}
    for key, (line, value) in metadata.items():
        if key == "curie_map":
            continue
        slot = SET_SLOTS.get(key)
        if slot is None:
            known = ", ".join(["curie_map", *SET_SLOTS])
            raise InputError(
                path, f"metadata: {key} is not a key this reader takes ({known})", line
            )
        if isinstance(value, dict) or (isinstance(value, list) and not slot.many):
            raise InputError(
                path, f"metadata: {key} takes {'values' if slot.many else 'one value'}", line
            )
        values = value if isinstance(value, list) else [value]
        for item in values:
            if slot.kind == "iri":
                _expand(path, line, key, item, prefixes)
            elif slot.kind == "date":
                _check_date(path, line, key, item)
        scalars[key] = values if slot.many else values[0]
    return scalars


# --- RDF ------------------------------------------------------------------------------------------


def _iri(value: str) -> str:
    return f"<{value}>"


def _literal(value: str, datatype: str = "") -> str:
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"' + (f"^^<{datatype}>" if datatype else "")


def _objects(slot: Slot, values: Iterable[str]) -> Iterator[str]:
    for value in values:
        if slot.kind == "iri":
            yield _iri(value)
        elif slot.kind == "double":
            yield _literal(value, XSD_NS + "double")
        elif slot.kind == "date":
            yield _literal(value, XSD_NS + "date")
        else:
            yield _literal(value)


def _ntriples(mapping_set: MappingSet) -> Iterator[str]:
    prefixes = {**mapping_set.curie_map, **BUILT_IN_PREFIXES}
    node = _iri(mapping_set.iri)
    yield f"{node} <{RDF_NS}type> <{SSSOM_NS}MappingSet> .\n"
    for key, value in mapping_set.metadata.items():
        slot = SET_SLOTS[key]
        if not slot.iri:
            continue
        values = value if isinstance(value, list) else [value]
        if slot.kind == "iri":
            values = [_expand(mapping_set.path, 0, key, v, prefixes) for v in values]
        for obj in _objects(slot, values):
            yield f"{node} <{slot.iri}> {obj} .\n"
    stem = hashlib.sha256(mapping_set.iri.encode()).hexdigest()[:12]
    for row in mapping_set.rows:
        axiom = f"_:m{stem}r{row.line}"
        yield f"{node} <{SSSOM_NS}mappings> {axiom} .\n"
        yield f"{axiom} <{RDF_NS}type> <{OWL_NS}Axiom> .\n"
        for column, value in row.cells.items():
            if not value:
                continue
            slot = ROW_SLOTS[column]
            values = (
                row.iris[column] if slot.kind == "iri" else _split(value) if slot.many else [value]
            )
            for obj in _objects(slot, values):
                yield f"{axiom} <{slot.iri}> {obj} .\n"
        if row.object != NO_TERM_FOUND:
            yield f"{_iri(row.subject)} {_iri(row.predicate)} {_iri(row.object)} .\n"


# --- the shipped tables -------------------------------------------------------------------------


def table_path(framework: str) -> Path:
    """The shipped SSSOM table of ``framework`` (a key of :data:`FRAMEWORKS`)."""
    from ppo_graph.paths import data_dir

    return data_dir() / "crosswalk" / f"{framework}{SUFFIX}"


def filtered_table(mapping_set: MappingSet, keep: Iterable[str]) -> str:
    """The table as written, with only the rows whose subject is one of ``keep`` (IRIs): its
    metadata block, header and rows exactly as the file has them (``ppo crosswalk --format sssom
    --by ...``)."""
    wanted = set(keep)
    lines = [*mapping_set.header_lines, "\t".join(mapping_set.columns)]
    kept = "".join(row.source for row in mapping_set.rows if row.subject in wanted)
    return "\n".join(lines) + "\n" + kept


# --- the crosswalk in the graph: rows, terms and the coverage matrix --------------------------

#: The kinds of subject a row maps (``--by``), as the ``crosswalk-mappings`` report names them.
KINDS = ("duty", "role", "process")
#: How a sssom:NoTermFound target is shown.
NO_TERM_LABEL = "(no term found)"


@dataclass(frozen=True)
class Mapped:
    """One row of the crosswalk as the ``crosswalk-mappings`` report gives it, as text."""

    kind: str
    subject: str
    subject_label: str
    text: str
    group: str
    group_label: str
    group_kind: str
    predicate: str
    target: str
    target_label: str
    notation: str
    confidence: str
    author: str
    date: str
    comment: str

    @property
    def match(self) -> str:
        """The mapping property's local name (``broadMatch``)."""
        return self.predicate.removeprefix(SKOS_NS)

    @property
    def target_name(self) -> str:
        """The target as people read it: its code and label, or "(no term found)"."""
        if self.target == NO_TERM_FOUND:
            return NO_TERM_LABEL
        return " ".join(x for x in (self.notation, self.target_label) if x) or self.target


@dataclass(frozen=True)
class Term:
    """A term of a framework (the ``crosswalk-terms`` report), as text."""

    iri: str
    label: str
    notation: str
    group: str
    cls: str

    @property
    def name(self) -> str:
        return " ".join(x for x in (self.notation, self.label) if x) or self.iri


def natural_key(text: str) -> tuple[Any, ...]:
    """Numbers in order: clause 8.7.2 before 10.1, BAI04 before BAI10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


@dataclass
class Coverage:
    """One framework's crosswalk as the graph holds it: its terms and rows, and the coverage
    matrix of the v3 processes (and generic roles) against the terms their duties map to."""

    framework: Framework
    terms: list[Term]
    rows: list[Mapped]

    def of_kind(self, kind: str) -> list[Mapped]:
        return [row for row in self.rows if row.kind == kind]

    @property
    def groups(self) -> list[tuple[str, str]]:
        """The matrix's rows: (IRI, label) of each process the duties' roles own or manage, by
        label, then each generic role with duties of its own."""
        seen = {(r.group_kind != "process", r.group_label, r.group) for r in self.of_kind("duty")}
        return [(iri, label) for _, label, iri in sorted(seen) if iri]

    @property
    def columns(self) -> list[Term]:
        """The matrix's columns: every term a duty maps to, in the order of the framework's codes
        (then names), then "(no term found)" when a duty has such a row."""
        mapped = {r.target for r in self.of_kind("duty")}
        columns = [t for t in self.sorted_terms() if t.iri in mapped]
        if NO_TERM_FOUND in mapped:
            columns.append(Term(NO_TERM_FOUND, NO_TERM_LABEL, "", "", ""))
        return columns

    def sorted_terms(self) -> list[Term]:
        return sorted(self.terms, key=lambda t: (natural_key(t.notation), t.label, t.iri))

    def cell(self, group: str, target: str) -> list[Mapped]:
        """The duty rows of a group that map to a target, in source order."""
        rows = [r for r in self.of_kind("duty") if r.group == group and r.target == target]
        return sorted(rows, key=lambda r: (natural_key(local_name(r.subject)), r.match))

    def count(self, group: str, target: str) -> int:
        """How many duties of the group map to the target (a cell of the matrix)."""
        return len({r.subject for r in self.cell(group, target)})

    def untouched(self) -> list[Term]:
        """The terms no duty maps to."""
        mapped = {r.target for r in self.of_kind("duty")}
        return [t for t in self.sorted_terms() if t.iri not in mapped]

    def own_rows(self, subject: str) -> list[Mapped]:
        """A role's or process's own rows."""
        return [r for r in self.rows if r.subject == subject and r.kind != "duty"]

    def lowest_confidence(self, count: int = 10) -> list[Mapped]:
        """The rows a reviewer should look at first: the lowest confidence, then by subject."""
        rated = [r for r in self.rows if _NUMBER.fullmatch(r.confidence)]
        return sorted(
            rated, key=lambda r: (float(r.confidence), natural_key(local_name(r.subject)))
        )[:count]


def framework(name: str) -> Framework:
    """The framework of a name (``itil4``, ``iso20000``, ``cobit2019``); a UsageError for another."""
    from ppo_graph.errors import UsageError

    found = FRAMEWORKS.get(name)
    if found is None:
        raise UsageError(f"no framework {name!r} (one of {', '.join(FRAMEWORKS)})")
    return found


def coverage(graph: Graph, name: str) -> Coverage:
    """The crosswalk of framework ``name`` in ``graph`` (the reports ``crosswalk-mappings`` and
    ``crosswalk-terms``)."""
    found = framework(name)
    params = {"scheme": found.scheme}
    rows = [
        Mapped(
            **{
                field: row[column]
                for field, column in zip(_MAPPED_FIELDS, _MAPPED_COLUMNS, strict=True)
            }
        )
        for row in graph.rows("crosswalk-mappings", params, text=True)
    ]
    terms = [
        Term(row["term"], row["label"], row["notation"], row["group"], row["class"])
        for row in graph.rows("crosswalk-terms", params, text=True)
    ]
    return Coverage(found, terms, rows)


_MAPPED_FIELDS = tuple(Mapped.__dataclass_fields__)
_MAPPED_COLUMNS = (
    "kind", "subject", "subjectLabel", "text", "group", "groupLabel", "groupKind", "predicate",
    "target", "targetLabel", "notation", "confidence", "author", "date", "comment",
)  # fmt: skip


def table_rows(cov: Coverage, by: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows ``ppo crosswalk --by BY`` prints: the duty (with its text), role or
    process; the match; the target (code and name); the confidence (a number); the comment."""
    from ppo_graph.namespaces import compact

    head = ["duty", "text"] if by == "duty" else [by]
    columns = [*head, "match", "target", "confidence", "comment"]
    rows = []
    for row in sorted(cov.of_kind(by), key=lambda r: (_subject_order(r), r.target_name, r.match)):
        subject = (
            {"duty": compact(row.subject), "text": row.text}
            if by == "duty"
            else {by: row.subject_label or compact(row.subject)}
        )
        confidence: Any = float(row.confidence) if _NUMBER.fullmatch(row.confidence) else ""
        rows.append(
            subject
            | {
                "match": row.match,
                "target": row.target_name,
                "confidence": confidence,
                "comment": row.comment,
            }
        )
    return columns, rows


def _subject_order(row: Mapped) -> tuple[Any, ...]:
    """Duties in source order (section, then bullet), others by name."""
    if row.kind == "duty":
        return natural_key(local_name(row.subject))
    return ((1, 0, row.subject_label),)


def text_table(columns: list[str], rows: list[dict[str, Any]], width: int = 80) -> str:
    """The rows of :func:`table_rows` for a terminal: each subject once (a duty with its text),
    then one line per mapping (match, target, confidence) and its comment, wrapped to ``width``."""
    import textwrap

    subject_columns = columns[: columns.index("match")]
    out: list[str] = []
    last: tuple[Any, ...] | None = None
    for row in rows:
        subject = tuple(row[c] for c in subject_columns)
        if subject != last:
            if last is not None:
                out.append("")
            out += textwrap.wrap("  ".join(str(x) for x in subject if x), width) or [""]
            last = subject
        confidence = f"  ({row['confidence']})" if row["confidence"] != "" else ""
        out += textwrap.wrap(
            f"{row['match']}: {row['target']}{confidence}",
            width,
            initial_indent="  ",
            subsequent_indent="    ",
        )
        out += textwrap.wrap(row["comment"], width, initial_indent="    ", subsequent_indent="    ")
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"
