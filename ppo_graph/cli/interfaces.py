"""``ppo interfaces``: the process interfaces as a list, or per-process metrics, written by the one
table writer (:mod:`ppo_graph.tables`). networkx is imported inside the handler."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from ppo_graph.cli.common import add_input_files, add_output, emit_rows, open_graph, output_format
from ppo_graph.errors import EXIT_OK
from ppo_graph.tables import format_table, json_text

TABLE_WIDTH = 80
METRIC_COLUMNS = ["process", "label", "abbreviation", "is_ppo", "degree", "in_degree",
                  "out_degree", "partners", "betweenness", "hub"]  # fmt: skip
INTERFACE_COLUMNS = ["interface", "from", "from_label", "to", "to_label", "type", "stated",
                     "evidence_count", "evidence"]  # fmt: skip


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    add_output(itf, about="; json: the interfaces with their evidence as a list")
    itf.set_defaults(handler=run_interfaces)


def _short(row: dict[str, Any], end: str) -> str:
    return str(row[f"{end}_abbreviation"] or row[f"{end}_label"])


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """An interface row for CSV: its evidence counted and joined into one cell."""
    evidence = row["evidence"]
    return {
        **row,
        "evidence_count": len(evidence),
        "evidence": " | ".join(
            f"§{ev['section']} #{ev['position']} {ev['role_label']}: {ev['text']}"
            for ev in evidence
        ),
    }


def _metrics_table(data: list[dict[str, Any]]) -> str:
    rows = [
        {
            "process": m["label"],
            "PPO": "yes" if m["is_ppo"] else "",
            "deg": str(m["degree"]),
            "in": str(m["in_degree"]),
            "out": str(m["out_degree"]),
            "partners": str(m["partners"]),
            "betweenness": f"{m['betweenness']:.3f}",
            "hub": "hub" if m["hub"] else "",
        }
        for m in data
    ]
    columns = ["process", "PPO", "deg", "in", "out", "partners", "betweenness", "hub"]
    return format_table(rows, columns, TABLE_WIDTH, cut=["process"], footer=False)


def _interface_table(data: list[dict[str, Any]]) -> str:
    rows = [
        {
            "from": _short(r, "from"),
            "to": _short(r, "to"),
            "type": r["type"],
            "stated": "yes" if r["stated"] else "implied",
            "duties": str(len(r["evidence"])),
        }
        for r in data
    ]
    columns = ["from", "to", "type", "stated", "duties"]
    return format_table(rows, columns, TABLE_WIDTH, cut=["from", "to"], footer=False)


def run_interfaces(args: argparse.Namespace) -> int:
    from ppo_graph import interfaces

    output_format(args, args.extra)
    graph = interfaces.interface_graph(open_graph(args))
    if args.metrics:
        data: list[dict[str, Any]] = [dict(m) for m in interfaces.metrics(graph)]
    else:
        data = interfaces.interface_rows(graph)

    def document() -> str:
        payload: dict[str, Any] = {"metrics" if args.metrics else "interfaces": data}
        if args.metrics:
            payload["hub_rule"] = interfaces.hub_rule()
        return json_text(payload)

    def table() -> str:
        if args.metrics:
            rule = textwrap.fill(f"{len(data)} processes; {interfaces.hub_rule()}.", TABLE_WIDTH)
            return _metrics_table(data) + "\n" + rule + "\n"
        count = f"{len(data)} interfaces between {graph.number_of_nodes()} processes."
        return _interface_table(data) + f"\n{count}\n"

    if args.metrics:
        emit_rows(args, data, METRIC_COLUMNS, table=table, json=document, title="metrics")
    else:
        rows = [_flat(r) for r in data]
        emit_rows(args, rows, INTERFACE_COLUMNS, table=table, json=document, title="interfaces")
    return EXIT_OK
