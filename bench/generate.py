"""Generate a large, deterministic extension graph in the project's own vocabulary.

Many organisations each tailor the shipped PPO roles: per organisation, roles that
``ppo:specialises`` a shipped role (the Capacity Management Process Manager, the generic Process
Practitioner, ...) and, for some of them, a deputy role that specialises the tailored role (so
``ppo:carriesDuty`` is inherited along a chain of three or four roles). Every role has its own
duties, copied from the duties of the role it tailors with the same themes and the same mentions
(``ppo:produces``, ``ppo:uses``, ``ppo:mentionsProcess``, ...: sub-properties of
``ppo:mentions``), so the theme rule "a duty has a theme exactly when its text contains a trigger
phrase" still holds. A duty that names another process evidences a coordination interface.

Each organisation has its own ``ppo:SourceDocument`` and one ``ppo:SourceSection`` per tailored
role (positions 1, 2, 3, ... within it, as the shipped checks demand); the tailored role is also
``ppo:inSection`` the shipped section of the role it tailors. Duties in their own sections keep
``queries/checks/duty-position-violation.rq`` linear: a million duties in the twelve shipped
sections would make its same-section join quadratic.

The output conforms to ``ontology/shapes.ttl`` when loaded with the shipped graph and reasoned
(``ppo validate FILE``), and has exactly the requested number of triples: the last few triples are
``skos:editorialNote`` notes on the last duties, so that sizes are exact.

    python bench/generate.py 100k --out /tmp/ext-100k.nt [--seed 1] [--format nt|ttl]
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

PPO = "https://w3id.org/ppo-graph/ontology#"
PPOD = "https://w3id.org/ppo-graph/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Where the generated individuals live: a user's namespace, not the project's ``ppod:``.
BENCH = "https://example.org/ppo-bench/"

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
    "ppo": PPO,
    "ppod": PPOD,
    "bench": BENCH,
}

#: Properties of a shipped duty that a tailored copy keeps (its themes and its mentions).
COPIED = tuple(
    PPO + name
    for name in (
        "hasTheme",
        "mentionsRole",
        "mentionsProcess",
        "mentionsParty",
        "mentionsArtefact",
        "produces",
        "maintains",
        "reviews",
        "uses",
        "contributesTo",
    )
)
ROLE_KINDS = tuple(
    PPO + name for name in ("ProcessOwnerRole", "ProcessManagerRole", "ProcessPractitionerRole")
)
PROCESS_LINKS = tuple(PPO + name for name in ("ownsProcess", "managesProcess", "actsInProcess"))

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_size(text: str) -> int:
    """``10k`` -> 10000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    match = _SIZE_RE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (use e.g. 2500, 10k, 1M)")
    number, unit = float(match.group(1)), match.group(2).lower()
    return int(number * {"": 1, "k": 1_000, "m": 1_000_000}[unit])


def size_label(n: int) -> str:
    """1000000 -> ``1M``, 10000 -> ``10k``, 2500 -> ``2.5k``."""
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if n >= scale:
            value = n / scale
            return f"{value:g}{unit}"
    return str(n)


# ---------------------------------------------------------------------------------------------
# Templates taken from the shipped graph
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyTemplate:
    text: str
    #: (property IRI, object IRI) pairs: themes and mentions.
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RoleTemplate:
    iri: str
    label: str
    sections: tuple[str, ...]
    kinds: tuple[str, ...]
    processes: tuple[str, ...]
    duties: tuple[DutyTemplate, ...]


@dataclass(frozen=True)
class Templates:
    roles: tuple[RoleTemplate, ...]
    ppo_processes: tuple[str, ...]


