"""The shipped ontology and data, as one ontology, are in OWL 2 DL as OWLAPI's ``OWL2DLProfile``
decides it (every entity declared, no illegal punning, only simple properties in cardinality
restrictions, ...); so is the shipped graph with each example extension. The shapes are SHACL,
not OWL, and stay out.

OWLAPI ships inside the HermiT jar of owlready2 (``tests/test_hermit.py`` runs HermiT from it);
``tests/java/Owl2DlProfile.java`` calls it, run by ``java`` as a single source file. Each
document is the merged graph written as RDF/XML, so that OWLAPI's parser sees every declaration
at once; all of them are checked in one Java run (starting the JVM and loading OWLAPI is most of
its few seconds).

The bad fixtures show the check has teeth: each must be reported, naming the entity at fault.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT, TESTS, require_module, require_tool, skip_or_fail
from rdflib import OWL, RDF, Graph, Namespace
from rdflib.namespace import SKOS

from ppo_graph.backends.reference.load import load_graph

CHECKER = TESTS / "java" / "Owl2DlProfile.java"
EXAMPLES = sorted((ROOT / "examples").glob("*.ttl"))
DOCUMENTS = ["shipped", *(f"examples/{p.name}" for p in EXAMPLES)]
PPO = Namespace("https://w3id.org/ppo-graph/ontology#")
PREFIXES = """
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ppo:  <https://w3id.org/ppo-graph/ontology#> .
@prefix ppod: <https://w3id.org/ppo-graph/id/> .
@prefix ex:   <https://example.org/> .
"""


def _concept_scheme_undeclared(graph: Graph) -> None:
    """The ontology before the fix: themes.ttl types ppod:DutyThemes as skos:ConceptScheme,
    which nothing declared."""
    graph.remove((SKOS.ConceptScheme, RDF.type, OWL.Class))


def _adding(turtle: str) -> Callable[[Graph], None]:
    def spoil(graph: Graph) -> None:
        graph.parse(data=PREFIXES + turtle, format="turtle")

    return spoil


#: Bad fixture -> (what it does to the shipped graph, OWLAPI's kind of violation, the entity).
BAD: dict[str, tuple[Callable[[Graph], None], str, str]] = {
    "concept-scheme-undeclared": (
        _concept_scheme_undeclared,
        "UseOfUndeclaredClass",
        str(SKOS.ConceptScheme),
    ),
    # An extension giving a role a duty as text: ppo:hasDuty is an object property.
    "object-property-with-a-literal": (
        _adding('ppod:CapacityManagementProcessOwner ppo:hasDuty "a duty as text" .'),
        "IllegalPunning",
        str(PPO.hasDuty),
    ),
    # Roles carrying at least three duties: ppo:carriesDuty is defined by a property chain, so
    # it is not simple, and OWL 2 DL allows no cardinality restriction on it.
    "cardinality-on-a-chained-property": (
        _adding(
            "ex:BusyRole a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; "
            'owl:onProperty ppo:carriesDuty ; owl:minCardinality "3"^^xsd:nonNegativeInteger ] .'
        ),
        "UseOfNonSimplePropertyInCardinalityRestriction",
        str(PPO.carriesDuty),
    ),
}


@dataclass
class Report:
    axioms: int = 0
    violations: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)


def _require_source_launcher(java: str) -> None:
    """``java File.java`` needs Java 11 or newer with the jdk.compiler module; Debian's
    default-jre-headless has it, some other runtimes leave it out."""
    listed = subprocess.run([java, "--list-modules"], capture_output=True, text=True, check=False)
    if "jdk.compiler@" not in listed.stdout:
        skip_or_fail(
            "needs a Java 11+ runtime with the jdk.compiler module (to run "
            f"{CHECKER.name} as a source file): install it with `apt-get install "
            "default-jdk-headless`"
        )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """OWLAPI's report on every document: the shipped graph, each example on top of it, and
    each bad fixture."""
    java = require_tool("java", "apt-get install default-jre-headless")
    _require_source_launcher(java)
    jar = Path(require_module("owlready2").__file__).parent / "hermit" / "HermiT.jar"
    shipped = load_graph()
    documents = {"shipped": shipped}
    documents |= {f"examples/{p.name}": load_graph([p]) for p in EXAMPLES}
    for name, (spoil, _, _) in BAD.items():
        graph = Graph()
        for triple in shipped:
            graph.add(triple)
        spoil(graph)
        documents[name] = graph
    folder = tmp_path_factory.mktemp("owl-profile")
    names: dict[str, str] = {}
    for number, (name, graph) in enumerate(documents.items()):
        path = folder / f"{number}.owl"
        graph.serialize(path, format="xml")
        names[str(path)] = name
    run = subprocess.run(
        # C1 only: for a run this short, half the CPU time of the default tiered compilation
        [java, "-XX:TieredStopAtLevel=1", "-cp", str(jar), str(CHECKER), *names],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, f"the OWLAPI check failed:\n{run.stderr[-3000:]}"
    found: dict[str, Report] = {}
    for line in run.stdout.splitlines():
        path, kind, text = line.split("\t", 2)
        report = found.setdefault(names[path], Report())
        if kind == "axioms":
            report.axioms = int(text)
        else:
            report.violations.append((kind, text))
    assert set(found) == set(documents), "OWLAPI did not report on every document"
    return found


def test_the_examples_are_collected() -> None:
    assert len(EXAMPLES) >= 1


@pytest.mark.parametrize("name", DOCUMENTS)
def test_in_owl2_dl(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    assert report.axioms > 1000, "OWLAPI read far fewer axioms than the graph holds"
    assert report.violations == []


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_dl_violation_is_reported_naming_the_entity(
    reports: dict[str, Report], name: str
) -> None:
    _, kind, entity = BAD[name]
    violations = reports[name].violations
    assert any(k == kind and f"<{entity}>" in text for k, text in violations), violations
