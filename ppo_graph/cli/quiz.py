"""``ppo quiz``: a seeded multiple-choice quiz generated from the graph (:mod:`ppo_graph.quiz`),
in the formats trainers import: GIFT and Moodle XML, QTI 2.1, an Anki deck, CSV, JSON and a
printable HTML exam with its answer key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ppo_graph.cli.common import (
    add_input_files,
    add_output,
    open_graph,
    output_format,
    to_stdout,
    write_output,
)
from ppo_graph.errors import EXIT_OK, UsageError
from ppo_graph.formats import QuizFormat, choices


def _count(text: str) -> int:
    """``--count``: a number of questions, or ``all`` (0)."""
    if text.strip().lower() == "all":
        return 0
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of questions (or all)"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least 1 question (or all)")
    return value


def register(subparsers: Any) -> None:
    from ppo_graph.quiz import DEFAULT_COUNT, KINDS

    p = subparsers.add_parser(
        "quiz",
        help="a multiple-choice quiz generated from the graph (GIFT, Moodle XML, QTI, Anki, "
        "CSV, HTML exam, JSON)",
        description="A multiple-choice quiz generated from the graph, the same for the same "
        "--seed: which role carries a duty, whether a duty is the process owner's or the "
        "manager's, which artefact a duty produces, maintains, reviews, uses or contributes to, "
        "which process a stated interface connects, what an abbreviation stands for. Each "
        "question has one right option (a question the graph does not answer uniquely is never "
        "made), an explanation quoting the duty with its section and bullet, its kind and a "
        "difficulty. The format follows the --out suffix (.gift, .xml Moodle XML, .zip QTI 2.1, "
        ".apkg Anki, .csv, .html, .json) unless --format says it; qti and anki need --out, anki "
        "needs genanki (pip install 'ppo-graph[quiz]').",
    )
    add_input_files(p)
    add_output(
        p,
        choices(*QuizFormat),
        default=QuizFormat.GIFT.value,
        about="; gift, moodle: Moodle's import formats; qti: a QTI 2.1 content package (zip); "
        "anki: an Anki deck (.apkg); html: a printable exam, its answer key from a new page "
        "(or in --key FILE)",
    )
    p.add_argument(
        "--kinds",
        action="append",
        default=[],
        metavar="KIND[,KIND]",
        help=f"the kinds of question (default: all): {', '.join(KINDS)}; repeat the option or "
        "separate with commas",
    )
    p.add_argument(
        "--roles",
        action="append",
        default=[],
        metavar="ROLE[,ROLE]",
        help='only questions about these roles ("ITSCM Manager", a label, a CURIE); repeat '
        "the option or separate with commas",
    )
    p.add_argument(
        "--processes",
        action="append",
        default=[],
        metavar="PROCESS[,PROCESS]",
        help='only questions about these processes ("Capacity Management", "ITSCM"); repeat '
        "the option or separate with commas",
    )
    p.add_argument(
        "--count",
        type=_count,
        default=DEFAULT_COUNT,
        metavar="N",
        help=f"how many questions (default {DEFAULT_COUNT}; all: every question the "
        "selection has), the kinds taken in turn",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="the seed the questions, their distractors and their order are drawn with "
        "(default 0): the same seed gives the same quiz",
    )
    p.add_argument(
        "--key",
        type=Path,
        default=None,
        metavar="FILE",
        help="with --format html: write the answer key to FILE, and the exam without it",
    )
    p.set_defaults(handler=cmd_quiz)


def quiz_format(args: argparse.Namespace) -> str:
    """The format asked for: --format, else the --out suffix's (quiz suffixes first: .gift,
    .xml, .zip, .apkg), checked by :func:`~ppo_graph.cli.common.output_format` (--out not an
    input, not a folder; --excel only with csv)."""
    from ppo_graph.quiz import BINARY, SUFFIXES

    if not to_stdout(args):
        suffix = args.out.suffix.lower().lstrip(".")
        said = SUFFIXES.get(suffix)
        if said is not None and args.format not in (None, said):
            raise UsageError(
                f"--out {args.out} says {said} but --format says {args.format}; make them agree"
            )
        if said is not None:
            args.format = said.value
    fmt = output_format(args, [*args.extra, args.key])
    if fmt in BINARY and to_stdout(args):
        raise UsageError(f"--format {fmt} writes a package: give --out FILE")
    if args.key is not None:
        if fmt != QuizFormat.HTML:
            raise UsageError(f"--key FILE is the HTML exam's answer key, not --format {fmt}'s")
        from ppo_graph.output import refuse_overwriting

        refuse_overwriting(args.key, [*args.extra, None if to_stdout(args) else args.out], "--key")
    if fmt == QuizFormat.ANKI:
        from ppo_graph.quiz.packages import require_genanki

        require_genanki()
    return fmt


def cmd_quiz(args: argparse.Namespace) -> int:
    from ppo_graph.output import atomic_write
    from ppo_graph.quiz import generate, parse_kinds, render
    from ppo_graph.quiz.export import key_html

    fmt = quiz_format(args)
    kinds = parse_kinds(args.kinds)
    graph = open_graph(args)
    questions = generate(
        graph,
        seed=args.seed,
        count=args.count,
        kinds=kinds,
        roles=args.roles,
        processes=args.processes,
    )
    content = render(questions, fmt, args.seed, excel=args.excel, with_key=args.key is None)
    write_output(args, content, f"{len(questions)} questions, {fmt}, seed {args.seed}")
    if args.key is not None:
        atomic_write(args.key, key_html(questions, args.seed))
        print(f"wrote {args.key} (the answer key)", file=sys.stderr)
    return EXIT_OK
