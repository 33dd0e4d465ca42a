"""The jobs every front end asks of the engine, each in one place: validation as ``ppo validate``
reports it (the command, the workbench's page and ``ppo run`` call this one function), and the
main job, ``ppo run``: the graph built, reasoned, validated, questioned and drawn, and the example
organisation checked, its RACI matrix and gaps written.
"""

from __future__ import annotations

import textwrap
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ppo_graph.dates import as_of, checked, current, iso, params

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph, ValidatorName
    from ppo_graph.report import ValidationReport

#: Which of the catalogue's checks join the SHACL report: every one (``--checks``), the
#: organisation's only (what ``ppo validate`` adds by default), or none (the SHACL report alone,
#: as the SHACL report graph of ``--format turtle`` holds it).
Checks = Literal["all", "organisation", "none"]


def shapes_for(
    graph: Graph, shapes: Sequence[Path | str] = (), note: Callable[[str], None] | None = None
) -> list[Path]:
    """The shapes given plus those the user's data files declare (each named to ``note``, since
    such shapes also check the data they came with)."""
    chosen = [Path(p) for p in shapes]
    for path in graph.shapes_in_data:
        if path not in chosen:
            if note is not None:
                note(
                    f"{path} declares SHACL shapes; they are used as shapes too (give shapes with "
                    "--shapes to keep them out of the data)"
                )
            chosen.append(path)
    return chosen


def validate(
    graph: Graph,
    shapes: Sequence[Path | str] = (),
    *,
    checks: Checks = "organisation",
    engine: ValidatorName = "auto",
    note: Callable[[str], None] | None = None,
) -> ValidationReport:
    """The graph checked against the shipped SHACL shapes, ``shapes`` and the shapes the data
    declares, with its OWL RL inconsistencies and the ``checks`` rows as violations."""
    from ppo_graph.engine.answers import with_checks

    report = graph.validate(shapes_for(graph, shapes, note), engine=engine)
    if checks == "none":
        return report
    return with_checks(report, graph, organisation_only=checks == "organisation")


@dataclass(frozen=True)
class ExampleOrg:
    """What the main job found on the example organisation."""

    people: int  # in post on as_of
    gaps: dict[str, int]  # org-* check -> its violations: the example's deliberate gaps
    unexpected: int  # other violations and inconsistencies: the shipped files are broken
    as_of: str = ""  # the date the organisation was read as of (YYYY-MM-DD)

    def summary(self, out: Path) -> list[str]:
        listed = ", ".join(f"{check} {n}" for check, n in self.gaps.items()) or "none"
        text = (
            f"{self.people} people in post (examples/org) as of {iso(self.as_of)}; the "
            "organisation checks find its "
            f"{sum(self.gaps.values())} deliberate gaps, which do not fail the run: {listed}"
        )
        if self.unexpected:
            text += (
                f"; and {self.unexpected} UNEXPECTED problem(s): see {out / 'org-validation.txt'}"
            )
        return textwrap.wrap(
            text,
            98,
            initial_indent="  example org ",
            subsequent_indent=" " * 14,
            break_on_hyphens=False,
            break_long_words=False,
        )


@dataclass(frozen=True)
class MainJob:
    """What the main job did: its summary lines, every question's answer, and whether it failed
    (the graph does not conform, a check found a problem, or the example organisation has
    problems beyond its deliberate gaps)."""

    summary: list[str]
    answers: str
    failed: bool


