"""Per-process interface metrics (degree, partners, betweenness, hubs) and the flat interface
rows, computed from the networkx interface graph that :mod:`ppo_graph.interfaces` reads."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any, TypedDict

from ppo_graph.namespaces import local_name

if TYPE_CHECKING:
    import networkx as nx


class ProcessMetrics(TypedDict):
    process: str
    label: str
    abbreviation: str
    is_ppo: bool
    degree: int
    in_degree: int
    out_degree: int
    partners: int
    betweenness: float
    hub: bool


#: A process is a hub when it works with at least this many times the median number of partner
#: processes (over the processes that have any interface), and with at least HUB_MIN_PARTNERS.
HUB_MEDIAN_FACTOR = 1.5
HUB_MIN_PARTNERS = 4


def metrics(graph: nx.MultiDiGraph) -> list[ProcessMetrics]:
    """Per-process interface metrics, most connected first.

    ``degree``/``in_degree``/``out_degree`` count interfaces (an edge per interface, so two
    types between the same pair count twice); ``partners`` counts distinct processes worked
    with in either direction. ``betweenness`` is the normalised betweenness centrality of the
    undirected process graph (an interface is a working relationship both ways; its direction
    only records whose duty states it): the share of shortest paths between other processes
    that pass through this one, i.e. how much it brokers between them.

    Hub rule: a process is a hub when its ``partners`` is at least ``HUB_MEDIAN_FACTOR`` times
    the median ``partners`` of the processes that have any interface, and at least
    ``HUB_MIN_PARTNERS``. Relative to the median, so it still picks out the few processes
    most others depend on when the graph grows; with the floor, a small or evenly connected
    graph has no hubs.
    """
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    betweenness = nx.betweenness_centrality(simple, normalized=True)
    partners = {n: simple.degree(n) for n in simple.nodes}
    connected = [p for p in partners.values() if p > 0]
    median = statistics.median(connected) if connected else 0.0
    threshold = max(HUB_MIN_PARTNERS, HUB_MEDIAN_FACTOR * median)

    rows: list[ProcessMetrics] = []
    for node, attrs in graph.nodes(data=True):
        rows.append(
            ProcessMetrics(
                process=node,
                label=str(attrs.get("label", local_name(node))),
                abbreviation=str(attrs.get("abbreviation", "")),
                is_ppo=bool(attrs.get("is_ppo", False)),
                degree=int(graph.degree(node)),
                in_degree=int(graph.in_degree(node)),
                out_degree=int(graph.out_degree(node)),
                partners=partners[node],
                betweenness=round(float(betweenness[node]), 4),
                hub=partners[node] >= threshold,
            )
        )
    rows.sort(key=lambda r: (-r["degree"], -r["betweenness"], r["label"]))
    return rows


def hub_rule() -> str:
    """The hub rule in words, for command output."""
    return (
        f"hub = works with at least {HUB_MEDIAN_FACTOR:g} x the median number of partner "
        f"processes, and with at least {HUB_MIN_PARTNERS}"
    )


def interface_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """The interface list as flat rows (one per interface), sorted by from, to, type."""
    rows: list[dict[str, Any]] = []
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        src, tgt = graph.nodes[source], graph.nodes[target]
        rows.append(
            {
                "interface": key,
                "from": source,
                "from_label": src["label"],
                "from_abbreviation": src.get("abbreviation", ""),
                "to": target,
                "to_label": tgt["label"],
                "to_abbreviation": tgt.get("abbreviation", ""),
                "type": attrs["type"],
                "stated": attrs["stated"],
                "evidence": attrs["evidence"],
            }
        )
    rows.sort(key=lambda r: (r["from_label"], r["to_label"], r["type"], r["interface"]))
    return rows
