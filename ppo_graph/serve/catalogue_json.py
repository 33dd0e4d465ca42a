"""The canned catalogue as JSON for ``/queries``: each query's name, kind, title, question,
columns and parameters, with their defaults and, for an IRI parameter, the values the loaded
graph offers (the same values ``ppo query`` accepts and lists when one is wrong)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ppo_graph.backends.fast.sparql import param_values
from ppo_graph.catalogue.query_file import Param, QuerySpec
from ppo_graph.namespaces import compact, local_name


def catalogue_listing(specs: Iterable[QuerySpec], store: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": spec.name,
            "kind": spec.kind,
            "title": spec.title,
            "question": spec.question,
            "columns": list(spec.columns),
            "parameters": [_param(param, store) for param in spec.params],
            "href": f"/queries/{spec.name}",
        }
        for spec in specs
    ]


def _param(param: Param, store: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": param.name,
        "default": param.default,
        "type": param.type_text,
        "description": param.description,
    }
    if param.kind == "iri":
        values = param_values(store, param)
        out["values"] = [
            {"value": compact(iri), "names": sorted(values[iri] - {local_name(iri)})}
            for iri in sorted(values, key=compact)
        ]
    return out
