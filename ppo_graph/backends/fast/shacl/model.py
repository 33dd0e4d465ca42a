"""The compiled model: shapes and constraints as read, and the queries they become.

A :class:`_Shape` holds its :class:`_Constraint` objects; reaching it from a target through
``sh:property`` makes a :class:`_Unit` (whose results it reports); each query is a
:class:`_Step` whose rows become results through :class:`_Check` objects. SPARQL snippets whose
variable is given later are made with :func:`_fill`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.terms import Term
from ppo_graph.namespaces import SH_NS

if TYPE_CHECKING:
    from ppo_graph.backends.fast.shacl.messages import Generic


class Unsupported(Exception):
    """The shapes graph uses something the fast path does not implement: use pySHACL."""


#: Severities whose results never make the graph non-conforming (pySHACL's ``allow_warnings``).
_ALLOWED_SEVERITIES = frozenset({SH_NS + "Info", SH_NS + "Warning"})


#: Where a SPARQL template takes its variable (a NUL cannot occur in SPARQL text we write).
_V = "\x00"


def _fill(template: str) -> Callable[[str], str]:
    """A SPARQL snippet whose variable (``_V``) is given later."""

    def fill(variable: str) -> str:
        return template.replace(_V, variable)

    return fill


def _iri(value: str) -> str:
    return f"<{value}>"


#: A SPARQL extension function (pyoxigraph calls it with the terms of a row).
Function = Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]


@dataclass(eq=False)
class _Constraint:
    component: str  # e.g. "MinCount", for mutation tests and error messages
    kind: str  # "min" | "max" | "value" | "disjoint"
    fails: Callable[[str], str] | None = None  # value: SPARQL expression, true when the value fails
    count: int = 0  # min / max
    predicate: str = ""  # disjoint
    cls: str = ""  # sh:class, as <IRI>: tested with joins where possible
    generic: Generic | None = None
    no_generic: str = ""  # why pySHACL's default message cannot be reproduced


@dataclass(eq=False)
class _Shape:
    node: Term
    name: str  # for messages
    path: str | None  # SPARQL property path; None for a node shape
    path_node: Term | None
    severity: str
    messages: list[str]
    deactivated: bool
    constraints: list[_Constraint] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    targets: list[Callable[[str], str]] = field(default_factory=list)

    def warns_only(self) -> bool:
        """Its results never make the graph non-conforming (sh:Info, sh:Warning), and a node
        never fails to conform to it (pySHACL with ``allow_warnings``)."""
        return self.severity in _ALLOWED_SEVERITIES


@dataclass(frozen=True)
class _Unit:
    """A shape as reached from a target through sh:property: whose results it reports."""

    shape: _Shape
    focus: Callable[[str], str]  # focus node pattern, binding the given variable
    failing: bool  # results make the graph non-conforming (pySHACL's allow_warnings rules)
    owner: str
    label: str
    path: str | None


@dataclass(frozen=True)
class _Check:
    """How a query row becomes a result of one constraint of a unit.

    mode "row": each row is a result; ``value`` says which value node it names: "none",
    "focus" or "value" (the row's ?value); mode "flag": a result naming the focus node as the
    value when the row's ``flag`` variable is 1.
    """

    unit: _Unit
    constraint: _Constraint
    mode: str
    value: str = "none"
    flag: str = ""


@dataclass(frozen=True)
class _Step:
    """One query returning failures only; a row's ?k (0 when unbound) picks its branch, the
    checks of one unit (sibling property shapes share one query, one branch each)."""

    sparql: str
    branches: tuple[tuple[_Check, ...], ...]
