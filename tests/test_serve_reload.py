"""``ppo serve --reload``: an edited EXTRA file is served after the next poll, a bad edit keeps
the old graph and ``/health`` names the error; in process (the watcher polled by hand) and as a
real server (its own watcher thread), stopped by its PID."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from test_store import free_port

from ppo_graph.engine import KnowledgeGraph
from ppo_graph.serve.app import create_app
from ppo_graph.serve.live import LiveGraph, Watcher

THING = "https://example.org/reload/thing"
QUERY = f"SELECT ?label WHERE {{ <{THING}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def write(path: Path, text: str) -> None:
    """Write and move the modification time on, so that even a coarse clock sees the change."""
    stamp = path.stat().st_mtime_ns + 1_000_000_000 if path.exists() else None
    path.write_text(text, encoding="utf-8")
    if stamp is not None:
        os.utime(path, ns=(stamp, stamp))


def labelled(label: str) -> str:
    return f'<{THING}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" .\n'


def labels(get: Callable[[str], Any]) -> list[str]:
    body = get("/sparql?" + urllib.parse.urlencode({"query": QUERY, "format": "json"}))
    return [row["label"]["value"] for row in body["results"]["bindings"]]


def test_reload_in_process(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    write(extra, labelled("first"))

    def load() -> KnowledgeGraph:
        return KnowledgeGraph.open([extra])

    live = LiveGraph(load())
    log = io.StringIO()
    watcher = Watcher(live, [extra], load, log=log)
    with TestClient(create_app(live)) as client:

        def get(url: str) -> Any:
            response = client.get(url)
            assert response.status_code == 200, response.text
            return response.json()

        assert labels(get) == ["first"]
        assert watcher.poll_once() is False  # nothing changed
        old = live.current
        write(extra, labelled("second"))
        assert watcher.poll_once() is True
        assert labels(get) == ["second"]
        assert get("/health")["reload"] == {"generation": 2, "error": None}
        assert old.rows("role-duties")  # a request holding the old graph still finishes on it

        write(extra, "this is not Turtle\n")
        assert watcher.poll_once() is False
        assert labels(get) == ["second"]  # the old graph is still served
        error = get("/health")["reload"]["error"]
        assert str(extra) in error
        assert "reload failed, still serving the previous graph" in log.getvalue()
        assert get("/queries/role-duties?format=json")["results"]["bindings"]

        write(extra, labelled("third"))
        assert watcher.poll_once() is True
        assert labels(get) == ["third"]
        assert get("/health")["reload"] == {"generation": 3, "error": None}


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

        def eventually(condition: Callable[[], bool]) -> None:
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

        eventually(lambda: labels(get) == ["first"])
        write(extra, labelled("second"))
        eventually(lambda: labels(get) == ["second"])
        write(extra, "@prefix broken\n")
        eventually(lambda: get("/health")["reload"]["error"] is not None)
        assert str(extra) in get("/health")["reload"]["error"]
        assert labels(get) == ["second"]
        assert "reload failed" in log.read_text()
    finally:
        server.terminate()
        server.wait(10)


def test_the_workbench_follows_a_reload(tmp_path: Path) -> None:
    """The workbench's pages read the graph the watcher swapped in, not the one they started with."""
    role = "https://example.org/reload/ReloadAnalyst"
    extra = tmp_path / "extra.ttl"
    write(extra, labelled("first"))

    def load() -> KnowledgeGraph:
        return KnowledgeGraph.open([extra])

    live = LiveGraph(load())
    watcher = Watcher(live, [extra], load, log=io.StringIO())
    with TestClient(create_app(live)) as client:
        assert "Reload Analyst" not in client.get("/roles").text
        write(
            extra,
            f"<{role}> a <https://w3id.org/ppo-graph/ontology#Role> ;\n"
            f'    <http://www.w3.org/2000/01/rdf-schema#label> "Reload Analyst"@en .\n',
        )
        assert watcher.poll_once() is True
        assert "Reload Analyst" in client.get("/roles").text
