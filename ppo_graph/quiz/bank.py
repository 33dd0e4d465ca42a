"""The question bank, generated from the graph through the engine: every fact comes from a report
query (``queries/reports/quiz-*.rq``) and from the owner/manager restatement pairs
(``queries/questions/owner-manager-restatements.rq``); this module only arranges them.

A question is made only when the graph fixes its answer among its options:

- **role** ("which role carries this duty?"): the key is the role the duty is listed for; no
  option is a role that carries the duty or one of the same wording, own or inherited
  (``quiz-duty-carriers``), nor the role of a duty the owner/manager pairs restate it by. The
  distractors are the sibling role of the same process first, then the roles of the same kind
  (owner, manager, generic) of the other processes, then any other role.
- **owner-or-manager**: the duties of a process's owner or manager that the other role carries
  in no wording and restates in no pair: a duty both carry is never a one-answer question.
- **artefact** ("which artefact does this duty produce?"): a duty that does this to exactly one
  artefact (``ppo:produces``, ``maintains``, ``reviews``, ``uses``, ``contributesTo``; one
  question per duty, the first action in that order that fixes one); distractors are the other
  artefacts the duty names first (what it does to them is another action), then those of the
  same process, then any other.
- **interface**: the stated interfaces only (``ppo:stated true``): "the duties of X state a
  financial interface with which process?" when X states that type with exactly one process,
  and "the duties of which process state it with Y?" when exactly one process does; the
  distractors have no interface with X (or Y) at all, stated or implied, either way.
- **abbreviation**: an abbreviation (``ppo:abbreviation``) that one node carries; the
  distractors are other abbreviated nodes, of the same kind first.

Deterministic: the bank is built in a fixed order, each question's distractors and option order
come from ``random.Random(f"{seed}:{id}")`` (so a question looks the same whatever else is
asked), and which questions are picked, and their order, from ``random.Random(seed)``.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ppo_graph.errors import UsageError
from ppo_graph.names import key as name_key
from ppo_graph.namespaces import local_name
from ppo_graph.quiz.model import DIFFICULTIES, KINDS, Kind, Question

#: The reports the bank is read from, and the question whose pairs it respects.
REPORTS = (
    "quiz-terms",
    "quiz-duties",
    "quiz-duty-carriers",
    "quiz-duty-artefacts",
    "quiz-interfaces",
)
RESTATEMENTS = "owner-manager-restatements"
#: How many questions a quiz has unless asked otherwise.
DEFAULT_COUNT = 20
#: Options per question (the owner-or-manager questions have two).
OPTIONS = 4
ROLE_KINDS = ("owner", "manager", "generic")
#: Artefact actions, in the order a duty's question is chosen by: property -> (verb, 3rd person).
ACTIONS = {
    "produces": ("produce", "produces"),
    "maintains": ("maintain", "maintains"),
    "reviews": ("review", "reviews"),
    "uses": ("use", "uses"),
    "contributesTo": ("contribute to", "contributes to"),
}


@dataclass(frozen=True)
class Term:
    """A role, process, artefact or abbreviated node a question names."""

    node: str
    kind: str  # owner, manager, generic, process, artefact, other
    label: str
    process: str  # the process it belongs to ("" for none)
    abbreviations: tuple[str, ...] = ()
    definition: str = ""


@dataclass(frozen=True)
class Duty:
    node: str
    role: str
    section: str
    position: int
    text: str  # verbatim
    corrected: str
    names_process: bool

    @property
    def reading(self) -> str:
        """What a question shows: the editor's reading of a defective duty, else the text."""
        return self.corrected or self.text

    def quote(self) -> str:
        """ "7.10, bullet 4: “...”", the verbatim text with its place (and a defective duty's
        reading)."""
        read = (
            f" (read: {_q(self.corrected)})"
            if self.corrected and self.corrected != self.text
            else ""
        )
        return f"{self.section}, bullet {self.position}: {_q(self.text)}{read}"


