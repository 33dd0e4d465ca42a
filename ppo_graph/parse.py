"""Reading RDF files on the fast path: pyoxigraph's parsers, errors that name the file, line and
column, and nothing fetched from the network. No rdflib here (``ppo query`` must start fast);
:mod:`ppo_graph.load` is the rdflib reading that the reference engines use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import InputError

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


def format_for(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower().lstrip("."))
    if fmt is None:
        known = ", ".join(sorted({f".{k}" for k in FORMATS}))
        raise InputError(path, f"unknown RDF file type {path.suffix!r} (use one of {known})")
    return fmt


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
        document = json.loads(path.read_text(encoding="utf-8"))
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


def _read(path: Path) -> tuple[str, bytes]:
    """A file's format and bytes, after the checks every RDF file passes before any parser."""
    check_readable(path)
    fmt = format_for(path)
    refuse_network(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
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
    import pyoxigraph as ox

    path = Path(path)
    fmt, data = _read(path)
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


def load_into(store: Any, path: Path | str, graph: Any) -> bool:
    """Load one RDF file into ``graph`` of ``store``; whether the file declares SHACL shapes.

    A graph format with no blank node labels goes straight into the store (pyoxigraph's parser
    and store, no Python objects per triple); anything else goes through :func:`triples`, which
    merges named graphs and keeps each file's blank nodes apart.
    """
    import pyoxigraph as ox

    path = Path(path)
    fmt, data = _read(path)
    mentions_shacl = _SHACL in data
    if fmt in ("turtle", "nt", "n3", "xml") and b"_:" not in data and not mentions_shacl:
        try:
            store.load(
                data, format=_ox_format(fmt), base_iri=path.resolve().as_uri(), to_graph=graph
            )
        except (SyntaxError, ValueError, OSError) as exc:
            raise _parse_error(path, fmt, exc) from exc
        return False
    found = list(triples(path))
    store.extend(ox.Quad(s, p, o, graph) for s, p, o in found)
    return mentions_shacl and declares_shapes(found)


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
