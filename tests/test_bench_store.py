"""``bench/store.py`` in small: a 1k-triple tenant catalogue on the Oxigraph server beside in
process (the whole run, 1M triples and 35k people on both stores, is by hand: see
bench/README.md). Every step gives a figure, and validate finds as many violations in the store
as here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

STORE = ROOT / "bench" / "store.py"


def test_store_bench_in_small(tmp_path: Path) -> None:
    raw = tmp_path / "raw.json"
    argv = ["--catalogue", "1k", "--org-people", "0", "--stores", "oxigraph", "--json", str(raw)]
    done = subprocess.run(
        [sys.executable, str(STORE), *argv, "--timeout", "300"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = json.loads(raw.read_text(encoding="utf-8"))
    assert [(r["where"], r["step"]) for r in rows] == [
        ("in process", "validate --checks (cold)"),
        ("in process", "validate --checks (warm)"),
        ("in process", "query role-duties (warm)"),
        ("Oxigraph server", "load"),
        ("Oxigraph server", "validate --checks --store"),
        ("Oxigraph server", "query role-duties --store"),
    ]
    assert all(r["s"] > 0 and r["rss"] > 0 and r["triples"] > 6000 for r in rows)
    assert rows[0]["violations"] == rows[4]["violations"] is not None
    assert rows[3]["server_rss"] > 0
    assert "| tenant catalogue, 1k triples |" in done.stdout