@dataclass(frozen=True)
class Interface:
    node: str
    source: str  # ppo:fromProcess
    target: str  # ppo:toProcess
    type: str
    stated: bool
    duties: tuple[str, ...]


@dataclass
class Facts:
    """Everything the bank is made from, read from the graph once."""

    terms: dict[str, Term]
    duties: dict[str, Duty]  # in source order
    carriers: dict[str, set[str]]  # duty -> the roles that carry it or one of its wording
    restated: dict[str, set[str]]  # duty -> the duties an owner/manager pair restates it by
    actions: dict[str, dict[str, set[str]]]  # duty -> action -> artefacts
    interfaces: list[Interface]

    def label(self, node: str) -> str:
        term = self.terms.get(node)
        return term.label if term else local_name(node)

    def of_kind(self, *kinds: str) -> list[str]:
        return [n for n, t in self.terms.items() if t.kind in kinds]

    def right_roles(self, duty: str) -> set[str]:
        """The roles that are a right answer to "which role carries this duty?"."""
        found = set(self.carriers.get(duty, ())) | {self.duties[duty].role}
        for other in self.restated.get(duty, ()):
            found |= self.carriers.get(other, set())
            if other in self.duties:
                found.add(self.duties[other].role)
        return found


def read_facts(graph: Any) -> Facts:
    """The bank's facts, from the reports on ``graph`` (anything with ``rows(name, text=True)``)."""
    terms: dict[str, Term] = {}
    for row in graph.rows("quiz-terms", text=True):
        node = row["node"]
        old = terms.get(node)
        abbreviations = (*old.abbreviations,) if old else ()
        if row["abbreviation"] and row["abbreviation"] not in abbreviations:
            abbreviations = (*abbreviations, row["abbreviation"])
        if old is not None and old.kind in ROLE_KINDS and row["kind"] not in ROLE_KINDS:
            continue  # a role is asked about as a role
        terms[node] = Term(
            node, row["kind"], row["label"], row["process"], abbreviations, row["definition"]
        )
    duties: dict[str, Duty] = {}
    for row in graph.rows("quiz-duties", text=True):
        if row["role"] in terms and terms[row["role"]].kind in ROLE_KINDS:
            duties.setdefault(
                row["duty"],
                Duty(
                    row["duty"],
                    row["role"],
                    row["section"],
                    int(row["position"]),
                    row["text"],
                    row["correctedText"],
                    row["namesProcess"] == "true",
                ),
            )
    carriers: dict[str, set[str]] = defaultdict(set)
    for row in graph.rows("quiz-duty-carriers", text=True):
        carriers[row["duty"]].add(row["role"])
    restated: dict[str, set[str]] = defaultdict(set)
    for row in graph.rows(RESTATEMENTS, text=True):
        restated[row["ownerDuty"]].add(row["managerDuty"])
        restated[row["managerDuty"]].add(row["ownerDuty"])
    actions: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in graph.rows("quiz-duty-artefacts", text=True):
        actions[row["duty"]][row["action"]].add(row["artefact"])
    grouped: dict[str, dict[str, Any]] = {}
    for row in graph.rows("quiz-interfaces", text=True):
        entry = grouped.setdefault(
            row["interface"],
            {
                "source": row["from"],
                "target": row["to"],
                "type": row["type"],
                "stated": row["stated"] == "true",
                "duties": [],
            },
        )
        if row["duty"] and row["duty"] not in entry["duties"]:
            entry["duties"].append(row["duty"])
    interfaces = [
        Interface(node, e["source"], e["target"], e["type"], e["stated"], tuple(e["duties"]))
        for node, e in grouped.items()
    ]
    return Facts(terms, duties, dict(carriers), dict(restated), dict(actions), interfaces)


# --- the drafts: a question before its distractors are drawn ---------------------------------


@dataclass
class Draft:
    """A question whose key is fixed and whose distractors are still to be drawn from ``tiers``
    (the first tier first); ``points`` make its difficulty, plus ``tier_points`` when a
    distractor of the first tier is drawn."""

    id: str
    kind: str
    stem: str
    key: str
    tiers: list[list[str]]
    explanation: str
    facts: dict[str, str]
    section: str = ""
    roles: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    points: int = 1
    tier_points: int = 0
    need: int = OPTIONS - 1
    fixed: tuple[str, ...] = ()  # the options in this order, not shuffled
    extra: dict[str, Any] = field(default_factory=dict)


