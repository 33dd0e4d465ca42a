"""One job in one place: one way to shorten an IRI (for plain strings and both engines' terms),
one prefix table, one writer of CSV, and command modules that share their helpers through
``cli_common`` instead of importing back from ``cli.py``."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import require_module
from rdflib import URIRef

import ppo_graph
from ppo_graph import namespaces as prefixes
from ppo_graph.backends.reference import namespaces
from ppo_graph.namespaces import compact, expand_curie, local_name

PACKAGE = Path(ppo_graph.__file__).resolve().parent
#: Every module, those of the packages (shacl_fast/, reasoner/, viz/) too; vendored files are JS.
MODULES = sorted(PACKAGE.rglob("*.py"))
SHORTENERS = {"compact", "local_name", "expand_curie", "qname", "curie", "shorten", "short_iri"}


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_one_shortener_for_strings_and_the_terms_of_both_engines() -> None:
    ox = require_module("pyoxigraph")
    iri = prefixes.PPOD_NS + "duty-7.6-14"
    for term in (iri, URIRef(iri), ox.NamedNode(iri)):
        assert compact(term) == "ppod:duty-7.6-14"
        assert local_name(term) == "duty-7.6-14"
    assert expand_curie("ppod:duty-7.6-14") == iri
    assert compact("https://example.org/a/b/") == "https://example.org/a/b/"  # no prefix: in full
    assert local_name("https://example.org/a/b/") == "b"


def test_one_prefix_table() -> None:
    assert namespaces.PREFIXES is prefixes.PREFIXES


def test_no_second_shortener_and_no_second_csv_writer() -> None:
    assert len(MODULES) > 30
    for path in MODULES:
        tree = _tree(path)
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        name = path.relative_to(PACKAGE).as_posix()
        if name != "namespaces.py":
            assert not defined & SHORTENERS, f"{name}: shorten IRIs with ppo_graph.namespaces"
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        if name not in ("tables.py", "org/csvfile.py"):  # csvfile reads people's CSV, writes none
            assert "csv" not in imported, f"{name}: write tables with ppo_graph.tables"


def test_command_modules_do_not_import_back_from_cli() -> None:
    commands = [p for p in sorted((PACKAGE / "cli").glob("*.py")) if p.name != "__init__.py"]
    assert len(commands) >= 5
    for path in commands:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "ppo_graph.cli", (
                    f"{path.name} imports from the dispatcher; use ppo_graph.cli.common"
                )


def test_the_table_writer_cuts_only_the_columns_it_is_told_to() -> None:
    """``ppo interfaces`` keeps a row on one line: the named columns shrink, down to 8."""
    from ppo_graph.tables import format_columns, format_table

    rows = [{"from": "Information Security Management", "to": "Change Management", "n": "3"}]
    table = format_table(rows, ["from", "to", "n"], width=30, cut=["from", "to"], footer=False)
    assert table.splitlines() == [
        "from          to             n",
        "------------  -------------  -",
        "Information…  Change Manag…  3",
    ]
    assert format_columns([("roles", 13), ("triples asserted", 4321)], "<>", indent="  ") == [
        "  roles               13",
        "  triples asserted  4321",
    ]
