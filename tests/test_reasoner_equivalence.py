"""The fast reasoner gives owlrl's answer: the same inferred triples and the same inconsistency
messages, on the shipped graph and on every fixture the suite has; a reasoner that dropped one
rule would fail here (the mutation tests show it); and input the fast rules do not cover is
refused, so the engine answers it with owlrl instead.

owlrl runs once per distinct input in the whole session (the conftest memo), on the same inputs
that tests/test_shapes.py and tests/test_oxigraph_parity.py reason, so this costs little extra.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph

from ppo_graph.backends.fast import reasoner
from ppo_graph.backends.fast.reasoner import coding, schema
from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.reason import Reasoned, rdflib_terms, reason
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.paths import ontology_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TBOX = [p for p in sorted(ontology_dir().glob("*.ttl")) if p.name != "shapes.ttl"]
#: Every fixture, each reasoned together with the ontology (as the shape and check tests do).
FIXTURE_FILES = sorted(
    p for p in FIXTURES.rglob("*") if p.suffix in (".ttl", ".trig") and "shacl_fast" not in p.parts
)
CLASHES = {
    "disjoint-roles.ttl": """
@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ex: <https://example.org/> .
ex:both a ppo:Role , ppo:ExternalRole ; ppo:specialises ex:x .
""",
    "nothing.ttl": """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <https://example.org/> .
ex:void a owl:Nothing .
""",
    "ill-typed.ttl": """
@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:d a ppo:Duty ; ppo:position "seven"^^xsd:integer ; ppo:issued "2024-13-45"^^xsd:date ;
  ppo:flag "maybe"^^xsd:boolean ; ppo:ratio "1e5"^^xsd:decimal .
""",
    # owlrl types an individual owl:Thing only when it is asserted, of a declared class or of one
    # reaching owl:Thing: ex:odd's class is neither, so only ex:even clashes with owl:Thing
    "thing.ttl": """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <https://example.org/> .
ex:Odd owl:disjointWith owl:Thing .
ex:odd a ex:Odd .
ex:Even a owl:Class ; owl:disjointWith owl:Thing .
ex:even a ex:Even .
""",
    "schema.ttl": """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ex: <https://example.org/> .
ex:Lead a owl:Class ; rdfs:subClassOf ppo:Role ; owl:equivalentClass ex:Head .
ex:Head rdfs:subClassOf ex:Lead .
ex:leads a owl:ObjectProperty ; rdfs:subPropertyOf ppo:managesProcess ; owl:inverseOf ex:ledBy ;
  rdfs:domain ex:Lead .
ex:peer a owl:ObjectProperty , owl:SymmetricProperty , owl:TransitiveProperty .
ex:sameAsManager owl:equivalentProperty ppo:managesProcess .
ex:grand owl:propertyChainAxiom ( ppo:specialises ppo:specialises ppo:hasDuty ) .
ex:ann a ex:Head ; ex:leads ppo:CapacityManagement ; ex:peer ex:bob .
ex:bob ex:peer ex:cyd .
""",
}


def _key(triple: tuple[object, ...]) -> tuple[str, ...]:
    return tuple("_:" if isinstance(x, BNode) else x.n3() for x in triple)  # type: ignore[attr-defined]


def compare(graph: Graph, ref: Reasoned) -> Counter[str]:
    """Assert the fast closure equals owlrl's; the inferred triples per predicate."""
    fast = reasoner.reason(graph, rdflib_terms())
    ours = Counter(_key(t) for t in fast.inferred)
    theirs = Counter(_key(t) for t in ref.inferred)
    missing = theirs - ours
    extra = ours - theirs
    assert not missing, f"owlrl infers, the fast reasoner does not: {sorted(missing)[:5]}"
    assert not extra, f"the fast reasoner infers, owlrl does not: {sorted(extra)[:5]}"
    assert sorted(fast.inconsistencies) == sorted(ref.inconsistencies)
    return Counter(str(p) for _, p, _ in ref.inferred)


def test_shipped_graph_same_closure(_shipped_owlrl: Reasoned) -> None:
    per_predicate = compare(_shipped_owlrl.asserted, _shipped_owlrl)
    # every entailment kind the queries, shapes and views use is exercised here
    used = {
        "https://w3id.org/ppo-graph/ontology#carriesDuty",  # property chain
        "https://w3id.org/ppo-graph/ontology#hasDuty",  # inverse
        "https://w3id.org/ppo-graph/ontology#mentions",  # sub-property
        "https://w3id.org/ppo-graph/ontology#hasProcessOwner",  # inverse
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",  # domain/range, subclass
        "http://www.w3.org/2000/01/rdf-schema#subClassOf",  # schema closure
        "http://www.w3.org/2000/01/rdf-schema#domain",
    }
    assert used <= set(per_predicate)


