"""The package's import rules, read statically (``ast``) from every module under ppo_graph/:

* no import cycles between its modules;
* no command module (``ppo_graph/cli/*.py``) imports another (they share :mod:`ppo_graph.cli.common`,
  which is not a command module);
* no module outside ``ppo_graph/backends/reference/`` imports rdflib, owlrl or pySHACL, and none
  but the registry (:mod:`ppo_graph.backends`) imports the reference backend: the production
  path reaches it only through ``reference_backend()``.

And the last rule checked by running the commands: ``ppo interfaces``, ``ppo viz``, ``ppo query``,
``ppo validate``, ``ppo stats`` and ``ppo raci`` on the shipped graph leave none of those three
libraries in ``sys.modules``.

What counts as an import: every ``import`` and ``from ... import`` at module level *and* inside
functions (a lazy import that closes a cycle is still a cycle: it only moves the failure to the
first call). Imports under ``if TYPE_CHECKING:`` are left out: they never run, and an annotation
(``from __future__ import annotations``) may name a type of a module that imports this one.

How a name is resolved: relative imports are made absolute; ``from pkg import mod`` is an import of
the module ``pkg.mod`` when there is one, otherwise of ``pkg`` (a package means its
``__init__``); ``import a.b.c`` and ``from a.b.c import name`` are imports of ``a.b.c`` only, not of
the parent packages Python also initialises on the way (a package's ``__init__`` importing its
own submodules would otherwise make every package a cycle). Only modules of ppo_graph count.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "ppo_graph"
#: The command modules' shared helpers: every command module may import it.
CLI_SHARED = {"ppo_graph.cli.common"}
#: The reference backend's libraries, and the one package that may import them.
REFERENCE_LIBRARIES = frozenset({"rdflib", "owlrl", "pyshacl"})
REFERENCE_BACKEND = "ppo_graph.backends.reference"
#: The registry: the one module outside the reference backend that imports it.
REGISTRY = "ppo_graph.backends"


def _modules(package_dir: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package's ``__init__``), for every .py file."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        found[".".join(parts)] = (path, is_package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth (functions, classes, try blocks), except the body of
    an ``if TYPE_CHECKING:`` (its ``else`` runs, and counts)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
        else:
            yield from _imports(node)


def _owner(name: str, modules: dict[str, tuple[Path, bool]]) -> str | None:
    """The module a dotted name is (or is defined in): its longest prefix that is a module."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(package_dir: Path) -> nx.DiGraph:
    """importer -> imported, between the package's modules; each edge keeps its line numbers."""
    modules = _modules(package_dir)
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, (path, is_package) in modules.items():
        here = name if is_package else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [_owner(alias.name, modules) for alias in node.names]
            else:
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in modules else _owner(source, modules))
            for target in targets:
                if target and target != name:
                    lines = (
                        graph.edges[name, target]["lines"] if graph.has_edge(name, target) else []
                    )
                    graph.add_edge(name, target, lines=[*lines, node.lineno])
    return graph


def cycles(graph: nx.DiGraph) -> list[list[str]]:
    """Every import cycle, each as its modules in import order from the first by name (the
    shortest cycles first)."""
    found = []
    for cycle in nx.simple_cycles(graph):
        start = cycle.index(min(cycle))
        found.append([*cycle[start:], *cycle[:start]])
    return sorted(found, key=lambda c: (len(c), c))


def _describe(graph: nx.DiGraph, cycle: list[str]) -> str:
    steps = []
    for at, module in enumerate(cycle):
        target = cycle[(at + 1) % len(cycle)]
        lines = ", ".join(str(n) for n in graph.edges[module, target]["lines"])
        steps.append(f"{module} (line {lines}) -> {target}")
    return "\n  ".join(steps)


