"""``ppo build``: the merged, reasoned graph written out, with the inferred triples kept apart.

Formats with named graphs (trig, nquads, json-ld) put asserted and inferred triples in two
named graphs; Turtle and N-Triples write them as two blocks under comment headers. TriG and
N-Quads are written by pyoxigraph from the engine's store; the other formats, as the reference
backend's rdflib writes them (:mod:`ppo_graph.backends.reference.export`, reached through the
registry), unless the user's literals must be kept as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph.formats import GraphFormat
from ppo_graph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, PREFIXES

if TYPE_CHECKING:
    from ppo_graph.backends.fast.parse import AsWritten
    from ppo_graph.backends.reference.reason import Reasoned
    from ppo_graph.engine import KnowledgeGraph
EXTENSIONS: dict[str, str] = {
    GraphFormat.TURTLE: "ttl",
    GraphFormat.NT: "nt",
    GraphFormat.JSONLD: "jsonld",
    GraphFormat.TRIG: "trig",
    GraphFormat.NQUADS: "nq",
}
_BY_SUFFIX = {ext: fmt for fmt, ext in EXTENSIONS.items()} | {"json": "jsonld", "nquads": "nquads"}


def format_for_suffix(path: Path) -> str:
    """The output format a file name asks for (turtle when the suffix says nothing)."""
    return _BY_SUFFIX.get(path.suffix.lower().lstrip("."), "turtle")


def serialize_store(kg: KnowledgeGraph, fmt: str) -> str | None:
    """TriG and N-Quads straight from the engine's store (its named graphs are the asserted and
    inferred ones): fast, and no rdflib involved. None for the formats rdflib writes, unless the
    store keeps some of the user's literals in another form than the files wrote them
    (``kg.as_written``): then every format is written here, with the literals as written."""
    import pyoxigraph as ox

    as_written = getattr(kg, "as_written", None)
    if as_written:
        return _serialize_as_written(kg, as_written, fmt)
    if fmt == "trig":
        data = kg.store.dump(format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    elif fmt == "nquads":
        data = kg.store.dump(format=ox.RdfFormat.N_QUADS)
    else:
        return None
    return bytes(data or b"").decode("utf-8")


def _serialize_as_written(kg: KnowledgeGraph, as_written: AsWritten, fmt: str) -> str:
    """The asserted and inferred graphs with the user's literals as the files wrote them
    (pyoxigraph's parser and serialisers keep a literal's lexical form; only its store does not)."""
    import pyoxigraph as ox

    graphs = {name: as_written.dump(kg.store, (name,)) for name in (ASSERTED_GRAPH, INFERRED_GRAPH)}
    if fmt in ("trig", "nquads"):
        quads = [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
            for name, data in graphs.items()
            for t in (q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        ]
        if fmt == "trig":
            out = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        else:
            out = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        return bytes(out or b"").decode("utf-8")
    if fmt in ("turtle", "nt"):  # pyoxigraph writes them as written (rdflib writes "01" as "1")
        return _blocks(
            kg,
            {
                name: [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
                for name, data in graphs.items()
            },
            fmt,
        )
    from ppo_graph.backends import reference_backend

    reference = reference_backend()
    reasoned = reference.reasoned(
        reference.graph(graphs[ASSERTED_GRAPH]),
        reference.graph(graphs[INFERRED_GRAPH]),
        kg.inconsistencies,
        kg.reasoner,
    )
    return serialize(reasoned, fmt)  # JSON-LD: rdflib's literals (an integer's "01" is "1")


def _blocks(kg: KnowledgeGraph, graphs: dict[str, list[Any]], fmt: str) -> str:
    """Turtle or N-Triples in :func:`serialize`'s two blocks, written by pyoxigraph."""
    import pyoxigraph as ox

    blocks = []
    for name, title in (
        (ASSERTED_GRAPH, f"Asserted: {len(graphs[ASSERTED_GRAPH])} triples"),
        (
            INFERRED_GRAPH,
            f"Inferred by OWL RL ({kg.reasoner}): {len(graphs[INFERRED_GRAPH])} triples",
        ),
    ):
        if fmt == "turtle":
            data = ox.serialize(graphs[name], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            body = bytes(data or b"").decode("utf-8")
        else:
            data = ox.serialize(graphs[name], format=ox.RdfFormat.N_TRIPLES)
            lines = bytes(data or b"").decode("utf-8").splitlines()
            body = "\n".join(sorted(line for line in lines if line.strip())) + "\n"
        blocks.append(f"# ---- {title} (named graph {name}) ----\n{body}")
    return "\n".join(blocks)


def serialize(reasoned: Reasoned, fmt: str = "turtle") -> str:
    """A reasoned graph in one of ``ppo build``'s formats, as rdflib writes it."""
    from ppo_graph.backends import reference_backend

    return reference_backend().serialize(reasoned, fmt)


def turtle_document(triples: Any, prefixes: dict[str, str], comments: list[str]) -> str:
    """``triples`` (pyoxigraph ``Triple``s) as Turtle by pyoxigraph's serialiser, opened by the
    ``comments`` (``#`` lines) and ``prefixes`` in the order given (the serialiser's own prefix
    lines come in an order of its choosing): the files ``ppo org import`` and ``ppo assess
    score --ttl`` write."""
    import pyoxigraph as ox

    body = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode()
    lines = body.split("\n")
    while lines and lines[0].startswith("@prefix "):
        lines.pop(0)
    header = [
        *(f"# {line}" for line in comments),
        *(f"@prefix {name}: <{iri}> ." for name, iri in prefixes.items()),
        "",
    ]
    return "\n".join(header + lines)