def drafts(facts: Facts) -> list[Draft]:
    """Every question the graph fixes the answer of, before distractors are drawn, by id. Of
    two questions that would read the same (the same duty listed for two roles in the same
    words: "which role carries it?"), only the first in source order is kept: a quiz never asks
    one question twice with two answers."""
    found = [
        *role_drafts(facts),
        *owner_or_manager_drafts(facts),
        *artefact_drafts(facts),
        *interface_drafts(facts),
        *abbreviation_drafts(facts),
    ]
    seen: set[str] = set()
    kept = []
    for draft in found:
        if name_key(draft.stem) not in seen:
            seen.add(name_key(draft.stem))
            kept.append(draft)
    return sorted(kept, key=lambda d: d.id)


def _tiers(*groups: Iterable[str], exclude: set[str]) -> list[list[str]]:
    """Distractor tiers: each group without ``exclude`` and without what an earlier tier holds,
    sorted (the draw shuffles them)."""
    seen = set(exclude)
    tiers = []
    for group in groups:
        tier = sorted(set(group) - seen)
        seen.update(tier)
        tiers.append(tier)
    return tiers


def _on_duty(
    duty: Duty, kind: Kind, *, facts: dict[str, str] | None = None, **fields: Any
) -> Draft:
    """A draft of a question on ``duty``: its id from the kind and the duty, the duty among its
    facts, its section the duty's."""
    return Draft(
        id=f"{kind}-{local_name(duty.node)}",
        kind=kind,
        facts={"duty": duty.node, **(facts or {})},
        section=duty.section,
        **fields,
    )


def _names(facts: Facts, nodes: Iterable[str]) -> str:
    """The nodes' labels, by label, comma-separated."""
    return ", ".join(sorted(facts.label(n) for n in nodes))


def role_drafts(facts: Facts) -> list[Draft]:
    out = []
    for duty in facts.duties.values():
        role = facts.terms[duty.role]
        right = facts.right_roles(duty.node)
        same_kind = [n for n in facts.of_kind(role.kind) if n != role.node]
        siblings = [
            n
            for n in facts.of_kind(*ROLE_KINDS)
            if role.process and facts.terms[n].process == role.process
        ]
        if role.kind == "generic":
            siblings = same_kind
        tiers = _tiers(
            siblings,
            same_kind,
            facts.of_kind("owner", "manager")
            if role.kind != "generic"
            else facts.of_kind(*ROLE_KINDS),
            exclude=right | {role.node},
        )
        others = right - {role.node}
        also = (
            f" Also carried, inherited or restated, by: {_names(facts, others)}; none of them "
            "is offered."
            if others
            else ""
        )
        out.append(
            _on_duty(
                duty,
                Kind.ROLE,
                stem=f"Which role carries this duty: {_q(duty.reading)}?",
                key=role.node,
                tiers=tiers,
                explanation=f"{duty.quote()}, listed for the {role.label}.{also}",
                roles=(role.node,),
                processes=(role.process,) if role.process else (),
                points=0 if duty.names_process else 1,
                tier_points=1,
            )
        )
    return out


def owner_or_manager_drafts(facts: Facts) -> list[Draft]:
    out = []
    for duty in facts.duties.values():
        role = facts.terms[duty.role]
        if role.kind not in ("owner", "manager") or not role.process:
            continue
        other_kind = "manager" if role.kind == "owner" else "owner"
        others = [n for n in facts.of_kind(other_kind) if facts.terms[n].process == role.process]
        if len(others) != 1 or others[0] in facts.right_roles(duty.node):
            continue  # no counterpart, or a duty both carry: not a one-answer question
        other = others[0]
        owner, manager = (role.node, other) if role.kind == "owner" else (other, role.node)
        process = facts.label(role.process)
        out.append(
            _on_duty(
                duty,
                Kind.OWNER_OR_MANAGER,
                stem=f"In {process}, whose duty is this, the process owner's or the process "
                f"manager's: {_q(duty.reading)}?",
                key=role.node,
                tiers=[[other]],
                explanation=f"{duty.quote()}, listed for the {role.label}; the "
                f"{facts.label(other)} carries it in no wording.",
                roles=(owner, manager),
                processes=(role.process,),
                points=1,
                need=1,
                fixed=(owner, manager),
            )
        )
    return out


