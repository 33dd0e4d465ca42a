"""Running compiled shapes against a data store, and building pySHACL's results from the rows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.messages import _describe_in, _Namer
from ppo_graph.backends.fast.shacl.model import Function, _Check, _Step
from ppo_graph.backends.fast.shacl.terms import Term, _term_str
from ppo_graph.namespaces import local_name
from ppo_graph.report import Violation


class CompiledShapes:
    """Shapes compiled to SPARQL; :meth:`validate` runs them against a store."""

    def __init__(
        self,
        steps: list[_Step],
        functions: dict[ox.NamedNode, Function],
    ) -> None:
        self.steps = steps
        self._functions = functions

    def validate(
        self, store: ox.Store, *, prefixes: Mapping[str, str] | None = None
    ) -> list[Violation]:
        """The validation results for the union of all graphs of ``store``, sorted.

        ``prefixes``: prefixes bound in the data graph pySHACL would see beyond rdflib's and the
        project's (those declared in the parsed files); they only matter for default messages.
        """
        return self.check(store, prefixes=prefixes)[0]

    def check(
        self, store: ox.Store, *, prefixes: Mapping[str, str] | None = None
    ) -> tuple[list[Violation], bool]:
        """The sorted results and pySHACL's ``conforms`` flag (with ``allow_warnings=True``: a
        result only makes the graph non-conforming when every shape from the targeted one down to
        the one that produced it has a severity other than sh:Info and sh:Warning)."""
        namer = _Namer(prefixes, _describe_in(store))
        results: list[Violation] = []
        conforms = True
        for step in self.steps:
            for check, focus, value in self._run(store, step):
                results.append(_violation(check, namer, focus, value))
                conforms = conforms and not check.unit.failing
        results.sort(
            key=lambda v: (v.shape_label, v.focus, v.path or "", v.message, v.value or "", v.shape)
        )
        return results, conforms

    def _run(self, store: ox.Store, step: _Step) -> Iterator[tuple[_Check, Term, Term | None]]:
        for row in self._select(store, step.sparql):
            focus = row["focus"]
            k = row["k"]
            for check in step.branches[int(k.value) if k is not None else 0]:
                if check.mode == "flag":
                    if row[check.flag].value == "1":
                        yield check, focus, focus
                elif check.value == "value":
                    yield check, focus, row["value"]
                else:
                    yield check, focus, focus if check.value == "focus" else None

    def _select(self, store: ox.Store, sparql: str) -> ox.QuerySolutions:
        solutions = store.query(
            sparql, use_default_graph_as_union=True, custom_functions=self._functions or None
        )
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions


def _violation(check: _Check, namer: _Namer, focus: Term, value: Term | None) -> Violation:
    unit = check.unit
    if unit.shape.messages:
        message = unit.shape.messages[0]
    else:
        assert check.constraint.generic is not None
        message = check.constraint.generic(namer, focus, value)
    return Violation(
        shape=unit.owner,
        shape_label=unit.label,
        focus=_term_str(focus),
        path=unit.path,
        value=_term_str(value) if value is not None else None,
        message=message,
        severity=local_name(unit.shape.severity),
    )
