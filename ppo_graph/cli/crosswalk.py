"""``ppo crosswalk --to FRAMEWORK``: the crosswalk of the ITIL v3 PPO duties, roles and processes
to ITIL 4, ISO/IEC 20000-1:2018 or COBIT 2019 (:mod:`ppo_graph.crosswalk`), as rows (the one
table writer), a self-contained coverage-matrix page, or the SSSOM table itself."""

from __future__ import annotations

import argparse
from typing import Any

from ppo_graph.cli.common import (
    add_input_files,
    add_output,
    emit_rows,
    open_graph,
    output_format,
    write_output,
)
from ppo_graph.crosswalk import FRAMEWORKS, KINDS
from ppo_graph.errors import EXIT_OK
from ppo_graph.formats import CrosswalkFormat, choices


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "crosswalk",
        help="the duties, roles and processes mapped to ITIL 4, ISO/IEC 20000-1 or COBIT 2019",
        description="The crosswalk of the shipped graph plus your files (data/crosswalk/*.sssom.tsv "
        "and any SSSOM table or mappings in RDF you give): one row per mapping of a duty, role "
        "or process (--by) to a term of the framework (--to), with the SKOS match, the term "
        "(its code and name), the confidence and the comment that says why (for a duty, the "
        "phrase of its text that carries the match; for a sssom:NoTermFound row, why no term "
        "fits). --format html: the coverage matrix, the processes against the terms their "
        "duties map to, each cell the number of duties, linking to them. --format sssom: the "
        "framework's SSSOM table as shipped, or only its rows of --by's kind.",
    )
    p.add_argument("--to", required=True, choices=tuple(FRAMEWORKS), help="the framework mapped to")
    p.add_argument(
        "--by", choices=KINDS, default=None, help="the rows: duties (default), roles or processes"
    )
    add_input_files(p)
    add_output(
        p,
        choices(*CrosswalkFormat),
        about="; html: the coverage matrix as a self-contained page; sssom: the SSSOM table",
    )
    p.set_defaults(handler=cmd_crosswalk)


def cmd_crosswalk(args: argparse.Namespace) -> int:
    from ppo_graph import crosswalk

    fmt = output_format(args, args.extra)
    graph = open_graph(args)
    cov = crosswalk.coverage(graph, args.to)
    if fmt == CrosswalkFormat.SSSOM:
        table = crosswalk.read(crosswalk.table_path(args.to))
        if args.by is None:
            content = crosswalk.table_path(args.to).read_text(encoding="utf-8")
            count = len(table.rows)
        else:
            keep = {r.subject for r in cov.of_kind(args.by)}
            content = crosswalk.filtered_table(table, keep)
            count = sum(1 for r in table.rows if r.subject in keep)
        write_output(args, content, f"{count} rows, sssom")
        return EXIT_OK
    if fmt == CrosswalkFormat.HTML:
        from ppo_graph.serve.workbench.crosswalk import standalone_page

        matrix = f"{len(cov.groups)} processes x {len(cov.columns)} terms"
        write_output(args, standalone_page(cov), f"coverage matrix, {matrix}, html")
        return EXIT_OK
    by = args.by or "duty"
    columns, rows = crosswalk.table_rows(cov, by)
    emit_rows(
        args,
        rows,
        columns,
        table=lambda: crosswalk.text_table(columns, rows),
        title=f"{args.to} by {by}",
    )
    return EXIT_OK
