"""The workbench's static files, shipped inside the package (``static/``): its own script and
stylesheet, and the vendored CodeMirror 5 (MIT, ``static/vendor/codemirror/LICENSE``). Only the
files named here are served, by a fixed name, so no path from a request reaches the disk."""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
CODEMIRROR_DIR = STATIC_DIR / "vendor" / "codemirror"

#: URL name under /assets/ -> (file, media type).
ASSETS: dict[str, tuple[Path, str]] = {
    "workbench.css": (STATIC_DIR / "workbench.css", "text/css; charset=utf-8"),
    "workbench.js": (STATIC_DIR / "workbench.js", "text/javascript; charset=utf-8"),
    "role.js": (STATIC_DIR / "role.js", "text/javascript; charset=utf-8"),
    "quiz.js": (STATIC_DIR / "quiz.js", "text/javascript; charset=utf-8"),
    "quiz.css": (STATIC_DIR / "quiz.css", "text/css; charset=utf-8"),
    "assess.js": (STATIC_DIR / "assess.js", "text/javascript; charset=utf-8"),
    "assess.css": (STATIC_DIR / "assess.css", "text/css; charset=utf-8"),
    "codemirror.js": (CODEMIRROR_DIR / "codemirror.js", "text/javascript; charset=utf-8"),
    "codemirror.css": (CODEMIRROR_DIR / "codemirror.css", "text/css; charset=utf-8"),
    "codemirror-sparql.js": (CODEMIRROR_DIR / "sparql.js", "text/javascript; charset=utf-8"),
    "codemirror-LICENSE.txt": (CODEMIRROR_DIR / "LICENSE", "text/plain; charset=utf-8"),
}


def asset(name: str) -> tuple[bytes, str] | None:
    """The bytes and media type of a named asset, or None for a name not in :data:`ASSETS`."""
    found = ASSETS.get(name)
    if found is None:
        return None
    path, media_type = found
    return path.read_bytes(), media_type