@functools.cache
def load_templates() -> Templates:
    """The shipped roles that have duties, with their duties, read from the shipped Turtle."""
    from rdflib import RDF, Graph, Literal, URIRef

    from ppo_graph.paths import shipped_graph_files

    graph = Graph()
    for path in shipped_graph_files():
        if path.suffix == ".ttl":  # (the crosswalk's SSSOM tables hold no role or duty)
            graph.parse(path, format="turtle")
    ppo = {name: URIRef(PPO + name) for name in ("isDutyOf", "verbatimText", "inSection", "Role")}
    duties_of: dict[str, list[DutyTemplate]] = {}
    for duty, role in graph.subject_objects(ppo["isDutyOf"]):
        text = graph.value(duty, ppo["verbatimText"])
        assert isinstance(text, Literal)
        links = tuple(
            sorted(
                (str(p), str(o))
                for p in COPIED
                for o in graph.objects(duty, URIRef(p))
                if isinstance(o, URIRef)
            )
        )
        duties_of.setdefault(str(role), []).append(DutyTemplate(str(text), links))
    roles = []
    for iri in sorted(duties_of):
        node = URIRef(iri)
        types = {str(t) for t in graph.objects(node, RDF.type)}
        roles.append(
            RoleTemplate(
                iri=iri,
                label=str(graph.value(node, URIRef(RDFS + "label"))),
                sections=tuple(sorted(str(s) for s in graph.objects(node, ppo["inSection"]))),
                kinds=tuple(k for k in ROLE_KINDS if k in types),
                processes=tuple(
                    sorted(
                        {
                            str(p)
                            for link in PROCESS_LINKS
                            for p in graph.objects(node, URIRef(link))
                        }
                    )
                ),
                duties=tuple(sorted(duties_of[iri], key=lambda d: (d.text, d.links))),
            )
        )
    ppo_processes = tuple(
        sorted(str(p) for p in graph.subjects(RDF.type, URIRef(PPO + "PPOProcess")))
    )
    return Templates(tuple(roles), ppo_processes)


# ---------------------------------------------------------------------------------------------
# Terms and writers
# ---------------------------------------------------------------------------------------------


def iri(value: str) -> str:
    return f"<{value}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def string(text: str, lang: str | None = None) -> str:
    return f'"{_escape(text)}"@{lang}' if lang else f'"{_escape(text)}"'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


#: A subject and its (predicate, object) pairs, terms already in N-Triples syntax.
Block = tuple[str, list[tuple[str, str]]]

_LOCAL_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def _curie(term: str) -> str:
    """A Turtle CURIE for ``<iri>`` when a known prefix covers it and the local name is plain."""
    if not term.startswith("<"):
        if term.endswith(f"^^<{XSD}integer>"):
            return term.split('"')[1]
        return term
    value = term[1:-1]
    if value == RDF_TYPE:
        return "a"
    for prefix, namespace in PREFIXES.items():
        local = value[len(namespace) :]
        if value.startswith(namespace) and _LOCAL_RE.match(local.replace("/", "_")):
            if "/" in local:
                break
            return f"{prefix}:{local}"
    return term


class Writer:
    """Writes blocks as N-Triples or Turtle and counts the triples."""

    def __init__(self, stream: IO[str], fmt: str) -> None:
        self.stream = stream
        self.fmt = fmt
        self.count = 0
        if fmt == "ttl":
            for prefix, namespace in PREFIXES.items():
                stream.write(f"@prefix {prefix}: <{namespace}> .\n")
            stream.write("\n")

    def write(self, block: Block) -> None:
        subject, pairs = block
        self.count += len(pairs)
        if self.fmt == "nt":
            self.stream.write("".join(f"{subject} {p} {o} .\n" for p, o in pairs))
            return
        body = " ;\n    ".join(f"{_curie(p)} {_curie(o)}" for p, o in pairs)
        self.stream.write(f"{_curie(subject)} {body} .\n\n")


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------

T = iri(RDF_TYPE)
LABEL = iri(RDFS + "label")


def P(name: str) -> str:
    return iri(PPO + name)


@dataclass
class _Org:
    number: int
    base: str
    label: str
    sections: int = 0
    roles: int = 0
    pending: list[Block] = field(default_factory=list)


def _org(number: int) -> tuple[_Org, Block]:
    org = _Org(number, f"{BENCH}org-{number:05d}/", f"Organisation {number:05d}")
    document: Block = (
        iri(org.base + "roles-document"),
        [
            (T, P("SourceDocument")),
            (LABEL, string(f"{org.label}: tailored PPO roles", "en")),
        ],
    )
    return org, document


