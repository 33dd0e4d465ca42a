"""The graph holds the tutorial verbatim: every role and all 177 duty bullets, checked against the
copy of the source text in the repository, independently of the generator's own parsing."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys

from conftest import ROOT
from rdflib import Graph

from ppo_graph.paths import source_text

PREFIX = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _sections() -> dict[str, tuple[str, str]]:
    text = source_text().read_text(encoding="utf-8")
    parts = re.split(r"^(7\.\d+) (.+)$", text, flags=re.MULTILINE)
    return {parts[i]: (parts[i + 1], parts[i + 2]) for i in range(1, len(parts), 3)}


def _bullet_count(number: str, body: str) -> int:
    """Bullets as the text marks them: '•' everywhere, but '–' sub-items in 7.14."""
    paragraph = body.strip().split("\n")[0]
    return paragraph.count(" – ") if number == "7.14" else paragraph.count("•")


def _duties(graph: Graph) -> list[tuple[str, int, str, str]]:
    rows = graph.query(
        PREFIX
        + """SELECT ?number ?position ?text ?role WHERE {
            ?d a ppo:Duty ; ppo:verbatimText ?text ; ppo:position ?position ;
               ppo:inSection/ppo:sectionNumber ?number ; ppo:isDutyOf ?role }"""
    )
    return sorted(
        (str(r[0]), int(r[1]), str(r[2]), str(r[3]))  # type: ignore[index]
        for r in rows
    )


def test_source_copy_matches_recorded_digest(asserted_graph: Graph) -> None:
    digest = hashlib.sha256(source_text().read_bytes()).hexdigest()
    recorded = {str(o) for o in asserted_graph.objects(None, None) if str(o) == digest}
    assert recorded == {digest}


def test_there_are_177_duty_bullets_in_the_source_and_in_the_graph(asserted_graph: Graph) -> None:
    sections = _sections()
    in_source = {
        n: _bullet_count(n, body) for n, (_, body) in sections.items() if n not in ("7.15",)
    }
    in_graph: dict[str, int] = {}
    for number, _, _, _ in _duties(asserted_graph):
        in_graph[number] = in_graph.get(number, 0) + 1
    assert sum(in_source.values()) == 177
    assert in_graph == {n: c for n, c in in_source.items() if c}


def test_every_duty_is_verbatim_in_order_right_after_a_bullet(asserted_graph: Graph) -> None:
    sections = _sections()
    by_section: dict[str, list[tuple[int, str]]] = {}
    for number, position, text, _ in _duties(asserted_graph):
        by_section.setdefault(number, []).append((position, text))
    for number, duties in by_section.items():
        body = sections[number][1]
        positions = [p for p, _ in duties]
        assert positions == list(range(1, len(duties) + 1)), number
        cursor = 0
        for position, text in duties:
            assert text == text.strip() and text, (number, position)
            found = body.find(text, cursor)
            assert found >= 0, f"{number} #{position} not verbatim in the source: {text!r}"
            marker = body[:found].rstrip()[-1]
            assert marker in "•–", f"{number} #{position} does not start at a bullet"
            cursor = found + len(text)
            following = body[cursor:].lstrip()
            if position < len(duties):  # the next bullet starts right after this one
                assert following[:1] in ("•", "–") and following[:1], (
                    f"{number} #{position} stops in mid-bullet: {body[cursor : cursor + 30]!r}"
                )
            else:  # the last bullet: only narrative follows, no further bullet
                rest = body[cursor:].split("\n")[0]
                assert "•" not in rest and " – " not in rest, f"{number}: bullets after the last"
                assert re.match(r"\.? [A-Z]", rest), f"{number} #{position} stops mid-sentence"


def test_thirteen_roles_with_their_verbatim_headings(asserted_graph: Graph) -> None:
    sections = _sections()
    rows = list(
        asserted_graph.query(
            PREFIX
            + """SELECT ?role ?heading ?number WHERE {
                ?role a ppo:Role ; ppo:verbatimHeading ?heading ;
                      ppo:inSection/ppo:sectionNumber ?number }"""
        )
    )
    assert len(rows) == 13
    for role, heading, number in rows:  # type: ignore[misc]
        section_heading, body = sections[str(number)]
        if (
            str(number) == "7.14"
        ):  # two roles under sub-headings "• Process Owner" / "• Process manager"
            assert f"• {heading} –" in body, role
        else:
            assert str(heading) == section_heading, role


def test_each_duty_belongs_to_the_role_of_its_section(asserted_graph: Graph) -> None:
    rows = asserted_graph.query(
        PREFIX
        + """SELECT ?d ?n1 ?n2 WHERE { ?d a ppo:Duty ; ppo:inSection/ppo:sectionNumber ?n1 ;
              ppo:isDutyOf/ppo:inSection/ppo:sectionNumber ?n2 }"""
    )
    mismatched = [(str(d), str(a), str(b)) for d, a, b in rows if a != b]  # type: ignore[misc]
    assert len(list(rows)) == 177
    assert mismatched == []


def test_defect_fragments_are_verbatim_and_corrections_keep_the_original(
    asserted_graph: Graph,
) -> None:
    flat = " ".join(source_text().read_text(encoding="utf-8").split())
    rows = list(
        asserted_graph.query(
            PREFIX + "SELECT ?d ?frag WHERE { ?d a ppo:SourceDefect ; ppo:verbatimFragment ?frag }"
        )
    )
    assert len(rows) >= 5
    for defect, fragment in rows:  # type: ignore[misc]
        assert " ".join(str(fragment).split()) in flat, defect
    corrected = list(
        asserted_graph.query(
            PREFIX + """SELECT ?v ?c WHERE { ?d ppo:verbatimText ?v ; ppo:correctedText ?c }"""
        )
    )
    texts = {str(v): str(c) for v, c in corrected}  # type: ignore[misc]
    assert texts["Identifies and analyses patters of business activity"].endswith(
        "patterns of business activity"
    )
    assert "Anticipates and prevents/manages situations where demand exceeds" in texts


def _tool(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / script), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_reviewed_turtle_agrees_with_the_text() -> None:
    result = _tool("tutorial.py", "check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_namespace_class_is_in_sync_with_the_ontology() -> None:
    result = _tool("gen_namespace.py", "--check")
    assert result.returncode == 0, result.stderr
