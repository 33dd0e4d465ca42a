"""The ontology's metadata and the editorial links of the data (themes, mentions, interfaces)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from ppo_graph.backends.reference.namespaces import ONTOLOGY_IRI, PPO, PPOD

PREFIX = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX ppod: <https://w3id.org/ppo-graph/id/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def test_ontology_metadata(asserted_graph: Graph) -> None:
    onto = URIRef(ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in asserted_graph
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.creator,
        OWL.versionIRI,
    ):
        assert asserted_graph.value(onto, prop) is not None, prop


def test_theme_tags_are_supported_by_the_text(asserted_graph: Graph) -> None:
    """A duty has a theme exactly when its text contains one of the theme's hidden labels."""
    triggers: dict[str, list[str]] = {}
    for theme in asserted_graph.subjects(SKOS.inScheme, PPOD.DutyThemes):
        triggers[str(theme)] = [
            str(w).lower() for w in asserted_graph.objects(theme, SKOS.hiddenLabel)
        ]
    assert len(triggers) == 11 and all(triggers.values())
    for duty in asserted_graph.subjects(RDF.type, PPO.Duty):
        text = str(asserted_graph.value(duty, PPO.verbatimText)).lower()
        tagged = {str(t) for t in asserted_graph.objects(duty, PPO.hasTheme)}
        supported = {t for t, words in triggers.items() if any(w in text for w in words)}
        assert tagged == supported, duty


def test_hand_checked_mentions(asserted_graph: Graph) -> None:
    expected = [
        (
            "duty-7.10-01",
            PPO.produces,
            "BusinessImpactAnalysis",
        ),  # "Performing Business Impact Analyses"
        ("duty-7.12-05", PPO.contributesTo, "BusinessImpactAnalysis"),  # "Assisting with BIAs"
        ("duty-7.8-09", PPO.maintains, "AMIS"),  # "Creating, maintaining ... an AMIS"
        ("duty-7.9-11", PPO.maintains, "AMIS"),  # "availability management information system"
        ("duty-7.6-06", PPO.produces, "CapacityPlan"),  # "Production ... of the Capacity Plan"
        ("duty-7.4-07", PPO.contributesTo, "CSIRegister"),  # "for inclusion in the CSI register"
        ("duty-7.8-17", PPO.mentionsParty, "ChangeAdvisoryBoard"),  # "Attending CAB meetings"
        ("duty-7.12-10", PPO.mentionsProcess, "ProblemManagement"),
        ("duty-7.6-02", PPO.mentionsRole, "ServiceLevelManager"),
        ("duty-7.14-04", PPO.produces, "PatternsOfBusinessActivity"),  # despite "patters"
        ("duty-7.11-02", PPO.mentionsProcess, "BusinessContinuityManagement"),
    ]
    for duty, prop, thing in expected:
        assert (PPOD[duty], prop, PPOD[thing]) in asserted_graph, (duty, prop, thing)
    # "ITSCM plans" names the plans, not the process
    assert (
        PPOD["duty-7.10-03"],
        PPO.mentionsProcess,
        PPOD.ITServiceContinuityManagement,
    ) not in asserted_graph


def test_every_artefact_relation_also_states_the_mention(asserted_graph: Graph) -> None:
    rows = asserted_graph.query(
        PREFIX
        + """SELECT ?d ?a WHERE {
            VALUES ?how { ppo:produces ppo:maintains ppo:reviews ppo:uses ppo:contributesTo }
            ?d ?how ?a FILTER NOT EXISTS { ?d ppo:mentionsArtefact ?a } }"""
    )
    assert list(rows) == []


def test_interface_evidence_is_a_duty_of_the_from_process(reasoned_union: Graph) -> None:
    rows = list(
        reasoned_union.query(
            PREFIX
            + """SELECT ?i ?d WHERE {
                ?i a ppo:Interface ; ppo:fromProcess ?p ; ppo:evidencedBy ?d .
                ?d ppo:isDutyOf ?role .
                FILTER NOT EXISTS { ?role ppo:actsInProcess ?p } }"""
        )
    )
    assert rows == []
    count = len(set(reasoned_union.subjects(RDF.type, PPO.Interface)))
    stated = len(set(reasoned_union.subjects(PPO.stated, Literal(True))))
    assert count > 40 and stated >= 17  # at least the 4 + 4 + 5 + 4 "Coordinating" targets


def test_named_interfaces(asserted_graph: Graph) -> None:
    def joined(a: str, b: str) -> set[str]:
        rows = asserted_graph.query(
            PREFIX + "SELECT ?t WHERE { ?i ppo:fromProcess ?a ; ppo:toProcess ?b ; a ?t }",
            initBindings={"a": PPOD[a], "b": PPOD[b]},
        )
        return {str(r[0]).rsplit("#", 1)[-1] for r in rows}  # type: ignore[index]

    assert {"CoordinationInterface", "ContinuityInterface"} <= joined(
        "ITServiceContinuityManagement", "BusinessContinuityManagement"
    )
    assert "IncidentProblemInterface" in joined(
        "InformationSecurityManagement", "ProblemManagement"
    )
    assert "ChangeAssessmentInterface" in joined("CapacityManagement", "ChangeManagement")


def test_stated_interfaces_name_their_partner(reasoned_union: Graph) -> None:
    """A stated interface has an evidencing duty that mentions the partner process."""
    rows = list(
        reasoned_union.query(
            PREFIX
            + """SELECT ?i WHERE {
                ?i ppo:stated true ; ppo:toProcess ?p .
                FILTER NOT EXISTS { ?i ppo:evidencedBy/ppo:mentionsProcess ?p } }"""
        )
    )
    assert rows == []
