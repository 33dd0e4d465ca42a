"""``ppo quiz``: multiple-choice questions generated from the graph (:mod:`.bank`), each with
its answer, an explanation quoting the duty with its section, its kind and a difficulty, in the
formats trainers import them in (:mod:`.export`: GIFT, Moodle XML, CSV, JSON, a printable HTML
exam and its key; :mod:`.packages`: a QTI 2.1 content package and an Anki deck)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ppo_graph.formats import QuizFormat
from ppo_graph.quiz.bank import DEFAULT_COUNT, generate, parse_kinds
from ppo_graph.quiz.model import KINDS, Kind, Question

__all__ = [
    "BINARY",
    "DEFAULT_COUNT",
    "KINDS",
    "SUFFIXES",
    "Kind",
    "Question",
    "generate",
    "parse_kinds",
    "render",
    "sample_files",
]

#: What an --out suffix says the format is.
SUFFIXES = {
    "gift": QuizFormat.GIFT,
    "xml": QuizFormat.MOODLE,
    "zip": QuizFormat.QTI,
    "apkg": QuizFormat.ANKI,
    "csv": QuizFormat.CSV,
    "html": QuizFormat.HTML,
    "htm": QuizFormat.HTML,
    "json": QuizFormat.JSON,
}
#: Formats that are not text: they need --out.
BINARY = frozenset({QuizFormat.QTI, QuizFormat.ANKI})
#: The sample quiz ``ppo run`` writes.
SAMPLE_SEED = 1


def render(
    questions: Sequence[Question],
    fmt: str,
    seed: int = 0,
    *,
    excel: bool = False,
    with_key: bool = True,
) -> str | bytes:
    """The questions in format ``fmt`` (a :class:`~ppo_graph.formats.QuizFormat`); the HTML
    exam carries its key from a new page unless ``with_key`` is false."""
    from ppo_graph.quiz import export, packages

    kind = QuizFormat(fmt)
    if kind is QuizFormat.GIFT:
        return export.gift(questions, seed)
    if kind is QuizFormat.MOODLE:
        return export.moodle_xml(questions, seed)
    if kind is QuizFormat.QTI:
        return packages.qti_package(questions, seed)
    if kind is QuizFormat.ANKI:
        return packages.anki_deck(questions, seed)
    if kind is QuizFormat.CSV:
        return export.csv_text(questions, excel=excel)
    if kind is QuizFormat.HTML:
        return export.exam_html(questions, seed, with_key=with_key)
    return export.json_text(questions, seed)


def sample_files(graph: Any) -> tuple[dict[str, str], str]:
    """The sample quiz ``ppo run`` writes: file name -> content (``quiz.gift``, ``quiz.html``,
    ``quiz-key.html``), and one line saying what they are."""
    from ppo_graph.quiz.export import exam_html, gift, key_html

    questions = generate(graph, seed=SAMPLE_SEED)
    files = {
        "quiz.gift": gift(questions, SAMPLE_SEED),
        "quiz.html": exam_html(questions, SAMPLE_SEED, with_key=False),
        "quiz-key.html": key_html(questions, SAMPLE_SEED),
    }
    what = (
        f"a sample quiz for Moodle ({len(questions)} questions, ppo quiz --seed {SAMPLE_SEED}); "
        "printable: quiz.html, quiz-key.html"
    )
    return files, what
