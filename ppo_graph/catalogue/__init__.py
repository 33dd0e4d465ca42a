"""The canned SPARQL catalogue: every ``.rq`` file in ``queries/``, each parsed once
(:mod:`ppo_graph.catalogue.query_file`), with no RDF library imported.

``questions/`` holds queries for people; ``checks/NAME-violation.rq`` must return no rows on the
shipped graph; ``reports/`` holds what ``ppo stats``, ``ppo interfaces`` and ``ppo viz`` are
computed from. Parameters are bound as terms (:mod:`ppo_graph.catalogue.bindings`), never spliced into
the query text, so a value cannot change the query. The names of those two modules are
importable from here too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from ppo_graph.catalogue.bindings import (
    XSD_INTEGER,
    TermMaker,
    bind_all,
    check_param_names,
    resolve_value,
)
from ppo_graph.catalogue.query_file import (
    CHECK_COLUMNS,
    Kind,
    Param,
    QuerySpec,
    load_user_query,
    parse_query_file,
)
from ppo_graph.errors import InputError, UsageError
from ppo_graph.paths import queries_dir

__all__ = [
    "CHECK_COLUMNS",
    "CHECK_SUFFIX",
    "FOLDERS",
    "XSD_INTEGER",
    "Catalogue",
    "Kind",
    "Param",
    "QuerySpec",
    "TermMaker",
    "bind_all",
    "check_param_names",
    "default_catalogue",
    "load_user_query",
    "parse_query_file",
    "resolve_value",
]

#: Folder of the catalogue -> kind of query it holds (``reports/``: what ``ppo stats``,
#: ``ppo interfaces`` and ``ppo viz`` are computed from).
FOLDERS: dict[str, Kind] = {"questions": "question", "checks": "check", "reports": "report"}
CHECK_SUFFIX = "-violation"
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Catalogue:
    """Every canned query, parsed once. Iterates in (kind, name) order."""

    def __init__(self, specs: Iterable[QuerySpec]) -> None:
        self._specs: dict[str, QuerySpec] = {}
        for spec in specs:
            if spec.name in self._specs:
                raise InputError(spec.path, f"query name {spec.name!r} also used by another file")
            self._specs[spec.name] = spec

    @classmethod
    def load(cls, folder: Path | None = None) -> Catalogue:
        root = Path(folder) if folder is not None else queries_dir()
        specs: list[QuerySpec] = []
        for sub, kind in FOLDERS.items():
            for path in sorted((root / sub).glob("*.rq")):
                if not _NAME_RE.match(path.stem):
                    raise InputError(path, "query file names are lower-case words joined by '-'")
                if (kind == "check") != path.stem.endswith(CHECK_SUFFIX):
                    raise InputError(
                        path, f"checks, and only checks, are named NAME{CHECK_SUFFIX}.rq"
                    )
                specs.append(parse_query_file(path, kind))
        return cls(specs)

    def __iter__(self) -> Iterator[QuerySpec]:
        order: dict[str, int] = {kind: i for i, kind in enumerate(FOLDERS.values())}
        return iter(sorted(self._specs.values(), key=lambda s: (order.get(s.kind, 9), s.name)))

    def __len__(self) -> int:
        return len(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def names(self, kind: Kind | None = None) -> list[str]:
        return [s.name for s in self if kind is None or s.kind == kind]

    def get(self, name: str) -> QuerySpec:
        try:
            return self._specs[name]
        except KeyError:
            close = difflib.get_close_matches(name, self._specs, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(
                f"unknown query {name!r}{hint} (`ppo queries` lists all {len(self)})"
            ) from None


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, parsed once per process."""
    return Catalogue.load()
