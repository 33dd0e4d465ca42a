"""Canned SPARQL on rdflib, the reference engine.

The catalogue is :mod:`ppo_graph.catalogue` (a file's header and its parsing
:mod:`ppo_graph.query_file`, parameter values made terms :mod:`ppo_graph.bindings`); the fast
engine runs it on pyoxigraph (:mod:`ppo_graph.sparql`). The same queries run on an rdflib
Graph with ``initBindings`` (:mod:`ppo_graph.rdflib_query`, the reference engine), so tests can
prove both engines give the same rows; tables are
written by :mod:`ppo_graph.tables` for both, the whole catalogue is run by
:mod:`ppo_graph.answers` and the notebook API is :mod:`ppo_graph.notebook`. Their names are
re-exported here, so ``from ppo_graph.query import Session, format_rows, ...`` keeps working.
"""

from __future__ import annotations

from .answers import answer_all, run_checks
from .catalogue import (
    CHECK_COLUMNS,
    CHECK_SUFFIX,
    FOLDERS,
    Catalogue,
    Param,
    QuerySpec,
    check_param_names,
    default_catalogue,
    load_user_query,
    parse_query_file,
)
from .notebook import Session, ask, to_dataframe
from .prefixes import expand_curie
from .rdflib_query import LABEL_PROPERTIES, bind_params, resolve_param, run_query
from .tables import (
    Row,
    display,
    format_csv,
    format_json,
    format_md,
    format_rows,
    format_table,
    simplify,
    simplify_rows,
)

__all__ = [
    "CHECK_COLUMNS",
    "CHECK_SUFFIX",
    "FOLDERS",
    "LABEL_PROPERTIES",
    "Catalogue",
    "Param",
    "QuerySpec",
    "Row",
    "Session",
    "answer_all",
    "ask",
    "bind_params",
    "check_param_names",
    "default_catalogue",
    "display",
    "expand_curie",
    "format_csv",
    "format_json",
    "format_md",
    "format_rows",
    "format_table",
    "load_user_query",
    "parse_query_file",
    "resolve_param",
    "run_checks",
    "run_query",
    "simplify",
    "simplify_rows",
    "to_dataframe",
]
