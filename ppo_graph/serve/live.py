"""``ppo serve --reload``: the graph a server answers from, swapped whole when its files change.

:class:`LiveGraph` holds the current engine; every request takes a reference to it when it starts,
so a query in flight finishes on the graph it began with while the next one sees the new graph
(swapping one attribute is atomic). :class:`Watcher` watches the EXTRA files with watchfiles (the
system's file change notifications: inotify, FSEvents, ReadDirectoryChangesW; polling where there
are none) in a background thread and builds the new graph there; a bad edit keeps the old graph,
and the error is logged on stderr and reported by ``/health`` until an edit loads again.

The directories holding the files are watched, not the files, and only changes to the files
themselves count: an editor that saves by writing a new file and renaming it over the old one is
seen, and other files changing beside them are not. Changes that come together (a save that
truncates, writes and touches the file) make one reload, after they stop for
:data:`STEP_MS` milliseconds. Polling (``WATCHFILES_FORCE_POLLING=1``, WSL, or where no
notifications can be had) looks every 300 ms and compares modification times in whole seconds,
so it misses an edit made in the same second as the one before it, until the next edit.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ppo_graph.errors import PPOError, UsageError

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph

#: Changes are grouped until none comes for this long (ms), or for at most :data:`DEBOUNCE_MS`.
STEP_MS = 50
DEBOUNCE_MS = 1_600
#: How long the watch waits for a change before it looks up (ms): how soon :meth:`Watcher.start`
#: knows it is watching.
READY_MS = 250
#: How long :meth:`Watcher.stop` waits for a reload under way to finish (seconds).
STOP_WAIT = 30.0


class LiveGraph:
    """The current graph, its generation (1 at start, one more per successful reload) and the
    error of the last reload that failed (None once one succeeds)."""

    def __init__(self, graph: Graph) -> None:
        self.current = graph
        self.generation = 1
        self.error: str | None = None
        self.reloaded_at: float | None = None

    def swap(self, graph: Graph) -> None:
        self.current = graph
        self.generation += 1
        self.error = None
        self.reloaded_at = time.time()

    def status(self) -> dict[str, Any]:
        return {"generation": self.generation, "error": self.error}


def _names(files: Sequence[Path]) -> set[str]:
    """The paths a change to one of ``files`` may be reported under: as given (made absolute)
    and with symbolic links resolved (a linked file's target; macOS reports real paths)."""
    names: set[str] = set()
    for path in files:
        names.add(os.path.abspath(path))
        names.add(os.path.realpath(path))
    return names


class Watcher:
    """Watches ``files`` (from :meth:`start` to :meth:`stop`, or as a context manager) and,
    when one changes, builds a graph with ``load`` and swaps it in. ``force_polling`` as
    watchfiles takes it (None: its default, which ``WATCHFILES_FORCE_POLLING`` sets)."""

    def __init__(
        self,
        live: LiveGraph,
        files: Sequence[Path | str],
        load: Callable[[], Any],
        *,
        log: IO[str] | None = None,
        force_polling: bool | None = None,
    ) -> None:
        self.live = live
        self.files = [Path(f) for f in files]
        self.load = load
        self.log = log
        self.force_polling = force_polling
        self.names = _names(self.files)
        self.directories = sorted({os.path.dirname(name) for name in self.names})
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._broken = False
        self._thread: threading.Thread | None = None

    def _say(self, message: str) -> None:
        print(f"ppo serve: {message}", file=self.log or sys.stderr, flush=True)

    def reload(self) -> bool:
        """Build the graph again and swap it in; whether it was (a load that fails keeps the old
        graph, says why on the log and in ``/health``)."""
        try:
            graph = self.load()
        except Exception as exc:  # keep watching whatever a load throws
            known = isinstance(exc, PPOError | OSError)
            self.live.error = str(exc) if known else f"{type(exc).__name__}: {exc}"
            self._say(f"reload failed, still serving the previous graph: {self.live.error}")
            return False
        self.live.swap(graph)
        self._say(f"reloaded: {len(graph):,} triples (generation {self.live.generation})")
        return True

    def _concerns(self, change: Any, path: str) -> bool:
        """watchfiles' filter: a change to one of the files, not to another file beside them."""
        return path in self.names

    def _watch(self, force_polling: bool | None) -> None:
        """Reload at each batch of changes until :meth:`stop` (watchfiles' ``stop_event``);
        ready once the watch has looked for changes once."""
        import watchfiles

        for changes in watchfiles.watch(
            *self.directories,
            watch_filter=self._concerns,
            stop_event=self._stop,
            step=STEP_MS,
            debounce=DEBOUNCE_MS,
            rust_timeout=READY_MS,
            yield_on_timeout=True,
            recursive=False,
            raise_interrupt=False,
            force_polling=force_polling,
        ):
            self._ready.set()
            if self._stop.is_set():
                return
            if self._broken:
                self._broken = False
                self._say("watching the files again")
                self.reload()  # an edit made while nothing watched is not lost
            elif changes:
                self.reload()

    def _run(self) -> None:
        force_polling = self.force_polling
        while not self._stop.is_set():
            try:
                self._watch(force_polling)
            except Exception as exc:
                if self._ready.is_set():  # a watch that worked broke (a directory went away)
                    if not self._broken:
                        self._broken = True
                        self._say(f"watching the files failed ({exc}); trying again each second")
                    self._stop.wait(1.0)
                elif not force_polling:  # no notifications to be had: poll the directories
                    self._say(f"file change notifications unavailable ({exc}); polling instead")
                    force_polling = True
                else:
                    self._failure = exc
                    self._ready.set()
                    return

    def start(self, timeout: float = 10.0) -> None:
        """Start watching, and return once the watch is in place (a change from then on is
        seen), or after ``timeout`` seconds; :class:`UsageError` when the files cannot be
        watched at all."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._ready.clear()
        self._failure = None
        self._thread = threading.Thread(target=self._run, name="ppo-reload", daemon=True)
        self._thread.start()
        self._ready.wait(timeout)
        if self._failure is not None:
            self.stop()
            shown = ", ".join(self.directories)
            raise UsageError(f"--reload cannot watch {shown}: {self._failure}")

    def stop(self, timeout: float = STOP_WAIT) -> None:
        """Stop watching (within :data:`STEP_MS` ms) and wait for the thread to end: a reload
        under way finishes first, for up to ``timeout`` seconds."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                self._say(f"stopped watching; a reload still running after {timeout:g} s is left")
            else:
                self._say("stopped watching the files")

    @property
    def watching(self) -> bool:
        """Whether the watch thread is running."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> Watcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
