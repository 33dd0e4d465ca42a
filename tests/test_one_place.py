"""One job in one place: one way to shorten an IRI (for plain strings and both engines' terms),
one prefix table, one writer of each format a spreadsheet may open (CSV, Markdown, XLSX, HTML
tables), and command modules that share their helpers through
``cli_common`` instead of importing back from ``cli.py``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
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
        # csvfile reads people's CSV, crosswalk SSSOM tables; neither writes any
        if name not in ("tables.py", "org/csvfile.py", "crosswalk.py"):
            assert "csv" not in imported, f"{name}: write tables with ppo_graph.tables"


#: The one writer of each format a spreadsheet may open (issue 18: each makes its cells safe).
WRITERS = {
    "csv": "tables.py",
    "markdown": "tables.py",
    "xlsx": "org/xlsx.py",
    "html": "org/html.py",
}
#: Not a table for people to open: Graphviz's HTML-like label of the picture's legend.
NOT_WRITERS = {("viz/dot.py", "html")}
_HTML_TABLE = re.compile(r"<(table|tr|td|th)[\s>]", re.IGNORECASE)
_MD_RULE = re.compile(r"\|\s*:?-{3}|-{3}:?\s*\|")


def writer_breaches(name: str, tree: ast.Module) -> list[str]:
    """What in module ``name`` writes CSV, a Markdown table, XLSX or an HTML table without being
    that format's one writer (:data:`WRITERS`)."""
    texts = {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    found = {
        "csv": bool(used & {"writer", "DictWriter"}),
        "markdown": any(_MD_RULE.search(t) for t in texts) or {"---", "|"} <= texts,
        "xlsx": "Workbook" in used,  # openpyxl's writable workbook (reading is load_workbook)
        "html": any(_HTML_TABLE.search(t) for t in texts),
    }
    return [
        f"{name} writes {kind}: route it through ppo_graph/{WRITERS[kind]}, whose cells are "
        "spreadsheet-safe"
        for kind, hit in found.items()
        if hit and name != WRITERS[kind] and (name, kind) not in NOT_WRITERS
    ]


def test_one_writer_per_format_a_spreadsheet_may_open() -> None:
    breaches = [b for path in MODULES for b in writer_breaches(_rel(path), _tree(path))]
    assert breaches == []
    for kind, name in WRITERS.items():  # the rule sees each writer where it is
        assert writer_breaches("elsewhere.py", _tree(PACKAGE / name)), kind


@pytest.mark.parametrize(
    "source",
    [
        "import csv\ncsv.writer(out).writerow(row)",
        "from csv import DictWriter\nDictWriter(out, cols)",
        "out = '| a | b |\\n|---|---|'",
        "rule = '|'.join('---' for _ in cols)",
        "from openpyxl import Workbook\nbook = Workbook()",
        "import openpyxl\nbook = openpyxl.Workbook()",
        "page = '<table>' + ''.join(f'<td>{c}</td>' for c in cells)",
    ],
)
def test_a_second_writer_is_caught(source: str) -> None:
    assert writer_breaches("cli/second.py", ast.parse(source))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


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
