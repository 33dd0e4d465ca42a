"""``ppo viz`` and ``ppo interfaces``: pictures, exports and metrics of the process interfaces.

networkx and the renderers are imported inside the handlers, so ``ppo --help`` stays instant.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cli import add_input_files, open_graph
from .errors import UsageError
from .formats import PictureFormat as Format
from .formats import View

if TYPE_CHECKING:
    from rdflib import Graph

TABLE_WIDTH = 80


def _union(args: argparse.Namespace) -> Graph:
    graph: Graph = open_graph(args).rdflib_graph("union")
    return graph


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    viz = subparsers.add_parser(
        "viz",
        help="draw the process interfaces (or roles, artefacts) as HTML, SVG, PNG, GraphML, DOT",
        description=(
            "Draw a view of the reasoned graph. Every format draws the same picture: each node "
            "at the same place, in a box of the same size. html is one self-contained, "
            "interactive, offline page; dot pins every node and names its engine (neato), so "
            "any Graphviz command draws that picture; svg/png are that DOT drawn by Graphviz "
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
        help="interfaces: processes and their typed interfaces (default); roles: who owns or "
        "manages which process; artefacts: which role's duties touch which artefact",
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

    itf = subparsers.add_parser(
        "interfaces",
        help="list the process interfaces, or per-process metrics (degree, betweenness, hubs)",
        description="The interfaces between processes, each with its type and evidence, read "
        "from the reasoned graph; with --metrics, per-process degree, betweenness and hubs.",
    )
    add_input_files(itf)
    itf.add_argument(
        "--metrics", action="store_true", help="per-process metrics instead of the interface list"
    )
    itf.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="default: table"
    )
    itf.set_defaults(handler=run_interfaces)


def run_viz(args: argparse.Namespace) -> int:
    from . import viz

    fmt = _picture_format(args.out, args.format)
    out: Path = args.out or Path(f"ppo-{args.view}.{fmt.value}")
    path = viz.write(_union(args), out, args.view, fmt, log=lambda m: print(m, file=sys.stderr))
    print(f"wrote {path}")
    return 0


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


def _short(row: dict[str, Any], end: str) -> str:
    return str(row[f"{end}_abbreviation"] or row[f"{end}_label"])


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(headers: list[str], rows: list[list[str]], flex: list[int]) -> str:
    """Columns sized to their content; the ``flex`` columns shrink so a line fits 80 columns."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    excess = sum(widths) + 2 * (len(widths) - 1) - TABLE_WIDTH
    while excess > 0 and any(widths[i] > 8 for i in flex):
        i = max(flex, key=lambda j: widths[j])
        widths[i] -= 1
        excess -= 1
    lines = ["  ".join(_fit(h, w).ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_fit(c, w).ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def run_interfaces(args: argparse.Namespace) -> int:
    from . import interfaces

    graph = interfaces.interface_graph(_union(args))
    if args.metrics:
        data: list[dict[str, Any]] = [dict(m) for m in interfaces.metrics(graph)]
        columns = ["process", "label", "abbreviation", "is_ppo", "degree", "in_degree",
                   "out_degree", "partners", "betweenness", "hub"]  # fmt: skip
    else:
        data = interfaces.interface_rows(graph)
        columns = ["interface", "from", "from_label", "to", "to_label", "type", "stated",
                   "evidence_count", "evidence"]  # fmt: skip
    if args.format == "json":
        payload: dict[str, Any] = {"metrics" if args.metrics else "interfaces": data}
        if args.metrics:
            payload["hub_rule"] = interfaces.hub_rule()
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    if args.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in data:
            flat = dict(row)
            if not args.metrics:
                flat["evidence_count"] = len(row["evidence"])
                flat["evidence"] = " | ".join(
                    f"§{ev['section']} #{ev['position']} {ev['role_label']}: {ev['text']}"
                    for ev in row["evidence"]
                )
            writer.writerow(flat)
        sys.stdout.write(buffer.getvalue())
        return 0
    if args.metrics:
        table = _table(
            ["process", "PPO", "deg", "in", "out", "partners", "betweenness", "hub"],
            [
                [
                    m["label"],
                    "yes" if m["is_ppo"] else "",
                    str(m["degree"]),
                    str(m["in_degree"]),
                    str(m["out_degree"]),
                    str(m["partners"]),
                    f"{m['betweenness']:.3f}",
                    "hub" if m["hub"] else "",
                ]
                for m in data
            ],
            flex=[0],
        )
        print(table)
        print()
        print(textwrap.fill(f"{len(data)} processes; {interfaces.hub_rule()}.", TABLE_WIDTH))
    else:
        table = _table(
            ["from", "to", "type", "stated", "duties"],
            [
                [
                    _short(r, "from"),
                    _short(r, "to"),
                    r["type"],
                    "yes" if r["stated"] else "implied",
                    str(len(r["evidence"])),
                ]
                for r in data
            ],
            flex=[0, 1],
        )
        print(table)
        print(f"\n{len(data)} interfaces between {graph.number_of_nodes()} processes.")
    return 0
