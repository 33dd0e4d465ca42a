"""``bench/load.py``: 50 concurrent clients, 4 requests each, against a real ``ppo serve`` on a
loopback port: every request answered 200 (no timing is asserted); and a tiny series under runaway
queries, whose only errors may be 503 refusals."""

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


def test_runaway_series() -> None:
    """A tiny series: a row of latencies for 0 and 2 runaways and one after, only 503s."""
    done = subprocess.run(
        [
            sys.executable,
            str(LOAD),
            *("--clients", "5", "--requests", "5", "--one-row", "--runaway-series", "0,2"),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout)
    assert [r["label"] for r in results] == ["0", "2", "after"]
    assert [r["runaways"] for r in results] == [0, 2, 0]
    for result in results:
        assert result["requests"] == 25
        assert result["other_errors"] == 0, result["error_samples"]
        assert 0 < result["p50_ms"] <= result["p95_ms"]
    assert results[1]["runaway_answers"] >= 2
