"""The package's import rules, read statically (``ast``) from every module under ppo_graph/:

* no import cycles between its modules;
* no command module (``ppo_graph/cli/*.py``) imports another (they share :mod:`ppo_graph.cli.common`,
  which is not a command module).

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
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "ppo_graph"
#: The command modules' shared helpers: every command module may import it.
CLI_SHARED = {"ppo_graph.cli.common"}


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


@pytest.fixture(scope="module")
def package_graph() -> nx.DiGraph:
    return import_graph(PACKAGE_DIR)


def test_the_graph_sees_the_package(package_graph: nx.DiGraph) -> None:
    """The control: the graph holds the modules and some known edges (module level, relative,
    lazy, a package's ``__init__``), so an empty graph cannot pass the rules below."""
    assert "ppo_graph.engine" in package_graph  # engine/__init__.py
    assert package_graph.has_edge("ppo_graph.cli.core", "ppo_graph.engine")  # module level
    assert package_graph.has_edge("ppo_graph.engine", "ppo_graph.engine.isolation")  # from . import
    assert package_graph.has_edge(
        "ppo_graph.engine", "ppo_graph.backends.fast.sparql"
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