def artefact_drafts(facts: Facts) -> list[Draft]:
    out = []
    artefacts = facts.of_kind("artefact")
    for duty in facts.duties.values():
        done = facts.actions.get(duty.node, {})
        action = next((a for a in ACTIONS if len(done.get(a, ())) == 1), None)
        if action is None:
            continue
        (artefact,) = done[action]
        right = done[action]
        verb, verbs = ACTIONS[action]
        named = done.get("mentionsArtefact", set()) | {a for acts in done.values() for a in acts}
        process = facts.terms[artefact].process if artefact in facts.terms else ""
        role = facts.terms[duty.role]
        others = named - right
        also = ""
        if others:
            also = (
                f" It also names {_names(facts, others)}, but does not {verb} "
                f"{'them' if len(others) > 1 else 'it'}."
            )
        out.append(
            _on_duty(
                duty,
                Kind.ARTEFACT,
                stem=f"Which artefact does this duty {verb}: {_q(duty.reading)}?",
                key=artefact,
                tiers=_tiers(
                    named,
                    [a for a in artefacts if process and facts.terms[a].process == process],
                    artefacts,
                    exclude=right,
                ),
                explanation=f"{duty.quote()} ({role.label}) {verbs} the {facts.label(artefact)}."
                + also,
                facts={"action": action},
                roles=(role.node,),
                processes=tuple(sorted({p for p in (role.process, process) if p})),
                points=0,
                tier_points=2,
            )
        )
    return out


def interface_drafts(facts: Facts) -> list[Draft]:
    """Both directions: the partner of a process (``to``), the process of a partner (``from``)."""
    partners: dict[str, set[str]] = defaultdict(set)  # any interface, either way, stated or not
    for i in facts.interfaces:
        partners[i.source].add(i.target)
        partners[i.target].add(i.source)
    stated: dict[tuple[str, str, str], set[Interface]] = defaultdict(set)
    for i in facts.interfaces:
        if i.stated and i.type:
            stated[("to", i.source, i.type)].add(i)
            stated[("from", i.target, i.type)].add(i)
    processes = facts.of_kind("process")
    ppo = {t.process for t in facts.terms.values() if t.kind in ("owner", "manager")}
    plausible = {p for q in ppo for p in partners[q]} | ppo
    out = []
    for (direction, process, kind), found in sorted(stated.items()):
        (interface,) = found if len(found) == 1 else (None,)
        if interface is None:
            continue
        answer = interface.target if direction == "to" else interface.source
        if answer not in facts.terms or process not in facts.terms:
            continue
        pool = set(processes) - partners[process] - {process}
        first = plausible if direction == "to" else ppo
        a = _article(kind)
        name = facts.label(process)
        if direction == "to":
            stem = f"The duties of {name} state {a} {kind} with which process?"
        else:
            stem = f"The duties of which process state {a} {kind} with {name}?"
        evidence = _evidence(facts, interface)
        quoted = facts.duties.get(evidence) if evidence else None
        said = (
            f"{quoted.quote()} ({facts.label(quoted.role)}) states"
            if quoted
            else "The tutorial states"
        )
        out.append(
            Draft(
                id=f"interface-{direction}-{local_name(process)}-{_slug(kind)}",
                kind=Kind.INTERFACE,
                stem=stem,
                key=answer,
                tiers=_tiers(pool & first, pool, exclude={answer, process}),
                explanation=f"{said} the {kind} from {facts.label(interface.source)} to "
                f"{facts.label(interface.target)}.",
                facts={"process": process, "type": kind, "direction": direction},
                section=quoted.section if quoted else "",
                roles=(quoted.role,) if quoted else (),
                processes=(interface.source, interface.target),
                points=1,
            )
        )
    return out


