"""The quiz as packages: a QTI 2.1 content package (a zip with ``imsmanifest.xml``, one
``assessmentItem`` per question and an ``assessmentTest`` that lists them, for Canvas,
Blackboard, TAO and other IMS QTI 2.1 tools) and an Anki deck (``.apkg``, written by
``genanki``, an optional extra: ``pip install 'ppo-graph[quiz]'``)."""

from __future__ import annotations

import hashlib
import html
import io
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ppo_graph.errors import UsageError
from ppo_graph.quiz.export import TITLE, heading
from ppo_graph.quiz.model import LETTERS, Question

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
IMSCP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_SCHEMA = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_SCHEMA = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
#: A fixed time for every zip entry, so the same quiz gives the same bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def item_path(question: Question) -> str:
    return f"items/{question.id}.xml"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    text: bytes = ET.tostring(root, "utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + text + b"\n"


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def assessment_item(question: Question) -> bytes:
    """One QTI 2.1 ``assessmentItem``: a single-choice ``choiceInteraction`` (choices A, B, ...),
    its ``correctResponse`` the right choice, SCORE 1 when it is chosen, and the explanation as
    modal feedback shown after the attempt."""
    ET.register_namespace("", QTI)
    ET.register_namespace("xsi", XSI)
    item = ET.Element(
        _q("assessmentItem"),
        {
            f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_SCHEMA}",
            "identifier": question.id,
            "title": question.id,
            "adaptive": "false",
            "timeDependent": "false",
        },
    )
    response = ET.SubElement(
        item,
        _q("responseDeclaration"),
        {"identifier": "RESPONSE", "cardinality": "single", "baseType": "identifier"},
    )
    correct = ET.SubElement(response, _q("correctResponse"))
    ET.SubElement(correct, _q("value")).text = question.letter
    score = ET.SubElement(
        item,
        _q("outcomeDeclaration"),
        {"identifier": "SCORE", "cardinality": "single", "baseType": "float"},
    )
    ET.SubElement(ET.SubElement(score, _q("defaultValue")), _q("value")).text = "0"
    ET.SubElement(
        item,
        _q("outcomeDeclaration"),
        {"identifier": "FEEDBACK", "cardinality": "single", "baseType": "identifier"},
    )
    body = ET.SubElement(item, _q("itemBody"))
    interaction = ET.SubElement(
        body,
        _q("choiceInteraction"),
        {"responseIdentifier": "RESPONSE", "shuffle": "false", "maxChoices": "1"},
    )
    ET.SubElement(interaction, _q("prompt")).text = question.stem
    for at, option in enumerate(question.options):
        ET.SubElement(interaction, _q("simpleChoice"), {"identifier": LETTERS[at]}).text = option
    processing = ET.SubElement(item, _q("responseProcessing"))
    condition = ET.SubElement(processing, _q("responseCondition"))
    when = ET.SubElement(condition, _q("responseIf"))
    match = ET.SubElement(when, _q("match"))
    ET.SubElement(match, _q("variable"), {"identifier": "RESPONSE"})
    ET.SubElement(match, _q("correct"), {"identifier": "RESPONSE"})
    for parent, value in ((when, "1"), (ET.SubElement(condition, _q("responseElse")), "0")):
        setter = ET.SubElement(parent, _q("setOutcomeValue"), {"identifier": "SCORE"})
        ET.SubElement(setter, _q("baseValue"), {"baseType": "float"}).text = value
    feedback = ET.SubElement(processing, _q("setOutcomeValue"), {"identifier": "FEEDBACK"})
    ET.SubElement(feedback, _q("baseValue"), {"baseType": "identifier"}).text = "EXPLANATION"
    ET.SubElement(
        item,
        _q("modalFeedback"),
        {"outcomeIdentifier": "FEEDBACK", "identifier": "EXPLANATION", "showHide": "show"},
    ).text = question.explanation
    return _xml(item)


def assessment_test(questions: Sequence[Question], seed: int) -> bytes:
    """The ``assessmentTest`` that lists every item in order; its SCORE is their sum."""
    ET.register_namespace("", QTI)
    ET.register_namespace("xsi", XSI)
    test = ET.Element(
        _q("assessmentTest"),
        {
            f"{{{XSI}}}schemaLocation": f"{QTI} {QTI_SCHEMA}",
            "identifier": f"ppo-graph-quiz-{seed}",
            "title": TITLE,
        },
    )
    ET.SubElement(
        test,
        _q("outcomeDeclaration"),
        {"identifier": "SCORE", "cardinality": "single", "baseType": "float"},
    )
    part = ET.SubElement(
        test,
        _q("testPart"),
        {"identifier": "part-1", "navigationMode": "nonlinear", "submissionMode": "simultaneous"},
    )
    section = ET.SubElement(
        part,
        _q("assessmentSection"),
        {"identifier": "section-1", "title": heading(questions, seed), "visible": "true"},
    )
    for q in questions:
        ET.SubElement(section, _q("assessmentItemRef"), {"identifier": q.id, "href": item_path(q)})
    processing = ET.SubElement(test, _q("outcomeProcessing"))
    setter = ET.SubElement(processing, _q("setOutcomeValue"), {"identifier": "SCORE"})
    total = ET.SubElement(setter, _q("sum"))
    ET.SubElement(total, _q("testVariables"), {"variableIdentifier": "SCORE"})
    return _xml(test)


