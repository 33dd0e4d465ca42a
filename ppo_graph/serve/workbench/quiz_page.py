"""The quiz page (``/quiz``): a quiz of ``ppo quiz`` (:mod:`ppo_graph.quiz`) to take in the
browser, offline: the questions as radio buttons, and ``static/quiz.js`` (served by this server,
nothing from elsewhere) marks the answers, gives the score and shows each explanation. The
right answers ride in the page (``data-key``): a page to practise with, not to examine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ppo_graph.errors import UsageError
from ppo_graph.quiz.model import KINDS, LETTERS, Question
from ppo_graph.serve.workbench.markup import Child, h, page

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: Questions a page shows by default, and at most.
DEFAULT_COUNT = 10
MAX_COUNT = 100


@dataclass(frozen=True)
class QuizRequest:
    """What the page's form asks for: ``?seed=N&count=N&kinds=role&kinds=...``."""

    seed: int = 0
    count: int = DEFAULT_COUNT
    kinds: tuple[str, ...] = KINDS

    @classmethod
    def parse(cls, params: Mapping[str, str], kinds: Sequence[str]) -> QuizRequest:
        """From the query string; a bad value is a UsageError saying what was expected."""
        try:
            seed = int(params.get("seed") or 0)
        except ValueError:
            raise UsageError(f"seed: {params.get('seed')!r} is not a whole number") from None
        try:
            count = int(params.get("count") or DEFAULT_COUNT)
        except ValueError:
            raise UsageError(f"count: {params.get('count')!r} is not a whole number") from None
        if not 1 <= count <= MAX_COUNT:
            raise UsageError(f"count: {count} is not between 1 and {MAX_COUNT}")
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise UsageError(f"kinds: unknown kind {unknown[0]!r} (kinds: {', '.join(KINDS)})")
        return cls(seed, count, tuple(k for k in KINDS if k in kinds) or KINDS)


def quiz_questions(graph: Graph, asked: QuizRequest) -> list[Question]:
    from ppo_graph.quiz import generate

    return generate(graph, seed=asked.seed, count=asked.count, kinds=asked.kinds)


def _form(asked: QuizRequest) -> Child:
    return h(
        "form",
        {"id": "new-quiz", "method": "get", "action": "/quiz", "class": "no-print"},
        h(
            "label",
            None,
            "Seed ",
            h("input", {"type": "number", "name": "seed", "value": asked.seed}),
        ),
        " ",
        h(
            "label",
            None,
            "Questions ",
            h(
                "input",
                {
                    "type": "number",
                    "name": "count",
                    "min": 1,
                    "max": MAX_COUNT,
                    "value": asked.count,
                },
            ),
        ),
        " ",
        [
            h(
                "label",
                {"class": "kind"},
                h(
                    "input",
                    {
                        "type": "checkbox",
                        "name": "kinds",
                        "value": kind,
                        "checked": kind in asked.kinds,
                    },
                ),
                f" {kind}",
            )
            for kind in KINDS
        ],
        " ",
        h("button", {"type": "submit"}, "New quiz"),
    )


def _question(number: int, q: Question) -> Child:
    return h(
        "li",
        {"class": "question", "id": f"q-{q.id}", "data-key": q.letter, "data-kind": q.kind},
        h("p", {"class": "stem"}, q.stem, " ", h("span", {"class": "hint"}, f"({q.difficulty})")),
        h(
            "ul",
            {"class": "choices"},
            [
                h(
                    "li",
                    None,
                    h(
                        "label",
                        None,
                        h("input", {"type": "radio", "name": f"answer-{number}", "value": letter}),
                        f" {letter}. {option}",
                    ),
                )
                for letter, option in zip(LETTERS, q.options, strict=False)
            ],
        ),
        h("p", {"class": "verdict", "hidden": True}),
        h("p", {"class": "explanation", "hidden": True}, q.explanation),
    )


def quiz_page(questions: Sequence[Question], asked: QuizRequest) -> str:
    body: list[Child] = [
        h("h1", None, "Quiz"),
        h(
            "p",
            {"class": "hint"},
            f"{len(questions)} questions drawn from the graph with seed {asked.seed}: the same "
            "seed gives the same quiz (ppo quiz --seed N writes it for Moodle, QTI, Anki or "
            "paper). Choose one answer per question, then check.",
        ),
        _form(asked),
        h(
            "form",
            {"id": "quiz"},
            h("ol", {"id": "questions"}, [_question(n, q) for n, q in enumerate(questions, 1)]),
            h(
                "p",
                {"class": "toolbar"},
                h("button", {"type": "button", "id": "check"}, "Check answers"),
                " ",
                h("button", {"type": "button", "id": "retry", "hidden": True}, "Try again"),
            ),
            h("p", {"id": "score", "hidden": True}),
        ),
    ]
    return page(
        "Quiz", body, active="/quiz", scripts=["/assets/quiz.js"], styles=["/assets/quiz.css"]
    )
