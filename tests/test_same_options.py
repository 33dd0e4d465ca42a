"""The same output options everywhere (issue 23): every command that prints rows takes --out
FILE, --format (from the --out suffix when not given) and --excel, from the one helper
(ppo_graph.cli.common.add_output); its files are written by the one writer of each format and
read back here; own queries come from standard input with --file - and know the project's
prefixes; ppo serve names the workbench first."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, require_module

from ppo_graph.cli import build_parser, main
from ppo_graph.namespaces import PREFIXES

ORG = ROOT / "examples" / "org"
ROLE = "ppod:CapacityManagementProcessManager"
#: Every command that prints rows, with the arguments it is run with here. A command the parser
#: has that is neither here nor in NOT_ROWS fails test_every_command_is_sorted.
ROW_COMMANDS: dict[str, list[str]] = {
    "validate": [str(ORG / "org.ttl")],
    "stats": [],
    "interfaces": [],
    "queries": [],
    "query": ["role-duties", "-p", f"role={ROLE}"],
    "crosswalk": ["--to", "itil4", "--by", "role"],
    "org gaps": [str(ORG / "org.ttl")],
    "org diff": [
        str(ORG / "people.csv"),
        str(ORG / "people-clean.csv"),
        "--old-raci",
        str(ORG / "raci.csv"),
        "--new-raci",
        str(ORG / "raci-clean.csv"),
    ],
    "org whatif": [str(ORG / "org.ttl"), "--merge", "Head of Capacity", "Head of Demand"],
    "raci": [str(ORG / "org.ttl")],
    "assess form": ["--processes", "Demand Management"],
    "assess score": [str(ROOT / "examples" / "assess" / "answers.csv")],
    "assess diff": [
        str(ROOT / "examples" / "assess" / "answers-earlier.csv"),
        str(ROOT / "examples" / "assess" / "answers.csv"),
    ],
}
#: Commands that print no rows: files of their own kind, a server, a report of the cache.
NOT_ROWS = {
    "build": "writes an RDF graph (--out, its own formats)",
    "run": "writes a folder of results",
    "viz": "draws pictures (--out, its own formats)",
    "serve": "a server",
    "load": "uploads the graph to a store",
    "cache": "reports on the cache (info) or empties it (clear): no rows",
    "org import": "writes the organisation's Turtle",
    "org export": "writes the CSV files ppo org import reads back (--out, --raci-out)",
    "role": "writes a role's description document (--out; md, html, docx, pdf)",
    "quiz": "writes a quiz (--out; gift, moodle, qti, anki, csv, html, json)",
    "store check": "prints rows, with the same options, but needs a store: "
    "tests/test_store_check.py runs each format against a stand-in",
}
SUFFIX = {"table": "txt", "text": "txt", "turtle": "ttl", "sssom": "sssom.tsv"}


def leaf_parsers(parser: argparse.ArgumentParser, path: str = "") -> dict[str, Any]:
    """Every command's own parser by its path (``org gaps``), read from the parser itself."""
    found: dict[str, Any] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= leaf_parsers(sub, f"{path} {name}".strip())
    if not found and path:
        found[path] = parser
    return found


PARSERS = leaf_parsers(build_parser())


def options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


def formats_of(command: str) -> list[str]:
    return list(options(PARSERS[command])["--format"].choices or [])


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_every_command_is_sorted() -> None:
    """A new command is either a row command (and so has the options) or said not to be."""
    assert set(PARSERS) == set(ROW_COMMANDS) | set(NOT_ROWS), (
        "a command is missing from ROW_COMMANDS or NOT_ROWS: "
        f"{sorted(set(PARSERS) ^ (set(ROW_COMMANDS) | set(NOT_ROWS)))}"
    )


@pytest.mark.parametrize("command", sorted(ROW_COMMANDS))
def test_the_same_options_from_the_one_helper(command: str) -> None:
    """--out, --format and --excel with the same help on every row command, from add_output
    (which sets output_formats), each writing every row format."""
    parser = PARSERS[command]
    given = options(parser)
    reference = options(PARSERS["query"])
    for option in ("--out", "--format", "--excel"):
        assert option in given, f"ppo {command} has no {option}"
    for option in ("--out", "--excel"):
        assert given[option].help == reference[option].help
    assert "default: from the --out suffix" in str(given["--format"].help)
    assert parser.get_default("output_formats") == tuple(formats_of(command))
    assert {"csv", "json", "md", "xlsx"} <= set(formats_of(command))
    assert {"table", "text"} & set(formats_of(command))  # and the text people read


