"""``--as-of DATE`` (issue 18): one definition of "current" (``ppo_graph.dates``) for the
organisation checks, ``ppo raci``, ``ppo org gaps`` and the organisation questions; the local
date by default; the date on every report. ``--as-of D`` must give what a clock faked to D
gives."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from pathlib import Path

import pytest

from ppo_graph import dates
from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.engine.answers import check_violations
from ppo_graph.org.gaps import gaps
from ppo_graph.org.raci import ROW_HEAD, build

ORG_TTL = Path(__file__).resolve().parent.parent / "examples" / "org" / "org.ttl"
# Kavya Rao was the Demand Manager until 2024-09-30; Hiro Tanaka, ISM owner since 2021, also
# took the ISM manager's post on 2024-02-01 (Ines Moreau held it until 2024-01-31).
BEFORE_THE_VACANCY = dt.date(2024, 9, 1)
AFTER_THE_VACANCY = dt.date(2024, 10, 1)
BEFORE_THE_CONFLICT = dt.date(2024, 1, 31)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.open([ORG_TTL], cache=False)


def _fake_clock(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(dates, "local_today", lambda: day)


def _checks(kg: KnowledgeGraph) -> set[tuple[str, str, str | None]]:
    return {(v.shape, v.focus, v.value) for v in check_violations(kg, organisation_only=True)}


@pytest.mark.parametrize("day", [BEFORE_THE_CONFLICT, BEFORE_THE_VACANCY, AFTER_THE_VACANCY])
def test_as_of_is_a_faked_clock(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch, day: dt.date
) -> None:
    with dates.as_of(day):
        checks = _checks(kg)
    found = gaps(kg, top=0, as_of=day)
    matrix = build(kg, "person", as_of=day)
    _fake_clock(monkeypatch, day)
    assert dates.current() == day
    assert _checks(kg) == checks  # the queries' default, "today", is the faked clock's date
    assert gaps(kg, top=0) == found
    assert build(kg, "person") == matrix
    assert {r["asOf"] for r in found} == {day.isoformat()} and matrix.as_of == day.isoformat()


def test_the_date_changes_the_answers(kg: KnowledgeGraph) -> None:
    def kinds(day: dt.date) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in gaps(kg, top=0, as_of=day):
            out[row["finding"]] = out.get(row["finding"], 0) + 1
        return out

    before, after = kinds(BEFORE_THE_VACANCY), kinds(AFTER_THE_VACANCY)
    assert "unheld role" not in before and "uncovered duty" not in before
    assert after["unheld role"] == 1 and after["uncovered duty"] == 16
    with dates.as_of(BEFORE_THE_CONFLICT):
        shapes = {shape.rsplit("/", 1)[-1] for shape, _, _ in _checks(kg)}
    assert "org-segregation-violation.rq" not in shapes  # Hiro held one ISM role then
    with dates.as_of(AFTER_THE_VACANCY):
        shapes = {shape.rsplit("/", 1)[-1] for shape, _, _ in _checks(kg)}
    assert {"org-segregation-violation.rq", "org-role-unheld-violation.rq"} <= shapes
    # the RACI: the Demand Manager is a column only while Kavya Rao holds the post
    assert "Kavya Rao" in build(kg, "person", as_of=BEFORE_THE_VACANCY).columns
    assert "Kavya Rao" not in build(kg, "person", as_of=AFTER_THE_VACANCY).columns


def test_the_default_is_the_local_date(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    # not UTC: a clock just after local midnight, where UTC is still the day before, reads today
    local = dt.date(2024, 10, 1)
    _fake_clock(monkeypatch, local)
    assert dates.params(None) == {"asOf": "2024-10-01"}
    rows = kg.rows("org-current-members", text=True)
    assert rows == kg.rows("org-current-members", {"asOf": "2024-10-01"}, text=True)
    assert "p11" not in {r["person"] for r in rows}  # Kavya Rao left on 2024-09-30


def test_the_organisation_questions_take_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["query", "team-duties", str(ORG_TTL), "-p", "team=Demand", "--format", "csv"]
    assert main([*argv, "--as-of", BEFORE_THE_VACANCY.isoformat()]) == 0
    before = {r["duty"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert main([*argv, "--param", f"asOf={AFTER_THE_VACANCY}"]) == 0
    after = {r["duty"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert "ppod:duty-7.14-03" in before and "ppod:duty-7.14-03" not in after
    assert main(["query", "roles", "--as-of", "2024-01-01"]) == 2
    assert "--as-of: query 'roles' does not read the organisation" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", str(ORG_TTL)],
        ["raci", str(ORG_TTL)],
        ["org", "gaps", str(ORG_TTL)],
        ["query", "team-duties", str(ORG_TTL)],
    ],
)
@pytest.mark.parametrize("bad", ["2024-02-30", "01/10/2024", "tomorrow"])
def test_a_bad_date_names_the_option_and_the_form(
    argv: list[str], bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--as-of", bad])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--as-of" in err and "YYYY-MM-DD" in err


def test_every_report_shows_its_date(capsys: pytest.CaptureFixture[str]) -> None:
    day = AFTER_THE_VACANCY.isoformat()
    assert main(["org", "gaps", str(ORG_TTL), "--as-of", day, "--top", "1"]) == 0
    assert capsys.readouterr().out.startswith(f"As of {day}: memberships current then.")
    assert main(["org", "gaps", str(ORG_TTL), "--as-of", day, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["asOf"] for r in rows} == {day}
    assert main(["org", "gaps", str(ORG_TTL), "--as-of", day, "--format", "json"]) == 0
    assert {r["asOf"] for r in json.loads(capsys.readouterr().out)} == {day}
    assert main(["validate", str(ORG_TTL), "--as-of", day]) == 1
    out = capsys.readouterr().out
    assert f"Organisation checked as of {day} (memberships current then)." in out
    assert main(["validate", str(ORG_TTL), "--as-of", day, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["asOf"] == day
    # before the vacancy and the conflict, only Availability's two and continuity's no
    # Accountable remain: still exit 1
    assert main(["validate", str(ORG_TTL), "--as-of", BEFORE_THE_CONFLICT.isoformat()]) == 1
    out = capsys.readouterr().out
    assert "incompatible" not in out and "Demand Management Process Manager today" not in out


def test_ahead_lists_what_starts_within_the_window(kg: KnowledgeGraph) -> None:
    # two weeks before Kavya Rao leaves: the vacancy starts on 2024-10-01, the day after
    rows = gaps(kg, top=0, as_of=dt.date(2024, 9, 15), ahead=30)
    soon = [r for r in rows if r["finding"].startswith("upcoming")]
    assert {r["starts"] for r in soon} == {"2024-10-01"}
    assert [r["item"] for r in soon if r["finding"] == "upcoming unheld role"] == [
        "ppod:DemandManagementProcessManager"
    ]
    # what starts is what the day itself reports
    on_the_day = gaps(kg, top=0, as_of=AFTER_THE_VACANCY)
    assert [(r["item"], r["label"]) for r in soon if r["finding"] == "upcoming uncovered duty"] == [
        (r["item"], r["label"]) for r in on_the_day if r["finding"] == "uncovered duty"
    ]
    # a window that ends the day before sees nothing; nor does no window
    assert not [
        r
        for r in gaps(kg, top=0, as_of=dt.date(2024, 9, 15), ahead=15)
        if r["finding"].startswith("upcoming")
    ]
    assert not [r for r in gaps(kg, top=0, as_of=dt.date(2024, 9, 15)) if r["starts"]]


def test_ahead_warns_of_a_segregation_conflict_that_starts_tomorrow(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["org", "gaps", str(ORG_TTL), "--as-of", "2024-01-31", "--format", "json"]
    assert main([*argv, "--ahead", "1"]) == 0
    rows = json.loads(capsys.readouterr().out)
    conflicts = [r for r in rows if r["finding"] == "upcoming segregation conflict"]
    assert [(r["starts"], r["item"]) for r in conflicts] == [
        ("2024-02-01", "https://example.org/bank/person/p08")
    ]
    assert "Hiro Tanaka holds both" in conflicts[0]["label"]
    assert all(r["asOf"] == "2024-01-31" for r in rows)
    assert main([*argv[:-2], "--ahead", "1"]) == 0
    out = capsys.readouterr().out
    assert "upcoming segregation conflict: 1" in out and "2024-02-01" in out
    assert main([*argv, "--ahead", "-1"]) == 2
    assert "--ahead" in capsys.readouterr().err


# -- the date on every report (issue 18) ---------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """A local clock faked to a day that is neither --as-of's nor the real one: after Kavya Rao
    left, the Demand Manager's post vacant."""
    day = dt.date(2024, 10, 5)
    _fake_clock(monkeypatch, day)
    return day


