"""Every canned query gives the same rows on a second SPARQL engine, pyoxigraph, loaded with the
same reasoned graph: the catalogue is standard SPARQL 1.1, not rdflib's dialect.

rdflib gets the parameters through ``initBindings``. pyoxigraph's ``substitutions`` argument
(SEP-0007) only accepts variables that the query projects, and the parameters are not projected,
so pyoxigraph gets them as a one-row ``VALUES`` block at the start of the top-level WHERE clause,
written from pyoxigraph's own term objects (N-Triples syntax, so a value cannot escape its term).
The check queries are compared on their bad fixtures as well, where they do return rows.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import require_module
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from ppo_graph.load import load_graph
from ppo_graph.paths import ontology_dir
from ppo_graph.query import QuerySpec, bind_params, default_catalogue, run_query
from ppo_graph.reason import Reasoned, reason

ox = require_module("pyoxigraph")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
CATALOGUE = default_catalogue()
WHERE = re.compile(r"(?m)^WHERE\s*\{")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Parameter values beyond the defaults, so each parameter is exercised more than once.
EXTRA_CASES: list[tuple[str, dict[str, str]]] = [
    ("role-duties", {"role": "ppod:ProcessPractitioner"}),
    ("role-duties", {"role": "Demand Management Process Owner"}),
    ("role-duties", {"role": "ppod:ProcessManager"}),
    ("artefact-mentions", {"artefact": "AMIS"}),
    ("artefact-mentions", {"artefact": "BIA"}),
    ("artefact-mentions", {"artefact": "CSI register"}),
    ("artefact-mentions", {"artefact": "ppod:SecurityControls"}),
    ("process-interfaces", {"process": "ITSCM"}),
    ("process-interfaces", {"process": "ppod:ServiceLevelManagement"}),
    ("working-with-process", {"process": "ppod:ChangeManagement"}),
    ("working-with-process", {"process": "ppod:CapacityManagement"}),
    ("theme-duties", {"theme": "testing"}),
    ("theme-duties", {"theme": "ppod:theme-cost"}),
    ("duty-search", {"phrase": "patters"}),
    ("duty-search", {"phrase": "organization’s"}),
    ("duty-search", {"phrase": '"} ; DROP ALL ; { "'}),
    ("duty-search", {"phrase": "\\u0022 \\ '"}),
]
CASES: list[tuple[str, dict[str, str]]] = [(spec.name, {}) for spec in CATALOGUE] + EXTRA_CASES


def _case_id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return name + "".join(f"[{k}={v}]" for k, v in params.items())


@pytest.fixture(scope="module")
def union(_shipped_reasoned: Reasoned) -> Graph:
    return _shipped_reasoned.union()


def oxigraph_store(graph: Graph) -> Any:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def store(union: Graph) -> Any:
    return oxigraph_store(union)


def to_oxigraph(term: Identifier) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    raise TypeError(f"cannot pass {term!r} to oxigraph")


def rdflib_key(term: Node | None) -> tuple[str, ...] | None:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    assert isinstance(term, Literal)
    if term.language:
        return ("literal", str(term), "@" + term.language.lower())
    return ("literal", str(term), str(term.datatype or XSD_STRING))


def oxigraph_key(term: Any) -> tuple[str, ...] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if term.language:
        return ("literal", term.value, "@" + term.language.lower())
    return ("literal", term.value, term.datatype.value)


def run_on_oxigraph(store: Any, spec: QuerySpec, bindings: dict[str, Identifier]) -> list[Any]:
    text = spec.text
    if bindings:
        assert len(WHERE.findall(text)) == 1, f"{spec.name}: one top-level WHERE at a line start"
        names = " ".join(f"?{name}" for name in bindings)
        values = " ".join(str(to_oxigraph(term)) for term in bindings.values())
        block = f"\n  VALUES ({names}) {{ ({values}) }}\n"
        text = WHERE.sub(lambda match: match.group(0) + block, text, count=1)
    solutions = store.query(text)
    assert [v.value for v in solutions.variables] == list(spec.columns)
    return [tuple(oxigraph_key(solution[c]) for c in spec.columns) for solution in solutions]


def compare(graph: Graph, store: Any, spec: QuerySpec, params: dict[str, str]) -> int:
    bindings = bind_params(graph, spec, params)
    ours = Counter(
        tuple(rdflib_key(row[c]) for c in spec.columns) for row in run_query(graph, spec, params)
    )
    theirs = Counter(run_on_oxigraph(store, spec, bindings))
    assert ours - theirs == Counter(), "rows only rdflib returns"
    assert theirs - ours == Counter(), "rows only oxigraph returns"
    return sum(ours.values())


def test_every_canned_query_is_compared() -> None:
    assert {name for name, _ in CASES} == set(CATALOGUE.names())
    assert len(CASES) == len(CATALOGUE) + len(EXTRA_CASES) >= 46


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_same_rows_on_oxigraph(union: Graph, store: Any, case: tuple[str, dict[str, str]]) -> None:
    name, params = case
    spec = CATALOGUE.get(name)
    count = compare(union, store, spec, params)
    if spec.kind == "question" and not name.startswith("duty-search"):
        assert count > 0, "a question with no answer compares nothing"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_checks_flag_the_same_rows_on_oxigraph(fixture: Path) -> None:
    tbox = [p for p in sorted(ontology_dir().glob("*.ttl")) if p.name != "shapes.ttl"]
    graph = load_graph([*tbox, fixture], shipped=False)
    if "# reason: no" not in fixture.read_text(encoding="utf-8"):
        graph = reason(graph).union()
    assert compare(graph, oxigraph_store(graph), CATALOGUE.get(fixture.stem), {}) > 0