def manifest(questions: Sequence[Question], seed: int) -> bytes:
    """``imsmanifest.xml``: the test and every item as resources (each with its file), the
    test depending on its items."""
    ET.register_namespace("", IMSCP)
    ET.register_namespace("xsi", XSI)

    def cp(tag: str) -> str:
        return f"{{{IMSCP}}}{tag}"

    root = ET.Element(
        cp("manifest"),
        {
            "identifier": f"ppo-graph-quiz-{seed}-manifest",
            f"{{{XSI}}}schemaLocation": f"{IMSCP} {CP_SCHEMA}",
        },
    )
    metadata = ET.SubElement(root, cp("metadata"))
    ET.SubElement(metadata, cp("schema")).text = "QTIv2.1 Package"
    ET.SubElement(metadata, cp("schemaversion")).text = "1.0.0"
    ET.SubElement(root, cp("organizations"))
    resources = ET.SubElement(root, cp("resources"))
    test = ET.SubElement(
        resources,
        cp("resource"),
        {"identifier": "test", "type": "imsqti_test_xmlv2p1", "href": "test.xml"},
    )
    ET.SubElement(test, cp("file"), {"href": "test.xml"})
    for q in questions:
        ET.SubElement(test, cp("dependency"), {"identifierref": f"item-{q.id}"})
    for q in questions:
        resource = ET.SubElement(
            resources,
            cp("resource"),
            {"identifier": f"item-{q.id}", "type": "imsqti_item_xmlv2p1", "href": item_path(q)},
        )
        ET.SubElement(resource, cp("file"), {"href": item_path(q)})
    return _xml(root)


def qti_package(questions: Sequence[Question], seed: int = 0) -> bytes:
    """The QTI 2.1 content package, as zip bytes (the same quiz gives the same bytes)."""
    files = [
        ("imsmanifest.xml", manifest(questions, seed)),
        ("test.xml", assessment_test(questions, seed)),
        *((item_path(q), assessment_item(q)) for q in questions),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# --- Anki -----------------------------------------------------------------------------------

ANKI_FIELDS = ("Id", "Question", "Options", "Answer", "Explanation", "Kind", "Difficulty")


def _anki_id(name: str) -> int:
    """A stable id for the note type or deck (Anki wants a 31-bit-ish positive integer)."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:8], 16) % (1 << 30) + (1 << 30)


def require_genanki() -> Any:
    try:
        import genanki
    except ImportError:
        raise UsageError(
            "--format anki needs genanki, which is optional: pip install 'ppo-graph[quiz]'"
        ) from None
    return genanki


def anki_notes(questions: Sequence[Question]) -> list[dict[str, str]]:
    """Each question's fields, HTML-escaped (Anki fields are HTML): the options as a list with
    their letters, the answer as "B. text"."""
    e = html.escape
    notes = []
    for q in questions:
        options = "".join(f"<li>{LETTERS[at]}. {e(o)}</li>" for at, o in enumerate(q.options))
        notes.append(
            {
                "Id": e(q.id),
                "Question": e(q.stem),
                "Options": f"<ul class=options>{options}</ul>",
                "Answer": f"{q.letter}. {e(q.answer)}",
                "Explanation": e(q.explanation),
                "Kind": e(q.kind),
                "Difficulty": e(q.difficulty),
            }
        )
    return notes


def anki_deck(questions: Sequence[Question], seed: int = 0) -> bytes:
    """An Anki deck (.apkg bytes): a note per question (its guid from the question's id, so a
    re-import updates the note), tagged with its kind and difficulty."""
    genanki = require_genanki()
    model = genanki.Model(
        _anki_id("ppo-graph quiz model"),
        "ppo-graph multiple choice",
        fields=[{"name": name} for name in ANKI_FIELDS],
        templates=[
            {
                "name": "Question",
                "qfmt": "{{Question}}{{Options}}",
                "afmt": "{{FrontSide}}<hr id=answer><b>{{Answer}}</b><p>{{Explanation}}</p>",
            }
        ],
        css=".card { font-family: sans-serif; text-align: left; } ul.options { list-style: none; }",
    )
    deck = genanki.Deck(_anki_id("ppo-graph quiz deck"), "ppo-graph quiz")
    for q, fields in zip(questions, anki_notes(questions), strict=True):
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[fields[name] for name in ANKI_FIELDS],
                guid=genanki.guid_for("ppo-graph", q.id),
                tags=[f"ppo-{q.kind}", f"ppo-{q.difficulty}"],
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quiz.apkg"
        genanki.Package(deck).write_to_file(str(path))
        return path.read_bytes()
