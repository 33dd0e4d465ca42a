"""The own-files examples (``examples/``) that the README and docs/ show work as shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ppo_graph.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_readme_names_the_examples_that_ship() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    named = set(re.findall(r"examples/([\w.-]+)", text))
    assert named == {p.name for p in EXAMPLES.iterdir()}


def test_the_extension_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLES / "acme-extension.ttl")]) == 0
    assert capsys.readouterr().out.startswith("Conforms:")


def test_the_user_query_runs_with_its_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["query", "--file", str(EXAMPLES / "duties-mentioning.rq")]
    argv += [str(EXAMPLES / "acme-extension.ttl"), "-p", "process=Availability Management"]
    assert main([*argv, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    analyst = [r for r in rows if r["role"] == "ACME Capacity Analyst"]
    # its own duty, and the Capacity Manager's availability duties it inherits
    assert "https://example.org/acme/duty-batch-window" in {r["duty"] for r in analyst}
    assert len(analyst) > 1
