"""Options and files in any order: ``ppo query NAME --format csv EXTRA.ttl`` used to fail with
"unrecognized arguments". Every command now parses its options and its positional arguments
intermixed (:class:`ppo_graph.cli.IntermixedParser`); these run each command the way users type
it, with the options before, between and after the files, and compare what comes out."""

from __future__ import annotations

import argparse
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from ppo_graph.cli import build_parser, main

ACME = str(ROOT / "examples" / "acme-extension.ttl")
ORG = str(ROOT / "examples" / "org" / "org.ttl")
EXT = ROOT / "examples" / "org-extension"

BNODE = re.compile(rb"_:N[0-9a-f]{32}\b")
Result = tuple[int, str, str, dict[str, bytes]]


def run(capsys: pytest.CaptureFixture[str], out_dir: Path, argv: Sequence[str]) -> Result:
    """Exit code, standard output, standard error and the files written into ``out_dir`` (which
    is emptied first), for one in-process ``ppo`` run."""
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    files = {p.name: alike(p.read_bytes()) for p in sorted(out_dir.iterdir())}
    return code, out, err, files


def alike(data: bytes) -> bytes:
    """Blank node labels are new on every run, and N-Triples lines are sorted by them: a file
    with blank nodes is compared as its sorted lines, every label made the same."""
    if not BNODE.search(data):
        return data
    return b"\n".join(sorted(BNODE.sub(b"_:b", data).splitlines()))


def orders(
    command: Sequence[str], positionals: Sequence[str], options: Sequence[Sequence[str]]
) -> dict[str, list[str]]:
    """The same command line with the options (each a group: the option and its values) before
    the positional arguments, between the first and the rest, after them, and woven in."""
    flat = [arg for group in options for arg in group]
    woven: list[str] = []
    for i in range(max(len(positionals), len(options))):
        woven += positionals[i : i + 1]
        woven += [arg for group in options[i : i + 1] for arg in group]
    return {
        "before": [*command, *flat, *positionals],
        "between": [*command, *positionals[:1], *flat, *positionals[1:]],
        "after": [*command, *positionals, *flat],
        "woven": [*command, *woven],
    }


def same_in_every_order(
    capsys: pytest.CaptureFixture[str],
    out_dir: Path,
    command: Sequence[str],
    positionals: Sequence[str],
    options: Sequence[Sequence[str]],
) -> Result:
    """Every order parses to the same command (the handler sees nothing else, so it does the
    same), and the most scrambled one, run for real, reads the files."""
    lines = orders(command, positionals, options)
    parsed = {name: vars(build_parser().parse_args(argv)) for name, argv in lines.items()}
    for name, namespace in parsed.items():
        assert namespace == parsed["before"], f"{name} parses otherwise than options first"
    return run(capsys, out_dir, lines["woven"])


OUT = "<out>"  # replaced by the test's output folder

CASES: dict[str, tuple[list[str], list[str], list[list[str]]]] = {
    "query": (
        ["query"],
        ["role-duties", ACME, ORG],
        [["-p", "role=ACME Capacity Analyst"], ["--format", "csv"], ["--width", "100"]],
    ),
    "validate": (["validate"], [ACME, ORG], [["--format", "json"], ["--checks"]]),
    "stats": (["stats"], [ACME, ORG], [["--format", "json"], ["--reasoner", "fast"]]),
    "build": (["build"], [ACME, ORG], [["--out", f"{OUT}/g.nt"], ["--format", "nt"]]),
    "interfaces": (["interfaces"], [ACME, ORG], [["--metrics"], ["--format", "csv"]]),
    "viz": (["viz"], [ACME, ORG], [["--out", f"{OUT}/roles.dot"], ["--view", "roles"]]),
    "raci": (["raci"], [ORG, ACME], [["--by", "person"], ["--format", "csv"]]),
    "org gaps": (["org", "gaps"], [ORG, ACME], [["--top", "3"], ["--format", "csv"]]),
    "org import": (
        ["org", "import"],
        [str(EXT / "people.csv")],
        [
            ["--with", str(EXT / "audit.ttl")],
            ["--segregation", str(EXT / "segregation.csv")],
            ["--base", "https://example.org/x/"],
        ],
    ),
    "org export": (["org", "export"], [ORG], [["--out", "-"], ["--raci-out", f"{OUT}/r.csv"]]),
    "cache": (["cache"], ["info"], [["--format", "json"]]),
}