def cli_command_imports(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """(command module, command module it imports) for every command module (``ppo_graph.cli.*``,
    not the dispatcher ``ppo_graph.cli`` itself) importing another."""

    def is_command(name: str) -> bool:
        return name.startswith("ppo_graph.cli.") and name not in CLI_SHARED

    return sorted((a, b) for a, b in graph.edges if is_command(a) and is_command(b))


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _imported_names(node: ast.AST) -> Iterator[str]:
    """The absolute names an import statement, or an ``importlib.import_module("...")`` /
    ``__import__("...")`` call with a literal name, imports (relative imports are the
    package's own: they name no library)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if not node.level and node.module:
            yield node.module
    elif isinstance(node, ast.Call) and node.args:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        value = first.value if isinstance(first, ast.Constant) else None
        if name in ("import_module", "__import__") and isinstance(value, str):
            yield value


def _imports_and_calls(tree: ast.AST) -> Iterator[ast.AST]:
    """Every import statement (as :func:`_imports` finds them) and every call, at any depth,
    outside ``if TYPE_CHECKING:`` bodies."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports_and_calls(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Call):
            yield node
        yield from _imports_and_calls(node)


def reference_library_imports(package_dir: Path) -> list[tuple[str, str, int]]:
    """(module, library, line) for every import of rdflib, owlrl or pySHACL (at any depth, a
    function's lazy import too; not under ``if TYPE_CHECKING:``) by a module outside the
    reference backend."""
    found = []
    for name, (path, _is_package) in _modules(package_dir).items():
        if _inside(name, REFERENCE_BACKEND):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in _imports_and_calls(tree):
            for imported in _imported_names(node):
                library = imported.split(".")[0]
                if library in REFERENCE_LIBRARIES:
                    found.append((name, library, getattr(node, "lineno", 0)))
    return sorted(found)


def reference_backend_importers(graph: nx.DiGraph) -> list[tuple[str, str]]:
    """(importer, reference module) for every module but the registry (and the reference
    backend's own) that imports the reference backend."""
    return sorted(
        (a, b)
        for a, b in graph.edges
        if _inside(b, REFERENCE_BACKEND) and not _inside(a, REFERENCE_BACKEND) and a != REGISTRY
    )


@pytest.fixture(scope="module")
def package_graph() -> nx.DiGraph:
    return import_graph(PACKAGE_DIR)


def test_the_graph_sees_the_package(package_graph: nx.DiGraph) -> None:
    """The control: the graph holds the modules and some known edges (module level, relative,
    lazy, a package's ``__init__``), so an empty graph cannot pass the rules below."""
    assert "ppo_graph.engine" in package_graph  # engine/__init__.py
    assert package_graph.has_edge(
        "ppo_graph.cli.raci", "ppo_graph.org.matrix_formats"
    )  # module level
    assert package_graph.has_edge("ppo_graph.engine", "ppo_graph.engine.isolation")  # from . import
    assert package_graph.has_edge(
        "ppo_graph.engine.protocol", "ppo_graph.backends.fast.sparql"
    )  # inside a method
    assert package_graph.has_edge("ppo_graph.cli.core", "ppo_graph.cli.common")


def test_no_import_cycles(package_graph: nx.DiGraph) -> None:
    found = cycles(package_graph)
    assert not found, f"{len(found)} import cycle(s) in ppo_graph:\n" + "\n".join(
        f"- {' -> '.join([*c, c[0]])}\n  {_describe(package_graph, c)}" for c in found
    )


def test_no_cli_command_module_imports_another(package_graph: nx.DiGraph) -> None:
    found = cli_command_imports(package_graph)
    assert not found, (
        "command modules import each other (move what they share into "
        "ppo_graph.cli.common or the library module it belongs to): "
        + ", ".join(f"{a} -> {b}" for a, b in found)
    )


def test_no_module_outside_the_reference_backend_imports_its_libraries() -> None:
    found = reference_library_imports(PACKAGE_DIR)
    assert not found, (
        "rdflib, owlrl and pySHACL belong to ppo_graph/backends/reference/ (reach them through "
        "ppo_graph.backends.reference_backend()): "
        + ", ".join(f"{module} (line {line}) imports {library}" for module, library, line in found)
    )


def test_only_the_registry_imports_the_reference_backend(package_graph: nx.DiGraph) -> None:
    assert package_graph.has_edge(REGISTRY, "ppo_graph.backends.reference.reason")  # the control
    found = reference_backend_importers(package_graph)
    assert not found, (
        "the reference backend is reached through ppo_graph.backends.reference_backend(): "
        + ", ".join(f"{a} -> {b}" for a, b in found)
    )


#: The commands that read the shipped graph through the engine alone, as a user runs them.
ENGINE_COMMANDS = (
    ["interfaces"],
    ["interfaces", "--metrics", "--format", "json"],
    ["viz", "--out", "{tmp}/ppo-interfaces.html"],
    ["viz", "--view", "roles", "--format", "dot", "--out", "{tmp}/roles.gv"],
    ["query", "roles"],
    ["validate"],
    ["stats"],
    ["raci"],
)

_CHILD = """
import contextlib, io, json, sys
from ppo_graph import cli
libraries = {libraries!r}
report = []
for argv in {commands!r}:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli.main(argv)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in libraries)
    report.append({{"argv": argv, "code": code, "loaded": loaded[:5], "count": len(loaded)}})
print(json.dumps(report))
"""


def test_the_commands_load_no_reference_library(tmp_path: Path) -> None:
    """One fresh process runs each command in turn on the shipped graph (the first reasons it
    and fills an empty cache, the others read the cache) and reports, after each, which modules
    of rdflib, owlrl and pySHACL are loaded: none may be."""
    commands = [[arg.format(tmp=tmp_path) for arg in argv] for argv in ENGINE_COMMANDS]
    code = _CHILD.format(libraries=sorted(REFERENCE_LIBRARIES), commands=commands)
    env = {**os.environ, "PPO_CACHE_DIR": str(tmp_path / "cache"), "PPO_QUIET": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [r["argv"] for r in report] == commands
    assert [r["code"] for r in report] == [0] * len(commands), report  # each did its work
    assert (tmp_path / "ppo-interfaces.html").stat().st_size > 100_000
    assert (tmp_path / "roles.gv").read_text(encoding="utf-8").startswith("digraph")
    first = next((r for r in report if r["count"]), None)
    assert first is None, f"ppo {' '.join(first['argv'])} loaded {first['count']} modules: {first}"


def test_a_command_that_loads_a_reference_library_is_caught(tmp_path: Path) -> None:
    """The dynamic check can fail: the same child, with a command that uses the reference
    (``ppo validate --shacl pyshacl``), reports pySHACL and rdflib loaded."""
    code = _CHILD.format(
        libraries=sorted(REFERENCE_LIBRARIES), commands=[["validate", "--shacl", "pyshacl"]]
    )
    env = {**os.environ, "PPO_CACHE_DIR": str(tmp_path / "cache"), "PPO_QUIET": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    assert report["code"] == 0 and report["count"] > 0
    assert {m.split(".")[0] for m in report["loaded"]} <= REFERENCE_LIBRARIES


# -- the detector can fail ---------------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "ppo_graph"


def test_the_detector_finds_a_cycle_closed_by_a_lazy_import(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "ppo_graph/__init__.py": "",
            "ppo_graph/a.py": "from .b import thing\n",
            "ppo_graph/b.py": "def thing():\n    from . import c\n",
            "ppo_graph/c.py": "from ppo_graph.a import thing\n",
            "ppo_graph/sub/__init__.py": "from .. import a\n",
            "ppo_graph/cli/__init__.py": "from . import one, two\n",
            "ppo_graph/cli/one.py": "from .common import x\n\ndef f():\n    from .two import y\n",
            "ppo_graph/cli/two.py": "from ppo_graph.cli.common import x\n",
            "ppo_graph/cli/common.py": "x = 1\n",
        },
    )
    graph = import_graph(package)
    assert cycles(graph) == [["ppo_graph.a", "ppo_graph.b", "ppo_graph.c"]]
    assert graph.has_edge("ppo_graph.sub", "ppo_graph.a")
    assert cli_command_imports(graph) == [("ppo_graph.cli.one", "ppo_graph.cli.two")]
    with pytest.raises(AssertionError, match=r"ppo_graph\.a -> ppo_graph\.b -> ppo_graph\.c"):
        test_no_import_cycles(graph)
    with pytest.raises(AssertionError, match=r"ppo_graph\.cli\.one -> ppo_graph\.cli\.two"):
        test_no_cli_command_module_imports_another(graph)


def test_the_detector_leaves_out_type_checking_imports(tmp_path: Path) -> None:
    package = _write(
        tmp_path,
        {
            "ppo_graph/__init__.py": "",
            "ppo_graph/a.py": "from .b import B\n",
            "ppo_graph/b.py": (
                "import typing\nfrom typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .a import A\n"
                "if typing.TYPE_CHECKING:\n    import ppo_graph.a\n"
                "else:\n    from . import c\n"
            ),
            "ppo_graph/c.py": "import ppo_graph.a.nothing\n",
        },
    )
    graph = import_graph(package)
    assert not graph.has_edge("ppo_graph.b", "ppo_graph.a")
    assert cycles(graph) == [["ppo_graph.a", "ppo_graph.b", "ppo_graph.c"]]  # through the else


def test_the_detector_finds_reference_imports_outside_the_reference_backend(
    tmp_path: Path,
) -> None:
    package = _write(
        tmp_path,
        {
            "ppo_graph/__init__.py": "",
            "ppo_graph/lazy.py": "def f():\n    from rdflib.plugins.sparql import prepareQuery\n",
            "ppo_graph/top.py": "import owlrl\nimport rdflibx\n",
            "ppo_graph/dynamic.py": "import importlib\nimportlib.import_module('pyshacl')\n",
            "ppo_graph/typed.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from rdflib import Graph\n    import pyshacl\n"
            ),
            "ppo_graph/backends/__init__.py": (
                "def reference_backend():\n    from ppo_graph.backends.reference import load\n"
            ),
            "ppo_graph/backends/reference/__init__.py": "",
            "ppo_graph/backends/reference/load.py": "import rdflib\nimport pyshacl\n",
            "ppo_graph/engine.py": (
                "def reason():\n    from ppo_graph.backends.reference.load import x\n"
            ),
        },
    )
    assert reference_library_imports(package) == [
        ("ppo_graph.dynamic", "pyshacl", 2),
        ("ppo_graph.lazy", "rdflib", 2),
        ("ppo_graph.top", "owlrl", 1),
    ]
    graph = import_graph(package)
    assert reference_backend_importers(graph) == [
        ("ppo_graph.engine", "ppo_graph.backends.reference.load")
    ]
