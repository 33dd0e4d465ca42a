"""The checked CSV rows as W3C ORG Turtle, and a loaded organisation back as rows (through the
catalogue's ``org-people`` and ``org-raci`` reports)."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ppo_graph.org.csvfile import PairRow, PersonRow, RaciRow

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

DEFAULT_BASE = "https://example.org/org/"


@functools.lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """A readable, stable IRI segment: "Capacity Manager (EMEA)" -> "capacity-manager-emea"."""
    words = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return quote(words or "x", safe="-_")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def segments(keys: Iterable[str], readable: Callable[[str], str]) -> dict[str, str]:
    """Each exact key's IRI segment, one segment per key and never one for two keys.

    A key gets its readable form (``readable(key)``, e.g. its slug) when no other key has the
    same one; keys whose readable forms coincide ("Service Desk", "service desk") each get it
    with the first 8 hex digits of the SHA-256 of the exact key appended, so the segment depends
    on the key alone, not on the order of the rows.
    """
    unique = list(dict.fromkeys(keys))
    groups: dict[str, list[str]] = {}
    for key in unique:
        groups.setdefault(readable(key), []).append(key)
    result = {
        key: plain if len(group) == 1 else f"{plain}-{_digest(key)[:8]}"
        for plain, group in groups.items()
        for key in group
    }
    taken: dict[str, str] = {}
    for key in unique:  # a suffixed segment that equals another key's plain one: the full hash
        if taken.setdefault(result[key], key) != key:
            result[key] = f"{readable(key)}-{_digest(key)}"
    return result


def to_turtle(
    people: Sequence[PersonRow],
    raci: Sequence[RaciRow] = (),
    pairs: Sequence[PairRow] = (),
    *,
    base: str = DEFAULT_BASE,
    organisation: str = "Organisation",
) -> str:
    """One org:Organization with its teams, posts, people, memberships and assignments, and the
    pairs of roles it declares incompatible (``ppo:incompatibleWith``).

    Written by pyoxigraph's Turtle serialiser, one subject at a time in the order the CSV
    gives them (rdflib's serialiser took minutes at 10k people, computing prefixed names).
    """
    import pyoxigraph as ox

    from ppo_graph.namespaces import PPO_NS, PPOD_NS

    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    xsd_date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    org = "http://www.w3.org/ns/org#"
    foaf = "http://xmlns.com/foaf/0.1/"
    dcterms = "http://purl.org/dc/terms/"
    ppo = PPO_NS
    kinds = ("person", "post", "team", "service", "membership", "assignment")
    prefixes = {
        "rdf": rdf, "rdfs": rdfs, "xsd": "http://www.w3.org/2001/XMLSchema#", "org": org,
        "foaf": foaf, "dcterms": dcterms, "ppo": ppo, "ppod": PPOD_NS, "ex": base,
        **{kind: f"{base}{kind}/" for kind in kinds},
    }  # fmt: skip
    node = ox.NamedNode
    subjects: dict[str, dict[tuple[str, Any], None]] = {}

    def add(subject: str, predicate: str, value: Any) -> None:
        subjects.setdefault(subject, {})[(predicate, value)] = None

    def text(value: str) -> ox.Literal:
        return ox.Literal(value)

    # Every IRI is minted from the exact text, or the id when the file gives one (the name is
    # then the label, and dcterms:identifier the id): names that differ only in case or
    # punctuation, or two ids of one name, are different posts, teams or services, never one.
    post_seg = segments((row.post_key for row in people), slug)
    team_seg = segments((row.team_key for row in people), slug)
    service_seg = segments((row.service_key for row in people if row.service), slug)

    @functools.cache
    def quoted(pid: str) -> str:
        return quote(pid, safe="")

    def person_iri(pid: str) -> str:
        return f"{base}person/{quoted(pid)}"

    def post_iri(name: str) -> str:
        return f"{base}post/{post_seg[name]}"

    def membership_key(row: PersonRow) -> str:
        return "\x00".join((row.person, row.post_key, row.start))

    def membership_readable(key: str) -> str:
        pid, post, start = key.split("\x00")
        return f"{quoted(pid)}-{post_seg[post]}-{start}"

    def assignment_key(item: RaciRow) -> str:
        return "\x00".join(("person" if item.person else "post", item.who, item.duty, item.letter))

    def assignment_readable(key: str) -> str:
        _, who, duty, letter = key.split("\x00")
        local = duty.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return f"{slug(who)}-{slug(local)}-{letter}"

    membership_seg = segments(map(membership_key, people), membership_readable)
    assignment_seg = segments(map(assignment_key, raci), assignment_readable)

    top = base + "organisation"
    add(top, rdf + "type", node(org + "Organization"))
    add(top, rdfs + "label", text(organisation))
    for row in people:
        person, post, team = (
            person_iri(row.person),
            post_iri(row.post_key),
            f"{base}team/{team_seg[row.team_key]}",
        )
        add(team, rdf + "type", node(org + "OrganizationalUnit"))
        add(team, rdfs + "label", text(row.team))
        if row.team_id:
            add(team, dcterms + "identifier", text(row.team_id))
        add(team, org + "unitOf", node(top))
        add(post, rdf + "type", node(org + "Post"))
        add(post, rdfs + "label", text(row.post))
        if row.post_id:
            add(post, dcterms + "identifier", text(row.post_id))
        add(post, org + "postIn", node(team))
        add(post, org + "role", node(row.role))
        if row.service:
            service = f"{base}service/{service_seg[row.service_key]}"
            add(service, rdf + "type", node(ppo + "Service"))
            add(service, rdfs + "label", text(row.service))
            if row.service_id:
                add(service, dcterms + "identifier", text(row.service_id))
            add(post, ppo + "coversService", node(service))
        add(person, rdf + "type", node(foaf + "Person"))
        add(person, dcterms + "identifier", text(row.person))
        add(person, foaf + "name", text(row.name))
        if row.email:
            add(person, foaf + "mbox", node("mailto:" + row.email))
        add(person, org + "holds", node(post))
        membership = f"{base}membership/{membership_seg[membership_key(row)]}"
        add(membership, rdf + "type", node(org + "Membership"))
        add(membership, org + "member", node(person))
        add(membership, org + "organization", node(team))
        add(membership, org + "role", node(row.role))
        add(membership, ppo + "throughPost", node(post))
        add(membership, ppo + "memberFrom", ox.Literal(row.start, datatype=xsd_date))
        if row.end:
            add(membership, ppo + "memberUntil", ox.Literal(row.end, datatype=xsd_date))
    for item in raci:
        target = person_iri(item.who) if item.person else post_iri(item.who)
        assignment = f"{base}assignment/{assignment_seg[assignment_key(item)]}"
        add(assignment, rdf + "type", node(ppo + "Assignment"))
        add(assignment, ppo + "assignedTo", node(target))
        add(assignment, ppo + "forDuty", node(item.duty))
        add(assignment, ppo + "raci", node(PPOD_NS + "raci-" + item.letter))
    for pair in pairs:
        add(pair.role, ppo + "incompatibleWith", node(pair.other))
    predicates = {p: node(p) for pairs in subjects.values() for p, _ in pairs}
    triples = (
        ox.Triple(named, predicates[predicate], value)
        for subject, pairs in subjects.items()
        for named in (node(subject),)
        for predicate, value in pairs
    )
    from ppo_graph.build import turtle_document

    comments = [
        "An organisation mapped onto the PPO roles: written by `ppo org import`.",
        "Edit the CSV and import again rather than this file.",
    ]
    return turtle_document(triples, prefixes, comments)


def rows_of(kg: Graph, report: str) -> list[dict[str, str]]:
    """A report's rows as plain strings: an IRI's or a literal's text, "" when unbound."""
    return list(kg.rows(report, text=True))
