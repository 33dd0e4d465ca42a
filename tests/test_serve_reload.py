"""``ppo serve --reload``: an edited EXTRA file is served once watchfiles reports the change, a
bad edit keeps the old graph and ``/health`` names the error, other files beside it do not
reload; in process (the watcher's thread started and stopped by the test, with file change
notifications and with polling) and as a real server, stopped by its PID. Stopping the watcher
ends its thread at once, and a watch that cannot start is an error, not a silent no-op."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from stores import free_port

from ppo_graph.engine import KnowledgeGraph
from ppo_graph.errors import UsageError
from ppo_graph.serve.app import create_app
from ppo_graph.serve.live import LiveGraph, Watcher

THING = "https://example.org/reload/thing"
QUERY = f"SELECT ?label WHERE {{ <{THING}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def write(path: Path, text: str, *, in_place: bool = False) -> None:
    """Save as an editor does: a new file renamed over the old one (one change, so one reload),
    or ``in_place`` (truncated, written and touched: changes that come together, still one
    reload). The modification time moves on a second, for polling, which compares seconds."""
    stamp = path.stat().st_mtime_ns + 1_000_000_000 if path.exists() else None
    saving = path if in_place else path.with_name(f".{path.name}.saving")
    saving.write_text(text, encoding="utf-8")
    if stamp is not None:
        os.utime(saving, ns=(stamp, stamp))
    if not in_place:
        os.replace(saving, path)


def eventually(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not act in time"
        time.sleep(0.05)


def reload_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ppo-reload"]


def labelled(label: str) -> str:
    return f'<{THING}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" .\n'


def labels(get: Callable[[str], Any]) -> list[str]:
    body = get("/sparql?" + urllib.parse.urlencode({"query": QUERY, "format": "json"}))
    return [row["label"]["value"] for row in body["results"]["bindings"]]


@pytest.mark.parametrize("force_polling", [None, True], ids=["notifications", "polling"])
def test_reload_in_process(tmp_path: Path, force_polling: bool | None) -> None:
    extra = tmp_path / "extra.ttl"
    write(extra, labelled("first"))

    def load() -> KnowledgeGraph:
        return KnowledgeGraph.open([extra])

    live = LiveGraph(load())
    log = io.StringIO()
    watcher = Watcher(live, [extra], load, log=log, force_polling=force_polling)
    with TestClient(create_app(live)) as client, watcher:
        assert watcher.watching

        def get(url: str) -> Any:
            response = client.get(url)
            assert response.status_code == 200, response.text
            return response.json()

        assert labels(get) == ["first"]
        old = live.current
        (tmp_path / "beside.ttl").write_text(labelled("not watched"), encoding="utf-8")
        write(extra, labelled("second"))
        eventually(lambda: live.generation > 1)
        assert labels(get) == ["second"]
        # one reload: not one for the file beside it, nor one per step of the save
        assert get("/health")["reload"] == {"generation": 2, "error": None}
        assert old.rows("role-duties")  # a request holding the old graph still finishes on it

        write(extra, "this is not Turtle\n", in_place=True)
        eventually(lambda: live.error is not None)
        assert labels(get) == ["second"]  # the old graph is still served
        error = get("/health")["reload"]["error"]
        assert str(extra) in error
        assert "reload failed, still serving the previous graph" in log.getvalue()
        assert get("/queries/role-duties?format=json")["results"]["bindings"]
        assert live.generation == 2

        write(extra, labelled("third"))
        eventually(lambda: live.generation > 2)
        assert labels(get) == ["third"]
        assert get("/health")["reload"] == {"generation": 3, "error": None}
    assert not watcher.watching and not reload_threads()


def test_stop_ends_the_watch_at_once_and_nothing_reloads_after(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    write(extra, labelled("first"))
    loads: list[str] = []

    def load() -> str:
        loads.append(extra.read_text(encoding="utf-8"))
        return "graph"

    live = LiveGraph("graph")
    watcher = Watcher(live, [extra], load, log=io.StringIO())
    watcher.start()
    assert [t.daemon for t in reload_threads()] == [True]
    write(extra, labelled("second"))
    eventually(lambda: live.generation == 2)
    started = time.monotonic()
    watcher.stop()
    assert time.monotonic() - started < 2  # the stop_event is looked at every 50 ms
    assert not watcher.watching and not reload_threads()
    write(extra, labelled("third"))
    time.sleep(0.5)
    assert live.generation == 2 and loads == [labelled("second")]


def test_a_watch_that_cannot_start_is_an_error(tmp_path: Path) -> None:
    gone = tmp_path / "gone" / "extra.ttl"
    watcher = Watcher(LiveGraph("graph"), [gone], lambda: "graph", log=io.StringIO())
    with pytest.raises(UsageError, match="--reload cannot watch"):
        watcher.start()
    assert not watcher.watching and not reload_threads()


def test_reload_of_a_running_server(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    write(extra, labelled("first"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "stderr.txt"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ppo_graph",
                "serve",
                "--reload",
                str(extra),
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:

        def get(url: str) -> Any:
            with NO_PROXY.open(base + url, timeout=30) as response:
                return json.load(response)

        def serving(condition: Callable[[], bool]) -> None:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if condition():
                        return
                except OSError:
                    pass
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)

        serving(lambda: labels(get) == ["first"])
        write(extra, labelled("second"))
        serving(lambda: labels(get) == ["second"])
        write(extra, "@prefix broken\n", in_place=True)
        serving(lambda: get("/health")["reload"]["error"] is not None)
        assert str(extra) in get("/health")["reload"]["error"]
        assert labels(get) == ["second"]
        assert "reload failed" in log.read_text()
    finally:
        server.terminate()
        server.wait(10)
    assert "stopped watching the files" in log.read_text()  # before uvicorn re-raised SIGTERM


def test_the_workbench_follows_a_reload(tmp_path: Path) -> None:
    """The workbench's pages read the graph the watcher swapped in, not the one they started with."""
    role = "https://example.org/reload/ReloadAnalyst"
    extra = tmp_path / "extra.ttl"
    write(extra, labelled("first"))

    def load() -> KnowledgeGraph:
        return KnowledgeGraph.open([extra])

    live = LiveGraph(load())
    watcher = Watcher(live, [extra], load, log=io.StringIO())
    with TestClient(create_app(live)) as client, watcher:
        assert "Reload Analyst" not in client.get("/roles").text
        write(
            extra,
            f"<{role}> a <https://w3id.org/ppo-graph/ontology#Role> ;\n"
            f'    <http://www.w3.org/2000/01/rdf-schema#label> "Reload Analyst"@en .\n',
        )
        eventually(lambda: live.generation == 2)
        assert "Reload Analyst" in client.get("/roles").text
