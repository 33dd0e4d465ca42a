"""The checked CSV rows as W3C ORG Turtle, and a loaded organisation back as rows (through the
catalogue's ``org-people`` and ``org-raci`` reports)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from .csvfile import PersonRow, RaciRow

DEFAULT_BASE = "https://example.org/org/"


def slug(text: str) -> str:
    """A readable, stable IRI segment: "Capacity Manager (EMEA)" -> "capacity-manager-emea"."""
    words = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return quote(words or "x", safe="-_")


def to_turtle(
    people: Sequence[PersonRow],
    raci: Sequence[RaciRow] = (),
    *,
    base: str = DEFAULT_BASE,
    organisation: str = "Organisation",
) -> str:
    """One org:Organization with its teams, posts, people, memberships and assignments."""
    from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, FOAF

    from .._terms import PPO
    from ..prefixes import PPOD_NS

    org = Namespace("http://www.w3.org/ns/org#")
    ex = Namespace(base)
    g = Graph()
    for prefix, ns in (("org", org), ("foaf", FOAF), ("ppo", PPO._NS), ("ppod", PPOD_NS)):
        g.bind(prefix, ns)
    g.bind("dcterms", DCTERMS)
    g.bind("ex", ex)
    top = ex["organisation"]
    g.add((top, RDF.type, org.Organization))
    g.add((top, RDFS.label, Literal(organisation)))

    def person_iri(pid: str) -> URIRef:
        return ex["person/" + quote(pid, safe="")]

    def post_iri(name: str) -> URIRef:
        return ex["post/" + slug(name)]

    for row in people:
        person, post, team = (
            person_iri(row.person),
            post_iri(row.post),
            ex["team/" + slug(row.team)],
        )
        g.add((team, RDF.type, org.OrganizationalUnit))
        g.add((team, RDFS.label, Literal(row.team)))
        g.add((team, org.unitOf, top))
        g.add((post, RDF.type, org.Post))
        g.add((post, RDFS.label, Literal(row.post)))
        g.add((post, org.postIn, team))
        g.add((post, org.role, URIRef(row.role)))
        if row.service:
            service = ex["service/" + slug(row.service)]
            g.add((service, RDF.type, PPO.Service))
            g.add((service, RDFS.label, Literal(row.service)))
            g.add((post, PPO.coversService, service))
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, DCTERMS.identifier, Literal(row.person)))
        g.add((person, FOAF.name, Literal(row.name)))
        if row.email:
            g.add((person, FOAF.mbox, URIRef("mailto:" + row.email)))
        g.add((person, org.holds, post))
        membership = ex[f"membership/{quote(row.person, safe='')}-{slug(row.post)}-{row.start}"]
        g.add((membership, RDF.type, org.Membership))
        g.add((membership, org.member, person))
        g.add((membership, org.organization, team))
        g.add((membership, org.role, URIRef(row.role)))
        g.add((membership, PPO.throughPost, post))
        g.add((membership, PPO.memberFrom, Literal(row.start, datatype=XSD.date)))
        if row.end:
            g.add((membership, PPO.memberUntil, Literal(row.end, datatype=XSD.date)))
    for item in raci:
        target = person_iri(item.who) if item.person else post_iri(item.who)
        local = item.duty.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        assignment = ex[f"assignment/{slug(item.who)}-{slug(local)}-{item.letter}"]
        g.add((assignment, RDF.type, PPO.Assignment))
        g.add((assignment, PPO.assignedTo, target))
        g.add((assignment, PPO.forDuty, URIRef(item.duty)))
        g.add((assignment, PPO.raci, URIRef(PPOD_NS + "raci-" + item.letter)))
    header = (
        "# An organisation mapped onto the PPO roles: written by `ppo org import`.\n"
        "# Edit the CSV and import again rather than this file.\n"
    )
    return header + g.serialize(format="turtle")


def rows_of(kg: Any, report: str) -> list[dict[str, str]]:
    """A report's rows as plain strings: an IRI's or a literal's text, "" when unbound."""
    from ..tables import parts

    return [
        {k: "" if v is None else parts(v)[1] for k, v in row.items()} for row in kg.rows(report)
    ]
