"""``ppo raci``: the RACI matrix of the loaded organisation (:mod:`ppo_graph.org.raci`), as a
table, CSV or Markdown (the one table writer), a self-contained HTML page or an XLSX workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ppo_graph.cli.common import add_as_of, add_input_files, open_graph
from ppo_graph.errors import EXIT_OK, UsageError
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
    p.add_argument(
        "--format",
        choices=choices(*MatrixFormat),
        default=MatrixFormat.TABLE.value,
        help="default: table; xlsx needs openpyxl (pip install 'ppo-graph[xlsx]') and --out",
    )
    p.add_argument("--out", type=Path, default=None, help="write here (default: standard output)")
    p.add_argument(
        "--excel",
        action="store_true",
        help="with --format csv: for Excel to open directly (a UTF-8 byte order mark, CRLF line "
        "ends, text Excel would read as a number or date, such as section 7.10, led by an "
        "apostrophe)",
    )
    add_as_of(p)
    p.set_defaults(handler=cmd_raci)


def cmd_raci(args: argparse.Namespace) -> int:
    from ppo_graph.org.raci import build
    from ppo_graph.output import atomic_write, refuse_overwriting

    refuse_overwriting(args.out, args.extra)
    fmt = MatrixFormat(args.format)
    if fmt is MatrixFormat.XLSX and args.out is None:
        raise UsageError("--format xlsx writes a workbook: give --out FILE.xlsx")
    if args.out is not None and args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder; give a file name")
    if args.excel and fmt is not MatrixFormat.CSV:
        raise UsageError(f"--excel is an option of --format csv, not --format {fmt}")
    if fmt is MatrixFormat.XLSX:  # fail before the graph is loaded
        from ppo_graph.org.xlsx import require_openpyxl

        require_openpyxl()
    matrix = build(open_graph(args), args.by, args.as_of)
    content = matrix_content(matrix, fmt, excel=args.excel)
    if args.out is None:
        assert isinstance(content, str)
        sys.stdout.write(content)
    else:
        atomic_write(args.out, content)
        what = f"{len(matrix.rows)} rows (duty, process) x {len(matrix.columns)} {args.by} columns"
        print(f"wrote {args.out} ({what})", file=sys.stderr)
    return EXIT_OK
