"""``ppo load``'s upload when the store rolls it back: a transaction the store answers as
deadlocked (SQLSTATE 40001; Virtuoso 7.2's ``SR172``, met on about one upload of a million
triples in three, bench/README.md) is sent again, up to three times in all, saying so; any other
error is not, and the last deadlock is the error (exit 2). Against the stand-in store
(tests/standin.py), which answers as Virtuoso does."""

from __future__ import annotations

import pytest
from standin import DEADLOCK, standin

from ppo_graph.cli import main
from ppo_graph.engine import remote

GRAPH = "https://example.org/test/load"


def _load(base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(
        ["load", "--query-url", f"{base}/query", "--gsp-url", f"{base}/store", "--graph", GRAPH]
    )
    return code, capsys.readouterr().err


@pytest.mark.parametrize("deadlocks", [1, 2])
def test_a_deadlocked_upload_is_sent_again(
    deadlocks: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "RETRY_PAUSE", 0.0)
    with standin() as store:
        store.put_errors = [DEADLOCK] * deadlocks
        code, err = _load(store.base, capsys)
        puts = [entry for entry in store.log if entry[0] == "PUT"]
        assert code == 0, err
        assert [status for *_, status in puts] == [500] * deadlocks + [201]
        assert err.count("transaction deadlocked); sending it again") == deadlocks
        assert f"({deadlocks + 1} of 3)" in err
        assert store.graph_triples(GRAPH) > 20000  # the whole shipped graph, once


def test_the_third_deadlock_is_the_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "RETRY_PAUSE", 0.0)
    with standin() as store:
        store.put_errors = [DEADLOCK] * 3
        code, err = _load(store.base, capsys)
        assert code == 2
        assert [e[0] for e in store.log].count("PUT") == 3
        assert "SR172: Transaction deadlocked" in err and "Traceback" not in err
        assert store.graph_triples(GRAPH) == 0


def test_another_server_error_is_not_sent_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a deadlock is retried: a store that refuses the data for another reason is told it
    once, and the user sees its message."""
    monkeypatch.setattr(remote, "RETRY_PAUSE", 0.0)
    with standin() as store:
        store.put_errors = [b"<h3>Error 22023</h3><xmp>SR008: bad literal</xmp>"]
        code, err = _load(store.base, capsys)
        assert code == 2
        assert [e[0] for e in store.log].count("PUT") == 1
        assert "sending it again" not in err and "SR008: bad literal" in err
        assert store.graph_triples(GRAPH) == 0
