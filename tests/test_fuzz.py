"""Fuzzing the loader and ``ppo validate`` with mutated RDF made from the shipped files.

Turtle, N-Triples, JSON-LD and RDF/XML versions of a shipped section are truncated, bit-flipped,
given stray brackets and quotes, and nested deeply; every case must end, within a time bound,
with the loader's result or an InputError naming the file, and through the real command with
exit 0, 1 or 2, never a traceback and never a partial output file. Hypothesis runs a bounded
number of cases from a printed seed (``PPO_FUZZ_SEED`` replays one).
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest
from conftest import require_module
from rdflib import Graph

from ppo_graph.backends.fast.parse import triples
from ppo_graph.cli import main
from ppo_graph.errors import InputError
from ppo_graph.paths import data_dir

hypothesis = require_module("hypothesis")
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEED = int(os.environ.get("PPO_FUZZ_SEED") or random.SystemRandom().randrange(1 << 32))
#: (tests/conftest.py chooses the seed for the whole run and prints it in the header)
LOADER_CASES = int(os.environ.get("PPO_FUZZ_CASES", "150"))
COMMAND_CASES = max(LOADER_CASES // 20, 8)
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
COUNTS: dict[str, int] = {"loader": 0, "command": 0, "parsed": 0, "refused": 0}


def _seeds() -> dict[str, bytes]:
    graph = Graph()
    graph.parse(data_dir() / "sections" / "7.05-process-practitioner.ttl", format="turtle")
    return {ext: graph.serialize(format=fmt, encoding="utf-8") for ext, fmt in FORMATS.items()}


SEEDS = _seeds()
NOISE = [b"[", b"]", b"{", b"}", b"(", b")", b'"', b"'", b"<", b">", b".", b";", b"\\", b"\x00"]


@st.composite
def mutated(draw: Any) -> tuple[str, bytes]:
    ext = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[ext])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "nest", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(NOISE)) * draw(st.integers(1, 8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        else:  # deep nesting of whatever bracket the format uses
            depth = draw(st.sampled_from([50, 5_000, 100_000]))
            opener, closer = {"ttl": (b"[ <p:q> ", b"]"), "jsonld": (b"[", b"]")}.get(
                ext, (b"<a>", b"</a>")
            )
            data[at:at] = opener * depth + closer * draw(st.sampled_from([0, depth]))
    return ext, bytes(data)


def summary() -> str:
    """The line the test run ends with (tests/conftest.py prints it in the terminal summary)."""
    return (
        f"fuzz: seed {SEED} (replay with PPO_FUZZ_SEED={SEED}); {COUNTS['loader']} loader "
        f"cases ({COUNTS['parsed']} parsed, {COUNTS['refused']} refused with file and line), "
        f"{COUNTS['command']} `ppo validate` + `ppo build` cases"
    )


@seed(SEED)
@settings(
    max_examples=LOADER_CASES,
    deadline=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(case=mutated())
def test_loader_never_fails_other_than_with_an_input_error(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, bytes]
) -> None:
    ext, data = case
    path = tmp_path_factory.mktemp("fuzz") / f"case.{ext}"
    path.write_bytes(data)
    COUNTS["loader"] += 1
    try:
        list(triples(path))
        COUNTS["parsed"] += 1
    except InputError as err:
        COUNTS["refused"] += 1
        assert str(path) in str(err)


@seed(SEED)
@settings(
    max_examples=COMMAND_CASES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(case=mutated())
def test_validate_and_build_exit_cleanly(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, bytes]
) -> None:
    ext, data = case
    folder = tmp_path_factory.mktemp("fuzzcmd")
    path = folder / f"case.{ext}"
    path.write_bytes(data)
    COUNTS["command"] += 1
    assert main(["validate", "--no-cache", str(path)]) in (0, 1, 2)
    out = folder / "built.nt"
    code = main(["build", "--no-cache", "--out", str(out), str(path)])
    assert code in (0, 2)
    if code == 2:
        assert not out.exists(), "nothing written when the input is bad"
    else:
        Graph().parse(out, format="nt")  # complete, never half-written
    assert not list(folder.glob(".*.tmp"))


def test_fuzz_counts_add_up() -> None:
    assert COUNTS["loader"] == 0 or COUNTS["parsed"] + COUNTS["refused"] == COUNTS["loader"]
