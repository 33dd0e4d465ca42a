"""Corrections found by reading the text against the graph (issue 9), one test each, on the
reviewed Turtle as shipped (before reasoning, so that only what the files say counts)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS

PPO = Namespace("https://w3id.org/ppo-graph/ontology#")
PPOD = Namespace("https://w3id.org/ppo-graph/id/")
MENTIONS = (PPO.mentionsArtefact, PPO.mentionsProcess, PPO.mentionsParty, PPO.mentionsRole)


def duty(section: str, position: int) -> object:
    return PPOD[f"duty-{section}-{position:02d}"]


def linked(graph: Graph, node: object) -> set[object]:
    return {o for p in MENTIONS for o in graph.objects(node, p)}  # type: ignore[arg-type]


def text(graph: Graph, node: object) -> str:
    return str(graph.value(node, PPO.verbatimText))  # type: ignore[arg-type]


def note(graph: Graph, node: object) -> str:
    return " ".join(str(n) for n in graph.objects(node, SKOS.editorialNote))  # type: ignore[arg-type]


@pytest.mark.parametrize("section, position", [("7.8", 14), ("7.9", 16)])
def test_availability_tests_and_plans_are_not_the_availability_plan(
    asserted_graph: Graph, section: str, position: int
) -> None:
    node = duty(section, position)
    assert "all availability tests and plans are tested" in text(asserted_graph, node)
    assert PPOD.AvailabilityPlan not in linked(asserted_graph, node)
    assert (node, PPO.reviews, PPOD.AvailabilityPlan) not in asserted_graph
    assert PPOD.AvailabilityTestingSchedule in linked(asserted_graph, node)
    assert "not the forward-looking Availability Plan" in note(asserted_graph, node)


def test_itscm_plans_and_the_service_continuity_plan_are_one_artefact(
    asserted_graph: Graph,
) -> None:
    assert not set(asserted_graph.triples((PPOD.ServiceContinuityPlan, None, None)))
    assert not set(asserted_graph.triples((None, None, PPOD.ServiceContinuityPlan)))
    for node in (duty("7.10", 6), duty("7.10", 7), duty("7.11", 8), duty("7.11", 9)):
        assert "service continuity plan" in text(asserted_graph, node).lower()
        assert PPOD.ITSCMPlans in linked(asserted_graph, node)
    names = {
        str(o).lower()
        for p in (SKOS.prefLabel, SKOS.altLabel)
        for o in asserted_graph.objects(PPOD.ITSCMPlans, p)
    }
    assert {"itscm plans", "continuity plans", "service continuity plan"} <= names


@pytest.mark.parametrize(
    "section, position", [("7.10", 10), ("7.10", 16), ("7.11", 8), ("7.11", 9)]
)
def test_the_planning_theme_covers_continuity_plans(
    asserted_graph: Graph, section: str, position: int
) -> None:
    assert (duty(section, position), PPO.hasTheme, PPOD["theme-planning"]) in asserted_graph


def test_the_itscm_procedures_have_a_node(asserted_graph: Graph) -> None:
    node = duty("7.10", 12)
    assert "quality reviews of all procedures" in text(asserted_graph, node)
    assert (node, PPO.reviews, PPOD.ITSCMProcedures) in asserted_graph
    assert (
        PPOD.ITSCMProcedures,
        PPO.ownedByProcess,
        PPOD.ITServiceContinuityManagement,
    ) in asserted_graph


def test_continual_improvement_is_implied_not_stated(asserted_graph: Graph) -> None:
    for node in (duty("7.8", 10), duty("7.9", 12)):
        assert "subject to continual improvement" in text(asserted_graph, node)
        assert (node, PPO.impliedMention, PPOD.ContinualServiceImprovement) in asserted_graph
        assert "names no process" in note(asserted_graph, node)
    interface = PPOD["interface-AVM-CSI-improvement"]
    assert asserted_graph.value(interface, PPO.stated) == Literal(False)
    assert "names the practice" in note(asserted_graph, interface)


@pytest.mark.parametrize("section, position", [("7.12", 4), ("7.13", 6)])
def test_configuration_items_mention_sacm(
    asserted_graph: Graph, section: str, position: int
) -> None:
    node = duty(section, position)
    assert "configuration items" in text(asserted_graph, node).lower()
    assert PPOD.ServiceAssetAndConfigurationManagement in linked(asserted_graph, node)
    interface = PPOD["interface-ISM-SACM-configuration"]
    assert asserted_graph.value(interface, PPO.stated) == Literal(False)


def test_security_incidents_evidence_the_ism_incident_interface(asserted_graph: Graph) -> None:
    interface = PPOD["interface-ISM-INC-incident-problem"]
    evidence = set(asserted_graph.objects(interface, PPO.evidencedBy))
    for node in (duty("7.12", 10), duty("7.13", 12)):
        assert "security incidents" in text(asserted_graph, node)
        assert node in evidence


@pytest.mark.parametrize(
    "interface, reason",
    [
        ("interface-DEM-CAP-demand", "appropriate levels of capacity"),
        ("interface-ISM-ITSCM-continuity", "Assisting with Business Impact Analyses"),
    ],
)
def test_thin_interfaces_say_they_are_implied_and_why(
    asserted_graph: Graph, interface: str, reason: str
) -> None:
    node = PPOD[interface]
    assert asserted_graph.value(node, PPO.stated) == Literal(False)
    assert reason in note(asserted_graph, node)


def test_the_patters_note_points_at_the_bullet_two_further_on(asserted_graph: Graph) -> None:
    assert "patters" in text(asserted_graph, duty("7.14", 4))
    assert "PBA" not in text(asserted_graph, duty("7.14", 5))
    assert "PBA" in text(asserted_graph, duty("7.14", 6))
    assert "two further on" in note(asserted_graph, PPOD["defect-7.14-patters"])


def test_newly_recorded_source_defects(asserted_graph: Graph) -> None:
    def affected(kind: str) -> set[object]:
        return {
            o
            for d in asserted_graph.subjects(RDF.type, PPO[kind])
            for o in asserted_graph.objects(d, PPO.affects)
        }

    stray = duty("7.6", 16)
    assert text(asserted_graph, stray).endswith(".")
    assert asserted_graph.value(stray, PPO.correctedText) == Literal(
        text(asserted_graph, stray)[:-1]
    )
    for node in (duty("7.8", 15), duty("7.9", 17)):
        assert node in affected("ImpreciseName")
        corrected = str(asserted_graph.value(node, PPO.correctedText))
        assert "information security and it service" in corrected.lower()
    pairs = ((4, 16), (12, 17), (13, 20), (8, 19), (10, 22))
    for section, shift in (("7.6", 0), ("7.7", 2)):
        for a, b in pairs:
            assert {duty(section, a + shift), duty(section, b + shift)} <= affected(
                "DuplicateBullet"
            )
    assert affected("MirroredList") == {
        PPOD.CapacityManagementProcessOwner,
        PPOD.AvailabilityManagementProcessOwner,
        PPOD.InformationSecurityManagementProcessOwner,
    }
    assert affected("MissingContent") == {PPOD["section-7.1"]}
    assert affected("ExtraneousText") == {PPOD["section-7.15"]}
