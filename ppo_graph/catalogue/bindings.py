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
from ppo_graph.names import NameError_, Resolver, from_rows
from ppo_graph.namespaces import compact, expand_curie

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"
#: A wrong value of a parameter with at most this many values, and no close match, lists them.
LIST_ALL = 40


@dataclass(frozen=True)
class TermMaker:
    """How one engine makes terms: an IRI, a plain literal, a typed literal."""

    iri: Any
    literal: Any
    typed: Any


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


def resolve_value(param: Param, raw: str, rows: Any, make: TermMaker) -> Any:
    """The term for a parameter value given as text.

    A literal parameter becomes a literal of its datatype (an integer must look like one). An
    IRI parameter's value is resolved by the one resolver (:func:`param_names`) among the
    instances of the parameter's class: ``rows()`` gives the ``name-index`` report's rows for
    that class. An ambiguous value lists its candidates; an unknown one the closest names of
    the same kind, and says that ``ppo queries --values NAME`` lists them all.
    """
    if param.kind == "literal":
        if param.datatype == XSD_DATE:  # "today": the one definition of current (ppo_graph.dates)
            return make.typed(parse_date(raw, f"parameter {param.name}").isoformat(), XSD_DATE)
        if param.datatype == XSD_INTEGER and not re.fullmatch(r"[+-]?[0-9]+", raw.strip()):
            raise UsageError(f"parameter {param.name}: {raw!r} is not an integer")
        if param.datatype is not None:
            return make.typed(raw.strip(), param.datatype)
        words = len(re.findall(r"[a-z0-9]+", raw.lower()))
        if param.max_words and words > param.max_words:
            raise UsageError(
                f"parameter {param.name}: {words} words given, at most {param.max_words} are "
                "searched for (more would find nothing, silently): leave some out"
            )
        return make.literal(raw)
    try:
        return make.iri(param_names(param, rows()).resolve(raw))
    except NameError_ as error:
        raise UsageError(f"parameter {param.name}: {error}") from None


def param_names(param: Param, rows: list[dict[str, str]]) -> Resolver:
    """The resolver of an IRI parameter, from the ``name-index`` rows of its class. A
    skos:Concept parameter takes the concepts of its default's scheme only (a theme, not a
    RACI letter)."""
    assert param.cls is not None
    what = compact(param.cls)
    default = expand_curie(param.default) or param.default
    schemes = {r["scheme"] for r in rows if r["node"] == default and r.get("scheme")}
    scheme = min(schemes) if param.cls == SKOS_CONCEPT and schemes else None
    if scheme is not None:
        what = f"{what} of {compact(scheme)}"
    return from_rows(
        rows,
        what,
        hint=f"`ppo queries --values {param.name}` lists them with their labels",
        scheme=scheme,
        list_all=LIST_ALL,
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
