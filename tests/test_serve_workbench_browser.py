"""The workbench end to end in Debian's chromium, driven by Playwright for Python with the system
browser (no browser download): a real ``ppo serve examples/org/org.ttl`` on a free loopback port,
the editor page, a canned query from the catalogue with its expected rows, sorting, role pages
with who holds the role today (and the notice for a role nobody holds) and the interface graph. Every request the page makes is recorded and must stay on 127.0.0.1; no console error
(a Content-Security-Policy violation is one) may appear."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import ROOT, require_module, require_tool
from test_serve_live import ppo_serve

from ppo_graph.engine import KnowledgeGraph

pytestmark = [pytest.mark.needs_tool, pytest.mark.slow]
ROLE = "Demand Management Process Owner"
ORG = ROOT / "examples" / "org" / "org.ttl"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with ppo_serve(tmp_path_factory.mktemp("workbench") / "stderr.txt", str(ORG)) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(base: str) -> Iterator[tuple[Any, list[str], list[str]]]:
    chromium_path = require_tool("chromium", "apt-get install chromium")
    sync_api = require_module("playwright.sync_api", "pip install playwright (no browser download)")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=127.0.0.1"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.set_default_timeout(30_000)
            yield page, requests, errors
        finally:
            browser.close()


def test_workbench_in_chromium(
    base: str, browser_page: tuple[Any, list[str], list[str]], tmp_path: Path
) -> None:
    page, requests, errors = browser_page
    graph = KnowledgeGraph.open([ORG])
    expected = graph.ask("role-duties", role=ROLE)
    page.goto(f"{base}/")
    page.wait_for_selector(".CodeMirror")  # the vendored editor started
    assert page.locator(".CodeMirror .cm-keyword").count() > 0  # and highlights SPARQL

    # a canned query from the catalogue, with its parameter, gives the engine's rows
    page.click('#catalogue button[data-name="role-duties"]')
    page.select_option("#param-role", label=f"{ROLE} (ppod:DemandManagementProcessOwner)")
    page.click("#run-canned")
    page.wait_for_selector("#result-table tbody tr")
    assert page.locator("#result-table tbody tr").count() == len(expected)
    cells = page.locator("#result-table tbody tr td:nth-child(4)").all_inner_texts()
    assert cells == [row["text"] for row in expected]
    # sortable: a click on a column sorts by it, a second click reverses
    page.click('#result-table button[data-column="3"]')
    texts = page.locator("#result-table tbody tr td:nth-child(4)").all_inner_texts()
    assert texts == sorted(texts, key=lambda t: t.lower()) or texts != cells
    # CSV download of the shown result
    with page.expect_download() as caught:
        page.click("#download-csv")
    saved = tmp_path / "rows.csv"
    caught.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").splitlines()[0] == "duty,how,listedFor,text,caveat"

    # the editor's own query, through /sparql
    page.click("#edit-canned")
    page.wait_for_function(
        "() => document.querySelector('.CodeMirror').CodeMirror.getValue().includes('carriesDuty')"
    )
    page.evaluate(
        "() => document.querySelector('.CodeMirror').CodeMirror.setValue("
        "'PREFIX ppo: <https://w3id.org/ppo-graph/ontology#> SELECT (COUNT(*) AS ?n) { ?d a ppo:Duty }')"
    )
    page.click("#run")
    page.wait_for_function(
        "() => document.querySelector('#result-table th') && document.querySelector('#result-table th').textContent.startsWith('n')"
    )
    assert int(page.locator("#result-table tbody td").inner_text()) > 150

    # a role page, and the interface graph
    page.goto(f"{base}/roles")
    page.click(f"text={ROLE}")
    page.wait_for_selector("#own-duties")
    assert page.locator("h1").inner_text() == ROLE
    assert page.locator("#own-duties tbody tr").count() == sum(r["how"] == "own" for r in expected)
    holders = graph.ask("role-page-holders", role=ROLE)
    assert page.locator("#holders tbody tr td:first-child").all_inner_texts() == [
        row["name"] for row in holders
    ]
    assert holders and all(row["name"] for row in holders)
    page.goto(f"{base}/roles")  # the unheld role, flagged in the index and on its page
    unheld = page.locator("#roles tbody tr", has_text="Demand Management Process Manager")
    assert unheld.locator("td.unheld").inner_text() == "0: nobody holds it"
    unheld.locator("a").click()
    page.wait_for_selector("#unheld")
    assert page.locator("#unheld").inner_text().startswith("Nobody holds this role today.")
    assert page.locator("#holders").count() == 0
    page.goto(f"{base}/graph")
    page.wait_for_function("() => document.querySelectorAll('canvas').length > 0")
    for path in ("/validation", "/ontology"):
        page.goto(f"{base}{path}")
        page.wait_for_selector("main h1")

    assert errors == [], "\n".join(errors)
    hosts = {urlparse(url).hostname for url in requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, sorted(url for url in requests if "127.0.0.1" not in url)
    assert any(url.endswith("/assets/codemirror.js") for url in requests)
    assert shutil.which("chromium")


def test_quiz_in_chromium(base: str, browser_page: tuple[Any, list[str], list[str]]) -> None:
    """The quiz page (issue 22): answer four questions right, one wrong and leave one; the score
    says 4 / 6, each question is marked with its right answer and shows its explanation; Try
    again clears it all. Nothing is fetched from another host, no console error."""
    from ppo_graph.quiz import generate
    from ppo_graph.quiz.model import LETTERS

    page, requests, errors = browser_page
    expected = generate(KnowledgeGraph.open([ORG]), seed=4, count=6)
    page.goto(f"{base}/quiz?seed=4&count=6")
    page.wait_for_selector("#questions > li.question")
    items = page.locator("#questions > li.question")
    assert items.count() == 6
    assert page.locator(".explanation:visible").count() == 0  # hidden until checked
    for at, q in enumerate(expected[:4]):
        items.nth(at).locator(f'input[value="{q.letter}"]').check()
    wrong = next(LETTERS[i] for i in range(len(expected[4].options)) if i != expected[4].key)
    items.nth(4).locator(f'input[value="{wrong}"]').check()
    page.click("#check")
    page.wait_for_selector("#score:visible")
    assert page.locator("#score").inner_text() == "Score: 4 / 6"
    assert page.locator(".explanation").all_inner_texts() == [q.explanation for q in expected]
    classes = [items.nth(i).get_attribute("class") for i in range(6)]
    assert classes == ["question right"] * 4 + ["question wrong"] * 2
    verdicts = page.locator(".verdict").all_inner_texts()
    assert verdicts[:4] == ["Right."] * 4
    assert verdicts[4] == f"Wrong: the answer is {expected[4].letter}. {expected[4].answer}."
    assert verdicts[5].startswith("Not answered: the answer is ")
    page.click("#retry")
    assert page.locator("#score:visible").count() == 0
    assert page.locator(".explanation:visible").count() == 0
    assert page.locator("#questions input:checked").count() == 0

    assert errors == [], "\n".join(errors)
    hosts = {urlparse(url).hostname for url in requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
    assert any(url.endswith("/assets/quiz.js") for url in requests)


def test_assessment_in_chromium(
    base: str, browser_page: tuple[Any, list[str], list[str]], tmp_path: Path
) -> None:
    """The self-assessment page (issue 22): rate four of Demand Management's nine statements,
    see the scores the page computes, download the answers and score them with ppo assess
    score: the same figures, the ratings and evidence as given. Nothing from another host."""
    import csv
    import io
    import json
    from contextlib import redirect_stdout

    from ppo_graph.cli import main
    from ppo_graph.tables import unescape_cell

    page, requests, errors = browser_page
    page.goto(f"{base}/assess?process=Demand%20Management")
    page.wait_for_selector("#statements tr.statement")
    rows = page.locator("#statements tr.statement")
    assert rows.count() == 9  # 7.14's nine duties, none restated
    overall = page.locator("#overall")
    assert overall.inner_text() == (
        "Overall: mean - of 5 over 0 assessed statement(s) of 9 (0% coverage); 9 not assessed."
    )
    rated = {0: 1, 1: 3, 3: 2, 4: 4}
    for at, level in rated.items():
        rows.nth(at).locator(f'td.rating input[value="{level}"]').check()
    rows.nth(1).locator("input.evidence").fill('=SUM(A1), "minutes"')
    # by hand: (1 + 3 + 2 + 4) / 4 = 2.50 over 4 of 9 statements, 4 / 9 = 44%
    expected = (
        "Overall: mean 2.50 of 5 over 4 assessed statement(s) of 9 (44% coverage); 5 not assessed."
    )
    page.wait_for_function(f"() => document.getElementById('overall').textContent === {expected!r}")
    cells = page.locator("#by-process tbody tr td").all_inner_texts()
    assert cells == ["Demand Management", "2.50", "4", "9", "44%"]
    owner = page.locator("#by-role tbody tr", has_text="Demand Management Process Owner")
    assert owner.locator("td").all_inner_texts()[1:] == ["2.00", "2", "2", "100%"]  # (1+3)/2

    with page.expect_download() as caught:
        page.click("#download-csv")
    saved = tmp_path / "answers.csv"
    caught.value.save_as(saved)
    table = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"), newline="")))
    assert [r["rating"] for r in table] == ["1", "3", "", "2", "4", "", "", "", ""]
    assert unescape_cell(table[1]["evidence"]) == '=SUM(A1), "minutes"'
    assert table[1]["evidence"].startswith("'=")  # a spreadsheet will not run it
    text = io.StringIO()
    with redirect_stdout(text):
        assert main(["assess", "score", str(saved)]) == 0
    assert expected in text.getvalue()  # the command's figures are the page's
    text = io.StringIO()
    with redirect_stdout(text):
        assert main(["assess", "score", str(saved), "--format", "json"]) == 0
    scores = {(r["level"], r["label"]): r for r in json.loads(text.getvalue())}
    process = scores[("process", "Demand Management")]
    assert (process["mean"], process["assessed"], process["total"]) == ("2.5", "4", "9")

    assert errors == [], "\n".join(errors)
    hosts = {urlparse(url).hostname for url in requests if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
    assert any(url.endswith("/assets/assess.js") for url in requests)