def _evidence(facts: Facts, interface: Interface) -> str:
    """The evidencing duty to quote: the first, in source order, whose text names the partner
    (by its label or an abbreviation), else the first."""
    order = list(facts.duties)
    duties = sorted(
        (d for d in interface.duties if d in facts.duties), key=lambda d: order.index(d)
    )
    partner = facts.terms.get(interface.target)
    if partner is not None:
        names = [partner.label, *partner.abbreviations]
        for duty in duties:
            text = facts.duties[duty].text
            if any(re.search(rf"\b{re.escape(n)}\b", text, re.IGNORECASE) for n in names):
                return duty
    return duties[0] if duties else ""


def abbreviation_drafts(facts: Facts) -> list[Draft]:
    holders: dict[str, set[str]] = defaultdict(set)
    for term in facts.terms.values():
        for abbreviation in term.abbreviations:
            holders[abbreviation].add(term.node)
    abbreviated = sorted({n for nodes in holders.values() for n in nodes})
    out = []
    for abbreviation, nodes in sorted(holders.items()):
        if len(nodes) != 1:
            continue
        (node,) = nodes
        term = facts.terms[node]
        same = {n for n in abbreviated if name_key(facts.label(n)) == name_key(term.label)}
        quoted = next(
            (
                d
                for d in facts.duties.values()
                if re.search(rf"\b{re.escape(abbreviation)}\b", d.text)
            ),
            None,
        )
        said = (
            f"{quoted.quote()} uses {abbreviation} for the {term.label}."
            if quoted
            else f"{abbreviation} stands for the {term.label}."
        )
        definition = f" {term.definition}" if term.definition else ""
        process = term.process or (node if term.kind == "process" else "")
        out.append(
            Draft(
                id=f"abbreviation-{_slug(abbreviation)}",
                kind=Kind.ABBREVIATION,
                stem=f"What does the abbreviation {_q(abbreviation)} stand for?",
                key=node,
                tiers=_tiers(
                    [n for n in abbreviated if facts.terms[n].kind == term.kind],
                    abbreviated,
                    exclude=same | {node},
                ),
                explanation=said + definition,
                facts={"abbreviation": abbreviation},
                section=quoted.section if quoted else "",
                processes=(process,) if process else (),
                points=0,
            )
        )
    return out


# --- drawing the distractors, choosing the questions ------------------------------------------


def realise(draft: Draft, facts: Facts, seed: int) -> Question | None:
    """The question of ``draft``, its distractors drawn with ``Random(f"{seed}:{id}")``; None
    when the graph offers too few wrong options."""
    rng = random.Random(f"{seed}:{draft.id}")
    chosen: list[str] = []
    first_tier = False
    for at, tier in enumerate(draft.tiers):
        pool = [n for n in tier if n not in chosen]
        rng.shuffle(pool)
        taken = pool[: draft.need - len(chosen)]
        first_tier = first_tier or (at == 0 and bool(taken))
        chosen += taken
    if len(chosen) < draft.need:
        return None
    if draft.fixed:
        nodes = list(draft.fixed)
    else:
        nodes = [draft.key, *chosen]
        rng.shuffle(nodes)
    options = tuple(facts.label(n) for n in nodes)
    if len({name_key(o) for o in options}) != len(options):
        return None  # two options that read the same: never offered
    points = draft.points + (draft.tier_points if first_tier else 0)
    return Question(
        id=draft.id,
        kind=str(draft.kind),
        stem=draft.stem,
        options=options,
        key=nodes.index(draft.key),
        explanation=draft.explanation,
        difficulty=DIFFICULTIES[min(points, len(DIFFICULTIES) - 1)],
        option_nodes=tuple(nodes),
        facts=dict(draft.facts),
        section=draft.section,
        roles=draft.roles,
        processes=draft.processes,
    )


