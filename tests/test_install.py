"""A non-editable install works from any directory: ontology, data, shapes, queries and the
example organisation ship inside the wheel as package data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("ppo_graph-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return target


def test_wheel_contains_the_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    prefix = "ppo_graph/resources/"
    assert f"{prefix}ontology/ppo.ttl" in names
    assert f"{prefix}ontology/shapes.ttl" in names
    assert f"{prefix}data/source/ppo-roles-tutorial.txt" in names
    assert sum(n.startswith(f"{prefix}data/sections/") for n in names) == 12
    assert any(n.startswith(f"{prefix}queries/") and n.endswith(".rq") for n in names)
    for kind in ("questions", "checks", "reports"):
        assert any(n.startswith(f"{prefix}queries/{kind}/") and n.endswith(".rq") for n in names)
    for name in ("org.ttl", "people.csv", "raci.csv"):  # the example organisation ppo run uses
        assert f"{prefix}examples/org/{name}" in names
    assert not any(n.startswith(f"{prefix}examples/new-unit/") for n in names)
    assert "ppo_graph/viz/template.html" in names  # the page's template and its library
    assert "ppo_graph/viz/vendor/cytoscape.min.js" in names
    for asset in ("codemirror.js", "codemirror.css", "sparql.js", "LICENSE"):  # the workbench's
        assert f"ppo_graph/serve/workbench/static/vendor/codemirror/{asset}" in names
    assert "ppo_graph/serve/workbench/static/workbench.js" in names
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    script = installed / "bin" / "ppo"
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_installed_command_works_from_another_directory(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [sys.executable, "-c", "import ppo_graph.paths as p; print(p.resource_root())"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(installed)), "the test must exercise the installed copy"
    result = _run(installed, tmp_path, "stats")
    assert result.returncode == 0, result.stderr
    assert "duties" in result.stdout and "177" in result.stdout
    result = _run(installed, tmp_path, "interfaces", "--format", "csv")  # queries/reports/graph-*
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("interface,from,from_label,")
    result = _run(installed, tmp_path, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Conforms")


def test_installed_command_draws_the_page(installed: Path, tmp_path: Path) -> None:
    """The page's template and the vendored Cytoscape.js are found in the installed package."""
    result = _run(installed, tmp_path, "viz", "--out", "page.html")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    library = (installed / "ppo_graph" / "viz" / "vendor" / "cytoscape.min.js").read_text(
        encoding="utf-8"
    )
    assert library[:2000] in page and "__DATA__" not in page


def test_installed_package_serves_the_workbench_assets(installed: Path, tmp_path: Path) -> None:
    """The workbench's scripts, styles and vendored CodeMirror are found in the installed package."""
    script = (
        "from ppo_graph.serve.workbench.assets import ASSETS, STATIC_DIR, asset\n"
        "print(STATIC_DIR)\n"
        "print(all(asset(name) for name in ASSETS))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    )
    where, found = done.stdout.split()
    assert where.startswith(str(installed)) and found == "True"


def test_installed_run_reports_on_the_example_organisation(installed: Path, tmp_path: Path) -> None:
    """``ppo run`` finds the example organisation in the installed package, from any directory."""
    result = _run(installed, tmp_path, "run", "--out", "out")
    assert result.returncode == 0, result.stderr + result.stdout
    shipped = installed / "ppo_graph" / "resources" / "examples" / "org" / "org.ttl"
    assert shipped.is_file()
    report = (tmp_path / "out" / "org-validation.txt").read_text(encoding="utf-8")
    assert report.startswith("Does not conform: 20 result(s)")  # the deliberate gaps
    for name in ("raci-by-role.html", "raci-by-role.csv", "org-gaps.txt"):
        assert (tmp_path / "out" / name).stat().st_size > 1000, name
    assert "deliberate gaps, which do not fail the run" in " ".join(result.stdout.split())