def _role_blocks(
    org: _Org, role: RoleTemplate, templates: Templates, rng: random.Random
) -> list[Block]:
    """A tailored role of ``role`` in ``org``, its section and duties, maybe a deputy role."""
    org.roles += 1
    org.sections += 1
    number = org.roles
    section = iri(f"{org.base}section-{org.sections}")
    process = role.processes[0] if role.processes else rng.choice(templates.ppo_processes)
    tailored = iri(f"{org.base}role-{number}")
    blocks: list[Block] = [
        (
            section,
            [
                (T, P("SourceSection")),
                (LABEL, string(f"{org.number}.{org.sections} {role.label} at {org.label}", "en")),
                (P("partOfDocument"), iri(org.base + "roles-document")),
                (P("sectionNumber"), string(f"{org.number}.{org.sections}")),
            ],
        ),
        (
            tailored,
            [
                (T, P("Role")),
                *((T, iri(kind)) for kind in role.kinds),
                (LABEL, string(f"{role.label} ({org.label})", "en")),
                (P("specialises"), iri(role.iri)),
                (P("actsInProcess"), iri(process)),
                (P("inSection"), section),
                *((P("inSection"), iri(s)) for s in role.sections),
            ],
        ),
    ]
    position = 0

    def duties(holder: str, count: int, suffix: str) -> None:
        nonlocal position
        picked = rng.sample(role.duties, min(count, len(role.duties)))
        interface_done = False
        for template in picked:
            position += 1
            duty = iri(f"{org.base}duty-{org.sections}-{position}")
            text = f"{template.text} ({org.label}{suffix})"
            pairs = [
                (T, P("Duty")),
                (LABEL, string(text, "en")),
                (P("verbatimText"), string(text)),
                (P("inSection"), section),
                (P("position"), integer(position)),
                (P("isDutyOf"), holder),
                *((iri(p), iri(o)) for p, o in template.links),
            ]
            blocks.append((duty, pairs))
            others = [o for p, o in template.links if p == PPO + "mentionsProcess" and o != process]
            if others and not interface_done:
                interface_done = True
                target = others[0]
                blocks.append(
                    (
                        iri(f"{org.base}interface-{org.sections}-{position}"),
                        [
                            (T, P("CoordinationInterface")),
                            (LABEL, string(f"{org.label}: interface of duty {position}", "en")),
                            (P("fromProcess"), iri(process)),
                            (P("toProcess"), iri(target)),
                            (P("evidencedBy"), duty),
                            (P("stated"), f'"false"^^<{XSD}boolean>'),
                        ],
                    )
                )

    duties(tailored, rng.randint(3, 12), "")
    if rng.random() < 0.5:
        deputy = iri(f"{org.base}role-{number}-deputy")
        blocks.append(
            (
                deputy,
                [
                    (T, P("Role")),
                    (LABEL, string(f"Deputy {role.label} ({org.label})", "en")),
                    (P("specialises"), tailored),
                    (P("actsInProcess"), iri(process)),
                    (P("inSection"), section),
                ],
            )
        )
        duties(deputy, rng.randint(1, 3), ", deputy")
    return blocks


def generate_blocks(
    triples: int, seed: int = 1, templates: Templates | None = None
) -> Iterator[Block]:
    """Blocks holding exactly ``triples`` triples, the same for the same seed and templates."""
    if triples < 64:
        raise ValueError("ask for at least 64 triples")
    templates = templates or load_templates()
    rng = random.Random(seed)
    total = 0
    last_duties: list[str] = []
    org_number = 0
    while True:
        org_number += 1
        org, document = _org(org_number)
        if total + len(document[1]) > triples:
            break
        yield document
        total += len(document[1])
        full = False
        for _ in range(rng.randint(3, 8)):
            role = rng.choice(templates.roles)
            blocks = _role_blocks(org, role, templates, rng)
            size = sum(len(pairs) for _, pairs in blocks)
            if total + size > triples:
                full = True
                break
            for block in blocks:
                yield block
                if block[1][0] == (T, P("Duty")):
                    last_duties.append(block[0])
            last_duties = last_duties[-64:]
            total += size
        if full:
            break
    notes = triples - total
    for i in range(notes):  # pad to the exact size: at most one role's worth of notes
        subject = last_duties[i % len(last_duties)] if last_duties else iri(BENCH + "padding")
        yield (subject, [(iri(SKOS + "editorialNote"), string(f"Benchmark padding note {i + 1}"))])


def write(path: Path, triples: int, seed: int = 1, fmt: str | None = None) -> int:
    """Write the graph to ``path`` (format from the suffix unless given); the triple count."""
    fmt = fmt or ("ttl" if path.suffix.lower() in (".ttl", ".turtle") else "nt")
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="\n") as stream:
        writer = Writer(stream, fmt)
        for block in generate_blocks(triples, seed):
            writer.write(block)
    tmp.replace(path)
    return writer.count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=parse_size, help="number of triples: 2500, 10k, 100k, 1M")
    parser.add_argument("--out", type=Path, required=True, help="file to write (.nt or .ttl)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("nt", "ttl"), help="default: from the suffix")
    args = parser.parse_args(argv)
    count = write(args.out, args.size, args.seed, args.format)
    print(f"wrote {count} triples to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
