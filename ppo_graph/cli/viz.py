"""``ppo viz``: pictures and exports of the process interfaces, roles and artefacts.

networkx and the renderers are imported inside the handlers, so ``ppo --help`` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ppo_graph.cli.common import add_input_files, open_graph
from ppo_graph.errors import EXIT_OK, UsageError
from ppo_graph.formats import PictureFormat as Format
from ppo_graph.formats import View


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    viz = subparsers.add_parser(
        "viz",
        help="draw the process interfaces (or roles, artefacts) as HTML, SVG, PNG, GraphML, DOT",
        description=(
            "Draw a view of the reasoned graph. Every format draws the same picture: each node "
            "at the same place, in a box of the same size. html is one self-contained, "
            "interactive, offline page; dot pins every node, gives each edge its route (clear "
            "of every box it does not connect) and names its engine (neato), so any Graphviz "
            "command draws that picture (neato -n2 with the routes); svg/png are that DOT drawn "
            "by Graphviz "
            "when installed, else by a pure-Python renderer (the one used is printed on "
            "stderr); graphml and dot carry labels and edge types as attributes, graphml the "
            "positions too."
        ),
    )
    add_input_files(viz)
    viz.add_argument(
        "--view",
        choices=[v.value for v in View],
        default=View.INTERFACES.value,
        help="interfaces: processes and their typed interfaces (default); ppo: a 16:9 slide of "
        "the five PPO processes, their partners and the interfaces between them, each edge "
        "labelled with its type; roles: who owns or manages which process; artefacts: which "
        "role's duties touch which artefact",
    )
    viz.add_argument(
        "--format",
        choices=[f.value for f in Format],
        default=None,
        help="output format (default: from the --out suffix, else html)",
    )
    viz.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output file (default: ppo-<view>.<format> in the current folder)",
    )
    viz.set_defaults(handler=run_viz)


def run_viz(args: argparse.Namespace) -> int:
    from ppo_graph import viz
    from ppo_graph.output import refuse_overwriting

    fmt = _picture_format(args.out, args.format)
    out: Path = args.out or Path(f"ppo-{args.view}.{fmt.value}")
    refuse_overwriting(out, args.extra)
    path = viz.write(open_graph(args), out, args.view, fmt, log=lambda m: print(m, file=sys.stderr))
    print(f"wrote {path}")
    return EXIT_OK


_SUFFIXES = {f.value: f for f in Format} | {"gv": Format.DOT, "htm": Format.HTML}


def _picture_format(out: Path | None, asked: str | None) -> Format:
    """The format from --format and the --out suffix; they must agree, and a suffix that names
    none of the formats (x.pdf) is an error rather than HTML written into a .pdf."""
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    from_suffix = _SUFFIXES.get(suffix)
    if suffix and from_suffix is None:
        known = ", ".join(f".{s}" for s in _SUFFIXES)
        raise UsageError(f"--out {out}: ppo viz cannot write .{suffix} files (it writes {known})")
    if asked and from_suffix and Format(asked) is not from_suffix:
        raise UsageError(
            f"--out {out} says {from_suffix.value} but --format says {asked}; make them agree"
        )
    return Format(asked) if asked else from_suffix or Format.HTML
