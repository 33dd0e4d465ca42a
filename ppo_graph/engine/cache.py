"""The cache of reasoned graphs: an on-disk Oxigraph store per distinct input, keyed by what went in.

The key is a SHA-256 over the package version, the reasoner's version, the options that change
the result, and the *contents* (not the names or dates) of every input file, shipped and the
user's. An entry is a folder named by its key::

    <key>/store/       the asserted and inferred triples in their two named graphs: for a small
                       graph one N-Quads snapshot (graph.nq) read whole into memory; for a
                       large one an Oxigraph (RocksDB) store, opened read-only in place by any
                       number of processes at once
    <key>/entry.json   what it holds (counts, reasoner, inputs, the literals as written) and the
                       size and CRC-32 of every file of the store, written last

It is built in a temp folder beside the others and renamed into place, so a reader sees a whole
entry or none; a published entry is never written again. A ``ppo`` command builds a large one in a
forked child while it goes on (:func:`writing_aside`, :func:`publish_aside`) and waits for it at
its end. Anything wrong with an entry (a file
missing, cut short or changed by one bit, another version's, a store RocksDB cannot open) makes it
a miss: it is removed and the graph rebuilt, never answered from a bad entry.

The content digest of a big input costs time (0.4 s for 178 MB), so each file's digest is
remembered beside its size, inode and modification and change times (``digests.json``): a file
whose stat is unchanged is not read again. Any write to a file (or ``touch``) changes its change
time, which no user can set, so a remembered digest is never used for changed content.

Where: ``$PPO_CACHE_DIR``, else the user's cache folder (platformdirs), else ``~/.cache/ppo-graph``.
At most :data:`KEEP` entries and ``$PPO_CACHE_MAX_MB`` (default 4096) MB are kept: the least
recently used go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppo_graph import __version__

FORMAT = "ppo-graph cache v3 (N-Quads snapshot or oxigraph store)"
META = "entry.json"
STORE = "store"
DIGESTS = "digests.json"
#: At most this many entries are kept (the least recently used are pruned on write).
KEEP = 32
MAX_MB_DEFAULT = 4096
#: RocksDB's own log and lock files change when a store is opened; they hold no data.
_UNCHECKED = ("LOG", "LOCK")
_TMP_PREFIX = ".tmp-"
#: A digest is remembered only for a file older than this (seconds): one written in the same
#: clock tick as its hashing could change again without its times changing.
_SETTLED = 2.0
_DIGESTS_KEPT = 256


def cache_dir() -> Path:
    env = os.environ.get("PPO_CACHE_DIR")
    if env:
        return Path(env)
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("ppo-graph", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "ppo-graph"


def _max_bytes() -> int:
    try:
        return int(float(os.environ.get("PPO_CACHE_MAX_MB", MAX_MB_DEFAULT)) * (1 << 20))
    except ValueError:
        return MAX_MB_DEFAULT << 20


# -- input digests -----------------------------------------------------------------------------


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stat_key(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_ino, stat.st_dev, stat.st_mtime_ns, stat.st_ctime_ns]


class _Digests:
    """Remembered content digests of input files, by their stat (see the module's doc)."""

    def __init__(self) -> None:
        self.path = cache_dir() / DIGESTS
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self.known: dict[str, list[Any]] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.known = {}
        self.changed = False

    def digest(self, path: Path) -> str:
        name = str(path.resolve())
        stat = path.stat()
        key = _stat_key(stat)
        known = self.known.get(name)
        if isinstance(known, list) and len(known) == 2 and known[0] == key:
            return str(known[1])
        value = file_digest(path)
        if time.time() - stat.st_mtime > _SETTLED and time.time() - stat.st_ctime > _SETTLED:
            self.known.pop(name, None)
            self.known[name] = [key, value]
            self.changed = True
        return value

    def save(self) -> None:
        if not self.changed:
            return
        from ppo_graph.errors import InputError
        from ppo_graph.output import atomic_write

        kept = dict(list(self.known.items())[-_DIGESTS_KEPT:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(kept, sort_keys=False))
        except (OSError, InputError):
            pass


def key_for(files: Sequence[Path], options: dict[str, str], *, remember: bool = True) -> str:
    """The cache key: versions, options and each input's format and content digest, in order."""
    digests = _Digests() if remember else None
    digest = hashlib.sha256()
    digest.update(f"ppo-graph {__version__}\n".encode())
    for name, value in sorted(options.items()):
        digest.update(f"{name}={value}\n".encode())
    for path in files:
        content = digests.digest(path) if digests else file_digest(path)
        digest.update(f"{path.suffix.lower()} {content}\n".encode())
    if digests:
        digests.save()
    return digest.hexdigest()


# -- entries -----------------------------------------------------------------------------------


@dataclass
class Entry:
    key: str
    meta: dict[str, Any]
    path: Path  # the entry's folder

    @property
    def store_path(self) -> Path:
        return self.path / STORE


def path_for(key: str) -> Path:
    return cache_dir() / key


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            crc = zlib.crc32(block, crc)
    return crc


def _store_files(store: Path) -> dict[str, list[int]]:
    """Every data file of a store: name -> [size, CRC-32]."""
    return {
        p.name: [p.stat().st_size, _crc(p)]
        for p in sorted(store.iterdir())
        if p.is_file() and not p.name.startswith(_UNCHECKED)
    }


def read(key: str) -> Entry | None:
    """The entry for ``key``, whole and unchanged, or None (a damaged one is removed)."""
    path = path_for(key)
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if path.exists():
            remove(path)
        return None
    except (OSError, ValueError):
        remove(path)
        return None
    try:
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("key") != key:
            raise ValueError("not an entry of this cache")
        if meta.get("version") != __version__:
            raise ValueError("another version's entry")
        expected = meta.get("files")
        store = path / STORE
        present = {
            p.name for p in store.iterdir() if p.is_file() and not p.name.startswith(_UNCHECKED)
        }
        if not isinstance(expected, dict) or not expected or present != set(expected):
            raise ValueError("files missing or added")
        for name, (size, crc) in expected.items():
            file = store / name
            if file.stat().st_size != size or _crc(file) != crc:
                raise ValueError(f"{name} changed")
    except (OSError, ValueError, TypeError):
        remove(path)
        return None
    with contextlib.suppress(OSError):
        os.utime(path / META)  # most recently used: pruned last
    return Entry(key, meta, path)


def publish(
    key: str,
    fill: Callable[[Path], None],
    meta: dict[str, Any] | Callable[[], dict[str, Any]],
    *,
    tmp: Path | None = None,
) -> Path | None:
    """Build an entry with ``fill(store_folder)`` in a temp folder (``tmp``, else a new one) and
    rename it into place; ``meta``, the entry's record, may be a function called after ``fill``.

    A cache that cannot be written is skipped, not an error; when another process published the
    same key first, its entry is kept and this one dropped (both hold the same graph)."""
    folder = cache_dir()
    final = path_for(key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if tmp is None:
            tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{key[:16]}-", dir=folder))
        else:
            tmp.mkdir()
    except OSError:
        return None
    try:
        fill(tmp / STORE)
        record = meta() if callable(meta) else meta
        header = dict(
            record, format=FORMAT, key=key, version=__version__, files=_store_files(tmp / STORE)
        )
        (tmp / META).write_text(json.dumps(header, sort_keys=True), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:
            if read(key) is None:  # not a whole entry there: take its place
                remove(final)
                os.rename(tmp, final)
    except OSError:
        return final if final.is_dir() else None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _prune(folder, keep=final)
    return final


#: The cache writers this process forked and has not waited for: pid -> its temp folder.
_WRITERS: dict[int, Path] = {}
_ASIDE: list[bool] = []

#: What a forked writer is told once the caller knows it: the entry's record and a payload.
Later = Callable[[], tuple[dict[str, Any], bytes]]


@contextlib.contextmanager
def writing_aside() -> Iterator[None]:
    """While one command runs (``ppo`` sets it; a library caller does not): an entry may be
    written by a forked child (:func:`publish_aside`) while the command goes on with the graph,
    and every such child is waited for when the command ends, so the next command finds the
    entry; an interrupted command stops its writers and removes their temp folders."""
    _ASIDE.append(True)
    interrupted = False
    try:
        yield
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        _ASIDE.pop()
        for pid in list(_WRITERS):
            _reap(pid, stop=interrupted)


def _reap(pid: int, *, stop: bool) -> None:
    """Wait for one writer (``stop``: end it first; its temp folder goes with it)."""
    import signal

    tmp = _WRITERS.pop(pid)
    with contextlib.suppress(ChildProcessError, ProcessLookupError):
        if stop:  # SIGTERM: the bulk loader does not return to Python to see an interrupt
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    if stop:
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass
class Aside:
    """An entry a forked child is writing with what was known at the fork, waiting for the
    rest: :meth:`finish` sends it, :meth:`close` (always called) stops a child never told."""

    pid: int
    pipe: int  # the write end; the child reads the name of the file holding the rest

    def finish(self, meta: dict[str, Any], payload: bytes) -> bool:
        """The entry's record and a payload for the child (written to a file beside the
        entries, its name sent down the pipe: a large payload written into the pipe would wait
        for the child to finish what it is doing). False when that cannot be done (the cache
        folder gone or full, the child dead): the child is stopped and the command goes on
        without an entry, as when a cache cannot be written in place."""
        import pickle

        name = ""
        try:
            fd, name = tempfile.mkstemp(prefix=f"{_TMP_PREFIX}later-", dir=cache_dir())
            with os.fdopen(fd, "wb") as out:
                pickle.dump((meta, payload), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.write(self.pipe, name.encode())
        except OSError:
            if name:
                with contextlib.suppress(OSError):
                    os.unlink(name)
            self.close()
            return False
        os.close(self.pipe)
        self.pipe = -1
        return True

    def close(self) -> None:
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
            if self.pid in _WRITERS:
                _reap(self.pid, stop=True)


def publish_aside(key: str, fill: Callable[[Path, Later], dict[str, Any]]) -> Aside | None:
    """:func:`publish` in a forked child, the caller going on at once: the child runs
    ``fill(store_folder, later)``, which writes what the graph held at the fork, calls
    ``later()`` for what the caller sends with :meth:`Aside.finish` (the entry's record and a
    payload) and returns the record. None when it is not done that way (then publish in place):
    outside :func:`writing_aside`, or in a process running another thread (a fork copies one
    thread: a lock another held stays held in the child). Writing an on-disk store is one
    core's work for seconds (RocksDB's bulk loader: 2.1 s for 310k quads, wall = CPU) that the
    caller, reasoning and checking on the other core, no longer waits for; the child shares the
    graph's memory with the caller (copy on write) and leaves with ``os._exit`` (no exit
    handlers, no buffers flushed twice)."""
    import gc
    import sys
    import threading

    if not _ASIDE or threading.active_count() > 1 or not hasattr(os, "fork"):
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover  (the child: its coverage is not collected)
        code = 1
        try:
            gc.freeze()  # a collection here would walk, and so copy, all of the parent's heap
            os.close(write_end)
            record: list[dict[str, Any]] = []

            def later() -> tuple[dict[str, Any], bytes]:
                return _told(read_end)

            def write(store: Path) -> None:
                record.append(fill(store, later))

            tmp = _tmp_for(key, os.getpid())
            code = 0 if publish(key, write, lambda: record[0], tmp=tmp) is not None else 1
        finally:
            os._exit(code)
    os.close(read_end)
    _WRITERS[pid] = _tmp_for(key, pid)
    return Aside(pid, write_end)


def _tmp_for(key: str, pid: int) -> Path:
    return cache_dir() / f"{_TMP_PREFIX}{key[:16]}-{pid}"


def _told(pipe: int) -> tuple[dict[str, Any], bytes]:
    """What the caller sent (:meth:`Aside.finish`); OSError when it closed the pipe first."""
    import pickle

    name = b""
    while chunk := os.read(pipe, 4096):
        name += chunk
    os.close(pipe)
    if not name:
        raise OSError("the command stopped before it sent the rest of the graph")
    path = Path(name.decode())
    try:
        with path.open("rb") as source:
            meta, payload = pickle.load(source)
    finally:
        path.unlink(missing_ok=True)
    return meta, payload


def remove(path: Path) -> None:
    """Take an entry away: renamed aside first, so no reader ever sees it half-deleted."""
    aside = path.with_name(f"{_TMP_PREFIX}gone-{path.name}-{os.getpid()}")
    try:
        os.rename(path, aside)
    except OSError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def entries() -> list[Path]:
    """Entry folders, the most recently used first."""
    folder = cache_dir()
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if (p / META).is_file() and not p.name.startswith(".")]
    return sorted(found, key=lambda p: (p / META).stat().st_mtime, reverse=True)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _prune(folder: Path, keep: Path) -> None:
    """Keep the most recently used entries within :data:`KEEP` and the byte budget; temp folders
    of killed writers older than an hour go too."""
    try:
        budget = _max_bytes()
        used = 0
        for index, path in enumerate(entries()):
            used += _size(path)
            if path != keep and (index >= KEEP or used > budget):
                remove(path)
        for stale in folder.glob(f"{_TMP_PREFIX}*"):
            if time.time() - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)
    except OSError:
        pass


def clear() -> int:
    """Remove every entry (and stray temp folders); the number of entries removed."""
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    found = entries()
    for path in found:
        remove(path)
    for stale in folder.glob(f"{_TMP_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    with contextlib.suppress(OSError):
        (folder / DIGESTS).unlink()
    return len(found)


def describe(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Each entry's key, size, last use and what it holds."""
    out = []
    for path in paths:
        try:
            meta = json.loads((path / META).read_text(encoding="utf-8"))
            used = (path / META).stat().st_mtime
            size = _size(path)
        except (OSError, ValueError):
            continue
        out.append(
            {
                "entry": str(path),
                "bytes": size,
                "used": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(used)),
                "asserted": meta.get("asserted"),
                "inferred": meta.get("inferred"),
                "reasoner": meta.get("reasoner"),
                "inputs": meta.get("inputs"),
            }
        )
    return out
