"""``ppo serve --reload``: the graph a server answers from, swapped whole when its files change.

:class:`LiveGraph` holds the current engine; every request takes a reference to it when it starts,
so a query in flight finishes on the graph it began with while the next one sees the new graph
(swapping one attribute is atomic). :class:`Watcher` polls the EXTRA files' modification times in
a background thread and builds the new graph there; a bad edit keeps the old graph, and the error
is logged on stderr and reported by ``/health`` until an edit loads again.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from ppo_graph.errors import PPOError

#: How often the files are looked at (seconds).
POLL_INTERVAL = 1.0


class LiveGraph:
    """The current graph, its generation (1 at start, one more per successful reload) and the
    error of the last reload that failed (None once one succeeds)."""

    def __init__(self, graph: Any) -> None:
        self.current = graph
        self.generation = 1
        self.error: str | None = None
        self.reloaded_at: float | None = None

    def swap(self, graph: Any) -> None:
        self.current = graph
        self.generation += 1
        self.error = None
        self.reloaded_at = time.time()

    def status(self) -> dict[str, Any]:
        return {"generation": self.generation, "error": self.error}


def _snapshot(files: Sequence[Path]) -> tuple[tuple[int, int] | None, ...]:
    stamps: list[tuple[int, int] | None] = []
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            stamps.append(None)  # gone for now (an editor's save): a change, and a load error
        else:
            stamps.append((info.st_mtime_ns, info.st_size))
    return tuple(stamps)


class Watcher:
    """Polls ``files`` and, when one changes, builds a graph with ``load`` and swaps it in."""

    def __init__(
        self,
        live: LiveGraph,
        files: Sequence[Path],
        load: Callable[[], Any],
        *,
        interval: float = POLL_INTERVAL,
        log: IO[str] | None = None,
    ) -> None:
        self.live = live
        self.files = list(files)
        self.load = load
        self.interval = interval
        self.log = log
        self._seen = _snapshot(self.files)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _say(self, message: str) -> None:
        print(f"ppo serve: {message}", file=self.log or sys.stderr, flush=True)

    def poll_once(self) -> bool:
        """Reload if a file changed since the last look; whether the graph was swapped."""
        now = _snapshot(self.files)
        if now == self._seen:
            return False
        self._seen = now
        try:
            graph = self.load()
        except (PPOError, OSError) as exc:
            self.live.error = str(exc)
            self._say(f"reload failed, still serving the previous graph: {exc}")
            return False
        self.live.swap(graph)
        self._say(f"reloaded: {len(graph):,} triples (generation {self.live.generation})")
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll_once()
            except Exception as exc:  # keep watching whatever a load throws
                self.live.error = f"{type(exc).__name__}: {exc}"
                self._say(f"reload failed, still serving the previous graph: {self.live.error}")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ppo-reload", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.interval + 5)
