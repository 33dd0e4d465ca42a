"""The fast SHACL path (``ppo_graph.backends.fast.shacl``, SPARQL on pyoxigraph) gives pySHACL's verdict.

pySHACL, through ``ppo_graph.backends.reference.validate``, is the reference. Each case validates one data graph with
both engines and compares the sets of results, every field (focus, path, shape, shape label,
value, message, severity) with blank node ids replaced by one token, and the conforms flag. The
data reaches pyoxigraph as N-Triples in named graphs, asserted and inferred triples apart, as the
engine keeps them; the fast path must query their union.

The data graphs are built as the existing tests build them: each shapes fixture and each check
fixture on top of the ontology (TBox and themes), ``broken.ttl`` on top of the shipped graph, and
this module's own fixtures (user shapes without sh:message, for pySHACL's default messages) on
top of the ontology; the shipped graph itself with and without OWL RL reasoning, the other
inputs unreasoned and (a chosen few by default, all with PPO_SHACL_FAST_ALL=1, see
``ALL_REASONED``) reasoned. Each input is reasoned at most once and pySHACL runs once per case.

Mutation tests prove the comparison has teeth: with one constraint kind switched off in the
compiler, some case must differ from pySHACL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, fast_reasoned, require_module
from rdflib import BNode, Graph, Namespace

from ppo_graph.backends.reference.load import load_graph
from ppo_graph.backends.reference.reason import Reasoned
from ppo_graph.backends.reference.validate import load_shapes, validate
from ppo_graph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from ppo_graph.paths import ontology_dir, shapes_file
from ppo_graph.report import Violation

ox = require_module("pyoxigraph")
from ppo_graph.backends.fast import shacl as shacl_fast  # noqa: E402  (needs pyoxigraph)
from ppo_graph.backends.fast.shacl import compiler, model  # noqa: E402

T = Namespace("https://w3id.org/ppo-graph/test#")
SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*.ttl"))
CHECK_FIXTURES = sorted((FIXTURES / "checks").glob("*.ttl"))
OWN_FIXTURES = sorted((FIXTURES / "shacl_fast").glob("*-data.ttl"))
BLANK = "_:blank"

Key = tuple[str | None, ...]


def _tbox() -> list[Path]:
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def _reasons(fixture: Path) -> bool:
    return "# reason: no" not in fixture.read_text(encoding="utf-8")


# --- one case: a data graph, the shapes, both engines -------------------------------------------


def _store(*graphs: tuple[Graph, str]) -> Any:
    """A store with each graph in a named graph, via N-Triples (``pyoxigraph.parse`` keeps blank
    node labels, so a blank node shared by the asserted and the inferred graph stays one)."""
    store = ox.Store()
    for graph, name in graphs:
        triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name)) for t in triples)
    return store


@cache
def _shapes(extra: tuple[Path, ...]) -> tuple[Graph, Any]:
    """The shapes as validate.py reads them (rdflib) and as the engine does (a pyoxigraph store
    holding the shapes graph in its default graph)."""
    store = ox.Store()
    for path in (shapes_file(), *extra):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return load_shapes(extra), store


@cache
def _compiled(extra: tuple[Path, ...]) -> shacl_fast.CompiledShapes:
    graph, store = _shapes(extra)
    return shacl_fast.compile_shapes(store, prefixes=_prefixes(graph))


def _prefixes(graph: Graph) -> dict[str, str]:
    """The prefixes rdflib bound while parsing (pySHACL's default messages use them)."""
    return {prefix: str(namespace) for prefix, namespace in graph.namespaces()}


def _key(v: Violation, blanks: set[str]) -> Key:
    fields = (v.focus, v.path, v.shape, v.shape_label, v.value, v.message, v.severity)
    return tuple(BLANK if f is not None and f in blanks else f for f in fields)


def _rdflib_blanks(*graphs: Graph) -> set[str]:
    return {str(t) for g in graphs for triple in g for t in triple if isinstance(t, BNode)}


def _store_blanks(*stores: Any) -> set[str]:
    return {
        t.value
        for store in stores
        for quad in store
        for t in (quad.subject, quad.object)
        if isinstance(t, ox.BlankNode)
    }


@dataclass
class Case:
    """pySHACL's verdict on a data graph, and the same data in a pyoxigraph store."""

    reference: frozenset[Key]
    conforms: bool
    results: int
    store: Any
    extra: tuple[Path, ...]
    prefixes: dict[str, str]

    def fast(
        self, compiled: shacl_fast.CompiledShapes | None = None
    ) -> tuple[frozenset[Key], bool]:
        compiled = compiled or _compiled(self.extra)
        found, conforms = compiled.check(self.store, prefixes=self.prefixes)
        assert found == sorted(found, key=_order), "results come sorted"
        blanks = _store_blanks(self.store, _shapes(self.extra)[1])
        return frozenset(_key(v, blanks) for v in found), conforms


def _order(v: Violation) -> tuple[str, ...]:
    return (v.shape_label, v.focus, v.path or "", v.message, v.value or "", v.shape)


def _case(data: Graph | Reasoned, extra: tuple[Path, ...] = ()) -> Case:
    if isinstance(data, Reasoned):
        union = data.union()
        store = _store((data.asserted, ASSERTED_GRAPH), (data.inferred, INFERRED_GRAPH))
    else:
        union = data
        store = _store((data, ASSERTED_GRAPH))
    shapes_graph, _ = _shapes(extra)
    report = validate(union, shapes_graph)
    blanks = _rdflib_blanks(union, shapes_graph)
    return Case(
        reference=frozenset(_key(v, blanks) for v in report.violations),
        conforms=report.conforms,
        results=len(report.violations),
        store=store,
        extra=extra,
        prefixes=_prefixes(union),
    )


def _fixture_graph(fixture: Path) -> Graph:
    """As test_shapes and test_oxigraph_parity build it: the ontology plus the fixture, without
    a shapes fixture's expectations."""
    graph = load_graph([*_tbox(), fixture], shipped=False)
    for triple in list(graph.triples((T.expect, None, None))):
        graph.remove(triple)
    return graph


#: Every reasoned variant costs a full owlrl run (about 1 s on the ontology, 5 s with the shipped
#: graph): the conftest's memo does not serve these inputs, because their closures add blank-node
#: triples (``_:b owl:sameAs _:b``). By default the reasoned variants are the shipped graph's and
#: those of the bad fixtures of the shapes whose paths or classes reasoning feeds (inverse and
#: alternative paths, sh:class, the class targets of the term shape); PPO_SHACL_FAST_ALL=1 adds
#: every other reasoned variant the existing tests use: the other shapes fixtures, the check
#: fixtures and broken.ttl with the shipped graph.
ALL_REASONED = os.environ.get("PPO_SHACL_FAST_ALL", "") not in ("", "0")
REASONED = {"artefact-bad", "duty-bad", "interface-bad", "process-bad", "role-bad", "term-bad"}


def _fixture_cases() -> Iterator[str]:
    for fixture in SHAPE_FIXTURES:
        yield f"shapes/{fixture.stem}"
        if ALL_REASONED or fixture.stem in REASONED:
            yield f"shapes/{fixture.stem}+reasoned"
    for fixture in CHECK_FIXTURES:
        yield f"checks/{fixture.stem}"
        if ALL_REASONED and _reasons(fixture):
            yield f"checks/{fixture.stem}+reasoned"
    yield "broken"
    if ALL_REASONED:
        yield "broken+reasoned"
    for fixture in OWN_FIXTURES:
        yield f"shacl_fast/{fixture.stem}"


FIXTURE_CASES = list(_fixture_cases())


@cache
def case(name: str) -> Case:
    base, _, mode = name.partition("+")
    if base == "broken":
        graph = load_graph([FIXTURES / "broken.ttl"])
        return _case(fast_reasoned(graph) if mode else graph)
    folder, stem = base.split("/")
    fixture = FIXTURES / folder / f"{stem}.ttl"
    if folder == "shacl_fast":
        shapes = fixture.with_name(stem.removesuffix("-data") + "-shapes.ttl")
        return _case(load_graph([*_tbox(), fixture], shipped=False), (shapes,))
    graph = _fixture_graph(fixture)
    return _case(fast_reasoned(graph) if mode else graph)


def assert_same(found: Case) -> None:
    fast, conforms = found.fast()
    assert fast - found.reference == set(), "results only the fast path reports"
    assert found.reference - fast == set(), "results only pySHACL reports"
    assert conforms == found.conforms


# --- equivalence --------------------------------------------------------------------------------


def test_shipped_graph_unreasoned(asserted_graph: Graph) -> None:
    found = _case(asserted_graph)
    assert found.conforms
    assert_same(found)


def test_shipped_graph_reasoned(reasoned: Reasoned, reasoned_union: Graph) -> None:
    found = _case(reasoned)
    assert len(reasoned_union) == len(reasoned.asserted) + len(reasoned.inferred)
    assert found.conforms
    assert_same(found)


def test_every_fixture_is_compared() -> None:
    assert len(SHAPE_FIXTURES) >= 16 and len(CHECK_FIXTURES) >= 12 and len(OWN_FIXTURES) >= 2
    unreasoned = {name for name in FIXTURE_CASES if "+" not in name}
    assert len(unreasoned) == len(SHAPE_FIXTURES) + len(CHECK_FIXTURES) + 1 + len(OWN_FIXTURES)
    reasoned = {name.removesuffix("+reasoned") for name in FIXTURE_CASES if "+" in name}
    assert reasoned <= unreasoned
    assert {f"shapes/{stem}" for stem in REASONED} <= reasoned


@pytest.mark.parametrize("name", FIXTURE_CASES)
def test_same_results_as_pyshacl(name: str) -> None:
    found = case(name)
    if name.startswith(("shapes/", "broken")) and "-good" not in name:
        assert found.results > 0, "a bad fixture the reference does not flag compares little"
    assert_same(found)


@pytest.mark.parametrize("data", OWN_FIXTURES, ids=lambda p: p.stem)
def test_own_fixtures_exercise_default_messages(data: Path) -> None:
    """Each of this module's fixtures names pySHACL messages it must produce (``# expect:``),
    so that they keep covering the components the shipped fixtures do not."""
    expected = [
        line.removeprefix("# expect: ")
        for line in data.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect: ")
    ]
    assert len(expected) >= 5
    messages = {key[5] for key in case(f"shacl_fast/{data.stem}").reference}
    for text in expected:
        assert any(text in (m or "") for m in messages), text


def test_data_spread_over_named_graphs_is_validated_as_one() -> None:
    """The triples of a bad fixture dealt alternately into two named graphs and the default
    graph: the fast path must still see one graph."""
    found = case("shapes/role-bad")
    graph = _fixture_graph(FIXTURES / "shapes" / "role-bad.ttl")
    names = [ox.NamedNode(ASSERTED_GRAPH), ox.NamedNode(INFERRED_GRAPH), ox.DefaultGraph()]
    triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    store = ox.Store()
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, names[i % 3]) for i, t in enumerate(triples)
    )
    assert len({q.graph_name for q in store}) == 3
    spread = Case(found.reference, found.conforms, found.results, store, (), found.prefixes)
    assert spread.fast() == (found.reference, found.conforms)
    assert found.results > 0


