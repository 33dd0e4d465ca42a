"""A self-assessment's answers as RDF (W3C Data Quality Vocabulary, DQV), to load beside the graph.

One ``ppo:SelfAssessment`` (a ``prov:Activity``) with its ``dcterms:date``, its assessor
(``dcterms:creator``, when given) and the file it was read from (``dcterms:source``); for each
rated duty one ``dqv:QualityMeasurement``: ``dqv:computedOn`` the duty,
``dqv:isMeasurementOf ppod:self-assessed-capability``, ``dqv:value`` the rating
(``xsd:integer``), ``dcterms:date`` the date, ``prov:wasGeneratedBy`` the assessment, and the
evidence (``ppo:evidence``) and comment (``rdfs:comment``) when given. Both duties of a
restatement pair get a measurement of the pair's rating. A duty left blank gets none.

The assessment's IRI is ``--iri`` when given, else ``urn:ppo-assessment:DATE:DIGEST``, the
digest (12 hex digits of SHA-256) of the date, the assessor and the answers: the same answers
give the same IRI, two assessments two IRIs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ppo_graph.assess.answers import Answer
from ppo_graph.build import turtle_document
from ppo_graph.errors import InputError
from ppo_graph.namespaces import PPO_NS, PPOD_NS, RDF_NS, RDFS_NS, XSD_NS, local_name

DQV = "http://www.w3.org/ns/dqv#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
METRIC = PPOD_NS + "self-assessed-capability"
URN = "urn:ppo-assessment:"


def assessment_iri(answers: Sequence[Answer], date: str, assessor: str = "") -> str:
    """The default IRI of an assessment: its date and a digest of what it says."""
    digest = hashlib.sha256()
    digest.update(f"{date}\x00{assessor}".encode())
    for answer in answers:
        fields = (*answer.duties, str(answer.rating), answer.evidence, answer.comment)
        digest.update(("\x00".join(fields) + "\n").encode())
    return f"{URN}{date}:{digest.hexdigest()[:12]}"


def measurement_iri(assessment: str, duty: str) -> str:
    separator = "" if assessment.endswith(("/", "#", ":")) else "/"
    return f"{assessment}{separator}{local_name(duty)}"


def to_turtle(
    answers: Sequence[Answer],
    *,
    date: str,
    assessor: str = "",
    source: str = "",
    iri: str | None = None,
) -> str:
    """The Turtle of the assessment (see the module)."""
    import pyoxigraph as ox

    node = ox.NamedNode
    assessment = iri or assessment_iri(answers, date, assessor)
    day = ox.Literal(date, datatype=node(XSD_NS + "date"))
    triples: list[ox.Triple] = []

    def add(subject: str, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        triples.append(ox.Triple(node(subject), node(predicate), value))

    add(assessment, RDF_NS + "type", node(PPO_NS + "SelfAssessment"))
    add(assessment, RDF_NS + "type", node(PROV + "Activity"))
    label = f"Self-assessment of {date}" + (f" by {assessor}" if assessor else "")
    add(assessment, RDFS_NS + "label", ox.Literal(label))
    add(assessment, DCTERMS + "date", day)
    if assessor:
        add(assessment, DCTERMS + "creator", ox.Literal(assessor))
    if source:
        add(assessment, DCTERMS + "source", ox.Literal(source))
    for answer in answers:
        if answer.rating is None:
            continue
        for duty in answer.duties:
            measurement = measurement_iri(assessment, duty)
            add(measurement, RDF_NS + "type", node(DQV + "QualityMeasurement"))
            add(measurement, DQV + "computedOn", node(duty))
            add(measurement, DQV + "isMeasurementOf", node(METRIC))
            add(
                measurement,
                DQV + "value",
                ox.Literal(str(answer.rating), datatype=node(XSD_NS + "integer")),
            )
            add(measurement, DCTERMS + "date", day)
            add(measurement, PROV + "wasGeneratedBy", node(assessment))
            if answer.evidence:
                add(measurement, PPO_NS + "evidence", ox.Literal(answer.evidence))
            if answer.comment:
                add(measurement, RDFS_NS + "comment", ox.Literal(answer.comment))
    prefixes = {
        "rdf": RDF_NS,
        "rdfs": RDFS_NS,
        "xsd": XSD_NS,
        "dcterms": DCTERMS,
        "prov": PROV,
        "dqv": DQV,
        "ppo": PPO_NS,
        "ppod": PPOD_NS,
    }
    comments = [
        "A self-assessment of the PPO duties (W3C DQV measurements): written by",
        "`ppo assess score --ttl`. Load it beside the graph and ask the questions",
        "assessment-risks, assessment-responsible and assessment-diff.",
    ]
    return turtle_document(triples, prefixes, comments)


def assessment_of(path: Path, shown: Path | None = None) -> str:
    """The IRI of the one ``ppo:SelfAssessment`` an RDF file holds; an InputError naming the
    file (``shown``, when it stands for another) when it holds none or several."""
    from ppo_graph.backends.fast.parse import triples

    found: list[str] = sorted(
        {
            str(t.subject.value)
            for t in triples(path)
            if t.predicate.value == RDF_NS + "type"
            and getattr(t.object, "value", "") == PPO_NS + "SelfAssessment"
        }
    )
    if len(found) != 1:
        what = "no ppo:SelfAssessment" if not found else f"{len(found)} assessments"
        raise InputError(
            shown or path,
            f"holds {what}: give the Turtle of one assessment (ppo assess score --ttl) or a "
            "filled form",
        )
    return found[0]
