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


def _load_batched(
    base: str, capsys: pytest.CaptureFixture[str], batch: str = "5000"
) -> tuple[int, str]:
    capsys.readouterr()
    code = main(
        [
            "load", "--batch", batch,
            "--query-url", f"{base}/query", "--gsp-url", f"{base}/store", "--graph", GRAPH,
        ]
    )  # fmt: skip
    return code, capsys.readouterr().err


def test_batches_are_a_put_then_posts_of_the_whole_graph(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--batch 5000``: the first request replaces the graph and holds every triple that names
    a blank node; the rest add at most 5000 triples each; together, the graph of one PUT."""
    with standin() as store:
        assert _load(store.base, capsys)[0] == 0
        whole = store.uploads[0][1]
        store.uploads.clear()
        code, err = _load_batched(store.base, capsys)
        assert code == 0, err
        methods = [method for method, _ in store.uploads]
        assert methods[0] == "PUT" and set(methods[1:]) == {"POST"} and len(methods) >= 3
        lines = [body.splitlines() for _, body in store.uploads]
        assert all(len(part) <= 5000 for part in lines[1:])
        assert not any(b"_:" in line for part in lines[1:] for line in part)
        assert sorted(line for part in lines for line in part) == sorted(whole.splitlines())
        assert store.graph_triples(GRAPH) == len(whole.splitlines())
        nodes = (
            "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { ?b ?p ?o } FILTER isBlank(?b) }"
        )
        blank = next(iter(store.store.query(nodes)))["n"].value
        # the same blank nodes as one PUT's: the store would count each split one twice
        assert int(blank) == len(
            {line.split()[0] for line in whole.splitlines() if line.startswith(b"_:")}
        )


def test_a_deadlocked_batch_is_sent_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "RETRY_PAUSE", 0.0)
    with standin() as store:
        store.put_errors = [None, None, DEADLOCK]
        code, err = _load_batched(store.base, capsys)
        assert code == 0, err
        assert "sending it again (2 of 3)" in err
        statuses = [status for method, *_, status in store.log if method == "POST"]
        assert statuses[1] == 500 and statuses.count(500) == 1
        assert store.graph_triples(GRAPH) == sum(len(b.splitlines()) for _, b in store.uploads)


def test_a_failed_batch_says_how_much_of_the_graph_is_there(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A request after the first that fails leaves the graph partly loaded: the error says so,
    with how many triples it holds, and the exit is 2."""
    with standin() as store:
        store.put_errors = [None, None, b"<h3>Error 22023</h3><xmp>SR008: bad literal</xmp>"]
        code, err = _load_batched(store.base, capsys)
        assert code == 2
        held = store.graph_triples(GRAPH)
        assert "SR008: bad literal" in err and "stopped at request 3 of" in err
        assert f"holds the first {held:,} of the " in err and "run ppo load again" in err
        assert held == sum(len(body.splitlines()) for _, body in store.uploads) > 5000


@pytest.mark.parametrize("batch", ["-1", "many"])
def test_a_bad_batch_is_refused(batch: str, capsys: pytest.CaptureFixture[str]) -> None:
    with standin() as store:
        try:
            code, err = _load_batched(store.base, capsys, batch)
        except SystemExit as exc:  # argparse's refusal of a value that is not a number
            code, err = int(str(exc.code)), capsys.readouterr().err
        assert code == 2 and "--batch" in err
        assert store.uploads == []


def test_batches_keep_blank_node_triples_together() -> None:
    body = b"".join(
        [
            b'<a:s> <a:p> "x _:y" .\n',  # a literal that looks like a blank node: harmless
            b"<a:s> <a:p> <a:o1> .\n",
            b"_:b1 <a:p> <a:o> .\n",
            b"<a:s> <a:p> <a:o2> .\n",
            b"<a:s> <a:p> _:b1 .\n",
            b"<a:s> <a:p> <a:o3> .\n",
            b'<a:s> <a:p> "t"@en .\n',
        ]
    )
    parts = remote.batches(body, 2)
    assert parts[0].count(b"_:b1") == 2
    assert all(part.count(b"\n") <= 2 for part in parts[1:])
    assert sorted(b"".join(parts).splitlines()) == sorted(body.splitlines())
    with pytest.raises(ValueError):
        remote.batches(body, 0)
