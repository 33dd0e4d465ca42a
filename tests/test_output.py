"""Outputs are written atomically, with ordinary permissions, through symlinks, never over
special files, and OS errors become messages."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ppo_graph.cli import main
from ppo_graph.errors import InputError
from ppo_graph.output import atomic_write


def test_new_file_gets_umask_mode_and_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = atomic_write(tmp_path / "fresh.txt", "a")
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o600)
        atomic_write(kept, "new")
        assert kept.read_text() == "new" and stat.S_IMODE(kept.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_symlink_is_followed_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "real.ttl"
    target.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_special_files_and_missing_folders_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        atomic_write(fifo, "x")
    with pytest.raises(InputError, match="does not exist"):
        atomic_write(tmp_path / "missing" / "x.ttl", "x")


def test_os_error_is_an_input_error() -> None:
    """/proc refuses new files even to root: the OSError becomes a message naming the file."""
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux /proc")
    with pytest.raises(InputError, match="cannot write"):
        atomic_write("/proc/ppo-graph-test.ttl", "x")


def test_os_error_in_a_command_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = tmp_path / "out.ttl"
    os.mkfifo(fifo)
    code = main(["build", "--out", str(fifo)])
    _, err = capsys.readouterr()
    assert code == 2 and "not a regular file" in err and "Traceback" not in err


def test_inconsistency_is_reported_in_every_validate_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    clash = tmp_path / "clash.ttl"
    clash.write_text(
        "@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://example.org/Both> a ppo:Role , ppo:ExternalRole ; rdfs:label 'Both' .\n"
    )
    for fmt, expected in (
        ("text", "inconsistency"),
        ("json", '"inconsistencies": ['),
        ("turtle", "# OWL RL inconsistency"),
    ):
        code = main(["validate", "--format", fmt, str(clash)])
        out, _ = capsys.readouterr()
        assert code == 1, fmt
        assert expected in out, fmt