#: Every fixture and every clash above in one owlrl run: owlrl's cost is mostly the ontology, which
#: each input repeats, so one run over all of them together covers the same triples for a fraction
#: of the time. OWL RL is monotonic: whatever one input entails, inconsistencies included, the
#: batch entails too, and a cross-input inference only adds to what is compared.
@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, Reasoned]:
    folder = tmp_path_factory.mktemp("clashes")
    for name, text in CLASHES.items():
        (folder / name).write_text(text, encoding="utf-8")
    clashes = [folder / name for name in sorted(CLASHES)]
    graph = load_graph([*TBOX, *FIXTURE_FILES, *clashes], shipped=False)
    return graph, reason(graph)


def test_the_batch_holds_every_fixture() -> None:
    assert len(FIXTURE_FILES) >= 40
    assert {"checks", "shapes", "viz"} <= {p.parent.name for p in FIXTURE_FILES}


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")  # the ill-typed clash, on purpose
def test_every_fixture_and_clash_same_closure(batch: tuple[Graph, Reasoned]) -> None:
    compare(*batch)


#: What each clash's own inconsistencies name (the schema input is consistent on its own).
CLASH_SIGNS = {
    "disjoint-roles.ttl": ["https://example.org/both"],
    "nothing.ttl": ["https://example.org/void"],
    "ill-typed.ttl": ["'seven'", "'2024-13-45'"],
    "thing.ttl": ["https://example.org/even"],
}


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")
@pytest.mark.parametrize("name", sorted(CLASH_SIGNS))
def test_each_clash_clashes(batch: tuple[Graph, Reasoned], name: str) -> None:
    """Each clash fixture must clash (and the fast reasoner report it: the comparison above)."""
    _, ref = batch
    assert set(CLASH_SIGNS) == set(CLASHES) - {"schema.ttl"}
    for sign in CLASH_SIGNS[name]:
        assert any(sign in message for message in ref.inconsistencies), sign


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("chain", "property chains (carriesDuty)"),
        ("inverse", "inverse properties (hasDuty)"),
        ("subproperty", "sub-properties (mentions)"),
        ("domain", "domains and ranges (prov:Entity)"),
    ],
)
def test_a_reasoner_missing_one_rule_fails_the_comparison(
    monkeypatch: pytest.MonkeyPatch, _shipped_owlrl: Reasoned, rule: str, why: str
) -> None:
    """Mutation: switch one rule off and the comparison with owlrl must fail."""
    real = schema._closure_of
    if rule == "chain":
        monkeypatch.setattr(coding, "_CHAIN", "urn:nothing")
    elif rule == "inverse":
        monkeypatch.setattr(coding, "_INVERSE", "urn:nothing")
    elif rule == "subproperty":
        calls = iter(range(100))

        def no_property_closure(edges: dict[int, set[int]]) -> dict[int, set[int]]:
            return real(edges) if next(calls) == 0 else {}

        monkeypatch.setattr(schema, "_closure_of", no_property_closure)
    else:
        monkeypatch.setattr(coding, "_DOMAIN", "urn:nothing")
    with pytest.raises(AssertionError):
        compare(_shipped_owlrl.asserted, _shipped_owlrl)


@pytest.mark.parametrize(
    "axiom",
    [
        "ex:p a owl:FunctionalProperty .",
        "ex:a owl:sameAs ex:b .",
        "ex:C owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:D ] .",
        "ex:C owl:unionOf ( ex:D ex:E ) .",
        'ex:x ex:p "2024-01-01T00:00:00"^^xsd:dateTime .',
        "ex:p rdfs:subPropertyOf rdf:type .",
    ],
)
def test_uncovered_input_is_refused_and_the_engine_uses_owlrl(tmp_path: Path, axiom: str) -> None:
    path = tmp_path / "uncovered.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix ex: <https://example.org/> .\n" + axiom + "\n",
        encoding="utf-8",
    )
    graph = load_graph([*TBOX, path], shipped=False)
    with pytest.raises(reasoner.Unsupported):
        reasoner.reason(graph, rdflib_terms())
    if "FunctionalProperty" not in axiom and "sameAs" not in axiom:
        return  # the engine's fallback is shown on two of them (owlrl is slow)
    kg = KnowledgeGraph.open([*TBOX, path], shipped=False, cache=False)
    assert kg.reasoner == "owlrl" and kg.fallback
    ref = reason(graph)
    assert kg.inferred_count == len(ref.inferred)
    assert kg.inconsistencies == sorted(ref.inconsistencies)


def test_engine_parse_equals_rdflib_parse(_shipped_owlrl: Reasoned) -> None:
    """The engine reads the shipped files with pyoxigraph; rdflib (the reference) reads the same
    triples, and the engine's inferred graph is owlrl's."""
    kg = KnowledgeGraph.open(cache=False)
    assert kg.reasoner == "fast"
    assert kg.rdflib_graph("asserted").isomorphic(_shipped_owlrl.asserted)
    assert {_key(t) for t in kg.rdflib_graph("inferred")} == {
        _key(t) for t in _shipped_owlrl.inferred
    }
