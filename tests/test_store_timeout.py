"""How long ``ppo validate --store`` waits for the store: ``--timeout SECONDS`` per request
(default 300, 0 for no limit), the option its error names; refused without a store. Against the
stand-in store (tests/standin.py), made slow by a tamper that sleeps before answering."""

from __future__ import annotations

import time
from typing import Any

import pytest
from standin import standin

from ppo_graph.cli import main

GRAPH = "https://example.org/test/slow"


def _slow(seconds: float) -> Any:
    def tamper(text: str, data: dict[str, Any]) -> dict[str, Any]:
        time.sleep(seconds)
        return data

    return tamper


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def slow_store() -> Any:
    with standin() as store:
        args = ["--query-url", store.query_url, "--gsp-url", store.gsp_url, "--graph", GRAPH]
        assert main(["load", *args]) == 0
        store.tamper = _slow(1.0)
        yield args


def test_a_store_slower_than_the_timeout_is_named(
    slow_store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "validate", "--timeout", "0.3", *slow_store)
    assert code == 2
    assert "did not answer within 0.3 s; give --timeout SECONDS" in err and "Traceback" not in err


def test_a_timeout_of_0_lets_validate_wait_as_long_as_the_store_takes(
    slow_store: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, "validate", "--timeout", "0", *slow_store)
    assert code == 0, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "--timeout", "5"], "--timeout is for a store"),
        (["validate", "--timeout", "-1", "--store", "http://127.0.0.1:9"], "0 (no limit) or more"),
    ],
)
def test_a_timeout_without_a_store_or_below_0_is_refused(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _run(capsys, *argv)
    assert code == 2 and message in err
