"""GraphML for Gephi, yEd or Cytoscape desktop: scalar attributes only (evidence flattened to
text), and the scene's position of each node as ``x``/``y``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ppo_graph.viz.scene import evidence_fact

if TYPE_CHECKING:
    from ppo_graph.interfaces import Evidence
    from ppo_graph.viz.scene import Scene


def _flat_evidence(evidence: list[Evidence]) -> str:
    return "\n".join(f"[{evidence_fact(ev)}] {ev['text']}" for ev in evidence)


def to_graphml(scene: Scene) -> bytes:
    """GraphML with scalar attributes only (evidence flattened to text), for Gephi, yEd, ..."""
    import networkx as nx

    out = nx.MultiDiGraph(name=f"ppo-{scene.view.value}", view=scene.view.value)
    for node in scene.nodes:
        attrs = scene.graph.nodes[node.id]
        out.add_node(
            node.id,
            label=node.label,
            kind=node.kind,
            is_ppo=node.kind == "ppo",
            abbreviation=node.abbreviation,
            iri=node.id,
            x=node.x,
            y=node.y,
            roles="; ".join(f"{r['relation']}: {r['label']}" for r in attrs.get("roles", [])),
        )
    for edge in scene.edges:
        out.add_edge(
            edge.source,
            edge.target,
            key=edge.id,
            type=edge.type,
            type_label=edge.type_label,
            label=edge.label,
            stated=edge.stated,
            evidence_count=len(edge.evidence),
            evidence=_flat_evidence(edge.evidence),
        )
    return "\n".join(nx.generate_graphml(out, prettyprint=True)).encode("utf-8") + b"\n"