# --- mutations: a broken fast path is caught ----------------------------------------------------


def _without(component: str) -> Callable[..., None]:
    """A constraint reader that reads the parameter, then drops what it compiled."""
    original = getattr(compiler._Compiler, f"c_{component}")

    def reader(self: Any, shape: Any, values: list[Any]) -> None:
        constraints, properties = len(shape.constraints), len(shape.properties)
        original(self, shape, values)
        del shape.constraints[constraints:]
        del shape.properties[properties:]

    return reader


#: Where a mutation shows first: this module's fixtures, then the bad fixtures, then the rest.
MUTATION_ORDER = sorted(
    (name for name in FIXTURE_CASES if "+" not in name),  # unreasoned cases suffice
    key=lambda name: (not name.startswith("shacl_fast/"), "-good" in name, name),
)


def _first_difference(
    monkeypatch: pytest.MonkeyPatch, attribute: str, replacement: Any, where: str = ""
) -> str | None:
    """The first case (whose name starts with ``where``) on which the fast path, compiled with
    ``_Compiler.attribute`` replaced, disagrees with pySHACL."""
    monkeypatch.setattr(compiler._Compiler, attribute, replacement)
    compiled: dict[tuple[Path, ...], shacl_fast.CompiledShapes] = {}
    for name in MUTATION_ORDER:
        if not name.startswith(where):
            continue
        found = case(name)
        if found.extra not in compiled:
            graph, store = _shapes(found.extra)
            compiled[found.extra] = shacl_fast.compile_shapes(store, prefixes=_prefixes(graph))
        if found.fast(compiled[found.extra]) != (found.reference, found.conforms):
            return name
    return None