def _raci(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["raci", str(ORG_TTL), "--by", "person", *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("given", [None, BEFORE_THE_VACANCY])
def test_every_raci_output_shows_its_date(
    clock: dt.date, given: dt.date | None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    day = (given or clock).isoformat()  # --as-of's date, else the local date
    option = ["--as-of", day] if given else []
    for fmt in ("table", "md"):
        lines = _raci(capsys, "--format", fmt, *option).splitlines()
        assert lines[0] == f"As of {day}: memberships current then." and lines[1] == "", fmt
    rows = list(csv.DictReader(io.StringIO(_raci(capsys, "--format", "csv", *option))))
    assert rows and {r["asOf"] for r in rows} == {day}
    assert list(rows[0])[: len(ROW_HEAD) + 1] == [*ROW_HEAD, "asOf"]  # then the matrix's
    assert ("Kavya Rao" in rows[0]) is (given is not None)  # she left on 2024-09-30
    excel = _raci(capsys, "--format", "csv", "--excel", *option).removeprefix("\ufeff")
    dated = list(csv.DictReader(io.StringIO(excel, newline="")))
    assert {r["asOf"] for r in dated} == {"'" + day}  # a date Excel would convert: text
    page = tmp_path / "raci.html"
    _raci(capsys, "--format", "html", "--out", str(page), *option)
    text = page.read_text(encoding="utf-8")
    assert f'<p id="as-of">As of <time datetime="{day}">{day}</time>.</p>' in text
    rule = text[text.index('<p id="rule">') :].split("</p>", 1)[0]
    assert f"holds on {day}" in rule and f"current on {day}" in rule and "today" not in rule
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "raci.xlsx"
    _raci(capsys, "--format", "xlsx", "--out", str(book), *option)
    workbook = openpyxl.load_workbook(book)
    assert workbook.properties.title.endswith(f"as of {day}")
    legend = {r[0]: r[1:] for r in workbook["Legend"].iter_rows(values_only=True) if r[0]}
    assert legend["as of"][0] == day and f"current on {day}" in legend["cell"][1]


@pytest.mark.parametrize("given", [None, AFTER_THE_VACANCY])
def test_validate_reports_say_the_date_in_every_format(
    clock: dt.date, given: dt.date | None, capsys: pytest.CaptureFixture[str]
) -> None:
    day = (given or clock).isoformat()
    option = ["--as-of", day] if given else []
    assert main(["validate", str(ORG_TTL), *option]) == 1
    out = capsys.readouterr().out
    assert out.endswith(f"\nOrganisation checked as of {day} (memberships current then).\n")
    # the check's own message says the date, not "today"
    unheld = [line for line in out.splitlines() if "nobody holds the role" in line]
    assert unheld and all(f"Demand Management Process Manager as of {day}:" in x for x in unheld)
    assert main(["validate", str(ORG_TTL), "--format", "json", *option]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["asOf"] == day
    assert f"as of {day}" in json.dumps(data)
    assert main(["validate", str(ORG_TTL), "--format", "turtle", *option]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"# Organisation checked as of {day} (memberships current then)."
    assert f"problem(s) as of {day}" in err
    from rdflib import Graph

    assert len(Graph().parse(data=out, format="turtle")) > 0  # the comment keeps it Turtle


def test_the_shipped_graph_alone_gets_no_organisation_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--format", "turtle"]) == 0
    assert not capsys.readouterr().out.startswith("#")


@pytest.mark.parametrize("given", [None, BEFORE_THE_VACANCY])
def test_diff_and_whatif_show_their_date(
    clock: dt.date, given: dt.date | None, capsys: pytest.CaptureFixture[str]
) -> None:
    day = (given or clock).isoformat()
    option = ["--as-of", day] if given else []
    move = ["org", "whatif", str(ORG_TTL), "--move", "Liam Novak", "Demand Manager", *option]
    assert main(move) == 0
    assert capsys.readouterr().out.startswith(f"As of {day}: memberships current then.\n")
    assert main([*move, "--format", "json", "--top", "0"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["asOf"] for r in rows} == {day}
    # the move is made and read as of the date: before the vacancy the post had a holder
    changes = {
        r["detail"].split(":")[0]
        for r in rows
        if r["item"] == "ppod:DemandManagementProcessManager"
    }
    assert ("role held again" in changes) is (given is None)
    with pytest.raises(SystemExit) as exit_:
        main([*move[:-2], "--as-of", "2024-13-01"] if given else [*move, "--as-of", "2024-13-01"])
    assert exit_.value.code == 2
    assert "--as-of" in capsys.readouterr().err
    old = ORG_TTL.parent / "people.csv"
    assert main(["org", "diff", str(old), str(ORG_TTL), *option]) == 0
    assert capsys.readouterr().out.startswith(f"As of {day}: memberships current then.\n")
    assert main(["org", "diff", str(ORG_TTL), str(ORG_TTL), "--format", "csv", *option]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(",asOf")


def test_ppo_run_shows_the_date_of_the_example_organisation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ppo_graph.engine import jobs

    day = AFTER_THE_VACANCY
    _fake_clock(monkeypatch, day)
    saved: dict[str, str] = {}
    org = jobs.example_organisation(lambda name, content, _what: saved.__setitem__(name, content))
    assert org.as_of == day.isoformat()
    summary = " ".join(" ".join(org.summary(Path("out"))).split())
    assert f"people in post (examples/org) as of {day}" in summary
    assert saved["org-validation.txt"].endswith(
        f"Organisation checked as of {day} (memberships current then).\n"
    )
    assert saved["org-gaps.txt"].startswith(f"As of {day}: memberships current then.")
    rows = list(csv.DictReader(io.StringIO(saved["raci-by-role.csv"])))
    assert {r["asOf"] for r in rows} == {day.isoformat()}
    assert f'datetime="{day}"' in saved["raci-by-role.html"]
    assert f"current on {day}" in saved["raci-by-role.html"]


def test_the_legend_says_the_date_the_matrix_holds_for(kg: KnowledgeGraph) -> None:
    for by in ("person", "role", "process"):
        matrix = build(kg, by, as_of=BEFORE_THE_VACANCY)
        assert "today" not in matrix.rule + matrix.note
        assert f"on {BEFORE_THE_VACANCY}" in matrix.rule
        assert f"current on {BEFORE_THE_VACANCY}" in matrix.note


def test_role_pages_take_as_of(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import html_table
    from test_serve import make_client

    client = make_client(kg)
    path = "/roles/DemandManagementProcessManager"
    page = client.get(path, params={"as_of": BEFORE_THE_VACANCY.isoformat()}).text
    day = BEFORE_THE_VACANCY.isoformat()
    assert f"Holders as of {day} (1)" in page
    assert f'<p id="as-of">As of <time datetime="{day}">{day}</time>:' in page
    assert [row[:2] for row in html_table(page, "holders").rows[1:]] == [["Kavya Rao", "p11"]]
    page = client.get(path, params={"as_of": AFTER_THE_VACANCY.isoformat()}).text
    assert f"Holders as of {AFTER_THE_VACANCY} (0)" in page
    assert f"Nobody holds this role as of {AFTER_THE_VACANCY}." in page
    # the local date by default, printed, and called today
    _fake_clock(monkeypatch, BEFORE_THE_VACANCY)
    page = client.get(path).text
    assert "Held by today (1)" in page and f'datetime="{day}">{day}</time> (today):' in page
    for bad in ("2024-02-30", "01/10/2024", "soon"):
        answer = client.get(path, params={"as_of": bad})
        assert answer.status_code == 400, bad
        said = html.unescape(answer.text)
        assert f"as_of: {bad!r} is not a date; expected the form YYYY-MM-DD" in said


@pytest.mark.parametrize("given", [None, BEFORE_THE_VACANCY])
def test_organisation_questions_show_their_date(
    kg: KnowledgeGraph, clock: dt.date, given: dt.date | None, capsys: pytest.CaptureFixture[str]
) -> None:
    from ppo_graph.catalogue import default_catalogue
    from ppo_graph.engine.answers import answer_all

    day = (given or clock).isoformat()
    option = ["--as-of", day] if given else []
    assert main(["query", "team-duties", str(ORG_TTL), "-p", "team=Demand", *option]) == 0
    out = capsys.readouterr().out
    assert f"\nAs of {day}: memberships current then.\n\n" in out.split("------", 1)[0]
    assert main(["query", "roles"]) == 0  # no organisation in it: no date
    assert "As of" not in capsys.readouterr().out
    if given is None:  # ppo run's answers: the date each organisation question read as of
        stream = io.StringIO()
        only = [spec for spec in default_catalogue() if spec.name == "team-duties"]
        answer_all(kg, stream, catalogue=only)  # type: ignore[arg-type]
        assert f"asOf={day})" in stream.getvalue() and "asOf=today" not in stream.getvalue()
