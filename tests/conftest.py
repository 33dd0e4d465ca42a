"""Shared fixtures. Heavy results (the reasoned shipped graph) are computed once per session and
handed out as copies, so no test can mutate what another test sees."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from ppo_graph.load import load_graph
from ppo_graph.reason import Reasoned, reason

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
ROOT = TESTS.parent


def require_tool(command: str, install: str) -> str:
    """Path of a system tool, or skip naming what to install; under CI=true a missing tool fails."""
    found = shutil.which(command)
    if found:
        return found
    message = f"needs `{command}` on PATH: install it with `{install}`"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true, so this is a failure, not a skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def _shipped_reasoned() -> Reasoned:
    return reason(load_graph())


@pytest.fixture
def asserted_graph(_shipped_reasoned: Reasoned) -> Graph:
    """The shipped graph before reasoning (a copy)."""
    copy = Graph()
    for triple in _shipped_reasoned.asserted:
        copy.add(triple)
    return copy


@pytest.fixture
def reasoned(_shipped_reasoned: Reasoned) -> Reasoned:
    """The reasoned shipped graph (a copy; the session's original stays untouched)."""
    asserted, inferred = Graph(), Graph()
    for triple in _shipped_reasoned.asserted:
        asserted.add(triple)
    for triple in _shipped_reasoned.inferred:
        inferred.add(triple)
    return Reasoned(asserted, inferred, list(_shipped_reasoned.inconsistencies))


@pytest.fixture
def reasoned_union(reasoned: Reasoned) -> Graph:
    return reasoned.union()
