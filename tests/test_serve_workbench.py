"""The workbench ``ppo serve`` shows at ``/``, in process (Starlette's TestClient): every page and
asset answers, every page sends its Content-Security-Policy and references nothing on another
host, the role pages give the catalogue's rows, and hostile labels are escaped on every page.
The same pages in a real browser: tests/test_serve_workbench_browser.py."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from test_serve import make_client

from ppo_graph.engine import KnowledgeGraph
from ppo_graph.serve.app import create_app
from ppo_graph.serve.workbench.assets import ASSETS, CODEMIRROR_DIR
from ppo_graph.serve.workbench.markup import GRAPH_CSP, PAGE_CSP, h

PAGES = [
    "/",
    "/roles",
    "/roles/CapacityManagementProcessManager",
    "/roles/ProcessOwner",
    "/graph",
    "/validation",
    "/ontology",
]
ROLE = "Capacity Management Process Manager"
HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'
HOSTILE_TTL = f"""@prefix ppo: <https://w3id.org/ppo-graph/ontology#> .
@prefix ppod: <https://w3id.org/ppo-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/acme/> .
ex:Evil a ppo:ProcessOwnerRole ; rdfs:label {HOSTILE!r} ;
  ppo:specialises ppod:ProcessOwner ; ppo:actsInProcess ex:EvilProcess .
ex:EvilProcess a ppo:Process ; rdfs:label "<b>evil</b> process" .
ex:duty-1 a ppo:Duty ; ppo:isDutyOf ex:Evil ; ppo:verbatimText "</td></table><script>x()</script>" ;
  ppo:position 1 ; ppo:mentionsArtefact ex:Thing .
ex:Thing a ppo:Artefact ; rdfs:label "<i>thing</i>" .
"""


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def client(graph: KnowledgeGraph) -> TestClient:
    return make_client(graph)


class Links(HTMLParser):
    """Every URL a page would load or link to (src, href, action), and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in {"src", "href", "action", "srcset", "poster", "data"} and value:
                self.urls.append(value)
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def links(page: str) -> Links:
    parser = Links()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_its_csp_and_no_external_url(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert csp == (GRAPH_CSP if path == "/graph" else PAGE_CSP)
    assert "default-src 'none'" in csp and "http" not in csp
    found = links(response.text)
    external = [u for u in found.urls if u.startswith(("http:", "https:", "//"))]
    assert external == [], f"{path} references another host: {external}"
    if path != "/graph":  # the interface page inlines its script, as ppo viz writes it
        assert found.inline_scripts == 0
        for url in found.urls:
            if url.startswith("/assets/"):
                assert client.get(url).status_code == 200, url


def test_every_asset_is_served_and_codemirror_carries_its_licence(client: TestClient) -> None:
    for name, (path, media_type) in ASSETS.items():
        response = client.get(f"/assets/{name}")
        assert response.status_code == 200
        assert response.content == path.read_bytes()
        assert response.headers["content-type"] == media_type
    licence = (CODEMIRROR_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Marijn Haverbeke" in licence
    assert client.get("/assets/../../app.py").status_code == 404
    assert client.get("/assets/routes.py").status_code == 404


def test_the_editor_page_loads_codemirror_and_the_workbench_script(client: TestClient) -> None:
    page = client.get("/").text
    urls = links(page).urls
    assert urls.index("/assets/codemirror.js") < urls.index("/assets/codemirror-sparql.js")
    assert urls.index("/assets/codemirror-sparql.js") < urls.index("/assets/workbench.js")
    assert 'id="query"' in page and 'id="results"' in page and 'id="catalogue"' in page


def test_the_canned_query_text_for_the_editor(client: TestClient) -> None:
    response = client.get("/workbench/query-text/role-duties")
    assert response.status_code == 200
    assert response.text.startswith("# title: Duties of a role")
    assert client.get("/workbench/query-text/no-such-query").status_code == 404


def test_role_page_lists_the_catalogue_rows(client: TestClient, graph: KnowledgeGraph) -> None:
    page = client.get("/roles/CapacityManagementProcessManager").text
    duties = graph.ask("role-duties", role=ROLE)
    assert len(duties) > 20
    for duty in duties:  # own and inherited, each with its anchor
        assert f'id="{duty["duty"].split(":")[1]}"' in page
    assert (
        "Carrying out the generic process manager role for the capacity management process" in page
    )
    assert "<td>7.7</td><td>1</td>" in page  # section and bullet position
    assert "Capacity Plan" in page  # an artefact its duties mention
    assert 'id="interfaces"' in page and "Availability Management" in page
    assert page.count('href="/roles/ProcessManager"') >= 1  # inherited duties link to the holder
    assert "@media print" in client.get("/assets/workbench.css").text


def test_role_index_links_every_role(client: TestClient, graph: KnowledgeGraph) -> None:
    page = client.get("/roles").text
    for row in graph.ask("workbench-roles"):
        assert f'href="/roles/{row["role"].split(":")[1]}"' in page
    assert client.get("/roles/NoSuchRole").status_code == 404


def test_the_interface_graph_is_the_page_ppo_viz_writes(client: TestClient) -> None:
    page = client.get("/graph").text
    assert "cytoscape" in page.lower() and "__DATA__" not in page
    assert '"view":"interfaces"' in page


def test_validation_page_gives_the_verdict_of_validate_checks(client: TestClient) -> None:
    page = client.get("/validation").text
    assert 'id="verdict" class="ok"' in page and "the SHACL shapes and the checks" in page


def test_ontology_documentation_has_a_section_per_term(client: TestClient) -> None:
    page = client.get("/ontology").text
    assert 'id="Role"' in page and 'id="carriesDuty"' in page and 'id="verbatimText"' in page
    assert "https://w3id.org/ppo-graph/ontology#Duty" in page
    role = page[page.index('id="ProcessOwnerRole"') :][:3000]
    assert "super-class" in role and 'href="#Role"' in role
    assert "domain" in page[page.index('id="hasDuty"') :][:3000]


def test_hostile_labels_are_escaped_on_every_page(tmp_path: Path) -> None:
    extra = tmp_path / "hostile.ttl"
    extra.write_text(HOSTILE_TTL, encoding="utf-8")
    hostile = KnowledgeGraph.open([extra], cache=False)
    with TestClient(create_app(hostile)) as client:
        for path in ["/roles", "/roles/Evil", "/validation", "/ontology"]:
            response = client.get(path)
            assert response.status_code == 200, path
            page = response.text
            for raw in (
                "<script>alert",
                "<img src=x",
                "<b>evil",
                "<i>thing",
                "</td></table><script>",
            ):
                assert raw not in page, (path, raw)
        role = client.get("/roles/Evil").text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;img" in role
        assert "&lt;/td&gt;&lt;/table&gt;&lt;script&gt;x()&lt;/script&gt;" in role
        assert "&lt;i&gt;thing&lt;/i&gt;" in role
        assert links(role).inline_scripts == 0


def test_markup_escapes_attributes_and_text() -> None:
    made = h("a", {"href": '"><script>', "hidden": True, "title": None}, "<b>", h("i", None, "&"))
    assert made == '<a href="&quot;&gt;&lt;script&gt;" hidden>&lt;b&gt;<i>&amp;</i></a>'
