"""Reading RDF files on the fast path: pyoxigraph's parsers, errors that name the file, line and
column, and nothing fetched from the network. No rdflib here (``ppo query`` must start fast);
:mod:`ppo_graph.backends.reference.load` is the rdflib reading that the reference engines use."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ppo_graph.errors import InputError

#: File suffix -> format name (the names rdflib uses, so messages read the same on both paths).
FORMATS = {
    "ttl": "turtle",
    "turtle": "turtle",
    "nt": "nt",
    "n3": "n3",
    "rdf": "xml",
    "owl": "xml",
    "xml": "xml",
    "jsonld": "json-ld",
    "json": "json-ld",
    "trig": "trig",
    "nq": "nquads",
}


#: A table of mappings (SSSOM TSV, :mod:`ppo_graph.crosswalk`): read as the RDF it stands for.
SSSOM = "sssom"


def format_for(path: Path) -> str:
    """The format of a file by its name: an RDF format of :data:`FORMATS`, or :data:`SSSOM` for a
    ``*.sssom.tsv`` table."""
    from ppo_graph.crosswalk import SUFFIX

    if path.name.lower().endswith(SUFFIX):
        return SSSOM
    fmt = FORMATS.get(path.suffix.lower().lstrip("."))
    if fmt is None:
        known = ", ".join([*sorted({f".{k}" for k in FORMATS}), SUFFIX])
        raise InputError(path, f"unknown RDF file type {path.suffix!r} (use one of {known})")
    return fmt


def sssom_ntriples(path: Path) -> bytes:
    """An SSSOM table as the N-Triples it stands for (:func:`ppo_graph.crosswalk.read`: a table
    it cannot read, or one that breaks a rule, is an :class:`InputError` naming file and line)."""
    from ppo_graph import crosswalk

    return crosswalk.read(path).ntriples().encode("utf-8")


def _ox_format(fmt: str) -> Any:
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "n3": ox.RdfFormat.N3,
        "xml": ox.RdfFormat.RDF_XML,
        "json-ld": ox.RdfFormat.JSON_LD,
        "trig": ox.RdfFormat.TRIG,
        "nquads": ox.RdfFormat.N_QUADS,
    }[fmt]


def remote_contexts(node: object) -> list[str]:
    """Remote ``@context``/``@import`` references in a JSON-LD document (a parser would fetch them)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                values = value if isinstance(value, list) else [value]
                found += [v for v in values if isinstance(v, str) and "://" in v]
            found += remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            found += remote_contexts(item)
    return found


def refuse_network(path: Path, fmt: str) -> None:
    """Nothing at run time reaches the network: a JSON-LD file naming a remote context is refused."""
    if fmt != "json-ld":
        return
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))  # a BOM is ignored
        remote = remote_contexts(document)
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(path, f"cannot parse as json-ld: {printable(str(exc))}", line) from exc
    except RecursionError as exc:
        raise InputError(path, "cannot parse as json-ld: nested too deeply") from exc
    if remote:
        raise InputError(
            path,
            f"refers to a remote JSON-LD context ({remote[0]}); ppo does not fetch anything from "
            "the network: inline the context in the file",
        )


def refuse_entities(path: Path, fmt: str, data: bytes) -> None:
    """XML entity declarations are refused before any parser sees them: RDF/XML needs none, and
    nested ones ("billion laughs") expand a kilobyte into gigabytes."""
    if fmt != "xml":
        return
    at = data.find(b"<!ENTITY")
    if at >= 0:
        raise InputError(
            path,
            "declares XML entities (<!ENTITY ...> in a DOCTYPE); RDF/XML needs none and ppo "
            "refuses them, since nested entities can expand a small file into gigabytes",
            data.count(b"\n", 0, at) + 1,
        )


def printable(text: str) -> str:
    """A parser's message with control characters (from binary input) shown as escapes."""
    return "".join(c if c.isprintable() or c in "\t" else f"\\x{ord(c):02x}" for c in text)


def check_readable(path: Path) -> None:
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, not an RDF file")


#: The UTF-8 byte-order mark some Windows editors put at the start of a text file.
BOM = b"\xef\xbb\xbf"


