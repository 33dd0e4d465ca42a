"""The workbench's front page: the SPARQL editor (CodeMirror, vendored), the canned catalogue
and the results table; the page is a static shell that ``static/workbench.js`` fills from
``/queries``, ``/sparql`` and ``/queries/NAME``."""

from __future__ import annotations

from ppo_graph.serve.workbench.markup import h, page

EXAMPLE = """PREFIX ppo: <https://w3id.org/ppo-graph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?role ?label WHERE {
  ?role a ppo:Role ;
    rdfs:label ?label .
}
ORDER BY ?label
"""


def sparql_page(triples: int) -> str:
    body = h(
        "div",
        {"class": "workbench"},
        h(
            "aside",
            None,
            h("h2", None, "Canned queries"),
            h(
                "p",
                {"class": "hint"},
                "Pick one to run it with its parameters, or open it in the editor.",
            ),
            h("div", {"id": "catalogue"}, "loading the catalogue …"),
        ),
        h(
            "section",
            None,
            h("h1", None, "SPARQL"),
            h(
                "p",
                {"class": "hint"},
                f"Read-only, over the reasoned graph ({triples:,} triples). Ctrl-Enter runs the query.",
            ),
            h("div", {"id": "canned"}),
            h(
                "textarea",
                {"id": "query", "name": "query", "rows": "12", "aria-label": "SPARQL query"},
                EXAMPLE,
            ),
            h(
                "div",
                {"class": "toolbar"},
                h("button", {"type": "button", "id": "run"}, "Run query"),
                h("button", {"type": "button", "id": "download-csv"}, "Download CSV"),
                h("button", {"type": "button", "id": "download-json"}, "Download JSON"),
                h("span", {"id": "status", "role": "status"}),
            ),
            h("div", {"id": "results"}),
            h(
                "p",
                {"class": "hint"},
                "Editor: CodeMirror 5, MIT licence (",
                h("a", {"href": "/assets/codemirror-LICENSE.txt"}, "LICENSE"),
                ").",
            ),
        ),
    )
    return page(
        "ppo-graph workbench",
        body,
        active="/",
        scripts=["/assets/codemirror.js", "/assets/codemirror-sparql.js", "/assets/workbench.js"],
        styles=["/assets/codemirror.css"],
    )
