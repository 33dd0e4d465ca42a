"""The naive reference pipeline the benchmark compares ``ppo`` with.

What anyone would write with the reference libraries and nothing else: parse the same Turtle
files with rdflib, expand the OWL RL closure with owlrl (the same settings as
``ppo_graph/backends/reference/reason.py``), then either validate with pySHACL against the same shapes or run the
same ``.rq`` file with rdflib (parameters at their declared defaults, bound with
``initBindings``). No cache, no ppo_graph import: it is the "before" of the speed-up.

    python bench/naive.py validate [EXTRA.ttl ...] [--root DIR]
    python bench/naive.py query NAME [EXTRA.ttl ...] [--root DIR]

``--root`` is the folder holding ``ontology/``, ``data/`` and ``queries/`` (default: the
repository this file sits in). Prints one line (conforms / number of rows); exit 1 when the
graph does not conform.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

PREFIXES = {
    "ppo": "https://w3id.org/ppo-graph/ontology#",
    "ppod": "https://w3id.org/ppo-graph/id/",
    "ppos": "https://w3id.org/ppo-graph/shapes#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
_PARAM_RE = re.compile(r'^#\s?param:\s*(\w+)\s*=\s*("[^"]*"|\S+)\s*\(([^)]*)\)')


def graph_files(root: Path) -> list[Path]:
    """The shipped graph: ontology/*.ttl except the shapes, and data/**/*.ttl."""
    onto = sorted(p for p in (root / "ontology").glob("*.ttl") if p.name != "shapes.ttl")
    return onto + sorted((root / "data").rglob("*.ttl"))


def parse(root: Path, extra: list[Path]) -> Any:
    """An rdflib graph of the shipped files plus ``extra``."""
    from rdflib import Graph

    graph = Graph()
    for path in [*graph_files(root), *extra]:
        graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return graph


def closure(graph: Any) -> Any:
    """owlrl's OWL RL closure, in place (the settings of ppo_graph/backends/reference/reason.py)."""
    import owlrl

    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics,
        rdfs_closure=False,
        axiomatic_triples=False,
        datatype_axioms=False,
    ).expand(graph)
    return graph


def load(root: Path, extra: list[Path]) -> Any:
    return closure(parse(root, extra))


def shacl(graph: Any, root: Path) -> bool:
    """pySHACL on ``graph`` against the shipped shapes; whether it conforms."""
    import pyshacl
    from rdflib import Graph

    shapes = Graph().parse(root / "ontology" / "shapes.ttl", format="turtle")
    conforms, _report, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    return bool(conforms)


def run_query(graph: Any, text: Any, bindings: dict[str, object]) -> list[Any]:
    """The rows of a query (text or prepared) with rdflib."""
    return list(graph.query(text, initBindings=bindings))


def defaults(text: str) -> dict[str, object]:
    """initBindings for the query's declared parameters, at their defaults."""
    from rdflib import Literal, URIRef

    bindings: dict[str, object] = {}
    for line in text.splitlines():
        match = _PARAM_RE.match(line)
        if not match:
            continue
        name, default, kind = match.groups()
        if default.startswith('"'):
            bindings[name] = Literal(default.strip('"'))
        elif kind.startswith("IRI"):
            prefix, _, local = default.partition(":")
            bindings[name] = URIRef(PREFIXES[prefix] + local)
        else:
            bindings[name] = Literal(default)
    return bindings


def find_query(root: Path, name: str) -> Path:
    for folder in ("questions", "checks", "reports"):
        path = root / "queries" / folder / f"{name}.rq"
        if path.exists():
            return path
    raise SystemExit(f"naive: no query {name!r} under {root / 'queries'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The naive rdflib + owlrl + pySHACL pipeline.")
    parser.add_argument("command", choices=("validate", "query"))
    parser.add_argument("args", nargs="*", help="validate: EXTRA files; query: NAME [EXTRA ...]")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    root: Path = args.root
    if args.command == "validate":
        conforms = shacl(load(root, [Path(p) for p in args.args]), root)
        print("conforms" if conforms else "does not conform")
        return 0 if conforms else 1
    if not args.args:
        parser.error("query needs a NAME")
    name, *extra = args.args
    text = find_query(root, name).read_text(encoding="utf-8")
    graph = load(root, [Path(p) for p in extra])
    rows = run_query(graph, text, defaults(text))
    print(f"{len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
