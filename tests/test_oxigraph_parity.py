"""Every canned query gives the same rows on the engine (pyoxigraph) as on rdflib, the reference,
loaded with the same reasoned graph: the catalogue is standard SPARQL 1.1, not rdflib's dialect,
and the engine's parameter binding gives rdflib's answers.

rdflib gets the parameters through ``initBindings``. pyoxigraph's ``substitutions`` argument
(SEP-0007) only accepts variables that the query projects, and the parameters are not projected,
so the engine (``ppo_graph.backends.fast.sparql.with_values``) gives them as a one-row ``VALUES`` block at the
start of the top-level WHERE clause, written from pyoxigraph's own term objects (N-Triples
syntax, so a value cannot escape its term). The check queries are compared on their bad fixtures
as well, where they do return rows.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import fast_reasoned, require_module
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.query import QuerySpec, default_catalogue, prepared, run_query
from ppo_graph.backends.reference.reason import Reasoned
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.paths import ontology_dir

ox = require_module("pyoxigraph")

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
CATALOGUE = default_catalogue()
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
    (
        "role-comparison",
        {
            "a": "ppod:ITServiceContinuityManagementProcessManager",
            "b": "IT Service Continuity Management Process Owner",
        },
    ),
    ("role-comparison", {"a": "Capacity Management Process Owner", "b": "ppod:ProcessOwner"}),
    ("process-duties", {"process": "ITSCM"}),
    ("process-duties", {"process": "Demand Management"}),
    ("duty-words", {"words": "  PLANS   Capacity "}),
    ("duty-words", {"words": "patterns analyses"}),
    ("duty-words", {"words": "(KPIs) \\ indicators"}),
    ("duty-search", {"phrase": "patters"}),
    ("duty-search", {"phrase": "organization’s"}),
    ("duty-search", {"phrase": '"} ; DROP ALL ; { "'}),
    ("duty-search", {"phrase": "\\u0022 \\ '"}),
    ("itil4-practices-of-role", {"role": "ISM Owner"}),
    ("iso20000-clause-evidence", {"clause": "8.7"}),
    ("iso20000-clause-evidence", {"clause": "Capacity management"}),
    ("crosswalk-mappings", {"scheme": "iso20000:scheme"}),
    ("crosswalk-mappings", {"scheme": "cobit2019:scheme"}),
    ("role-page-mappings", {"role": "ppod:ProcessOwner"}),
    ("crosswalk-terms", {"scheme": "iso20000:scheme"}),
]
CASES: list[tuple[str, dict[str, str]]] = [(spec.name, {}) for spec in CATALOGUE] + EXTRA_CASES


def _case_id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return name + "".join(f"[{k}={v}]" for k, v in params.items())


@pytest.fixture(scope="module")
def union(_shipped_reasoned: Reasoned) -> Graph:
    return _shipped_reasoned.union()


@pytest.fixture(scope="module")
def engine(union: Graph) -> KnowledgeGraph:
    return KnowledgeGraph.from_rdflib(union)


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


def compare(graph: Graph, engine: KnowledgeGraph, spec: QuerySpec, params: dict[str, str]) -> int:
    reference = [
        tuple(rdflib_key(row[c]) for c in spec.columns) for row in run_query(graph, spec, params)
    ]
    rows = engine.rows(spec, params)
    ours = [tuple(oxigraph_key(row[c]) for c in spec.columns) for row in rows]
    assert Counter(reference) - Counter(ours) == Counter(), "rows only rdflib returns"
    assert Counter(ours) - Counter(reference) == Counter(), "rows only the engine returns"
    if re.search(r"(?m)^ORDER BY", spec.text) and not any("bnode" in str(r) for r in ours):
        assert ours == reference, "the same order where the query orders its rows"
    return len(reference)


#: Questions about an organisation: no rows on the shipped graph alone (tests/test_org.py compares
#: them on the example organisation); and about a self-assessment (tests/test_assess.py compares
#: them on the example organisation with two assessments).
ORG_QUESTIONS = ("artefact-accountable", "team-duties", "services-without-role")
ASSESSMENT_QUESTIONS = ("assessment-risks", "assessment-responsible", "assessment-diff")


def test_every_canned_query_is_compared() -> None:
    assert {name for name, _ in CASES} == set(CATALOGUE.names())
    assert len(CASES) == len(CATALOGUE) + len(EXTRA_CASES) >= 60
    reports = CATALOGUE.names("report")
    # + name-index (issue 23); + crosswalk-mappings, crosswalk-terms, role-page-mappings (issue 21);
    # the quiz's and the assessment's reports (issue 22) counted apart
    assert len([n for n in reports if not n.startswith(("quiz-", "assess-"))]) == 40
    assert len([n for n in reports if n.startswith("quiz-")]) == 5


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_same_rows_on_oxigraph(
    union: Graph, engine: KnowledgeGraph, case: tuple[str, dict[str, str]]
) -> None:
    name, params = case
    spec = CATALOGUE.get(name)
    assert prepared(spec).algebra.name == "SelectQuery"  # every query file, parsed by rdflib
    count = compare(union, engine, spec, params)
    # the org-* reports read an organisation, which the shipped graph has not: tests/test_org.py
    # compares them on the example organisation
    if (
        spec.kind in ("question", "report")
        and not name.startswith(("duty-search", "org-"))
        and name not in ORG_QUESTIONS + ASSESSMENT_QUESTIONS
    ):
        assert count > 0, "a question or report with no answer compares nothing"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_checks_flag_the_same_rows_on_oxigraph(fixture: Path) -> None:
    tbox = [p for p in sorted(ontology_dir().glob("*.ttl")) if p.name != "shapes.ttl"]
    graph = load_graph([*tbox, fixture], shipped=False)
    if "# reason: no" not in fixture.read_text(encoding="utf-8"):
        graph = fast_reasoned(graph).union()
    engine = KnowledgeGraph.from_rdflib(graph)
    assert compare(graph, engine, CATALOGUE.get(fixture.stem), {}) > 0


def test_parity_catches_an_engine_that_drops_the_parameters(
    union: Graph, engine: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mutation: an engine that ignored the parameters would fail the comparison."""
    from ppo_graph.backends.fast import sparql

    monkeypatch.setattr(sparql, "with_values", lambda text, bindings, where="": text)
    with pytest.raises(AssertionError, match="rows only the engine returns"):
        compare(union, engine, CATALOGUE.get("role-duties"), {"role": "ppod:ProcessPractitioner"})