def bank(facts: Facts, seed: int = 0) -> list[Question]:
    """Every question, by id, for ``seed``."""
    made = (realise(d, facts, seed) for d in drafts(facts))
    return [q for q in made if q is not None]


def select(
    questions: Sequence[Question],
    seed: int = 0,
    count: int | None = DEFAULT_COUNT,
    *,
    kinds: Sequence[str] = KINDS,
    roles: Iterable[str] = (),
    processes: Iterable[str] = (),
) -> list[Question]:
    """Up to ``count`` (None or 0: all) of ``questions`` of the ``kinds``, about one of the
    ``roles`` (IRIs; none: any) and one of the ``processes``: the kinds taken in turn, each
    kind's questions in an order drawn with ``Random(seed)``, and the pick shuffled by it."""
    wanted_roles, wanted_processes = set(roles), set(processes)
    kept = [
        q
        for q in questions
        if q.kind in kinds
        and (not wanted_roles or wanted_roles & set(q.roles))
        and (not wanted_processes or wanted_processes & set(q.processes))
    ]
    rng = random.Random(seed)
    queues = []
    for kind in KINDS:
        queue = sorted((q for q in kept if q.kind == kind), key=lambda q: q.id)
        rng.shuffle(queue)
        queues.append(queue)
    turns: list[Question] = []
    while any(queues):
        for queue in queues:
            if queue:
                turns.append(queue.pop(0))
    picked = turns[:count] if count else turns
    rng.shuffle(picked)
    return picked


def parse_kinds(given: Iterable[str]) -> list[str]:
    """The kinds named in ``--kinds`` values (each may list several, comma-separated); all when
    none is given; an unknown one is a UsageError naming the kinds."""
    names = [n.strip() for value in given for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in KINDS]
    if unknown:
        raise UsageError(f"--kinds: unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
    return names or list(KINDS)


def resolve(graph: Any, names: Iterable[str], cls: str, option: str, what: str) -> list[str]:
    """The IRIs of ``names`` (each value may list several, comma-separated) among the instances
    of ``cls``, by the one resolver (:mod:`ppo_graph.names`): "ITSCM Manager", "Capacity
    Management", a CURIE. An unknown or ambiguous name is a UsageError naming ``option``."""
    from ppo_graph.names import NameError_, from_rows

    wanted = [n.strip() for value in names for n in value.split(",") if n.strip()]
    if not wanted:
        return []
    rows = graph.rows("name-index", {"class": cls}, text=True)
    resolver = from_rows(rows, what, list_all=40)
    try:
        return [resolver.resolve(name) for name in wanted]
    except NameError_ as error:
        raise UsageError(f"{option}: {error}") from None


def generate(
    graph: Any,
    *,
    seed: int = 0,
    count: int | None = DEFAULT_COUNT,
    kinds: Sequence[str] = KINDS,
    roles: Iterable[str] = (),
    processes: Iterable[str] = (),
) -> list[Question]:
    """A quiz from ``graph``: :func:`bank` for ``seed``, then :func:`select`. ``roles`` and
    ``processes`` are names (resolved here); a selection that leaves no question is a
    UsageError."""
    role_iris = resolve(graph, roles, "ppo:Role", "--roles", "role")
    process_iris = resolve(graph, processes, "ppo:Process", "--processes", "process")
    picked = select(
        bank(read_facts(graph), seed),
        seed,
        count,
        kinds=kinds,
        roles=role_iris,
        processes=process_iris,
    )
    if not picked:
        asked = [f"--kinds {','.join(kinds)}"] if list(kinds) != list(KINDS) else []
        asked += [f"--roles {', '.join(roles)}"] if role_iris else []
        asked += [f"--processes {', '.join(processes)}"] if process_iris else []
        raise UsageError(f"no question matches {' '.join(asked) or 'this graph'}")
    return picked


def _q(text: str) -> str:
    return f"\u201c{text}\u201d"


def _article(phrase: str) -> str:
    return "an" if phrase[:1].lower() in "aeiou" else "a"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