def main_job(out: Path, *, cache: bool | None = None, organisation: bool = True) -> MainJob:
    """``ppo run``: write the reasoned graph, its validation, counts, every answer, the
    interface picture and a sample quiz into ``out`` (and, with ``organisation``, the example
    organisation's validation, RACI matrix and gaps); each file written whole or not at all."""
    import io

    from ppo_graph.build import serialize_store
    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.engine.answers import answer_all, run_checks
    from ppo_graph.output import atomic_write
    from ppo_graph.quiz import sample_files as quiz_files
    from ppo_graph.report import format_text as validation_text
    from ppo_graph.stats import compute
    from ppo_graph.stats import format_text as stats_text
    from ppo_graph.tables import format_columns
    from ppo_graph.viz import write_default_picture

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written: list[tuple[Path, str]] = []

    def save(name: str, content: str, what: str) -> None:
        written.append((atomic_write(out / name, content), what))

    kg = KnowledgeGraph.open(cache=cache)
    save("ppo-graph.trig", serialize_store(kg, "trig") or "", "the reasoned graph (TriG)")
    report = validate(kg, checks="none")
    save("validation.txt", validation_text(report), "the SHACL validation report")
    checks = run_checks(kg)
    found = {name: rows for name, rows in checks.items() if rows}
    stats = compute(kg)
    save("stats.txt", stats_text(stats), "counts, duties per role")
    answers = io.StringIO()
    answer_all(kg, answers, limit=10_000)
    save("answers.txt", answers.getvalue(), "every canned question's answer")
    picture = write_default_picture(kg, out)
    written.append((picture, "the interactive interface picture (open it in a browser)"))
    quiz, what = quiz_files(kg)
    for name, content in quiz.items():
        atomic_write(out / name, content)
    written.append((out / "quiz.gift", what))
    org = example_organisation(save, cache=cache) if organisation else None
    if organisation:
        written.append(sample_assessment(out / "assessment", cache=cache))

    how = "from the cache" if kg.from_cache else f"{kg.reasoner} reasoner"
    counts = stats.counts
    questions = sum(1 for spec in default_catalogue() if spec.kind == "question")
    lines = [
        "ppo run: the PPO knowledge graph built, reasoned, validated, questioned and drawn",
        "",
        f"  graph       {kg.asserted_count:,} triples asserted + {kg.inferred_count:,} inferred ({how})",
        f"  content     {counts['roles']} roles, {counts['duties']} duties, "
        f"{counts['processes']} processes, {counts['artefacts']} artefacts, "
        f"{counts['interfaces']} interfaces",
    ]
    if report.ok:
        lines.append(f"  validation  conforms ({report.triples:,} triples, SHACL and OWL RL)")
    else:
        lines.append(
            f"  validation  DOES NOT CONFORM: {len(report.violations)} result(s), "
            f"{len(report.inconsistencies)} inconsistency(ies); see {out / 'validation.txt'}"
        )
    if found:
        listed = ", ".join(f"{name} ({len(rows)})" for name, rows in found.items())
        lines.append(f"  checks      {len(found)} of {len(checks)} found problems: {listed}")
    else:
        lines.append(f"  checks      {len(checks)} checks, none found a problem")
    lines.append(f"  questions   {questions} answered")
    if org is not None:
        lines += org.summary(out)
    lines += ["", f"Outputs in {out}:"]
    lines += format_columns(written, "<<", indent="  ")
    lines.append(f"\nDone in {time.perf_counter() - started:.1f}s.")
    failed = not report.ok or bool(found) or (org is not None and org.unexpected > 0)
    return MainJob(lines, answers.getvalue(), failed)


def sample_assessment(folder: Path, cache: bool | None = None) -> tuple[Path, str]:
    """A sample self-assessment of the example organisation's processes (made-up ratings):
    its answers, report, chart and RDF, as ``ppo assess score`` writes them, in ``folder``."""
    from ppo_graph.assess.sample import write_sample
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.paths import example_org_dir

    kg = KnowledgeGraph.open([example_org_dir() / "org.ttl"], cache=cache)
    return write_sample(kg, folder, current())


def example_organisation(
    save: Callable[[str, str, str], None], cache: bool | None = None
) -> ExampleOrg:
    """Validate the shipped example organisation with the checks and write its RACI matrix by
    role and its gaps: what ``ppo validate --checks``, ``ppo raci --by role`` and
    ``ppo org gaps`` give on examples/org/org.ttl."""
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.formats import MatrixFormat
    from ppo_graph.org.gaps import gaps, gaps_text
    from ppo_graph.org.matrix_formats import matrix_content
    from ppo_graph.org.raci import build
    from ppo_graph.paths import example_org_dir
    from ppo_graph.report import format_text

    kg = KnowledgeGraph.open([example_org_dir() / "org.ttl"], cache=cache)
    day = current()  # one date for every file: a run across midnight reads one day
    with as_of(day):
        report = validate(kg, checks="all")
    save(
        "org-validation.txt",
        f"{format_text(report)}\n{checked(day)}\n",
        "the example organisation's validation: its deliberate gaps",
    )
    matrix = build(kg, "role", day)
    for fmt in (MatrixFormat.HTML, MatrixFormat.CSV):
        content = matrix_content(matrix, fmt)
        assert isinstance(content, str)
        save(f"raci-by-role.{fmt}", content, f"its RACI matrix by role ({fmt})")
    save(
        "org-gaps.txt",
        gaps_text(gaps(kg, as_of=day)),
        "its unheld roles, uncovered duties and workload",
    )

    checks = Counter(  # the organisation checks' violations, by check
        v.shape.removeprefix("queries/checks/").removesuffix("-violation.rq")
        for v in report.violations
        if v.shape.startswith("queries/checks/org-")
    )
    deliberate = dict(sorted(checks.items()))
    unexpected = len(report.violations) - checks.total() + len(report.inconsistencies)
    members = kg.rows("org-current-members", params(day), text=True)
    people = len({row["person"] for row in members})
    return ExampleOrg(people, deliberate, unexpected, day.isoformat())
