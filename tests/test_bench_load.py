"""``bench/load.py``: 50 concurrent clients, 4 requests each, against a real ``ppo serve`` on a
loopback port: every request answered 200 (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LOAD = Path(__file__).resolve().parent.parent / "bench" / "load.py"


def test_fifty_clients_get_no_errors() -> None:
    done = subprocess.run(
        [sys.executable, str(LOAD), "--clients", "50", "--requests", "4", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["requests"] == 200
    assert result["errors"] == 0, result["error_samples"]
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"] <= result["max_ms"]


def test_only_loopback_urls() -> None:
    done = subprocess.run(
        [sys.executable, str(LOAD), "--url", "http://example.org:8000", "--requests", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "loopback" in done.stderr
