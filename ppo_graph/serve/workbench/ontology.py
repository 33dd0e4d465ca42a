"""The ontology's documentation, in the style of pyLODE: the ontology's metadata, then one section
per class and per property with its label, IRI, definition, super-classes or super-properties,
domain, range, inverse and disjoint classes, and how the loaded graph uses it (count and an
example). The terms and their links are read from ``ontology/ppo.ttl`` as written
(``queries/reports/ontology-terms.rq`` and ``ontology-links.rq`` on that file alone), the usage
from the loaded graph (``ontology-usage.rq``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ppo_graph.namespaces import compact, local_name
from ppo_graph.paths import ontology_dir
from ppo_graph.serve.workbench.markup import Child, Markup, h, page
from ppo_graph.tables import parts

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: The order of the sections and of the links inside one.
KINDS = ("class", "object property", "datatype property")
RELATIONS = ("super-class", "super-property", "domain", "range", "inverse of", "disjoint with")


@dataclass
class Term:
    iri: str
    kind: str
    label: str
    definition: str
    comment: str
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    uses: int = 0
    example: str = ""

    @property
    def anchor(self) -> str:
        return local_name(self.iri)


def _text(term: Any) -> str:
    return "" if term is None else parts(term)[1]


def ontology_terms(graph: Graph) -> list[Term]:
    """Every class and property ``ontology/ppo.ttl`` defines, with its links and usage."""
    import pyoxigraph as ox

    from ppo_graph.backends.fast.parse import triples
    from ppo_graph.backends.fast.sparql import run_spec
    from ppo_graph.catalogue import default_catalogue

    store = ox.Store()
    store.extend(ox.Quad(s, p, o) for s, p, o in triples(ontology_dir() / "ppo.ttl"))
    catalogue = default_catalogue()
    terms: dict[str, Term] = {}
    for row in run_spec(store, catalogue.get("ontology-terms"), {}):
        iri = _text(row["term"])
        terms.setdefault(
            iri,
            Term(
                iri,
                _text(row["kind"]),
                _text(row["label"]),
                _text(row["definition"]),
                _text(row["comment"]),
            ),
        )
    for row in run_spec(store, catalogue.get("ontology-links"), {}):
        term = terms.get(_text(row["term"]))
        if term is not None:
            value = _text(row["value"])
            term.links.setdefault(_text(row["relation"]), []).append(
                (value, _text(row["valueLabel"]))
            )
    for row in graph.rows("ontology-usage"):
        term = terms.get(_text(row["term"]))
        if term is not None:
            term.uses = int(_text(row["uses"]) or 0)
            term.example = _text(row["example"])
    return sorted(terms.values(), key=lambda t: (KINDS.index(t.kind), t.label.lower(), t.iri))


def ontology_page(terms: list[Term]) -> str:
    known = {t.iri for t in terms}
    body: list[Child] = [
        h("h1", None, "The PPO roles ontology"),
        h(
            "p",
            {"class": "hint"},
            "Generated from ontology/ppo.ttl: every class and property the ontology defines, "
            "with the links the file asserts; usage counts are from the loaded, reasoned graph.",
        ),
        h(
            "nav",
            {"class": "toc"},
            [_toc(kind, [t for t in terms if t.kind == kind]) for kind in KINDS],
        ),
    ]
    for kind in KINDS:
        body.append(
            h(
                "h2",
                None,
                f"{kind[0].upper()}{kind[1:]}es"
                if kind == "class"
                else f"{kind[0].upper()}{kind[1:]}s",
            )
        )
        body += [_section(t, known) for t in terms if t.kind == kind]
    return page("Ontology", body, active="/ontology")


def _toc(kind: str, terms: list[Term]) -> Markup:
    return h(
        "div",
        None,
        h("h3", None, kind),
        h(
            "ul",
            None,
            [h("li", None, h("a", {"href": f"#{t.anchor}"}, t.label or t.anchor)) for t in terms],
        ),
    )


def _section(term: Term, known: set[str]) -> Markup:
    rows: list[Child] = [
        h("tr", None, h("th", None, "IRI"), h("td", {"class": "iri"}, term.iri)),
        h("tr", None, h("th", None, "Definition"), h("td", None, term.definition or "(none)")),
    ]
    if term.comment:
        rows.append(h("tr", None, h("th", None, "Comment"), h("td", None, term.comment)))
    for relation in RELATIONS:
        values = term.links.get(relation, [])
        if values:
            rows.append(
                h(
                    "tr",
                    None,
                    h("th", None, relation),
                    h("td", None, [[_link(iri, label, known), " "] for iri, label in values]),
                )
            )
    usage = f"{term.uses} {'instance' if term.kind == 'class' else 'subject'}{'' if term.uses == 1 else 's'}"
    rows.append(
        h(
            "tr",
            None,
            h("th", None, "In the loaded graph"),
            h("td", None, usage, f", for example {compact(term.example)}" if term.example else ""),
        )
    )
    return h(
        "section",
        {"class": "term", "id": term.anchor},
        h("h3", None, term.label or term.anchor, " ", h("span", {"class": "kind"}, term.kind)),
        h("table", {"class": "term"}, rows),
    )


def _link(iri: str, label: str, known: set[str]) -> Markup:
    text = label or compact(iri)
    if iri in known:
        return h("a", {"href": f"#{local_name(iri)}", "title": compact(iri)}, text)
    return h("span", {"title": iri}, text)
