"""The cache of reasoned graphs, keyed by what went in.

The key is a SHA-256 over the package version, the reasoner's version, the options that change
the result, and the *contents* (not the names or dates) of every input file, shipped and the
user's. An entry is one N-Quads file (asserted and inferred triples in their two named graphs)
behind a one-line header that records its own checksum, written to a temp file and renamed into
place, so a reader sees a whole entry or none. Anything wrong with an entry (truncated, edited,
another version's) makes it a miss: the graph is rebuilt, never answered from a bad entry.

Where: ``$PPO_CACHE_DIR``, else the user's cache folder (platformdirs), else ``~/.cache/ppo-graph``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppo_graph import __version__

MAGIC = b"# ppo-graph cache v1 "
SUFFIX = ".nq"
#: Entries older than this many days, or beyond this many entries, are pruned on write.
KEEP = 32


def cache_dir() -> Path:
    env = os.environ.get("PPO_CACHE_DIR")
    if env:
        return Path(env)
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("ppo-graph", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "ppo-graph"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def key_for(files: Sequence[Path], options: dict[str, str]) -> str:
    """The cache key: versions, options and each input's format and content digest, in order."""
    digest = hashlib.sha256()
    digest.update(f"ppo-graph {__version__}\n".encode())
    for name, value in sorted(options.items()):
        digest.update(f"{name}={value}\n".encode())
    for path in files:
        digest.update(f"{path.suffix.lower()} {file_digest(path)}\n".encode())
    return digest.hexdigest()


@dataclass
class Entry:
    key: str
    meta: dict[str, Any]
    body: bytes


def path_for(key: str) -> Path:
    return cache_dir() / f"{key}{SUFFIX}"


def read(key: str) -> Entry | None:
    """The entry for ``key``, or None when there is none or it is damaged (then it is removed)."""
    path = path_for(key)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header, sep, body = data.partition(b"\n")
    try:
        if not sep or not header.startswith(MAGIC):
            raise ValueError("no header")
        meta = json.loads(header[len(MAGIC) :])
        if meta.get("key") != key or meta.get("sha256") != hashlib.sha256(body).hexdigest():
            raise ValueError("checksum")
        if meta.get("version") != __version__:
            raise ValueError("version")
    except ValueError:
        path.unlink(missing_ok=True)
        return None
    return Entry(key, meta, body)


def write(key: str, body: bytes, meta: dict[str, Any]) -> Path | None:
    """Store an entry atomically; a cache that cannot be written is skipped, not an error."""
    from ppo_graph.errors import InputError
    from ppo_graph.output import atomic_write

    folder = cache_dir()
    header = dict(meta, key=key, version=__version__, sha256=hashlib.sha256(body).hexdigest())
    line = MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path_for(key), [line, body])
    except (OSError, InputError):
        return None
    _prune(folder)
    return path_for(key)


def entries() -> list[Path]:
    folder = cache_dir()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)


def _prune(folder: Path) -> None:
    """Keep the newest entries (temp files of killed writers go at the next write)."""
    try:
        for stale in entries()[KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def clear() -> int:
    """Remove every entry (and stray temp files); the number of entries removed."""
    removed = 0
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    for path in [*folder.glob(f"*{SUFFIX}"), *folder.glob(".*.tmp")]:
        try:
            path.unlink()
            removed += path.suffix == SUFFIX
        except OSError:
            pass
    return removed


def describe(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Each entry's key, size, age and what it holds (from its header)."""
    out = []
    for path in paths:
        try:
            with path.open("rb") as handle:
                header = handle.readline()
            meta = json.loads(header[len(MAGIC) :]) if header.startswith(MAGIC) else {}
            stat = path.stat()
        except (OSError, ValueError):
            continue
        out.append(
            {
                "file": str(path),
                "bytes": stat.st_size,
                "modified": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stat.st_mtime)),
                "asserted": meta.get("asserted"),
                "inferred": meta.get("inferred"),
                "reasoner": meta.get("reasoner"),
                "inputs": meta.get("inputs"),
            }
        )
    return out
