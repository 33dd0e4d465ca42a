"""Shared fixtures. Heavy results (the reasoned shipped graph) are computed once per session and
handed out read only: a test that changes one fails (``_read_only``), so no test sees what
another did to it."""

from __future__ import annotations

import importlib
import os
import random
import shutil
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import pytest
from rdflib import BNode, Graph

from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.reason import Reasoned, rdflib_terms, reason
from ppo_graph.engine import KnowledgeGraph

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
ROOT = TESTS.parent
T = TypeVar("T")


def require_tool(command: str, install: str) -> str:
    """Path of a system tool, or skip naming what to install; under CI=true a missing tool fails."""
    found = shutil.which(command)
    if found:
        return found
    skip_or_fail(f"needs `{command}` on PATH: install it with `{install}`")


def require_module(name: str, install: str = "pip install '.[dev]'") -> Any:
    """Import an optional Python package, or skip naming the install; under CI=true, fail."""
    try:
        return importlib.import_module(name)
    except ImportError:
        skip_or_fail(f"needs the Python package {name}: {install}")


def skip_or_fail(message: str) -> NoReturn:
    """Skip, saying what to install; under CI=true, where everything is installed, fail."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true, so this is a failure, not a skip)")
    pytest.skip(message, allow_module_level=True)


class HtmlTable(HTMLParser):
    """The rows of the table with a given id (header and data cells, as text) in a page, and how
    many script elements the page has."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.rows: list[list[str]] = []
        self.scripts = 0
        self._inside = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag == "table" and ("id", self.table_id) in attrs:
            self._inside = True
        elif self._inside and tag == "tr":
            self.rows.append([])
        elif self._inside and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._inside = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def current_memberships(people_csv: Path) -> list[dict[str, str]]:
    """The rows of a people CSV whose membership lasts today (begun, and not ended before
    today: the rule of the organisation checks), read by hand."""
    import csv
    import datetime

    today = datetime.date.today().isoformat()
    with people_csv.open(encoding="utf-8") as rows:
        return [
            r
            for r in csv.DictReader(rows)
            if r["from"] <= today and (not r["to"] or r["to"] >= today)
        ]


def html_table(page: str, table_id: str) -> HtmlTable:
    """:class:`HtmlTable` fed with ``page``."""
    table = HtmlTable(table_id)
    table.feed(page)
    return table


@pytest.fixture(autouse=True, scope="session")
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests never touch the user's cache of reasoned graphs: they share one of their own
    (subprocesses inherit it), so the shipped graph is reasoned once per session."""
    old = os.environ.get("PPO_CACHE_DIR")
    os.environ["PPO_CACHE_DIR"] = str(tmp_path_factory.mktemp("ppo-cache"))
    yield
    if old is None:
        os.environ.pop("PPO_CACHE_DIR", None)
    else:
        os.environ["PPO_CACHE_DIR"] = old


@pytest.fixture(autouse=True, scope="session")
def _memoised_owlrl() -> Iterator[None]:
    """Test-speed memo: the CLI tests reason the same inputs many times; owlrl is deterministic,
    so the closure of an input seen before is reused. The key is the input's named triples plus
    its blank-node triple count, and a hit is only served when the earlier closure added no
    blank-node triple (tautologies aside, which reason() drops anyway), so the reused triples
    cannot refer to another parse's blank nodes."""
    from ppo_graph.backends.reference import reason as reason_module
    from ppo_graph.backends.reference.reason import _is_trivial

    real = reason_module.ENGINES["owlrl"]
    seen: dict[tuple[frozenset[object], int], set[object]] = {}

    def memo(graph: Graph) -> Graph:
        named = frozenset(t for t in graph if not any(isinstance(x, BNode) for x in t))
        key = (named, len(graph) - len(named))
        if key not in seen:
            closure = real(graph)
            # tautologies such as _:b owl:sameAs _:b are dropped here as reason() drops them
            added = {t for t in closure if t not in graph and not _is_trivial(*t)}
            if any(isinstance(x, BNode) for t in added for x in t):
                return closure
            seen[key] = added
        result = Graph()
        for triple in graph:
            result.add(triple)
        for triple in seen[key]:
            result.add(triple)  # type: ignore[arg-type]
        return result

    reason_module.ENGINES["owlrl"] = memo
    yield
    reason_module.ENGINES["owlrl"] = real


def fast_reasoned(graph: Graph) -> Reasoned:
    """``graph`` reasoned by the fast rules. The reference, owlrl, gives the same closure on the
    shipped graph and on every fixture (tests/test_reasoner_equivalence.py, the one place owlrl
    runs on them), so the other tests use the fast rules and the suite stays quick."""
    from ppo_graph.backends.fast import reasoner

    closure = reasoner.reason(graph, rdflib_terms())
    inferred = Graph()
    for triple in closure.inferred:
        inferred.add(triple)
    return Reasoned(graph, inferred, sorted(closure.inconsistencies), engine="fast")