@pytest.mark.parametrize(
    "component",
    [
        "minCount",
        "maxCount",
        "class",
        "datatype",
        "minLength",
        "maxLength",
        "pattern",
        "minInclusive",
        "maxExclusive",
        "nodeKind",
        "disjoint",
        "not",
        "or",
        "and",
        "xone",
        "property",
    ],
)
def test_a_missing_constraint_kind_is_caught(
    monkeypatch: pytest.MonkeyPatch, component: str
) -> None:
    assert _first_difference(monkeypatch, f"c_{component}", _without(component))


def test_ignoring_inverse_paths_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    original = compiler._Compiler.path

    def forward_only(self: Any, node: Any, inverse: bool, depth: int) -> str:
        return str(original(self, node, False, depth))

    assert _first_difference(monkeypatch, "path", forward_only)
    assert _first_difference(monkeypatch, "path", forward_only, where="shapes/")


def test_a_wrong_severity_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treating sh:Warning shapes like sh:Violation ones inside sh:not changes a verdict."""
    monkeypatch.setattr(model, "_ALLOWED_SEVERITIES", frozenset())
    assert _first_difference(monkeypatch, "c_not", compiler._Compiler.c_not)


# --- what the fast path refuses -----------------------------------------------------------------

PREAMBLE = """
@prefix sh:  <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:  <https://example.org/x/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
"""


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("sh:sparql [ sh:select 'SELECT $this WHERE { }' ] .", "sh:sparql"),
        ("sh:closed true .", "sh:closed"),
        ("sh:property [ sh:path ex:p ; sh:in ( 1 2 ) ] .", "sh:in"),
        ("sh:property [ sh:path ex:p ; sh:hasValue 1 ] .", "sh:hasValue"),
        ("sh:property [ sh:path ex:p ; sh:equals ex:q ] .", "sh:equals"),
        ("sh:property [ sh:path ex:p ; sh:lessThan ex:q ] .", "sh:lessThan"),
        ("sh:property [ sh:path ex:p ; sh:node ex:S ] .", "sh:node"),
        ("sh:property [ sh:path ex:p ; sh:languageIn ( 'en' ) ] .", "sh:languageIn"),
        ("sh:property [ sh:path ex:p ; sh:uniqueLang true ] .", "sh:uniqueLang"),
        (
            "sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; "
            "sh:qualifiedMinCount 1 ] .",
            "sh:qualified",
        ),
        ("sh:property [ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:minCount 1 ] .", "zeroOrMorePath"),
        ("sh:property [ sh:path [ sh:oneOrMorePath ex:p ] ; sh:minCount 1 ] .", "oneOrMorePath"),
        (
            "sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:p ; "
            "sh:object ex:o ] .",
            "sh:rule",
        ),
        ("sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this WHERE { }' ] .", "sh:target"),
        ("sh:expression [ sh:path ex:p ] .", "sh:expression"),
        ("sh:property [ sh:path ex:p ; sh:datatype xsd:dateTime ] .", "xsd:dateTime"),
        ("sh:property [ sh:path ex:p ; sh:datatype xsd:int ] .", "xsd:int"),
        (
            "sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message 'a'@en , 'b'@de ] .",
            "sh:message",
        ),
        ("sh:property [ sh:path ex:p ; sh:class ex:A , ex:B ] .", "sh:class"),
        ("sh:not ex:S .", "recursive"),
        ("sh:minCount 1 .", "sh:minCount on a node shape"),
        ("sh:fancy 1 .", "sh:fancy"),
    ],
)
def test_unsupported_shapes_are_refused_by_name(body: str, named: str) -> None:
    store = ox.Store()
    store.load(PREAMBLE + body, format=ox.RdfFormat.TURTLE)
    with pytest.raises(shacl_fast.Unsupported, match=named):
        shacl_fast.compile_shapes(store)


def test_sh_triples_outside_shapes_are_refused() -> None:
    store = ox.Store()
    store.load(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . "
        "<https://example.org/x/f> a sh:SPARQLFunction ; sh:select 'SELECT 1 {}' .",
        format=ox.RdfFormat.TURTLE,
    )
    with pytest.raises(shacl_fast.Unsupported, match=r"SPARQLFunction|sh:select"):
        shacl_fast.compile_shapes(store)


def test_a_shared_property_shape_is_refused() -> None:
    """pySHACL's report names one of the owners at random: no single right answer."""
    store = ox.Store()
    store.load(
        PREAMBLE + "sh:property ex:P . ex:T sh:targetClass ex:D ; sh:property ex:P . "
        "ex:P sh:path ex:p ; sh:minCount 1 .",
        format=ox.RdfFormat.TURTLE,
    )
    with pytest.raises(shacl_fast.Unsupported, match="more than one shape"):
        shacl_fast.compile_shapes(store)


def test_the_fast_path_imports_no_rdf_library() -> None:
    code = (
        "import sys, ppo_graph.backends.fast.shacl; "
        "print([m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl', 'owlrl')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
