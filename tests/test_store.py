"""``--store``: ``ppo load``, ``ppo query`` and ``ppo validate`` against a real Oxigraph server
(the ``oxigraph`` package's binary), started once on a free loopback port in a temporary folder
and stopped by its PID. The store must give the same rows and the same verdict as the in-process
graph, for every canned question and check."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, skip_or_fail

from ppo_graph.catalogue import default_catalogue
from ppo_graph.cli import main
from ppo_graph.remote import DEFAULT_GRAPH

BROKEN_GRAPH = "https://example.org/test/broken"
COMPARED = [s.name for s in default_catalogue() if s.kind in ("question", "check")]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        skip_or_fail("needs the Oxigraph server: pip install '.[dev]' (the oxigraph package)")
    return found


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of an Oxigraph server holding the shipped graph in the default
    named graph and ``tests/fixtures/broken.ttl`` with it in ``BROKEN_GRAPH``."""
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    old = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    os.environ.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    with (folder / "stderr.txt").open("wb") as log:
        server = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve",
                "--location",
                str(folder / "db"),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                NO_PROXY.open(f"{base}/query?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"oxigraph serve did not start: {(folder / 'stderr.txt').read_text()}"
                    )
                time.sleep(0.1)
        assert main(["load", "--store", base]) == 0
        broken = ["load", "--store", base, "--graph", BROKEN_GRAPH, str(FIXTURES / "broken.ttl")]
        assert main(broken) == 0
        yield base
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_canned_question_and_check_is_compared() -> None:
    assert len(COMPARED) >= 25, COMPARED


@pytest.mark.parametrize("name", COMPARED)
def test_query_in_the_store_gives_the_rows_of_the_graph_here(
    store: str, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    here = run(capsys, "query", name, "--format", "json")
    there = run(capsys, "query", name, "--store", store, "--format", "json")
    assert there[0] == here[0]
    assert json.loads(there[1]) == json.loads(here[1])


@pytest.mark.parametrize(
    "param",
    [
        "role=Demand Management Process Owner",
        "role=ppod:CapacityManagementProcessManager",
    ],
)
def test_parameters_are_bound_alike(
    store: str, capsys: pytest.CaptureFixture[str], param: str
) -> None:
    here = run(capsys, "query", "role-duties", "-p", param, "--format", "json")
    there = run(capsys, "query", "role-duties", "-p", param, "--store", store, "--format", "json")
    assert here[0] == there[0] == 0
    assert json.loads(there[1]) == json.loads(here[1]) != []


def test_a_second_parameterised_question(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("query", "artefact-mentions", "-p", "artefact=BIA", "--format", "csv")
    here, there = run(capsys, *argv), run(capsys, *argv, "--store", store)
    assert there == here and here[0] == 0 and "Business Impact" in here[1]


def test_a_bad_parameter_value_is_refused_alike(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("query", "role-duties", "-p", "role=Nobody At All")
    here, there = run(capsys, *argv), run(capsys, *argv, "--store", store)
    assert here[0] == there[0] == 2
    assert there[2] == here[2]


def test_validate_in_the_store_gives_the_verdict_here(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    here = run(capsys, "validate", "--checks", "--format", "json")
    there = run(capsys, "validate", "--checks", "--store", store, "--format", "json")
    assert here[0] == there[0] == 0
    assert json.loads(there[1]) == json.loads(here[1])


@pytest.mark.parametrize("checks", [[], ["--checks"]], ids=["shacl", "shacl-and-checks"])
def test_bad_data_in_the_store_fails_with_the_same_violations(
    store: str, capsys: pytest.CaptureFixture[str], checks: list[str]
) -> None:
    here = run(capsys, "validate", *checks, str(FIXTURES / "broken.ttl"), "--format", "json")
    there = run(
        capsys, "validate", *checks, "--store", store, "--graph", BROKEN_GRAPH, "--format", "json"
    )
    assert here[0] == there[0] == 1
    mine, theirs = json.loads(here[1]), json.loads(there[1])
    assert theirs["violations"] == mine["violations"] != []
    assert theirs["conforms"] is mine["conforms"] is False


def test_load_replaces_the_graph(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A second PUT into the same graph replaces it: the extension's triples are gone."""
    graph = "https://example.org/test/replaced"
    base = ("load", "--store", store, "--graph", graph)
    code, _, first = run(capsys, *base, str(FIXTURES / "broken.ttl"))
    assert code == 0
    code, _, second = run(capsys, *base)
    assert code == 0
    assert f"now in graph <{graph}>" in second
    fresh = run(capsys, "load", "--store", store, "--graph", graph + "-fresh")[2]
    count = second.split()[2]
    assert count == fresh.split()[2] != first.split()[2]  # as a fresh upload, not added to it


def test_an_unknown_graph_is_named(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", "--store", store, "--graph", "https://example.org/none")
    assert code == 2
    assert "has no graph <https://example.org/none>" in err and f"{store}/store" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "role-duties"],
        ["validate", "--checks"],
        ["load"],
    ],
    ids=["query", "validate", "load"],
)
def test_an_unreachable_store_exits_2_naming_the_url(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, _, err = run(capsys, *argv, "--store", url)
    assert code == 2
    assert "cannot reach" in err and url in err
    assert "Traceback" not in err


def test_a_store_answering_an_error_is_named(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = f"{store}/no-such-endpoint"
    code, _, err = run(capsys, "query", "role-duties", "--store", store, "--query-url", wrong)
    assert code == 2
    assert wrong in err and "404" in err


def test_extra_files_with_store_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "query",
        "role-duties",
        str(FIXTURES / "broken.ttl"),
        "--store",
        "http://127.0.0.1:9",
    )
    assert code == 2 and "ppo load --store" in err


def test_graph_without_store_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "role-duties", "--graph", DEFAULT_GRAPH)
    assert code == 2 and "--store" in err
