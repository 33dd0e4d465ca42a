"""The two backends under the engine, and the one door to the second.

- :mod:`ppo_graph.backends.fast`: pyoxigraph, and the package's own OWL RL rules and SHACL
  compiler. Every command runs on it.
- :mod:`ppo_graph.backends.reference`: rdflib, owlrl and pySHACL, the design card's engines. They
  are the tests' oracle (each fast step is tested equal to them) and the fallback for input the
  fast path does not cover.

No module outside ``backends/reference/`` imports rdflib, owlrl or pySHACL, and the production
code reaches the reference backend only through :func:`reference_backend` (both rules are
checked by ``tests/test_import_rules.py``, statically and by running the commands). Each entry
point imports its module, and the library under it, on first call, so a command that needs none
of them loads none.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

    from ppo_graph.backends.reference.reason import Reasoned
    from ppo_graph.backends.reference.sparql_parser import ParsedQuery
    from ppo_graph.report import ValidationReport


class Reference:
    """The reference backend's entry points, as the engine, the query boundary, the catalogue
    and ``ppo build`` use them."""

    def reason(self, graph: Graph) -> Reasoned:
        """The OWL RL closure of ``graph`` by owlrl (``graph`` is left unchanged)."""
        from ppo_graph.backends.reference.reason import reason

        return reason(graph)

    def validate(self, data: Graph, shapes: Sequence[Path] = ()) -> ValidationReport:
        """``data`` validated by pySHACL against the shipped shapes plus ``shapes``."""
        from ppo_graph.backends.reference.validate import load_shapes, validate

        return validate(data, load_shapes(shapes))

    def report_turtle(self, report: ValidationReport) -> str:
        """pySHACL's report graph as Turtle, the OWL RL inconsistencies leading as comments."""
        from ppo_graph.backends.reference.validate import format_turtle

        return format_turtle(report)

    def graph(self, ntriples: str | bytes = "") -> Graph:
        """A fresh rdflib Graph, the project's prefixes bound, holding the N-Triples given."""
        from ppo_graph.backends.reference.export import graph_of

        return graph_of(ntriples)

    def reasoned(
        self, asserted: Graph, inferred: Graph, inconsistencies: Sequence[str], engine: str
    ) -> Reasoned:
        """Asserted and inferred triples as the reference holds a reasoned graph."""
        from ppo_graph.backends.reference.reason import Reasoned

        return Reasoned(asserted, inferred, list(inconsistencies), engine=engine)

    def serialize(self, reasoned: Reasoned, fmt: str) -> str:
        """A reasoned graph written by rdflib in one of ``ppo build``'s formats."""
        from ppo_graph.backends.reference.export import serialize

        return serialize(reasoned, fmt)

    def parse_query(self, text: str) -> ParsedQuery:
        """The query text read by rdflib's SPARQL 1.1 grammar, for the query boundary."""
        from ppo_graph.backends.reference.sparql_parser import parse_query

        return parse_query(text)

    def syntax_error(self, text: str) -> tuple[str, int | None, int | None] | None:
        """rdflib's (message, line, column) for a query that does not parse; None if it does."""
        from ppo_graph.backends.reference.sparql_parser import syntax_error

        return syntax_error(text)


@cache
def reference_backend() -> Reference:
    """The reference backend (rdflib, owlrl, pySHACL)."""
    return Reference()
