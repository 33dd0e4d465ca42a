"""A quiz question and the kinds of question the bank makes: plain data, no RDF library."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from ppo_graph.namespaces import compact


class Kind(enum.StrEnum):
    """What a question asks (``ppo quiz --kinds``)."""

    ROLE = "role"  # which role carries this duty
    OWNER_OR_MANAGER = "owner-or-manager"  # is it the process owner's or the manager's duty
    ARTEFACT = "artefact"  # which artefact a duty produces, maintains, reviews, uses, ...
    INTERFACE = "interface"  # which process a stated interface connects
    ABBREVIATION = "abbreviation"  # what an abbreviation stands for


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)
#: How hard a question is, from the easiest.
DIFFICULTIES = ("easy", "medium", "hard")
#: The letters options are shown with.
LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Question:
    """One multiple-choice question with a single right option.

    ``facts`` says what the question is about, so that its answer can be derived again from the
    graph (the tests do): ``duty`` (an IRI) for the duty kinds, with the ``action`` of an
    artefact question; ``process``, ``type`` and ``direction`` (``to``: the options are the
    partners of ``process``; ``from``: the processes whose duties state the interface with it)
    for an interface question; ``abbreviation`` for an abbreviation question.
    """

    id: str
    kind: str
    stem: str
    options: tuple[str, ...]
    key: int  # index into options of the one right option
    explanation: str
    difficulty: str
    option_nodes: tuple[str, ...]  # the IRI each option names
    facts: dict[str, str] = field(default_factory=dict, hash=False)
    section: str = ""  # the section the explanation quotes, "7.10"
    roles: tuple[str, ...] = ()  # the roles it is about (--roles)
    processes: tuple[str, ...] = ()  # the processes it is about (--processes)

    @property
    def answer(self) -> str:
        return self.options[self.key]

    @property
    def letter(self) -> str:
        """The right option's letter (A, B, ...)."""
        return LETTERS[self.key]

    def as_json(self) -> dict[str, Any]:
        """The question as plain values (IRIs as CURIEs)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "difficulty": self.difficulty,
            "stem": self.stem,
            "options": list(self.options),
            "key": self.key,
            "answer": self.answer,
            "explanation": self.explanation,
            "section": self.section,
            "optionNodes": [compact(n) for n in self.option_nodes],
            "facts": {
                k: compact(v) if k in ("duty", "process") else v for k, v in self.facts.items()
            },
            "roles": [compact(r) for r in self.roles],
            "processes": [compact(p) for p in self.processes],
        }
