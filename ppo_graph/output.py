"""Writing results: atomically (temp file + rename), so nothing is ever half-written."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ppo_graph.errors import InputError, UsageError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def clean_stale_temps(target: Path) -> list[Path]:
    """Remove the temp files that a killed writer of ``target`` left behind (their names carry
    the writer's process id; a live writer's file is left alone)."""
    removed = []
    for tmp in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
        parts = tmp.name[len(target.name) + 2 :].split(".")
        if parts and parts[0].isdigit() and not _alive(int(parts[0])):
            try:
                tmp.unlink()
                removed.append(tmp)
            except OSError:
                pass
    return removed


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def atomic_write(path: Path | str, content: str | bytes | list[bytes]) -> Path:
    """Write ``content`` to ``path`` via a temp file in the same folder and an atomic rename.

    A symbolic link is followed (its target is replaced, the link kept); anything that is not a
    regular file (a device, a pipe, a folder) is refused. The new file gets the mode an ordinary
    write would give it: the old file's mode, or 0666 less the umask. OS errors (permission
    denied, read-only or full disk) become an InputError naming the file.
    """
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise InputError(path, "is not a regular file; give a file name to write to")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(target, f"folder {folder} does not exist")
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~_umask()
    clean_stale_temps(target)
    chunks = [content.encode("utf-8")] if isinstance(content, str) else content
    if isinstance(chunks, bytes):
        chunks = [chunks]
    tmp: str | None = None
    try:
        prefix = f".{target.name}.{os.getpid()}."
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise InputError(target, f"cannot write: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return target


def _same_file(a: Path, b: Path) -> bool:
    """One file under two names: the same resolved path, or the same inode (a hard link)."""
    if a.resolve() == b.resolve():
        return True
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:  # one of them does not exist (yet): not the same file
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def refuse_overwriting(
    out: Path | str | None, inputs: Iterable[Path | str | None], option: str = "--out"
) -> None:
    """:class:`UsageError` (exit 2) when ``out`` is one of the ``inputs``: the same path however
    spelled (relative or absolute, through a symbolic link) or the same file under another name
    (a hard link). Call it before reading anything, so an input is never replaced by the output.
    ``None`` and ``-`` (standard output) are never a file."""
    if out is None or str(out) == "-":
        return
    target = Path(out)
    for given in inputs:
        if given is None or str(given) == "-":
            continue
        if _same_file(target, Path(given)):
            raise UsageError(
                f"{option} {out} is the input file {given}: writing it would overwrite the "
                "input; give another file name"
            )
