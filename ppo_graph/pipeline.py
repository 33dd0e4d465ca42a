"""The shared front half of every command: load the shipped graph and the user's files, then
(optionally) reason. Commands call this instead of repeating the steps."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .load import load_graph
from .reason import Reasoned, reason


def prepare(extra: Sequence[Path | str] = (), *, reasoning: bool = True) -> Reasoned:
    """Load shipped + extra files; with ``reasoning=False`` nothing is inferred."""
    from rdflib import Graph

    asserted = load_graph(extra)
    if not reasoning:
        return Reasoned(asserted=asserted, inferred=Graph(), engine="none")
    return reason(asserted)