def _read(path: Path) -> tuple[str, bytes]:
    """A file's format and bytes, after the checks every RDF file passes before any parser. A
    leading UTF-8 byte-order mark is dropped, as Jena and rdflib drop it (pyoxigraph's parsers
    stop at it); it sits on line 1, so the parsers' line numbers stay the file's."""
    check_readable(path)
    fmt = format_for(path)
    if fmt == SSSOM:
        return "nt", sssom_ntriples(path)
    refuse_network(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    if data.startswith(BOM):
        data = data[len(BOM) :]
    refuse_entities(path, fmt, data)
    return fmt, data


def _parse_error(path: Path, fmt: str, exc: Exception) -> InputError:
    if isinstance(exc, SyntaxError):
        line = exc.lineno if isinstance(exc.lineno, int) else None
        message = printable(str(exc.msg if exc.msg else exc))
        if exc.offset and line is not None and "column" not in message:
            message += f" (column {exc.offset})"
        return InputError(path, f"cannot parse as {fmt}: {message}", line)
    return InputError(path, f"cannot parse as {fmt}: {printable(str(exc))}")


def triples(path: Path | str, *, prefixes: dict[str, str] | None = None) -> Iterator[Any]:
    """The triples of one RDF file as pyoxigraph ``Triple``s (named graphs merged into one;
    blank nodes renamed apart from every other file's). The file's prefix declarations are
    added to ``prefixes`` when given."""
    path = Path(path)
    fmt, data = _read(path)
    yield from _triples(path, fmt, data, prefixes)


def _triples(path: Path, fmt: str, data: bytes, prefixes: dict[str, str] | None) -> Iterator[Any]:
    import pyoxigraph as ox

    try:
        parser = ox.parse(
            data,
            format=_ox_format(fmt),
            base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True,
        )
        for quad in parser:
            yield quad.triple
        if prefixes is not None:
            prefixes.update(getattr(parser, "prefixes", None) or {})
    except (SyntaxError, ValueError, OSError) as exc:
        raise _parse_error(path, fmt, exc) from exc


_SHACL = b"http://www.w3.org/ns/shacl#"


def load_into(
    store: Any, path: Path | str, graph: Any, *, as_written: AsWritten | None = None
) -> bool:
    """Load one RDF file into ``graph`` of ``store``; whether the file declares SHACL shapes.

    A graph format goes straight into the store (pyoxigraph's parser and store, no Python objects
    per triple; a store load names every blank node afresh, so each file's stay apart: tested);
    anything else, and a file that mentions SHACL, goes through :func:`triples`, which merges
    named graphs and renames blank nodes apart too. With ``as_written``, a file that
    may hold literals the store rewrites (:func:`may_rewrite`) is read through :func:`triples`
    too, and those literals are noted there as the file wrote them.
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt, data = _read(path)
    mentions_shacl = _SHACL in data
    scan = as_written is not None and (bool(as_written) or may_rewrite(fmt, data))
    direct = fmt in ("turtle", "nt", "n3", "xml") and not mentions_shacl
    if direct and not scan:
        _load(store, path, fmt, data, graph)
        return False
    found = list(_triples(path, fmt, data, None))
    if as_written is not None and scan:
        before = len(as_written)
        as_written.note(store, graph, found)
        if direct and len(as_written) == before:  # nothing rewritten: the store's own parser,
            _load(store, path, fmt, data, graph)  # twice as fast as adding the triples here
            return False
    store.extend(ox.Quad(s, p, o, graph) for s, p, o in found)
    return mentions_shacl and declares_shapes(found)


def _load(store: Any, path: Path, fmt: str, data: bytes, graph: Any) -> None:
    try:
        store.load(data, format=_ox_format(fmt), base_iri=path.resolve().as_uri(), to_graph=graph)
    except (SyntaxError, ValueError, OSError) as exc:
        raise _parse_error(path, fmt, exc) from exc


# --- literals as written ---------------------------------------------------------------------
#
# A pyoxigraph store keeps some literals in a canonical form of its own (oxigraph/oxigraph#526):
# ``"1"^^xsd:int`` and the other integer types become ``xsd:integer``, ``"01"`` becomes ``"1"``,
# ``"1.0"^^xsd:decimal`` becomes ``"1"``, doubles, dates and durations are rewritten; two triples
# that differ only there become one. ``pyoxigraph.parse`` keeps those literals as written, so the
# files are read with it where they may hold one, and :class:`AsWritten` keeps the written form
# beside the store's. (Language tags are lower-cased by the parser itself, as RDF 1.1 allows:
# they are not kept as written.)

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD_STRING = XSD_NS + "string"
_XSD_INTEGER = XSD_NS + "integer"
_XSD_BOOLEAN = XSD_NS + "boolean"
_CANONICAL_INTEGER = re.compile(r"0|-?[1-9][0-9]*")
_XSD_DATE = XSD_NS + "date"
_CANONICAL_DATE = re.compile(r"-?(?:[1-9][0-9]{4,}|[0-9]{4})-[0-9]{2}-[0-9]{2}Z?")
#: Bytes that may spell a literal the store rewrites, by format; a file without them is loaded
#: straight into the store. Over-inclusive on purpose (a match in a comment or string only costs
#: a slower read): a datatype, or (in Turtle, TriG and N3) a bare numeral that is not a canonical
#: integer.
_NUMERAL = rb"(?=[-+.0-9])(?<![\w:/#%.-])(?:\+|-0(?![\d.])|-?(?:0\d|\d*\.\d|\d+[eE]))"
_MAY_REWRITE = {
    "turtle": re.compile(_NUMERAL),
    "trig": re.compile(_NUMERAL),
    "n3": re.compile(_NUMERAL),
    "nt": None,
    "nquads": None,
}
#: A short typed literal of a datatype the store keeps as written when its lexical form is
#: canonical (dates, integers, booleans), with the datatype spelled as ``ppo org import`` and most
#: tools write it. A file whose every ``^^`` is one of these, in canonical form, needs no scan;
#: anything else (another datatype, an escape, a long string, a ``^^`` in a comment) is scanned.
_SAFE_TYPED = re.compile(
    rb"\^\^(?:xsd:|<http://www\.w3\.org/2001/XMLSchema#)(date|integer|boolean)>?(?![\w:.-])"
)
_CANONICAL = {
    b"date": re.compile(rb"-?(?:[1-9][0-9]{4,}|[0-9]{4})-[0-9]{2}-[0-9]{2}Z?"),
    b"integer": re.compile(rb"0|-?[1-9][0-9]*"),
    b"boolean": re.compile(rb"true|false"),
}


def _bare_numeral(numeral: re.Pattern[bytes], data: bytes) -> bool:
    """Whether the file may hold a bare numeral the store rewrites (``01``, ``1.0``, ``+1``): one
    inside a short double-quoted string on its line ("Line 05") does not count, except on a line
    with a single quote, a backslash or a long string, which is taken as it is (a quote there may
    not open a string)."""
    for match in numeral.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        before = data[start : match.start()]
        if b"'" in before or b"\\" in before or b'"""' in before or before.count(b'"') % 2 == 0:
            return True
    return False


def may_rewrite(fmt: str, data: bytes) -> bool:
    """Whether a file may hold a literal the store keeps in another form (JSON-LD and RDF/XML:
    always, when they name a datatype). Over-inclusive: a file it passes is scanned by the
    parser (:class:`AsWritten`), which decides."""
    if fmt not in _MAY_REWRITE:
        return fmt != "xml" or b"datatype" in data
    numeral = _MAY_REWRITE[fmt]
    if numeral is not None and _bare_numeral(numeral, data):
        return True
    typed = data.count(b"^^")
    if not typed:
        return False
    found = 0
    for match in _SAFE_TYPED.finditer(data):
        # the short string just before: "LEXICAL"^^xsd:date, with no quote, backslash or line
        # break inside, not the end of a long string
        close = match.start() - 1
        if close < 1 or data[close : close + 1] != b'"':
            return True
        opening = data.rfind(b'"', 0, close)
        lexical = data[opening + 1 : close]
        if opening < 0 or data[opening - 1 : opening] in (b'"', b"\\") or b"\\" in lexical:
            return True
        if b"\n" in lexical or not _CANONICAL[match.group(1)].fullmatch(lexical):
            return True
        found += 1
    return found != typed


def _may_change(literal: Any) -> bool:
    """Whether the store may keep ``literal`` in another form (False: surely as written)."""
    if literal.language:
        return False
    datatype = literal.datatype.value
    if datatype == _XSD_STRING or not datatype.startswith((XSD_NS, RDF_NS)):
        return False
    if datatype == _XSD_INTEGER:
        return _CANONICAL_INTEGER.fullmatch(literal.value) is None
    if datatype == _XSD_DATE:
        return _CANONICAL_DATE.fullmatch(literal.value) is None
    if datatype == _XSD_BOOLEAN:
        return literal.value not in ("true", "false")
    return True


def stored_forms(literals: Iterable[Any]) -> dict[Any, Any]:
    """Each literal -> the form a pyoxigraph store keeps it in (asked of a store, so it is
    oxigraph's own canonicalisation whatever its version)."""
    import pyoxigraph as ox

    unique = list(dict.fromkeys(literals))
    scratch = ox.Store()
    predicate = ox.NamedNode("urn:x-ppo-graph:stored-form")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x-ppo-graph:{i}"), predicate, literal)
        for i, literal in enumerate(unique)
    )
    forms: dict[Any, Any] = {}
    for quad in scratch:
        forms[unique[int(quad.subject.value.rsplit(":", 1)[1])]] = quad.object
    return forms


