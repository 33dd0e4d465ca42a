"""``ppo raci``: the RACI matrix of the loaded organisation (:mod:`ppo_graph.org.raci`), as a
table, CSV, JSON or Markdown (the one table writer), a self-contained HTML page or an XLSX
workbook."""

from __future__ import annotations

import argparse
from typing import Any

from ppo_graph.cli.common import (
    add_as_of,
    add_input_files,
    add_output,
    open_graph,
    output_format,
    write_output,
)
from ppo_graph.errors import EXIT_OK
from ppo_graph.formats import MatrixFormat, choices
from ppo_graph.org.matrix_formats import matrix_content

BY = ("person", "role", "process")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "raci",
        help="the RACI matrix: duties against people, roles or processes",
        description="The RACI matrix of the shipped graph plus your files (the organisation's "
        "Turtle from `ppo org import`): one row per duty and process it is carried for (section, "
        "position, process, short text; a generic owner or manager duty has a row per process, "
        "each cell counted for that process only, as ppo org gaps counts coverage), one column "
        "per person, role or process. --by person: R where a role the person holds today "
        "carries the duty (inherited duties included), plus the letters assigned to the person "
        "or a post they hold today. --by role: R where the role carries the duty, plus the "
        "letters assigned to its posts and holders. --by process: the same for the process's "
        "owner and manager roles. Only current memberships count.",
    )
    add_input_files(p)
    p.add_argument("--by", choices=BY, default="role", help="the columns (default: role)")
    add_output(
        p,
        choices(*MatrixFormat),
        about="; html: a self-contained page; json: a record per row, the date in asOf",
    )
    add_as_of(p)
    p.set_defaults(handler=cmd_raci)


def cmd_raci(args: argparse.Namespace) -> int:
    from ppo_graph.org.raci import build

    fmt = MatrixFormat(output_format(args, args.extra))
    matrix = build(open_graph(args), args.by, args.as_of)
    content = matrix_content(matrix, fmt, excel=args.excel)
    what = f"{len(matrix.rows)} rows (duty, process) x {len(matrix.columns)} {args.by} columns"
    write_output(args, content, what)
    return EXIT_OK
