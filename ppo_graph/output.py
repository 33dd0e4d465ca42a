"""Writing results: atomically (temp file + rename), so nothing is ever half-written."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path | str, content: str | bytes) -> Path:
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
    data = content.encode("utf-8") if isinstance(content, str) else content
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