class AsWritten:
    """The user's triples whose object literal the store keeps in another form.

    ``objects`` maps each stored triple ``(subject, predicate, stored literal)`` to the literals
    the files wrote for it, in the order read: one or more (``"1"^^xsd:int`` and ``"01"`` are
    two triples in the files, one in the store), the stored form itself among them when a file
    wrote that too. Empty (false) for files written in the store's forms, the usual case.
    """

    def __init__(self) -> None:
        self.objects: dict[tuple[Any, Any, Any], list[Any]] = {}

    def __bool__(self) -> bool:
        return bool(self.objects)

    def __len__(self) -> int:
        return len(self.objects)

    def note(self, store: Any, graph: Any, found: list[Any]) -> None:
        """Note the literals of one file's triples (``found``, about to go into ``graph`` of
        ``store``) that the store will keep in another form."""
        import pyoxigraph as ox

        candidates = [
            t for t in found if isinstance(t.object, ox.Literal) and _may_change(t.object)
        ]
        forms = stored_forms(t.object for t in candidates) if candidates else {}
        changed: dict[tuple[Any, Any, Any], list[Any]] = {}
        for s, p, o in candidates:
            stored = forms[o]
            if stored != o:
                changed.setdefault((s, p, stored), []).append(o)
        if not changed and not self.objects:
            return
        for key, written in changed.items():
            if key not in self.objects:  # an earlier file may have written the stored form
                self.objects[key] = [key[2]] if ox.Quad(*key, graph) in store else []
            self._add(key, written)
        for s, p, o in found:  # the stored form, written as such in this file
            if isinstance(o, ox.Literal) and (s, p, o) in self.objects:
                self._add((s, p, o), [o])

    def _add(self, key: tuple[Any, Any, Any], written: list[Any]) -> None:
        have = self.objects[key]
        for literal in written:
            if literal not in have:
                have.append(literal)

    def has_blank_nodes(self) -> bool:
        import pyoxigraph as ox

        return any(isinstance(s, ox.BlankNode) for s, _p, _o in self.objects)

    def ntriples(self) -> str:
        """The written triples as N-Triples (what the cache keeps; :meth:`from_ntriples`)."""
        return "".join(
            f"{s} {p} {literal} .\n"
            for (s, p, _), written in self.objects.items()
            for literal in written
        )

    @classmethod
    def from_ntriples(cls, text: str) -> AsWritten:
        import pyoxigraph as ox

        kept = cls()
        found = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
        forms = stored_forms(t.object for t in found)
        for s, p, o in found:
            kept.objects.setdefault((s, p, forms[o]), []).append(o)
        return kept

    def touches(self, shapes: Any) -> str | None:
        """Why the shapes in ``shapes`` (a store) may see these literals (their predicate, or
        the stored literal itself, is named there); None when they cannot."""
        for (_s, p, stored), written in self.objects.items():
            for term in (p, stored):
                if next(iter(shapes.quads_for_pattern(None, None, term)), None) is not None:
                    return (
                        f"the data writes {written[0]} where the shapes look, which the store "
                        f"keeps as {stored}"
                    )
        return None

    def restore(self, ntriples: bytes) -> bytes:
        """An N-Triples dump of the store with each stored triple noted here replaced by the
        triples as the files wrote them."""
        if not self.objects:
            return ntriples
        lines = {
            f"{s} {p} {stored} .\n".encode(): "".join(
                f"{s} {p} {literal} .\n" for literal in written
            ).encode()
            for (s, p, stored), written in self.objects.items()
        }
        return b"".join(lines.get(line, line) for line in ntriples.splitlines(keepends=True))

    def dump(self, store: Any, graph_names: Iterable[str]) -> bytes:
        """The named graphs of ``store`` as N-Triples, with the literals as written."""
        import pyoxigraph as ox

        return b"".join(
            self.restore(
                bytes(
                    store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b""
                )
            )
            for name in graph_names
        )


_SHAPE_MARKS = ("http://www.w3.org/ns/shacl#NodeShape", "http://www.w3.org/ns/shacl#PropertyShape")
_SHAPE_PREDICATES = tuple(
    "http://www.w3.org/ns/shacl#" + name
    for name in ("targetClass", "targetNode", "property", "path")
)
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def declares_shapes(found: list[Any]) -> bool:
    """Whether triples declare SHACL shapes."""
    for _s, p, o in found:
        if p.value in _SHAPE_PREDICATES:
            return True
        if p.value == _TYPE and getattr(o, "value", None) in _SHAPE_MARKS:
            return True
    return False