#: Something each case's output shows only when the files were read.
MARKERS = {
    "query": "overnight batch window",
    "validate": "Hiro Tanaka",
    "stats": "ACME Capacity Analyst",
    "build": "example.org/acme/",
    "interfaces": "Availability Management",  # the list: the same, files or not
    "viz": "ACME Capacity Analyst",
    "raci": "Hiro Tanaka",
    "org gaps": "overnight batch window",
    "org import": "https://example.org/x/",
    "org export": "Hiro Tanaka",
    "cache": '"folder"',
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_output_whatever_the_order(
    case: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    command, positionals, options = CASES[case]
    options = [[arg.replace(OUT, str(out_dir)) for arg in group] for group in options]
    code, out, err, files = same_in_every_order(capsys, out_dir, command, positionals, options)
    assert code in (0, 1), err  # 1: validate's org checks find the example's deliberate gaps
    assert out or files
    written = out + "".join(data.decode() for data in files.values())
    assert MARKERS[case] in written  # the files were read (the first or the last)


def test_the_issue_s_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    argv = ["query", "role-duties", "-p", "role=ACME Capacity Analyst", "--format", "csv", ACME]
    code, out, err, _ = run(capsys, tmp_path / "out", argv)
    assert code == 0, err
    assert "overnight batch window" in out


@pytest.fixture
def serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """``ppo serve`` up to the point where it would serve: the settings it would serve with
    are recorded and uvicorn returns at once."""
    import uvicorn

    from ppo_graph.serve import app

    settings: list[Any] = []
    real = app.create_app

    def recording(live: Any, given: Any) -> Any:
        settings.append(given)
        return real(live, given)

    monkeypatch.setattr(app, "create_app", recording)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    yield settings


def serve(capsys: pytest.CaptureFixture[str], settings: list[Any], argv: list[str]) -> Any:
    settings.clear()
    assert main(["serve", *argv]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(settings) == 1
    return re.sub(r":\d+/", ":PORT/", err), settings[0]


@pytest.mark.parametrize(
    ("option", "field"), [("--cors", "cors"), ("--allowed-hosts", "allowed_hosts")]
)
def test_serve_in_any_order_and_lists_of_values(
    option: str, field: str, capsys: pytest.CaptureFixture[str], serving: list[Any]
) -> None:
    values = ["http://localhost:3000", "http://127.0.0.1:3000"]
    lines = [
        [ACME, "--port", "0", ORG, option, *values],
        ["--port", "0", option, *values, "--", ACME, ORG],  # -- ends the list
        [option, *values, "--port", "0", ACME, ORG],  # the next option ends it
        [ACME, option, *values, "--port", "0", ORG],
        [ACME, ORG, option, values[0], "--port", "0", option, values[1]],  # extend
    ]
    seen = [serve(capsys, serving, argv) for argv in lines]
    assert all(each == seen[0] for each in seen)
    err, settings = seen[0]
    assert tuple(getattr(settings, field)) == tuple(values)
    plain, _ = serve(capsys, serving, ["--port", "0"])
    assert err != plain  # the files were loaded: more triples


@pytest.mark.parametrize("option", ["--cors", "--allowed-hosts"])
def test_a_file_after_a_list_option_is_refused_not_taken_as_a_value(
    option: str, capsys: pytest.CaptureFixture[str], serving: list[Any]
) -> None:
    assert main(["serve", option, "http://localhost:3000", ACME, "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert f"ppo serve: error: {option} {ACME!r} is a file" in err
    assert "before" in err and "after --" in err
    assert serving == []  # nothing was served


def test_load_in_any_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from ppo_graph.engine import remote

    uploaded: list[tuple[int, str]] = []

    def upload(
        kg: Any, endpoints: Any, timeout: float | None = None, *, batch: int | None = None
    ) -> int:
        uploaded.append((len(kg), endpoints.gsp_url))
        return len(kg)

    monkeypatch.setattr(remote, "upload", upload)
    store = ["--store", "http://127.0.0.1:9/"]
    code, _, err, _ = same_in_every_order(
        capsys, tmp_path / "out", ["load"], [ACME, ORG], [store, ["--graph", "urn:x:g"]]
    )
    assert code == 0 and "now in graph <urn:x:g>" in err
    assert len(uploaded) == 1  # the one real run (the others are compared as parsed)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["query", "role-duties", ACME, "--bogus", ORG, "--format", "csv"], "--bogus"),
        (["stats", "--format", "json", ACME, "--no-such=3", ORG], "--no-such=3"),
        (["viz", ACME, "--wat", ORG], "--wat"),
        (["org", "gaps", ORG, "--top", "3", "--nope"], "--nope"),
        (["org", "import", str(EXT / "people.csv"), "--zzz"], "--zzz"),
        (["stats", "-acme.ttl"], "-acme.ttl"),  # a file that starts with a dash needs --
    ],
)
def test_an_unknown_option_exits_2_naming_it(
    argv: list[str], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ppo ")
    assert f"ppo: error: unrecognized arguments: {named}\n" in err  # only the option


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stats", ACME, "--format", "yaml", ORG], "ppo stats: error: argument --format: invalid"),
        (["build", ACME, ORG], "ppo build: error: the following arguments are required: --out"),
        (
            ["org", "import", "--raci", "r.csv"],
            "ppo org import: error: the following arguments are required: people",
        ),
        (["serve", ACME, "--port"], "ppo serve: error: argument --port: expected one argument"),
        (["query", "roles", "--", "--format", "--width"], None),  # after --: files, not found
    ],
)
def test_usage_errors_are_as_before(
    argv: list[str], message: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    if message is None:
        assert main(argv) == 2
        assert "ppo query: error: --format: no such file" in capsys.readouterr().err
        return
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    command = message.split(": error")[0]
    usage = err.split(f"{command}: error")[0]
    assert usage.startswith(f"usage: {command} [-h]")
    if command in ("ppo stats", "ppo build", "ppo serve"):  # the usage still shows the files
        assert "[EXTRA ...]" in usage


def test_double_dash_ends_the_options(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ACME, work / "-acme.ttl")
    shutil.copy(ORG, work / "--org.ttl")
    monkeypatch.chdir(work)
    out_dir = tmp_path / "out"
    lines = [
        ["stats", "--format", "json", "--", "-acme.ttl", "--org.ttl"],
        ["stats", "--", "-acme.ttl", "--org.ttl"],
        ["stats", "--format", "json", "./-acme.ttl", "--", "--org.ttl"],
        ["stats", "./-acme.ttl", "--format", "json", "./--org.ttl"],
    ]
    results = [run(capsys, out_dir, argv) for argv in lines]
    assert results[0][0] == 0, results[0][2]
    assert results[0] == results[2] == results[3]
    assert results[1][0] == 0 and results[1][1] != results[0][1]  # text, not json
    plain = run(capsys, out_dir, ["stats", "--format", "json"])
    assert plain[1] != results[0][1]  # the dashed files were read
    # after -- an option is a file name, so --format is no longer an option
    code, _, err, _ = run(capsys, out_dir, ["stats", "--", "--format", "json"])
    assert code == 2 and "--format" in err


def subparser(parser: argparse.ArgumentParser, *path: str) -> argparse.ArgumentParser:
    for name in path:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize(
    "path", [("query",), ("serve",), ("validate",), ("org", "gaps"), ("org", "import"), ("cache",)]
)
def test_help_is_as_before(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    expected = subparser(build_parser(), *path).format_help()
    with pytest.raises(SystemExit) as stop:
        main([*path, "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == expected


def test_a_failed_parse_leaves_the_parser_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    query = subparser(parser, "query")
    before = query.format_help(), [(a.nargs, a.default, a.required) for a in query._actions]
    for argv in (["query", "--format", "xml", ACME], ["query", "x", "--width"], ["query", "-h"]):
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
    after = query.format_help(), [(a.nargs, a.default, a.required) for a in query._actions]
    assert after == before
    args = parser.parse_args(["query", "roles", "--format", "csv", ACME, "--width", "90", ORG])
    assert (args.name, args.extra, args.format, args.width) == (
        "roles",
        [Path(ACME), Path(ORG)],
        "csv",
        90,
    )
    capsys.readouterr()
