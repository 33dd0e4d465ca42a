"""One engine under every command: load, reason, cache, query, validate.

:class:`KnowledgeGraph` holds the shipped graph plus the user's files in a pyoxigraph store,
asserted and inferred triples in two named graphs (queries see their union). It is built once per
distinct input and kept in the cache (:mod:`ppo_graph.engine.cache`), so a second command on the same
files starts from the reasoned graph instead of reasoning again.

Fast by design, right by reference: the fast reasoner (:mod:`ppo_graph.backends.fast.reasoner`) and the fast
SHACL path (:mod:`ppo_graph.backends.fast.shacl`) refuse what they do not cover, and the engine then uses
the design card's reference engines, owlrl and pySHACL, on the same input; tests prove both give
the same answers where both apply. rdflib, owlrl and pySHACL are only imported on those paths
(and rdflib's SPARQL parser by the query boundary, for query text from outside the package),
all of them through the registry (:func:`ppo_graph.backends.reference_backend`).

Beside it: :mod:`.boundary` decides what a query may do (one place, for every front end), and
:mod:`.isolation` evaluates in worker processes that are killed at the deadline, capped in
memory and cut off from the network.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ppo_graph.backends.fast import reasoner as fast_reasoner
from ppo_graph.backends.fast.parse import AsWritten, check_readable, format_for, load_into, triples
from ppo_graph.crosswalk import VERSION as crosswalk_version
from ppo_graph.engine import cache as cache_module
from ppo_graph.engine import isolation
from ppo_graph.engine.protocol import CatalogueRows, ValidatorName
from ppo_graph.errors import UsageError
from ppo_graph.memory import no_gc
from ppo_graph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from ppo_graph.paths import shapes_file, shipped_graph_files
from ppo_graph.report import ValidationReport

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

    from ppo_graph.backends.reference.reason import Reasoned

ReasonerName = Literal["auto", "fast", "owlrl"]
#: An input this large gets a word on stderr before the slow steps.
LARGE = 200_000
CLI_MEMORY_MB = isolation.CLI_MEMORY_MB
#: User files this big in all get a warning on stderr (always, terminal or not).
BIG_BYTES = 20_000_000


def _progress_default() -> Callable[[str], None]:
    """Progress lines on stderr for work that takes a while; off when stderr is not a terminal."""
    if not sys.stderr.isatty() or os.environ.get("PPO_QUIET"):
        return lambda message: None
    return lambda message: print(f"ppo: {message}", file=sys.stderr, flush=True)


#: Store handles a forked process inherited: kept, so that their destructors never run there.
_FORKED_HANDLES: list[Any] = []


def _copied(store: ox.Store) -> ox.Store:
    """A fresh in-memory store filled in one pass with every quad of ``store`` (blank node labels
    kept: the literals-as-written record names them)."""
    import pyoxigraph as ox

    fresh = ox.Store()
    fresh.bulk_extend(store)
    return fresh


#: Quads per batch written to an on-disk store, at most: a batch is sorted in memory before it is
#: written, so one batch of a 2M-quad graph cost 1.3 GiB more at the peak than batches of 200k;
#: but every batch after the first is a sorted run to compact, and that costs time (0.85 s at
#: 300k quads in two batches, 6 s at 1M in three: a fifth of validating 35k people). So a graph
#: up to this size (the 1M-triple organisation of the targets, 1.35 GiB at the peak) is written
#: in one batch, and a larger one in batches of this size.
WRITE_BATCH = 1_200_000
#: The same for the cache writer that runs beside the command (:func:`_write_aside`): its batch
#: buffers are memory on top of the command's own, and the compaction that smaller batches cost
#: is time off the command's path, mostly. Measured (PSS of both summed, bench/README.md): at 35k
#: people 1.20 GiB in batches of 300k, 1.72 GiB in batches of 1.2M (the command writing in
#: place: 1.35 GiB), in the same 14 s; on the 1M-triple catalogue 1.71 GiB and 120 s, against
#: 2.84 GiB and 99 s (in place: 2.2 GiB, 130 s).
ASIDE_BATCH = 300_000


#: The file a small graph's entry holds: its quads as N-Quads, read back into memory in one pass
#: (18 ms for the shipped graph, where copying from an on-disk store took 40-120 ms).
SNAPSHOT = "graph.nq"


def _write_store(store: ox.Store, folder: Path) -> None:
    """``store`` written into the cache folder ``folder``: a small graph (under :data:`LARGE`
    quads) as one N-Quads snapshot, read back whole into memory; a large one as an on-disk
    (RocksDB) store (:func:`_write_disk`)."""
    import pyoxigraph as ox

    if len(store) < LARGE:
        folder.mkdir(parents=True, exist_ok=True)
        store.dump(str(folder / SNAPSHOT), format=ox.RdfFormat.N_QUADS)
        return
    _write_disk(folder, [store])


def _write_aside(store: ox.Store, folder: Path, later: cache_module.Later) -> dict[str, Any]:
    """In the forked cache writer (:func:`cache.publish_aside`): the asserted graph ``store``
    held at the fork, then the inferred triples the command sends once reasoned (N-Triples,
    blank node labels kept: they are the store's own), as one on-disk store; the entry's record."""
    import pyoxigraph as ox

    def inferred() -> Iterator[Any]:
        data = told[1]
        graph = ox.NamedNode(INFERRED_GRAPH)
        for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)

    told: tuple[dict[str, Any], bytes] = ({}, b"")

    def asserted_then_told() -> Iterator[Iterable[Any]]:
        nonlocal told
        yield store
        told = later()
        yield inferred()

    _write_disk(folder, asserted_then_told(), batch=ASIDE_BATCH)
    return told[0]


def _write_disk(folder: Path, parts: Iterable[Iterable[Any]], batch: int = WRITE_BATCH) -> None:
    """The quads of ``parts`` as an on-disk (RocksDB) store in ``folder``: each part in batches
    of at most :data:`WRITE_BATCH`, compacted into one sorted run (reads stay fast), and closed
    before it is published, read in place."""
    import gc
    import itertools

    import pyoxigraph as ox

    disk = ox.Store(str(folder))
    for part in parts:
        if isinstance(part, ox.Store) and len(part) <= batch:
            disk.bulk_extend(part)
            continue
        quads = iter(part)  # each batch read as the loader takes it, never held as a list
        while (first := next(quads, None)) is not None:
            disk.bulk_extend(itertools.chain((first,), itertools.islice(quads, batch - 1)))
    disk.flush()
    disk.optimize()
    del disk
    gc.collect()


def _read_snapshot(path: Path) -> ox.Store:
    """A small graph's snapshot as a fresh in-memory store filled in one pass (blank node labels
    kept: the literals-as-written record names them). A snapshot that does not parse is an
    :class:`OSError`, as a store RocksDB cannot open: the entry is rebuilt, never answered."""
    import pyoxigraph as ox

    fresh = ox.Store()
    try:
        fresh.bulk_extend(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise OSError(f"{path}: {exc}") from exc
    return fresh


@dataclass
class KnowledgeGraph(CatalogueRows):
    """The reasoned graph, ready for SPARQL, validation and the networkx views."""

    _store: ox.Store | None
    inputs: list[Path]
    asserted_count: int
    inferred_count: int
    inconsistencies: list[str] = field(default_factory=list)
    reasoner: str = "none"  # what produced the inferred graph: fast, owlrl or none
    fallback: str | None = None  # why the reference reasoner ran instead of the fast one
    from_cache: bool = False
    cache_entry: Path | None = None  # the cache folder holding this graph's on-disk store
    shapes_in_data: list[Path] = field(default_factory=list)  # user files that declare shapes
    as_written: AsWritten = field(
        default_factory=AsWritten, repr=False
    )  # literals the store rewrote
    timings: dict[str, float] = field(default_factory=dict)
    _rdflib: dict[str, Graph] = field(default_factory=dict, repr=False)
    _pools: dict[isolation.Limits, isolation.Pool] = field(default_factory=dict, repr=False)
    _say: Callable[[str], None] = field(default=lambda message: None, repr=False)
    #: A large cached graph is read in place: its on-disk store, opened read-only by each process
    #: on first use (a forked worker opens its own: RocksDB's threads and files do not fork).
    store_path: Path | None = field(default=None, repr=False)
    _store_pid: int = field(default=0, repr=False)

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store holding the asserted and inferred graphs."""
        if self.store_path is not None and self._store_pid != os.getpid():
            import pyoxigraph as ox

            if self._store is not None:  # another process's handle: never used, never closed
                _FORKED_HANDLES.append(self._store)
            self._store = ox.Store.read_only(str(self.store_path))
            self._store_pid = os.getpid()
        if self._store is None:
            raise RuntimeError("the graph has no store")
        return self._store

    @store.setter
    def store(self, value: ox.Store) -> None:
        self._store, self.store_path, self._store_pid = value, None, 0

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        extra: Iterable[Path | str] = (),
        *,
        reasoning: bool = True,
        cache: bool | None = None,
        reasoner: ReasonerName = "auto",
        shipped: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> KnowledgeGraph:
        """The shipped graph (unless ``shipped=False``) plus the ``extra`` files, reasoned.

        ``cache`` defaults to on unless ``PPO_NO_CACHE`` is set; ``reasoner="auto"`` uses the fast
        reasoner and falls back to owlrl for input it does not cover, ``"owlrl"`` forces the
        reference, ``"fast"`` refuses such input with an error; ``progress`` gets a line for each
        slow step (default: stderr, when it is a terminal).
        """
        with no_gc():
            return cls._open(extra, reasoning, cache, reasoner, shipped, progress)

    @classmethod
    def _open(
        cls,
        extra: Iterable[Path | str],
        reasoning: bool,
        cache: bool | None,
        reasoner: ReasonerName,
        shipped: bool,
        progress: Callable[[str], None] | None,
    ) -> KnowledgeGraph:
        import pyoxigraph as ox

        say = progress or _progress_default()
        files = [*(shipped_graph_files() if shipped else []), *(Path(p) for p in extra)]
        for path in files:
            check_readable(path)
            format_for(path)
        user_files = [Path(p) for p in extra]
        size = sum(p.stat().st_size for p in user_files)
        if size >= BIG_BYTES:
            names = ", ".join(str(p) for p in user_files[:3]) + (
                " ..." if len(user_files) > 3 else ""
            )
            print(
                f"ppo: warning: big input, {size / 1e6:.0f} MB ({names}): loading, reasoning and "
                "validating may take a minute and a few GB of memory; the reasoned graph is "
                "cached for the next command on the same files",
                file=sys.stderr,
            )
        if cache is None:
            cache = not os.environ.get("PPO_NO_CACHE")
        options = {
            "reasoning": str(reasoning),
            "reasoner": reasoner,
            "rules": fast_reasoner.VERSION,
            "oxigraph": ox.__version__,
            "literals": "as-written",  # entries keep the literals the store rewrites
            "crosswalk": crosswalk_version,  # the RDF an SSSOM table is read as
        }
        key = cache_module.key_for(files, options) if cache else ""
        timings: dict[str, float] = {}
        started = time.perf_counter()
        if cache:
            entry = cache_module.read(key)
            if entry is not None:
                try:
                    graph = cls._from_entry(entry, files)
                except OSError:  # a store RocksDB cannot open: rebuilt, never answered
                    cache_module.remove(entry.path)
                else:
                    graph.timings["cache"] = time.perf_counter() - started
                    graph._say = say
                    return graph

        store = ox.Store()
        asserted_graph = ox.NamedNode(ASSERTED_GRAPH)
        t = time.perf_counter()
        shapes_in_data: list[Path] = []
        shipped_files = set(shipped_graph_files()) if shipped else set()
        as_written = AsWritten()  # the user's literals the store keeps in another form
        for path in files:
            user = path not in shipped_files
            declares = load_into(
                store, path, asserted_graph, as_written=as_written if user else None
            )
            if declares and user:
                shapes_in_data.append(path)
        count = len(store)
        timings["load"] = time.perf_counter() - t
        large = count >= LARGE
        if large:
            say(f"loaded {count:,} triples from {len(files)} files")
        # A large graph's on-disk entry is written by a forked child from here on, the asserted
        # triples while this process reasons and answers, the inferred ones once sent.
        aside = (
            cache_module.publish_aside(
                key, lambda folder, later: _write_aside(store, folder, later)
            )
            if cache and large
            else None
        )
        try:
            graph = cls._reasoned(store, files, count, timings, say, reasoning, reasoner)
            graph.shapes_in_data = shapes_in_data
            graph.as_written = as_written
            if cache:
                meta = {
                    "asserted": graph.asserted_count,
                    "inferred": graph.inferred_count,
                    "inconsistencies": graph.inconsistencies,
                    "reasoner": graph.reasoner,
                    "fallback": graph.fallback,
                    "inputs": [str(p) for p in files if not _is_shipped(p)],
                    "shapes_in_data": [str(p) for p in shapes_in_data],
                    "as_written": as_written.ntriples(),
                }
                t = time.perf_counter()
                if aside is not None:
                    inferred = graph.store.dump(
                        format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(INFERRED_GRAPH)
                    )
                    if aside.finish(meta, inferred or b""):
                        graph.cache_entry = cache_module.path_for(key)
                else:
                    graph.cache_entry = cache_module.publish(
                        key, lambda folder: _write_store(graph.store, folder), meta
                    )
                timings["cache write"] = time.perf_counter() - t
        finally:
            if aside is not None:
                aside.close()  # never told the rest (an error): stopped, its temp folder gone
        return graph

    @classmethod
    def _reasoned(
        cls,
        store: ox.Store,
        files: list[Path],
        count: int,
        timings: dict[str, float],
        say: Callable[[str], None],
        reasoning: bool,
        reasoner: ReasonerName,
    ) -> KnowledgeGraph:
        """The graph over the loaded ``store``, reasoned (unless not ``reasoning``) and, when
        small, copied into a fresh store."""
        large = count >= LARGE
        graph = cls(store, files, count, 0, timings=timings, _say=say)
        if reasoning:
            t = time.perf_counter()
            if large:
                say(f"reasoning (OWL RL) over {count:,} triples ...")
            graph._reason(reasoner, say)
            timings["reason"] = time.perf_counter() - t
            if large:
                say(f"{graph.inferred_count:,} triples inferred in {timings['reason']:.1f}s")
        # A store filled by many loads answers the heavier joins several times slower than one
        # filled in a single pass (3-4x measured on the owner/manager comparisons), so a small
        # one is copied once into a fresh store. Not a large one: at 1.4M triples
        # (bench/org_size.py, 50k people) the copy took 17 s and the queries were no faster.
        t = time.perf_counter()
        if not large:
            graph.store = _copied(store)
        timings["compact"] = time.perf_counter() - t
        return graph

    @classmethod
    def from_rdflib(cls, graph: Graph) -> KnowledgeGraph:
        """An engine over an rdflib graph taken as it is (no reasoning, no cache)."""
        import pyoxigraph as ox

        store = ox.Store()
        data = graph.serialize(format="nt", encoding="utf-8")
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ASSERTED_GRAPH))
        return cls(store, [], len(store), 0, reasoner="none")

    @classmethod
    def _from_entry(cls, entry: cache_module.Entry, files: list[Path]) -> KnowledgeGraph:
        """The graph of a cache entry: a small graph's snapshot read into memory (a small store
        answers faster from memory), a large one's on-disk store read in place, read-only."""
        meta = entry.meta
        asserted, inferred = int(meta["asserted"]), int(meta["inferred"])
        snapshot = entry.store_path / SNAPSHOT
        store = _read_snapshot(snapshot) if snapshot.is_file() else None
        graph = cls(
            store,
            files,
            asserted,
            inferred,
            list(meta.get("inconsistencies") or []),
            reasoner=str(meta.get("reasoner")),
            fallback=meta.get("fallback"),
            from_cache=True,
            cache_entry=entry.path,
            shapes_in_data=[Path(p) for p in meta.get("shapes_in_data") or []],
        )
        if store is None:
            graph.store_path = entry.store_path
            graph.store  # noqa: B018  (opened now: a store RocksDB cannot open is a miss)
        graph.as_written = AsWritten.from_ntriples(str(meta.get("as_written") or ""))
        return graph

    def _reason(self, reasoner: ReasonerName, say: Callable[[str], None]) -> None:
        import pyoxigraph as ox

        if reasoner in ("auto", "fast"):
            asserted = (
                (q.subject, q.predicate, q.object)
                for q in self.store.quads_for_pattern(
                    None, None, None, ox.NamedNode(ASSERTED_GRAPH)
                )
            )
            try:
                closure = fast_reasoner.reason(asserted, fast_reasoner.oxigraph_terms())
            except fast_reasoner.Unsupported as exc:
                if reasoner == "fast":
                    raise UsageError(f"the fast reasoner does not cover this input: {exc}") from exc
                self.fallback = str(exc)
                say(f"using owlrl (the reference reasoner): the input uses {exc}")
            else:
                self._add_inferred(closure.ntriples())
                self.inferred_count = len(closure)
                self.inconsistencies = sorted(closure.inconsistencies)
                self.reasoner = "fast"
                return
        from ppo_graph.backends import reference_backend

        result = reference_backend().reason(self.rdflib_graph("asserted"))
        self._add_inferred(result.inferred.serialize(format="nt", encoding="utf-8"))
        self.inferred_count = len(result.inferred)
        self.inconsistencies = list(result.inconsistencies)
        self.reasoner = "owlrl"
        self._rdflib.pop("union", None)
        self._rdflib.pop("inferred", None)

    def _add_inferred(self, data: bytes) -> None:
        """Inferred triples, N-Triples naming the store's blank nodes by their labels, into the
        inferred graph. A store load names every blank node afresh (pyoxigraph renames them),
        which would put what is inferred about a blank node on another node: such triples go
        through the parser, which keeps the labels, into the store."""
        import pyoxigraph as ox

        graph = ox.NamedNode(INFERRED_GRAPH)
        if b"_:" not in data:
            self.store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            return
        self.store.extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        )

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.asserted_count + self.inferred_count

    def quads(self, which: str = "union") -> Iterator[Any]:
        import pyoxigraph as ox

        graphs = {"asserted": [ASSERTED_GRAPH], "inferred": [INFERRED_GRAPH]}.get(
            which, [ASSERTED_GRAPH, INFERRED_GRAPH]
        )
        for name in graphs:
            yield from self.store.quads_for_pattern(None, None, None, ox.NamedNode(name))

    def rdflib_graph(self, which: str = "union") -> Graph:
        """The asserted, inferred or union triples as an rdflib Graph (made once, then reused;
        callers must not change it: copy it first)."""
        if which not in self._rdflib:
            import pyoxigraph as ox

            from ppo_graph.backends import reference_backend

            graphs = {"asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH}
            if which in graphs:
                data = self.store.dump(
                    format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graphs[which])
                )
                graph = reference_backend().graph(data or b"")
            else:
                graph = reference_backend().graph()
                for part in ("asserted", "inferred"):
                    for triple in self.rdflib_graph(part):
                        graph.add(triple)
            self._rdflib[which] = graph
        return self._rdflib[which]

    def reasoned(self) -> Reasoned:
        """Asserted and inferred triples as rdflib graphs (for serialising and the reference)."""
        from ppo_graph.backends import reference_backend

        return reference_backend().reasoned(
            self.rdflib_graph("asserted"),
            self.rdflib_graph("inferred"),
            self.inconsistencies,
            self.reasoner,
        )

    # -- SPARQL --------------------------------------------------------------------------------

    def isolated(
        self, timeout: float, *, network: bool = False, memory_mb: int | None = None
    ) -> isolation.Pool:
        """A pool of one worker process over this graph (made once per limits, then reused)."""
        return isolation.single(self._pools, self, timeout, network=network, memory_mb=memory_mb)

    # -- validation ----------------------------------------------------------------------------

    def validate(
        self, shapes: Sequence[Path | str] = (), *, engine: ValidatorName = "auto"
    ) -> ValidationReport:
        """SHACL validation of the reasoned graph against the shipped shapes plus ``shapes``."""
        shape_files = [shapes_file(), *(Path(p) for p in shapes)]
        started = time.perf_counter()
        if len(self) >= LARGE:
            self._say(f"validating {len(self):,} triples against the SHACL shapes ...")
        report: ValidationReport | None = None
        if engine in ("auto", "fast"):
            report = self._validate_fast(shape_files, required=engine == "fast")
        if report is None:
            from ppo_graph.backends import reference_backend

            data = self.rdflib_graph("union")
            if self.as_written:  # pySHACL sees the literals as the files wrote them
                data = reference_backend().graph(
                    self.as_written.dump(self.store, (ASSERTED_GRAPH, INFERRED_GRAPH))
                )
            report = reference_backend().validate(data, shape_files[1:])
            report.engine = "pyshacl"
        report.inconsistencies = list(self.inconsistencies)
        report.triples = len(self)
        self.timings["validate"] = time.perf_counter() - started
        if len(self) >= LARGE:
            self._say(f"validated in {self.timings['validate']:.1f}s ({report.engine})")
        return report

    def _validate_fast(self, shape_files: list[Path], *, required: bool) -> ValidationReport | None:
        import pyoxigraph as ox

        from ppo_graph.backends.fast import shacl as shacl_fast

        shapes = ox.Store()
        prefixes: dict[str, str] = {}
        for path in shape_files:
            found = list(triples(path, prefixes=prefixes))
            shapes.extend(ox.Quad(s, p, o) for s, p, o in found)
        try:
            compiled = shacl_fast.compile_shapes(shapes, prefixes=prefixes)
        except shacl_fast.Unsupported as exc:
            if required:
                raise UsageError(f"the fast SHACL path does not cover these shapes: {exc}") from exc
            self._say(f"using pySHACL (the reference validator): the shapes use {exc}")
            return None
        # The store keeps some literals in its own canonical form ("1"^^xsd:int as xsd:integer):
        # where the shapes may see one, pySHACL validates the literals as written instead.
        rewritten = self.as_written.touches(shapes)
        if rewritten is not None:
            if required:
                raise UsageError(f"the fast SHACL path cannot check this input: {rewritten}")
            self._say(f"using pySHACL (the reference validator): {rewritten}")
            return None
        violations, conforms = compiled.check(self.store)  # data prefixes: the project's
        return ValidationReport(conforms, violations, engine="fast")


def _is_shipped(path: Path) -> bool:
    try:
        return path.resolve() in {p.resolve() for p in shipped_graph_files()}
    except OSError:
        return False
