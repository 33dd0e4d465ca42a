"""``ppo assess``: a duty-level self-assessment (:mod:`ppo_graph.assess`). ``form`` writes the
statements to rate, ``score`` reads the filled form and writes the scores, the report, the
chart and the answers as RDF, ``diff`` says how two assessments differ."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ppo_graph.cli.common import (
    add_input_files,
    add_output,
    emit_rows,
    open_graph,
    output_format,
    write_output,
)
from ppo_graph.errors import EXIT_OK, UsageError
from ppo_graph.formats import Format, choices

SCORE_FORMATS = [*choices(*Format), "html"]
#: A file `ppo assess diff` reads as RDF (else as a filled form).
RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl", ".xml")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "assess",
        help="a self-assessment of how far your organisation carries each duty (0-5)",
        description="A duty-level self-assessment: `ppo assess form` writes one statement per "
        "duty to rate on the 0-5 capability scale, `ppo assess score` reads the filled form "
        "and writes the scores, an HTML report, a chart and the answers as RDF, and `ppo "
        "assess diff` says how two assessments differ. See docs/assess.md.",
    )
    sub = p.add_subparsers(dest="assess_command", metavar="ASSESS_COMMAND")
    sub.required = True

    form = sub.add_parser(
        "form",
        help="the form to fill in: a statement per duty of the chosen roles or processes",
        description="One statement per duty of the roles and processes chosen (every duty when "
        "neither is given), derived from the duty's verbatim text, which stands beside it with "
        "its section; a duty the manager's list restates from the owner's is one statement "
        "noting both duties. Columns: duty, process, role, section, verbatim, statement, "
        "rating, evidence, comment. The form opens with rows saying how to fill it in and what "
        "each level of the 0-5 scale means (in the statement column; ppo assess score passes "
        "over them). XLSX: the rating column accepts only a whole number from 0 to 5.",
    )
    add_choice(form)
    form.add_argument(
        "--sample",
        type=int,
        metavar="SEED",
        default=None,
        help="fill the form with made-up ratings (the same for the same SEED), for a "
        "demonstration: ppo run writes one for the example organisation's processes",
    )
    add_input_files(form)
    add_output(form, default="csv", about="; xlsx: a workbook whose rating column is checked")
    form.set_defaults(handler=cmd_form)

    score = sub.add_parser(
        "score",
        help="score a filled form: per duty, role, process and theme; report, chart, RDF",
        description="Read a filled form (CSV or XLSX) and score it: per duty, role, process "
        "and theme, the mean rating of what was assessed and the coverage (assessed / total); "
        "a blank rating is not assessed. A bad file (an unknown duty, a rating that is not a "
        "whole number from 0 to 5, a duty rated twice, a missing duty or rating column) exits "
        "2 naming each line. --out FILE.html writes the self-contained report; .csv, .json, "
        ".md, .xlsx the score rows; --chart the chart; --ttl the answers as W3C DQV "
        "measurements to load beside the graph (questions assessment-risks, "
        "assessment-responsible, assessment-diff).",
    )
    score.add_argument("answers", type=Path, metavar="ANSWERS", help="the filled form")
    add_input_files(score)
    add_output(
        score,
        SCORE_FORMATS,
        default="table",
        about="; html: the report; csv, json, md, xlsx: a row per duty, role, process, theme "
        "and overall (level, name, label, mean, assessed, total, coverage)",
    )
    add_assessment_options(score)
    score.add_argument(
        "--chart",
        type=Path,
        metavar="FILE",
        help="the chart of the scores by process and theme: FILE.svg (always) or FILE.png "
        "(needs matplotlib)",
    )
    score.add_argument(
        "--ttl",
        type=Path,
        metavar="FILE",
        help="the answers as RDF (Turtle): a ppo:SelfAssessment and a dqv:QualityMeasurement "
        "per rated duty",
    )
    score.set_defaults(handler=cmd_score)

    diff = sub.add_parser(
        "diff",
        help="how two assessments differ, duty by duty",
        description="The duties two assessments rate differently, or rate in one only: each "
        "file is the Turtle of `ppo assess score --ttl` or a filled form (scored with --date). "
        "The answer of the question assessment-diff with the two assessments.",
    )
    diff.add_argument("earlier", type=Path, metavar="EARLIER", help="the first assessment")
    diff.add_argument("later", type=Path, metavar="LATER", help="the second assessment")
    add_input_files(diff)
    add_output(diff)
    diff.add_argument(
        "--date",
        default=None,
        metavar="DATE",
        help="the date of a filled form given instead of Turtle, YYYY-MM-DD (default: today)",
    )
    diff.set_defaults(handler=cmd_diff)


def add_choice(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--roles",
        nargs="+",
        default=[],
        metavar="ROLE",
        help='roles whose duties to rate: a label, CURIE or short form ("Capacity Manager")',
    )
    parser.add_argument(
        "--processes",
        nargs="+",
        default=[],
        metavar="PROCESS",
        help='processes whose owner\'s and manager\'s duties to rate ("ITSCM", "Demand '
        'Management"); with --roles, the duties of either',
    )


def add_assessment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date",
        default=None,
        metavar="DATE",
        help="the date of the assessment, YYYY-MM-DD (default: today, the local date)",
    )
    parser.add_argument("--assessor", default="", metavar="NAME", help="who assessed")
    parser.add_argument(
        "--iri",
        default=None,
        metavar="IRI",
        help="the assessment's IRI in the RDF (default: urn:ppo-assessment:DATE:DIGEST, the "
        "digest of what it says)",
    )


def _date(text: str | None) -> str:
    from ppo_graph import dates

    return (dates.parse_date(text, "--date") if text else dates.local_today()).isoformat()


def cmd_form(args: argparse.Namespace) -> int:
    from ppo_graph.assess.model import FORM_COLUMNS, chosen_nodes, form_rows, load

    output_format(args, args.extra)
    graph = open_graph(args)
    catalogue = load(graph)
    statements = catalogue.statements(chosen_nodes(graph, args.roles, args.processes))
    if not statements:
        raise UsageError("no duty of the roles and processes given: nothing to rate")
    rows = form_rows(statements, catalogue.scale, seed=args.sample)
    if args.format == "xlsx":  # the rating column accepts a whole number of the scale only
        from ppo_graph.org.xlsx import rows_xlsx

        levels = catalogue.scale.numbers()
        book = rows_xlsx(
            rows, FORM_COLUMNS, "self-assessment", whole_numbers={"rating": (levels[0], levels[-1])}
        )
        write_output(args, book, f"{len(statements)} statements, xlsx")
        return EXIT_OK
    emit_rows(args, rows, FORM_COLUMNS, title="self-assessment")
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    from ppo_graph.assess import chart, rdf
    from ppo_graph.assess.answers import read_answers
    from ppo_graph.assess.model import load
    from ppo_graph.assess.report import report_html
    from ppo_graph.assess.score import SCORE_COLUMNS, compute, summary_text
    from ppo_graph.output import atomic_write, refuse_overwriting

    inputs = [args.answers, *args.extra]
    fmt = output_format(args, inputs)
    for option, path in (("--chart", args.chart), ("--ttl", args.ttl)):
        refuse_overwriting(path, inputs, option)
    if args.chart is not None and args.chart.suffix.lower() not in (".svg", ".png"):
        raise UsageError(f"--chart {args.chart}: give FILE.svg or FILE.png")
    date = _date(args.date)
    catalogue = load(open_graph(args))
    answers, notes = read_answers(args.answers, catalogue)
    for note in notes:
        print(f"ppo assess score: {note}", file=sys.stderr)
    scores = compute(answers, catalogue)
    title = f"Self-assessment of {date}"
    if args.chart is not None:
        png = args.chart.suffix.lower() == ".png"
        picture: str | bytes = chart.png(scores, title) if png else chart.svg(scores, title)
        atomic_write(args.chart, picture)
        print(f"wrote {args.chart} (the chart)", file=sys.stderr)
    if args.ttl is not None:
        turtle = rdf.to_turtle(
            answers, date=date, assessor=args.assessor, source=args.answers.name, iri=args.iri
        )
        atomic_write(args.ttl, turtle)
        print(f"wrote {args.ttl} (the answers as DQV measurements)", file=sys.stderr)
    if fmt == "html":
        page = report_html(
            scores, catalogue, date=date, assessor=args.assessor, source=args.answers.name
        )
        write_output(args, page, "the report")
        return EXIT_OK
    emit_rows(
        args,
        scores.rows(),
        SCORE_COLUMNS,
        table=lambda: summary_text(scores, title=title),
        title="scores",
    )
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    import tempfile

    from ppo_graph.assess.answers import read_answers
    from ppo_graph.assess.model import Catalogue, load
    from ppo_graph.assess.rdf import assessment_of, to_turtle
    from ppo_graph.tables import simplify_rows

    output_format(args, [args.earlier, args.later, *args.extra])
    catalogue: Catalogue | None = None
    with tempfile.TemporaryDirectory(prefix="ppo-assess-") as folder:
        files: list[Path] = []
        for index, path in enumerate((args.earlier, args.later)):
            if path.suffix.lower() in RDF_SUFFIXES:
                files.append(path)
                continue
            catalogue = catalogue or load(open_graph(args))
            answers, _ = read_answers(path, catalogue)
            turtle = to_turtle(answers, date=_date(args.date), source=path.name)
            made = Path(folder) / f"{index}-{path.stem}.ttl"
            made.write_text(turtle, encoding="utf-8")
            files.append(made)
        given = (args.earlier, args.later)
        iris = [assessment_of(path, shown) for path, shown in zip(files, given, strict=True)]
        if iris[0] == iris[1]:
            raise UsageError(f"{args.earlier} and {args.later} are one assessment ({iris[0]})")
        graph = open_graph(args, [*args.extra, *files])
        rows = graph.rows("assessment-diff", {"earlier": iris[0], "later": iris[1]})
    columns = ["duty", "earlierRating", "laterRating", "change", "text"]
    emit_rows(args, simplify_rows(rows), columns, title="assessment diff")
    return EXIT_OK
