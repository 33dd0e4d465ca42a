"""A store known to answer a canned query otherwise says so: a query's ``# deviates: STORE: what``
header names the store by the product its HTTP ``Server`` header starts with
(``Virtuoso/07.20.3229 (Linux)``), and running that query there prints a note on stderr, once
per query, so the deviation is never silent. Against the stand-in store (tests/standin.py)
calling itself by one name or another; tests/test_store.py checks the real Virtuoso's header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from standin import standin

from ppo_graph.catalogue import default_catalogue
from ppo_graph.catalogue.query_file import parse_query_file
from ppo_graph.cli import main
from ppo_graph.engine.remote import deviations
from ppo_graph.errors import InputError

GRAPH = "https://example.org/test/deviations"
DEVIATING = "mention-unanchored-violation"


@pytest.fixture(scope="module")
def store() -> Any:
    with standin() as running:
        args = ["--query-url", running.query_url, "--gsp-url", running.gsp_url, "--graph", GRAPH]
        assert main(["load", *args]) == 0
        yield running, args


def _err(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_the_catalogue_declares_virtuosos_deviation() -> None:
    spec = default_catalogue().get(DEVIATING)
    assert [store for store, _ in spec.deviates] == ["Virtuoso"]
    # every other query is answered alike (tests/test_store.py compares them all there)
    assert [s.name for s in default_catalogue() if s.deviates] == [DEVIATING]


@pytest.mark.parametrize(
    ("server", "noted"),
    [
        ("Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu", True),
        ("virtuoso/8.3", True),
        ("Oxigraph/0.5.6", False),
        ("", False),
        ("VirtuosoLike/1.0", False),
    ],
)
def test_the_note_names_the_store_and_the_query(server: str, noted: bool) -> None:
    spec = default_catalogue().get(DEVIATING)
    found = deviations(spec, server)
    assert bool(found) is noted
    if noted:
        assert found[0].startswith(f"{server.split()[0]} is known to answer {DEVIATING}")
        assert "(its header, mention-unanchored-violation.rq)" in found[0]


def test_a_query_run_on_the_store_it_names_says_so_once(
    store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    running, args = store
    running.server_name = "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"
    try:
        code, err = _err(capsys, "query", DEVIATING, *args)
        assert code == 0, err
        assert err.count(f"ppo: note: Virtuoso/07.20.3229 is known to answer {DEVIATING}") == 1
        code, err = _err(capsys, "validate", "--checks", *args)
        assert code == 0, err
        assert err.count("is known to answer") == 1  # the one check that deviates there
        code, err = _err(capsys, "query", "roles", *args)
        assert "is known to answer" not in err  # a query without the header: no note
    finally:
        running.server_name = ""


def test_no_note_on_another_store(store: Any, capsys: pytest.CaptureFixture[str]) -> None:
    running, args = store
    running.server_name = "Oxigraph/0.5.13"
    try:
        code, err = _err(capsys, "validate", "--checks", *args)
        assert code == 0, err
        assert "is known to answer" not in err
    finally:
        running.server_name = ""


@pytest.mark.parametrize(
    "line",
    [
        "# deviates: Virtuoso",
        "# deviates: Virtuoso:",
        "# deviates: Open Link: wrong rows",
        "# deviates: : wrong rows",
    ],
)
def test_a_malformed_deviates_line_is_refused_naming_its_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "x-violation.rq"
    path.write_text(
        "# title: T\n# question: Q?\n# columns: focus, property, value, message\n"
        f"{line}\n"
        "SELECT ?focus ?property ?value ?message WHERE { ?focus ?property ?value "
        'BIND ("m" AS ?message) }\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="deviates") as caught:
        parse_query_file(path, "check")
    assert caught.value.line == 4
