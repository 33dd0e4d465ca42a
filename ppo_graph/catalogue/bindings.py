"""Binding parameters: a value given as text becomes a term of the query's engine, by one set of
rules for both engines (pyoxigraph's terms in :mod:`ppo_graph.backends.fast.sparql`, rdflib's in
:mod:`ppo_graph.backends.reference.query`), so a value is never spliced into the query text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ppo_graph.catalogue.query_file import Param, QuerySpec
from ppo_graph.catalogue.sparql_text import variables
from ppo_graph.dates import XSD_DATE, parse_date
from ppo_graph.errors import UsageError
from ppo_graph.namespaces import compact, expand_curie

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@dataclass(frozen=True)
class TermMaker:
    """How one engine makes terms: an IRI, a plain literal, a typed literal."""

    iri: Any
    literal: Any
    typed: Any


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def check_param_names(spec: QuerySpec, params: Mapping[str, str]) -> None:
    """A UsageError naming the first parameter the query does not declare (or use)."""
    declared = [p.name for p in spec.params]
    for name in params:
        if name in declared:
            continue
        if spec.kind == "user" and name in variables(spec.text):
            continue  # a user's query without a header: any of its variables can be bound
        known = ", ".join(declared) or "none"
        raise UsageError(f"query {spec.name!r} has no parameter {name!r} (parameters: {known})")


def resolve_value(
    param: Param, raw: str, instances: Any, make: TermMaker, hidden: Any = None
) -> Any:
    """The term for a parameter value given as text.

    A literal parameter becomes a literal of its datatype (an integer must look like one). An
    IRI parameter accepts a CURIE (``ppod:X``), a full IRI, or a label, abbreviation or local
    name (case, spaces and punctuation ignored); ``instances()`` gives the instances of the
    parameter's class with their names (IRI -> set of names), and the value must name one of
    them, or a UsageError lists those that exist. A value that is no name may be a hidden
    phrase (``hidden()``: IRI -> its skos:hiddenLabel and ppo:recordLabel values, the
    wordings the text uses, such as "the business users"); it stands for the one instance that
    has it, and a phrase of several (one that names two things, such as "senior IT and
    business management") is refused with the candidates, as an ambiguous name is.
    """
    if param.kind == "literal":
        if param.datatype == XSD_DATE:  # "today": the one definition of current (ppo_graph.dates)
            return make.typed(parse_date(raw, f"parameter {param.name}").isoformat(), XSD_DATE)
        if param.datatype == XSD_INTEGER and not re.fullmatch(r"[+-]?[0-9]+", raw.strip()):
            raise UsageError(f"parameter {param.name}: {raw!r} is not an integer")
        if param.datatype is not None:
            return make.typed(raw.strip(), param.datatype)
        return make.literal(raw)
    assert param.cls is not None
    names: dict[str, set[str]] = instances()
    iri = expand_curie(raw)
    if iri is not None and iri in names:
        return make.iri(iri)
    wanted = _normal(raw)
    matches = sorted(
        c for c, found in names.items() if wanted and any(_normal(n) == wanted for n in found)
    )
    if len(matches) == 1:
        return make.iri(matches[0])
    if len(matches) > 1:
        listed = ", ".join(compact(m) for m in matches)
        raise UsageError(f"parameter {param.name}: {raw!r} is ambiguous; it could be {listed}")
    phrases: dict[str, set[str]] = hidden() if hidden is not None else {}
    matches = sorted(
        c for c, found in phrases.items() if wanted and any(_normal(n) == wanted for n in found)
    )
    if len(matches) == 1:
        return make.iri(matches[0])
    if len(matches) > 1:
        listed = ", ".join(compact(m) for m in matches)
        raise UsageError(
            f"parameter {param.name}: {raw!r} is not a name but a phrase of several nodes, "
            f"so it is ambiguous; it could be {listed}"
        )
    valid = ", ".join(sorted(compact(c) for c in names)) or "(none in this graph)"
    raise UsageError(
        f"parameter {param.name}: {raw!r} is not a {compact(param.cls)}; valid values: {valid}"
    )


def bind_all(
    spec: QuerySpec, params: Mapping[str, str], resolve: Any, make: TermMaker
) -> dict[str, Any]:
    """Terms for every parameter: the declared defaults overridden by ``params``. A user's query
    may bind any of its variables; a value that looks like a CURIE or IRI becomes an IRI,
    anything else a plain literal. ``resolve(param, raw)`` resolves a declared parameter."""
    check_param_names(spec, params)
    declared = {p.name: p for p in spec.params}
    bindings: dict[str, Any] = {}
    for name, raw in params.items():
        param = declared.get(name)
        if param is None:
            iri = expand_curie(raw)
            bindings[name] = make.iri(iri) if iri is not None else make.literal(raw)
        else:
            bindings[name] = resolve(param, raw)
    for param in spec.params:
        if param.name not in bindings:
            bindings[param.name] = resolve(param, param.default)
    return bindings