@pytest.fixture(scope="session")
def _shipped_owlrl() -> Reasoned:
    """The shipped graph reasoned by owlrl, the reference."""
    return reason(load_graph())


@pytest.fixture(scope="session")
def _shipped_reasoned() -> Reasoned:
    return fast_reasoned(load_graph())


def _read_only(value: T, *graphs: Graph) -> Iterator[T]:
    """Yield ``value``, then fail if any of ``graphs`` changed size: the session's graphs are
    shared read only (copying the shipped graph's 22k triples for each of some 200 tests cost
    about a minute), and a test that needs to change one copies it first."""
    sizes = [len(g) for g in graphs]
    yield value
    assert [len(g) for g in graphs] == sizes, "a test changed a shared graph: copy it first"


@pytest.fixture
def asserted_graph(_shipped_reasoned: Reasoned) -> Iterator[Graph]:
    """The shipped graph before reasoning: the session's own, read only (a test that changes
    it fails; one that needs to change it copies it)."""
    yield from _read_only(_shipped_reasoned.asserted, _shipped_reasoned.asserted)


@pytest.fixture
def reasoned(_shipped_reasoned: Reasoned) -> Iterator[Reasoned]:
    """The reasoned shipped graph: the session's own, read only."""
    yield from _read_only(_shipped_reasoned, _shipped_reasoned.asserted, _shipped_reasoned.inferred)


@pytest.fixture(scope="session")
def _shipped_union(_shipped_reasoned: Reasoned) -> Graph:
    return _shipped_reasoned.union()


@pytest.fixture(scope="session")
def reasoned_engine(_shipped_union: Graph) -> KnowledgeGraph:
    """An engine (pyoxigraph) over exactly the triples of the reasoned shipped graph, for what
    reads rows through the engine (``ppo interfaces``, ``ppo viz``): read only."""
    return KnowledgeGraph.from_rdflib(_shipped_union)


@pytest.fixture
def reasoned_union(_shipped_union: Graph) -> Iterator[Graph]:
    """The reasoned shipped graph, asserted and inferred triples in one graph: the session's
    own, read only."""
    yield from _read_only(_shipped_union, _shipped_union)


@pytest.fixture(scope="session")
def org_union() -> Graph:
    """The example organisation (examples/org) on the shipped graph, reasoned, as rdflib holds it;
    made once per session (converting the engine's store to rdflib is the slow part): read only."""
    kg = KnowledgeGraph.open([ROOT / "examples" / "org" / "org.ttl"], cache=False)
    return kg.rdflib_graph("union")


@pytest.fixture(scope="session")
def org_union_engine(org_union: Graph) -> KnowledgeGraph:
    """An engine over exactly the triples of ``org_union`` (read only)."""
    return KnowledgeGraph.from_rdflib(org_union)


# The fuzz test's seed is chosen here, in the process that starts the run, so that every
# pytest-xdist worker uses the same one and the header can print it before any test runs.
os.environ.setdefault("PPO_FUZZ_SEED", str(random.SystemRandom().randrange(1 << 32)))
os.environ.setdefault("PPO_FUZZ_CASES", "150")


def pytest_report_header() -> str:
    seed, cases = os.environ["PPO_FUZZ_SEED"], int(os.environ["PPO_FUZZ_CASES"])
    return (
        f"fuzz: seed {seed} (replay with PPO_FUZZ_SEED={seed}), {cases} loader cases and "
        f"{max(cases // 20, 8)} ppo validate + ppo build cases"
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The fuzz test's counts (in a single-process run; workers keep theirs)."""
    fuzz = sys.modules.get("test_fuzz")
    if fuzz is not None and fuzz.COUNTS["loader"]:
        terminalreporter.write_line(fuzz.summary())


# Real SPARQL stores (tests/stores.py): one server of each make per session (per xdist worker).


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A running Oxigraph server (a ``stores.Store``), empty at first; shared by the session."""
    from stores import oxigraph_store

    with oxigraph_store(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A running Virtuoso (a ``stores.Store``), empty at first, the anonymous SPARQL user allowed
    to update; shared by the session. Skips naming the install where Virtuoso is missing."""
    from stores import virtuoso_store

    with virtuoso_store(tmp_path_factory.mktemp("virtuoso")) as store:
        yield store


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def loaded_store(request: pytest.FixtureRequest) -> Any:
    """Each store in turn (a ``stores.Store``) holding, uploaded by ``ppo load``: the shipped
    graph in the default named graph (``DEFAULT_GRAPH``), ``tests/fixtures/broken.ttl`` with it
    in ``stores.BROKEN_GRAPH`` and the example organisation with it in ``stores.ORG_GRAPH``."""
    from stores import load_examples

    store = request.getfixturevalue(request.param)
    load_examples(store)
    return store