def read_back(path: Path, fmt: str) -> object:
    """The file as its format's reader reads it (a failure if it is not that format)."""
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        assert rows and rows[0], "a CSV without a header"
        assert len({len(r) for r in rows}) == 1  # every row as wide as the header
        return rows
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "xlsx":
        openpyxl = require_module("openpyxl", "pip install 'ppo-graph[xlsx]'")
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        header = [c for c in sheet[1] if c.value is not None]
        assert header and all(c.font.bold for c in header)
        assert sheet.freeze_panes in ("A2", "B2") and sheet.auto_filter.ref
        texts = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert all(c.data_type == "s" for c in texts)  # never a formula
        return [[c.value for c in row] for row in sheet.iter_rows()]
    if fmt == "md":
        lines = path.read_text(encoding="utf-8").splitlines()
        assert any(line.startswith("|") and line.endswith("|") for line in lines)
        return lines
    if fmt == "html":
        assert path.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
        return None
    text = path.read_text(encoding="utf-8")
    assert text.strip()
    return text


CASES = [(c, f) for c in sorted(ROW_COMMANDS) for f in formats_of(c)]


@pytest.mark.parametrize(("command", "fmt"), CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_every_row_command_writes_every_format_to_out(
    command: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out FILE in each of the command's formats, the format read from the suffix (no
    --format); the file reopened by its format's reader; nothing on standard output."""
    out = tmp_path / f"result.{SUFFIX.get(fmt, fmt)}"
    argv = [*command.split(), *ROW_COMMANDS[command], "--out", str(out)]
    if fmt in ("table", "text"):
        argv += ["--format", fmt]  # .txt could be either; say which
    code, stdout, err = run(capsys, argv)
    assert code in (0, 1), err  # 1: validate found the example's deliberate gaps
    assert stdout == ""
    assert f"wrote {out}" in err
    read_back(out, fmt)
    assert not list(tmp_path.glob(".*.tmp"))  # the safe writer's temp file renamed away


def test_csv_and_json_hold_the_same_rows_as_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One query's rows read back from CSV, JSON and XLSX agree cell for cell."""
    argv = ["query", *ROW_COMMANDS["query"]]
    for suffix in ("csv", "json", "xlsx"):
        assert run(capsys, [*argv, "--out", str(tmp_path / f"r.{suffix}")])[0] == 0
    rows = read_back(tmp_path / "r.csv", "csv")
    records = read_back(tmp_path / "r.json", "json")
    sheet = read_back(tmp_path / "r.xlsx", "xlsx")
    assert isinstance(rows, list) and isinstance(records, list) and isinstance(sheet, list)
    assert len(rows) > 5 and sheet[0] == rows[0] == list(records[0])
    assert [["" if c is None else str(c) for c in r] for r in sheet[1:]] == rows[1:]  # "" empty
    assert [list(map(str, r.values())) for r in records] == rows[1:]


def test_xlsx_cells_are_spreadsheet_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text that starts with = stays text (a string cell, quote-prefixed); 7.10 stays 7.10;
    a number is a number."""
    openpyxl = require_module("openpyxl", "pip install 'ppo-graph[xlsx]'")
    query = tmp_path / "q.rq"
    query.write_text('SELECT ?a ?b ?n WHERE { VALUES (?a ?b ?n) { ("=1+1" "7.10" 3) } }\n')
    out = tmp_path / "r.xlsx"
    assert run(capsys, ["query", "--file", str(query), "--out", str(out)])[0] == 0
    cells = openpyxl.load_workbook(out).worksheets[0][2]
    assert [c.value for c in cells] == ["=1+1", "7.10", 3]
    assert cells[0].data_type == "s" and cells[0].quotePrefix and cells[1].data_type == "s"


def test_format_comes_from_the_suffix_and_must_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["query", *ROW_COMMANDS["query"]]
    out = tmp_path / "x.csv"
    assert run(capsys, [*argv, "--out", str(out)])[0] == 0
    assert out.read_text(encoding="utf-8").startswith("duty,how,listedFor,text,caveat\n")
    code, _, err = run(capsys, [*argv, "--out", str(tmp_path / "y.csv"), "--format", "json"])
    assert code == 2 and "--out" in err and "make them agree" in err
    code, _, err = run(capsys, [*argv, "--format", "xlsx"])
    assert code == 2 and "give --out FILE.xlsx" in err
    code, _, err = run(capsys, ["stats", "--out", str(tmp_path / "s.html")])
    assert code == 2 and "does not write .html" in err
    code, _, err = run(capsys, [*argv, "--format", "json", "--excel"])
    assert code == 2 and "--excel is an option of --format csv" in err
    code, out_text, _ = run(capsys, [*argv])  # no --out, no --format: the table
    assert code == 0 and "----" in out_text and not out_text.startswith("duty,")


def test_out_never_overwrites_an_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = tmp_path / "q.csv"  # a query file named like an output
    query.write_text("SELECT ?x WHERE { VALUES ?x { 1 } }\n")
    code, _, err = run(capsys, ["query", "--file", str(query), "--out", str(query)])
    assert code == 2 and "would overwrite the input" in err
    assert query.read_text() == "SELECT ?x WHERE { VALUES ?x { 1 } }\n"
    org = tmp_path / "org.ttl"
    org.write_bytes((ORG / "org.ttl").read_bytes())
    code, _, err = run(capsys, ["org", "gaps", str(org), "--out", str(org), "--format", "csv"])
    assert code == 2 and "would overwrite the input" in err
    assert org.read_bytes() == (ORG / "org.ttl").read_bytes()


def test_excel_csv_has_a_bom_and_keeps_sections_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "q.rq"
    query.write_text(
        'SELECT ?section ?text WHERE { VALUES (?section ?text) { ("7.10" "the plan\u2019s") } }\n',
        encoding="utf-8",
    )
    out = tmp_path / "r.csv"
    argv = ["query", "--file", str(query), "--out", str(out), "--excel"]
    assert run(capsys, argv)[0] == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsection,text\r\n")
    assert "'7.10,the plan\u2019s" in data.decode("utf-8")
    for command in ("stats", "queries"):  # the same option on the other commands
        code, text, _ = run(capsys, [command, "--format", "csv", "--excel"])
        assert code == 0 and text.startswith("\ufeff")


def test_query_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "SELECT ?label WHERE { ppod:CapacityManagement rdfs:label ?label }\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code, out, err = run(capsys, ["query", "--file", "-", "--format", "csv"])
    assert code == 0, err
    assert out == "label\nCapacity Management\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT ?x WHERE {\n ?x ?y\n"))
    code, _, err = run(capsys, ["query", "--file", "-"])
    assert code == 2 and "<stdin>:" in err and "no such file" not in err


WITH_PREFIXES = f"""PREFIX ppo: <{PREFIXES["ppo"]}>
PREFIX skos: <{PREFIXES["skos"]}>
SELECT ?role ?label WHERE {{ ?role a ppo:Role ; skos:prefLabel ?label }} ORDER BY ?role
"""
WITHOUT = "SELECT ?role ?label WHERE { ?role a ppo:Role ; skos:prefLabel ?label } ORDER BY ?role\n"


def test_own_query_knows_the_project_prefixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = []
    for name, text in (("with.rq", WITH_PREFIXES), ("without.rq", WITHOUT)):
        (tmp_path / name).write_text(text)
        code, out, err = run(capsys, ["query", "--file", str(tmp_path / name), "--format", "csv"])
        assert code == 0, err
        answers.append(out)
    assert answers[0] == answers[1] and answers[0].count("\n") > 10


def test_a_prefix_the_query_declares_is_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ppo: declared as another namespace keeps it (no role there: no rows), while skos:, not
    declared, is still the project's."""
    query = tmp_path / "own.rq"
    query.write_text("PREFIX ppo: <http://example.org/other#>\n" + WITHOUT)
    code, out, err = run(capsys, ["query", "--file", str(query), "--format", "csv"])
    assert code == 0, err
    assert out == "role,label\n"


def test_a_syntax_error_names_the_users_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "bad.rq"
    query.write_text(
        "# my query\nSELECT ?role WHERE {\n  ?role a ppo:Role .\n  FILTER(?role = )\n}\n"
    )
    code, _, err = run(capsys, ["query", "--file", str(query)])
    assert code == 2 and f"{query}:4:" in err
    # ppo: declared for the query on its first line; the unknown foo: still named at its line
    query.write_text(
        "# my query\nSELECT ?role WHERE {\n  ?role a ppo:Role .\n  ?role foo:x ?y .\n}\n"
    )
    code, _, err = run(capsys, ["query", "--file", str(query)])
    assert code == 2 and f"{query}:4:" in err and "foo" in err
    query.write_text("SELECT ?role WHERE { ?role a ppo:Role ; foo:x ?y }\n")
    code, _, err = run(capsys, ["query", "--file", str(query)])
    assert code == 2 and f"{query}:1:" in err
    column = int(err.split("(column ")[1].split(")")[0])
    assert column <= len("SELECT ?role WHERE { ?role a ppo:Role ; foo:x ?y }") + 1  # no shift


def test_serve_names_the_workbench_first(tmp_path: Path) -> None:
    from test_serve_live import ppo_serve

    log = tmp_path / "serve.log"
    with ppo_serve(log) as base:
        said = log.read_text(encoding="utf-8")
    workbench, sparql = said.find(f"{base}/,"), said.find(f"{base}/sparql")
    assert "workbench" in said and 0 <= workbench < sparql, said
