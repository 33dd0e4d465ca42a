"""The reference backend's loading: the shipped graph plus the user's own files read into an
rdflib Graph, with clear parse errors (the engine reads them with :mod:`ppo_graph.backends.fast.parse`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.util import guess_format

from ppo_graph.backends.fast.parse import FORMATS as _FORMATS
from ppo_graph.backends.fast.parse import SSSOM, refuse_entities, sssom_ntriples
from ppo_graph.backends.fast.parse import refuse_network as _refuse_network
from ppo_graph.backends.reference.namespaces import bind_prefixes
from ppo_graph.crosswalk import SUFFIX
from ppo_graph.errors import InputError
from ppo_graph.paths import shipped_graph_files

#: Formats that can carry named graphs; their triples are merged into the one graph.
_DATASET_FORMATS = frozenset({"trig", "nquads", "json-ld"})

#: Line-based formats whose parser errors do not say where.
_LINE_FORMATS = frozenset({"nt", "nquads"})

_LINE_PATTERNS = (
    re.compile(r"at line (\d+)"),
    re.compile(r"line (\d+)"),
    re.compile(r":(\d+):\d+"),
)


def _format_for(path: Path) -> str:
    if path.name.lower().endswith(SUFFIX):  # a table of mappings (SSSOM TSV)
        return SSSOM
    suffix = path.suffix.lower().lstrip(".")
    fmt = _FORMATS.get(suffix) or guess_format(str(path))
    if fmt is None:
        known = ", ".join(sorted({f".{k}" for k in _FORMATS}))
        raise InputError(path, f"unknown RDF file type {path.suffix!r} (use one of {known})")
    return fmt


def _line_of(exc: BaseException) -> int | None:
    lines = getattr(exc, "lines", None)  # rdflib's notation3 BadSyntax: 0-based line
    if isinstance(lines, int):
        return lines + 1
    for pattern in _LINE_PATTERNS:
        match = pattern.search(str(exc))
        if match:
            return int(match.group(1))
    return None


def _reason_of(exc: BaseException) -> str:
    why = getattr(exc, "_why", None)  # BadSyntax keeps the short reason here
    text = str(why) if why else str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _first_bad_line(path: Path, fmt: str) -> int | None:
    """N-Triples and N-Quads errors carry no line number: find it by parsing line by line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, text in enumerate(lines, start=1):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        try:
            Dataset().parse(data=text + "\n", format=fmt)
        except Exception:
            return number
    return None


def parse_into(graph: Graph, path: Path) -> Graph:
    """Parse one RDF file into ``graph``; any failure becomes an InputError naming file and line."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, not an RDF file")
    fmt = _format_for(path)
    if fmt == SSSOM:  # a table of mappings: the RDF it stands for, read as the engine reads it
        graph.parse(data=sssom_ntriples(path), format="nt")
        return graph
    _refuse_network(path, fmt)
    if fmt == "xml":
        refuse_entities(path, fmt, path.read_bytes())
    try:
        if fmt in _DATASET_FORMATS:
            # Named graphs would be dropped by Graph.parse: merge every graph of the dataset.
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many types; all mean "this file is bad"
        line = _line_of(exc)
        if line is None and fmt in _LINE_FORMATS:
            line = _first_bad_line(path, fmt)
        raise InputError(path, f"cannot parse as {fmt}: {_reason_of(exc)}", line) from exc
    return graph


def load_graph(extra: Iterable[Path | str] = (), *, shipped: bool = True) -> Graph:
    """The shipped ontology and data (unless ``shipped=False``) plus any extra RDF files."""
    graph = Graph()
    bind_prefixes(graph)
    files = [*(shipped_graph_files() if shipped else []), *(Path(p) for p in extra)]
    for path in files:
        parse_into(graph, path)
    return graph
