"""The user's data is read, validated and written as written.

A pyoxigraph store keeps some literals in a canonical form of its own (oxigraph/oxigraph#526:
``"1"^^xsd:int`` becomes ``xsd:integer``, ``"01"`` becomes ``"1"``). ``ppo validate`` must still
give pySHACL's verdict on the files as written (pySHACL run on the files directly, through rdflib,
is the reference), and ``ppo build`` / ``ppo load`` must write the literals unchanged.

A file that starts with a UTF-8 byte-order mark is read as Jena reads it: the mark ignored.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Dataset, Graph, Literal

from ppo_graph.backends.fast.parse import BOM, AsWritten, triples
from ppo_graph.backends.reference.load import parse_into
from ppo_graph.backends.reference.reason import reason
from ppo_graph.backends.reference.validate import load_shapes, validate
from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.errors import InputError
from ppo_graph.namespaces import ASSERTED_GRAPH
from ppo_graph.paths import shipped_graph_files

ox = pytest.importorskip("pyoxigraph")

LITERALS = FIXTURES / "as-written" / "literals.ttl"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: The literals of the fixture that the store rewrites, as written (N-Triples forms).
WRITTEN = {
    f'"1"^^<{XSD}int>',
    f'"2"^^<{XSD}positiveInteger>',
    f'"01"^^<{XSD}integer>',
    f'"1.0"^^<{XSD}decimal>',
    f'"3"^^<{XSD}int>',
    f'"03"^^<{XSD}integer>',
    f'"1.50"^^<{XSD}decimal>',
}

Key = tuple[str, ...]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _keys(violations: list[dict[str, Any]]) -> list[Key]:
    """Results, every field (none of them names a blank node here)."""
    return sorted(
        tuple(
            v.get(k) or ""
            for k in ("shape", "shape_label", "focus", "path", "value", "message", "severity")
        )
        for v in violations
    )


def _reference(extra: list[Path], *, reasoning: bool) -> tuple[bool, list[Key]]:
    """pySHACL on the files as rdflib reads them (literals as written), reasoned by owlrl."""
    return _reference_once(tuple(extra), reasoning)


@functools.cache
def _reference_once(extra: tuple[Path, ...], reasoning: bool) -> tuple[bool, list[Key]]:
    """:func:`_reference`, worked out once per session for each input (owlrl and pySHACL are
    the slow reference; both --shacl choices are compared with the same answer)."""
    graph = Graph()
    for path in [*shipped_graph_files(), *extra]:
        parse_into(graph, path)  # rdflib's reading, and the crosswalk's tables as RDF
    data = reason(graph).union() if reasoning else graph
    report = validate(data, load_shapes())
    rows = [
        {
            "shape": v.shape,
            "shape_label": v.shape_label,
            "focus": v.focus,
            "path": v.path,
            "value": v.value,
            "message": v.message,
            "severity": v.severity,
        }
        for v in report.violations
    ]
    return report.conforms, _keys(rows)


@pytest.mark.parametrize("reasoning", [True, False], ids=["reasoned", "unreasoned"])
@pytest.mark.parametrize("shacl", ["auto", "pyshacl"])
def test_validate_agrees_with_pyshacl_on_the_file_as_written(
    capsys: pytest.CaptureFixture[str], reasoning: bool, shacl: str
) -> None:
    argv = ["validate", "--format", "json", "--shacl", shacl, str(LITERALS)]
    if not reasoning:
        argv.insert(1, "--no-reason")
    code, out, _err = _run(capsys, *argv)
    report = json.loads(out)
    conforms, expected = _reference([LITERALS], reasoning=reasoning)
    assert (report["conforms"], _keys(report["violations"])) == (conforms, expected)
    assert code == (0 if conforms else 1)
    # the case the store alone gets wrong: the derived integer types are reported, as written
    values = {(r[2], r[4]) for r in expected}
    assert ("https://example.org/acme/duty-int", "1") in values
    assert ("https://example.org/acme/duty-positive", "2") in values
    assert ("https://example.org/acme/duty-decimal", "1.0") in values
    assert not any(r[2] == "https://example.org/acme/duty-leading-zero" for r in expected)


def test_validate_from_the_cache_keeps_the_literals_as_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = _run(capsys, "validate", "--format", "json", str(LITERALS))
    second = _run(capsys, "validate", "--format", "json", str(LITERALS))  # from the cache
    assert first[:2] == second[:2]
    kg = KnowledgeGraph.open([LITERALS])
    assert kg.from_cache and kg.as_written
    assert {str(o) for ws in kg.as_written.objects.values() for o in ws} == WRITTEN


def test_the_fast_path_refuses_what_it_cannot_see(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "validate", "--shacl", "fast", "--no-cache", str(LITERALS))
    assert code == 2
    assert "cannot check this input" in err


def test_canonical_input_stays_on_the_fast_path() -> None:
    kg = KnowledgeGraph.open([FIXTURES.parent.parent / "examples" / "acme-extension.ttl"])
    assert not kg.as_written
    assert kg.validate().engine == "fast"
    shipped = KnowledgeGraph.open(cache=False)
    assert not shipped.as_written


def _written_literals(text: str, fmt: Any) -> set[str]:
    return {
        str(q.object)
        for q in ox.parse(text.encode("utf-8"), format=fmt)
        if isinstance(q.object, ox.Literal)
    }


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [("ttl", "TURTLE"), ("nt", "N_TRIPLES"), ("trig", "TRIG"), ("nq", "N_QUADS"), ("jsonld", "")],
)
def test_build_writes_the_literals_as_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, fmt: str
) -> None:
    out = tmp_path / f"built.{suffix}"
    code, _out, _err = _run(capsys, "build", "--no-cache", "--out", str(out), str(LITERALS))
    assert code == 0
    text = out.read_text(encoding="utf-8")
    if fmt:
        found = _written_literals(text, getattr(ox.RdfFormat, fmt))
    else:
        dataset = Dataset()
        dataset.parse(data=text, format="json-ld")
        found = {_nt(q[2]) for q in dataset.quads() if isinstance(q[2], Literal)}
        # rdflib, which writes JSON-LD, keeps an integer's lexical form only when canonical
        assert found >= WRITTEN - {f'"01"^^<{XSD}integer>', f'"03"^^<{XSD}integer>'}
        return
    assert found >= WRITTEN
    assert f'"1"^^<{XSD}integer>' in found  # the shipped duties' positions, as they were written


def _nt(literal: Literal) -> str:
    if literal.language:
        return f'"{literal}"@{literal.language}'
    return f'"{literal}"^^<{literal.datatype}>'


def test_two_forms_of_one_value_stay_two_triples(tmp_path: Path) -> None:
    out = tmp_path / "built.nt"
    assert main(["build", "--no-cache", "--out", str(out), str(LITERALS)]) == 0
    lines = [line for line in out.read_text().splitlines() if "duty-two-forms" in line]
    positions = sorted(line.split(" ", 2)[2] for line in lines if "#position>" in line)
    assert positions == [f'"03"^^<{XSD}integer> .', f'"3"^^<{XSD}int> .']


def test_blank_nodes_keep_their_literals_through_the_cache() -> None:
    for attempt in range(2):  # built (or read from the cache), then read from the cache
        kg = KnowledgeGraph.open([LITERALS])
        assert kg.from_cache or attempt == 0
        graph = Graph().parse(data=kg.as_written.dump(kg.store, (ASSERTED_GRAPH,)), format="nt")
        weights = [(s, o) for s, _p, o in graph if isinstance(o, Literal) and str(o) == "1.50"]
        assert len(weights) == 1 and isinstance(weights[0][0], BNode)
        assert str(weights[0][1].datatype) == f"{XSD}decimal"
        assert (weights[0][0], None, Literal("weight", lang="en-gb")) in graph


def test_as_written_round_trips_through_ntriples() -> None:
    kg = KnowledgeGraph.open([LITERALS], cache=False)
    again = AsWritten.from_ntriples(kg.as_written.ntriples())
    assert again.objects == kg.as_written.objects


# --- a byte-order mark ----------------------------------------------------------------------


def _formats(tmp_path: Path) -> dict[str, Path]:
    """The acme example in every text format the tool reads, without a BOM."""
    source = FIXTURES.parent.parent / "examples" / "acme-extension.ttl"
    graph = Graph().parse(source)
    found = [q.triple for q in ox.parse(source.read_bytes(), format=ox.RdfFormat.TURTLE)]
    files = {"ttl": source}
    for suffix, name in (
        ("nt", "N_TRIPLES"),
        ("nq", "N_QUADS"),
        ("trig", "TRIG"),
        ("rdf", "xml"),
        ("jsonld", "json-ld"),
    ):
        path = tmp_path / f"plain.{suffix}"
        if name.isupper():
            quads = [ox.Quad(*t, ox.NamedNode("https://example.org/g")) for t in found]
            data = ox.serialize(
                quads if suffix != "nt" else found, format=getattr(ox.RdfFormat, name)
            )
            path.write_bytes(bytes(data or b""))
        else:
            path.write_text(graph.serialize(format=name), encoding="utf-8")
        files[suffix] = path
    return files


@pytest.mark.parametrize("suffix", ["ttl", "nt", "nq", "trig", "rdf", "jsonld"])
def test_a_bom_is_ignored_in_every_format(tmp_path: Path, suffix: str) -> None:
    plain = _formats(tmp_path)[suffix]
    bom = tmp_path / f"bom.{suffix}"
    bom.write_bytes(BOM + plain.read_bytes())
    assert len(list(triples(bom))) == len(list(triples(plain))) > 0
    store = ox.Store()
    from ppo_graph.backends.fast.parse import load_into

    load_into(store, bom, ox.DefaultGraph())
    assert len(store) == len(list(triples(plain)))


def test_a_bom_file_validates_like_the_same_file_without(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain = FIXTURES.parent.parent / "examples" / "acme-extension.ttl"
    bom = tmp_path / "bom.ttl"
    bom.write_bytes(BOM + plain.read_bytes())
    with_bom = _run(capsys, "validate", "--format", "json", "--no-cache", str(bom))
    without = _run(capsys, "validate", "--format", "json", "--no-cache", str(plain))
    assert with_bom[0] == without[0] == 0
    assert json.loads(with_bom[1]) == json.loads(without[1])


@pytest.mark.parametrize("suffix", ["ttl", "nt"])
def test_error_lines_in_a_bom_file_are_the_file_lines(tmp_path: Path, suffix: str) -> None:
    bom = tmp_path / f"bad.{suffix}"
    lines = [
        "<https://example.org/a> <https://example.org/p> <https://example.org/b> .",
        "<https://example.org/a> <https://example.org/p> <https://example.org/c> .",
        '<https://example.org/a> <https://example.org/p> "unterminated .',
    ]
    bom.write_bytes(BOM + "\n".join(lines).encode() + b"\n")
    with pytest.raises(InputError) as caught:
        list(triples(bom))
    assert caught.value.line == 3
    with pytest.raises(InputError) as caught:
        KnowledgeGraph.open([bom], cache=False)
    assert caught.value.line == 3


# --- the byte prefilter: a file it passes on is scanned; one it lets go straight into the store
# must hold no literal the store rewrites


@pytest.mark.parametrize(
    ("text", "scanned"),
    [
        (b'<a> <b> "Line 05" .', False),
        (b'<a> <b> "Line 05" ; <c> 05 .', True),
        (b"<a> <b> 'it\"s' ; <c> 05 .", True),
        (b'<a> <b> """x\n 05 y""" .', True),
        (b"<a> <b> 1.5 .", True),
        (b"<a> <b> 15 .", False),
        (b'<a> <b> "x\\" 05" .', True),
        (b'<a> <b> "2021-01-01"^^xsd:date .', False),
        (b'<a> <b> "2021-1-01"^^xsd:date .', True),
        (b'<a> <b> "01"^^xsd:integer .', True),
        (b'<a> <b> "1"^^xsd:int .', True),
        (b'<a> <b> "1"^^xsd:integer .', False),
        (b'<a> <b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .', False),
        (b'<a> <b> "a\\"2021-01-01"^^xsd:date .', True),
        (b'<a> <b> """x"2021-01-01"""^^xsd:date .', True),
        (b'<a> <b> "x" . # ^^ in a comment', True),
        (b'<a> <b> "true"^^xsd:boolean .', False),
        (b'<a> <b> ""^^xsd:date .', True),
    ],
)
def test_the_prefilter_is_over_inclusive(text: bytes, scanned: bool) -> None:
    from ppo_graph.backends.fast.parse import may_rewrite

    assert (
        may_rewrite("turtle", b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + text)
        is scanned
    )


LEXICAL = st.text(alphabet="0123456789-+.eETtrufalsZ:", min_size=0, max_size=12)
DATATYPE = st.sampled_from(
    ["xsd:date", "xsd:integer", "xsd:boolean", "xsd:int", "xsd:decimal", "xsd:double",
     "<http://www.w3.org/2001/XMLSchema#integer>", "<http://www.w3.org/2001/XMLSchema#date>"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(lexical=LEXICAL, datatype=DATATYPE, bare=st.booleans())
def test_no_literal_the_store_rewrites_gets_past_the_prefilter(
    lexical: str, datatype: str, bare: bool
) -> None:
    import pyoxigraph as ox

    from ppo_graph.backends.fast.parse import may_rewrite

    literal = lexical if bare else f'"{lexical}"^^{datatype}'
    data = f"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n<urn:a> <urn:b> {literal} .\n"
    try:
        written = [t.object for t in ox.parse(data.encode(), format=ox.RdfFormat.TURTLE)]
    except SyntaxError:
        return  # not Turtle: the loader reports it
    store = ox.Store()
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    stored = [q.object for q in store]
    if stored != written:
        assert may_rewrite("turtle", data.encode()), (literal, written, stored)
