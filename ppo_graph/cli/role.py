"""``ppo role ROLE``: a role's description as a document (Word, PDF, Markdown or HTML), the
workbench's role page to hand on (:mod:`ppo_graph.role_document`)."""

from __future__ import annotations

import argparse
from typing import Any

from ppo_graph.cli.common import (
    add_as_of,
    add_input_files,
    add_output,
    open_graph,
    output_format,
    to_stdout,
    write_output,
)
from ppo_graph.errors import EXIT_OK, UsageError
from ppo_graph.formats import ROLE_FORMATS as FORMATS


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "role",
        help="a role's description as a Word, PDF, Markdown or HTML document",
        description="A role's description, as the workbench's role page has it: its name, "
        "process and the roles it specialises; the caveat of its list where the source cuts it "
        "short or mirrors another's; its own and inherited duties, each with its section, "
        "bullet position, verbatim text and (where the source is defective) corrected text; the "
        "artefacts and processes they mention; the interfaces of its process; and, with an "
        "organisation among the files (the Turtle of `ppo org import`), who holds it as of "
        "--as-of. docx and pdf need --out; pdf needs fpdf2 and the DejaVu fonts.",
    )
    p.add_argument(
        "role",
        metavar="ROLE",
        help='the role: its label, IRI, CURIE or another of its names ("ISM Manager")',
    )
    add_input_files(p)
    add_output(
        p,
        FORMATS,
        about="; docx: a Word document, pdf: an A4 PDF (both need --out FILE); html: a "
        "self-contained page",
    )
    add_as_of(p)
    p.set_defaults(handler=cmd_role)


def cmd_role(args: argparse.Namespace) -> int:
    from ppo_graph.role_document import document, require_pdf
    from ppo_graph.serve.workbench.roles import find_role, role_data

    fmt = output_format(args, args.extra)
    if fmt in ("docx", "pdf") and to_stdout(args):
        raise UsageError(f"--format {fmt} writes a binary document: give --out FILE.{fmt}")
    if fmt == "pdf":
        require_pdf()
    graph = open_graph(args)
    try:
        role = find_role(graph, args.role)
    except LookupError as error:
        raise UsageError(f"ROLE: {error.args[0]}") from None
    data = role_data(graph, role, args.as_of)
    content = document(data, fmt)
    write_output(args, content, f"{role.label}, {len(data.duties)} duties, {fmt}")
    return EXIT_OK
