"""The duty-level self-assessment (issue 22): ``ppo assess form``, ``score`` and ``diff``.

- the scores of a hand-made answers file, computed by hand here (the arithmetic written out);
- every kind of bad answers file exits 2 naming the file and the line;
- the round trip: a form written (CSV and XLSX), filled in, scored;
- the statements: derived from the verbatim text by the rule of ppo_graph/assess/phrasing.py,
  one per restatement pair, the verbatim text and section beside it;
- the answers as RDF: W3C DQV measurements that parse, and that the canned questions answer on
  (the same rows on rdflib, the reference, as on the engine);
- the chart is valid SVG and PNG; the committed sample answers and README chart are current.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, require_module
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from ppo_graph.cli import main
from ppo_graph.engine import KnowledgeGraph
from ppo_graph.paths import data_dir, ontology_dir

EXAMPLES = ROOT / "examples" / "assess"
ORG = ROOT / "examples" / "org" / "org.ttl"
PPO = Namespace("https://w3id.org/ppo-graph/ontology#")
PPOD = Namespace("https://w3id.org/ppo-graph/id/")
DQV = Namespace("http://www.w3.org/ns/dqv#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
HEADER = "duty,process,role,section,verbatim,statement,rating,evidence,comment\n"
PPO_PROCESSES = [
    "Capacity Management",
    "Availability Management",
    "IT Service Continuity Management",
    "Information Security Management",
    "Demand Management",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@functools.cache
def sections() -> Graph:
    """The reviewed Turtle of the tutorial's sections and the themes, as written (no reasoning,
    no query)."""
    graph = Graph()
    for path in sorted((data_dir() / "sections").glob("*.ttl")):
        graph.parse(path)
    graph.parse(ontology_dir() / "themes.ttl")
    return graph


def theme_label(theme: object) -> str:
    return str(sections().value(theme, SKOS.prefLabel))  # type: ignore[arg-type]


# -- scores of a hand-made answers file ------------------------------------------------------

#: Six rows: four of Demand Management (one left blank), a restatement pair of Capacity
#: Management (7.6-06, the owner's Capacity Plan duty, restated by the manager's 7.7-08) and
#: the owner's 7.6-12 alone. Columns other than duty and rating are for people: left out.
HAND_MADE = (
    "duty,rating,evidence,comment\n"
    "ppod:duty-7.14-01,1,,\n"
    "ppod:duty-7.14-02,3,workshop minutes,\n"
    "ppod:duty-7.14-04,,,not assessed yet\n"
    "ppod:duty-7.14-05,2,,\n"
    '"ppod:duty-7.6-06\nppod:duty-7.7-08",4,the Capacity Plan,\n'
    "ppod:duty-7.6-12,3,,\n"
)


@pytest.fixture
def hand_made(tmp_path: Path) -> Path:
    answers = tmp_path / "answers.csv"
    answers.write_text(HAND_MADE, encoding="utf-8")
    return answers


def test_scores_of_a_hand_made_answers_file(
    hand_made: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = hand_made
    code, out, err = run(capsys, "assess", "score", str(answers), "--format", "json")
    assert code == 0, err
    got = {(r["level"], r["label"]): r for r in json.loads(out)}

    def score(level: str, label: str) -> tuple[float | None, int, int]:
        row = got[(level, label)]
        mean = None if row["mean"] in ("", None) else float(row["mean"])
        return mean, int(row["assessed"]), int(row["total"])

    # Demand Management: 7.14-01 (1), 7.14-02 (3), 7.14-04 (blank), 7.14-05 (2): three of four
    # assessed, mean (1 + 3 + 2) / 3 = 2.0, coverage 3 / 4 = 0.75.
    assert score("process", "Demand Management") == (2.0, 3, 4)
    assert float(got[("process", "Demand Management")]["coverage"]) == 0.75
    # Capacity Management: the pair is one statement (4), 7.6-12 another (3): (4 + 3) / 2 = 3.5.
    assert score("process", "Capacity Management") == (3.5, 2, 2)
    # Overall, the six rows: (1 + 3 + 2 + 4 + 3) / 5 = 13 / 5 = 2.6, five of six assessed.
    assert score("overall", "all statements") == (2.6, 5, 6)
    assert float(got[("overall", "all statements")]["coverage"]) == round(5 / 6, 3)
    # Roles count duties: the owner of Capacity has 7.6-06 (4) and 7.6-12 (3): 3.5; the
    # manager only 7.7-08, the pair's other duty (4); Demand's owner 7.14-01 and -02: (1 + 3)
    # / 2 = 2.0; its manager 7.14-04 (blank) and 7.14-05 (2): 2.0 over one of two.
    assert score("role", "Capacity Management Process Owner") == (3.5, 2, 2)
    assert score("role", "Capacity Management Process Manager") == (4.0, 1, 1)
    assert score("role", "Demand Management Process Owner") == (2.0, 2, 2)
    assert score("role", "Demand Management Process Manager") == (2.0, 1, 2)
    # Each duty its own rating; the pair's rating goes to both its duties.
    assert score("duty", str(sections().value(PPOD["duty-7.7-08"], PPO.verbatimText))) == (
        4.0,
        1,
        1,
    )
    assert sum(1 for level, _ in got if level == "duty") == 7
    # Themes count rows (statements), a row under each theme of its duties, read here from the
    # Turtle as written.
    turtle = sections()
    rows = [
        (["duty-7.14-01"], 1),
        (["duty-7.14-02"], 3),
        (["duty-7.14-04"], None),
        (["duty-7.14-05"], 2),
        (["duty-7.6-06", "duty-7.7-08"], 4),
        (["duty-7.6-12"], 3),
    ]
    expected: dict[str, list[int | None]] = {}
    for duties, rating in rows:
        themes = {theme_label(t) for d in duties for t in turtle.objects(PPOD[d], PPO.hasTheme)}
        for theme in themes:
            expected.setdefault(theme, []).append(rating)
    assert "planning" in expected and "cost" in expected  # 7.6-06 plans; 7.6-12 weighs cost
    theme_rows = {label: r for (level, label), r in got.items() if level == "theme"}
    assert set(theme_rows) == set(expected)
    for theme, ratings in expected.items():
        rated = [r for r in ratings if r is not None]
        mean = sum(rated) / len(rated) if rated else None
        assert score("theme", theme) == (
            None if mean is None else round(mean, 2),
            len(rated),
            len(ratings),
        )


def test_the_text_summary_and_the_report(
    hand_made: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = hand_made
    code, out, _ = run(capsys, "assess", "score", str(answers), "--date", "2026-01-15")
    assert code == 0
    assert "Overall: mean 2.60 of 5 over 5 assessed statement(s) of 6 (83% coverage)" in out
    assert re.search(r"Demand Management\s+2\.00\s+3\s+4\s+75%", out)
    report = tmp_path / "report.html"
    code, _, err = run(capsys, "assess", "score", str(answers), "--date", "2026-01-15",
                       "--assessor", "<b>Ann</b>", "--out", str(report))  # fmt: skip
    assert code == 0 and f"wrote {report}" in err
    page = report.read_text(encoding="utf-8")
    assert "default-src 'none'" in page and "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "&lt;b&gt;Ann&lt;/b&gt;" in page and "<b>Ann</b>" not in page  # escaped
    assert '<table id="by-process">' in page and "<svg" in page
    assert "not assessed yet" in page  # a blank row's comment is kept
    assert page.count('class="rating low"') == 2  # 7.14-01 (1) and 7.14-05 (2)


# -- bad answer files: exit 2, the file and the line named -------------------------------------

BAD = {
    "unknown duty": (HEADER + "ppod:duty-9.9-01,,,,,,3,,\n", 2, "unknown duty 'ppod:duty-9.9-01'"),
    "rating 6": (HEADER + "ppod:duty-7.14-01,,,,,,6,,\n", 2, "rating '6' is out of the scale"),
    "rating x": (HEADER + "ppod:duty-7.14-01,,,,,,x,,\n", 2, "rating 'x' is not a whole number"),
    "rating 2.5": (HEADER + "ppod:duty-7.14-01,,,,,,2.5,,\n", 2, "not a whole number"),
    "duplicate": (
        HEADER + "ppod:duty-7.14-01,,,,,,3,,\nppod:duty-7.14-02,,,,,,1,,\nduty-7.14-01,,,,,,2,,\n",
        4,
        "duty ppod:duty-7.14-01 is already rated on line 2",
    ),
    "pair half again": (
        HEADER + '"ppod:duty-7.6-06\nppod:duty-7.7-08",,,,,,3,,\nppod:duty-7.7-08,,,,,,2,,\n',
        4,  # the first row spans lines 2 and 3
        "duty ppod:duty-7.7-08 is already rated on line 2",
    ),
    "missing column": (
        "duty,process,statement\nppod:duty-7.14-01,x,y\n",
        1,
        "missing column(s): rating",
    ),
    "rating without duty": (
        HEADER + ",,,,,,3,,\n",
        2,
        "a rating, evidence or comment without a duty",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_answers_file_exits_2_naming_the_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line, message = BAD[case]
    answers = tmp_path / "answers.csv"
    answers.write_text(text, encoding="utf-8")
    ttl = tmp_path / "a.ttl"
    code, out, err = run(capsys, "assess", "score", str(answers), "--ttl", str(ttl))
    assert code == 2
    assert f"{answers}:{line}: " in err and message in err, err
    assert out == "" and not ttl.exists()  # nothing written


def test_every_problem_of_a_file_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.csv"
    answers.write_text(
        HEADER
        + "ppod:duty-9.9-01,,,,,,3,,\nppod:duty-7.14-01,,,,,,9,,\nppod:duty-7.14-02,,,,,,4,,\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "assess", "score", str(answers))
    assert code == 2 and "2 problem(s)" in err
    assert f"{answers}:2: unknown duty" in err and f"{answers}:3: rating '9'" in err


# -- the form, and the round trip -------------------------------------------------------------


def test_form_round_trip_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    form = tmp_path / "form.csv"
    code, _, err = run(capsys, "assess", "form", "--processes", "Demand Management",
                       "--out", str(form))  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(form.read_text(encoding="utf-8"))))
    guide = [r for r in rows if not r["duty"]]
    statements = [r for r in rows if r["duty"]]
    # the guide: how to fill it in, the six levels, where the scale comes from
    assert [r["statement"].split(":")[0] for r in guide[1:7]] == [
        f"Rating {n} = {label}"
        for n, label in enumerate(
            [
                "not performed",
                "initial",
                "repeatable",
                "defined",
                "managed and measured",
                "optimised",
            ]
        )
    ]
    assert "CMMI" in guide[-1]["statement"] and "ISO/IEC 33020" in guide[-1]["statement"]
    # Demand Management: 7.14's nine duties, none restated (its lists share no duty)
    turtle = sections()
    assert [r["duty"] for r in statements] == [f"ppod:duty-7.14-{n:02d}" for n in range(1, 10)]
    for row in statements:
        duty = PPOD[row["duty"].removeprefix("ppod:")]
        assert row["verbatim"] == str(turtle.value(duty, PPO.verbatimText))  # never rewritten
        assert row["section"] == "7.14" and row["process"] == "Demand Management"
        assert row["statement"].startswith("Demand Management: we ")
        assert row["rating"] == row["evidence"] == row["comment"] == ""
    # the verbatim "patters" is corrected in the statement (the editor's reading), not the source
    assert statements[3]["verbatim"] == "Identifies and analyses patters of business activity"
    assert statements[3]["statement"] == (
        "Demand Management: we identify and analyse patterns of business activity"
    )
    # fill in: 7.14-01..05 rated 0..4, the rest blank; by hand, mean (0+1+2+3+4)/5 = 2.0, 5 of 9
    for index, row in enumerate(statements[:5]):
        row["rating"] = str(index)
    filled = tmp_path / "filled.csv"
    with filled.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, err = run(capsys, "assess", "score", str(filled), "--format", "csv")
    assert code == 0, err
    got = {(r["level"], r["label"]): r for r in csv.DictReader(io.StringIO(out))}
    process = got[("process", "Demand Management")]
    assert (process["mean"], process["assessed"], process["total"]) == ("2.0", "5", "9")


def test_form_round_trip_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = require_module("openpyxl", "pip install 'ppo-graph[xlsx]'")
    form = tmp_path / "form.xlsx"
    code, _, err = run(capsys, "assess", "form", "--roles", "ITSCM Manager", "--out", str(form))
    assert code == 0, err
    book = openpyxl.load_workbook(form)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == HEADER.strip().split(",")
    rating = header.index("rating") + 1
    letter = openpyxl.utils.get_column_letter(rating)
    checks = sheet.data_validations.dataValidation
    assert len(checks) == 1 and checks[0].type == "whole"
    assert (checks[0].formula1, checks[0].formula2) == ("0", "5")
    assert str(checks[0].sqref).startswith(f"{letter}2:")
    texts = [c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert texts and all(c.data_type == "s" for c in texts)  # every cell text, no formula
    # The ITSCM manager's 11 duties (7.11): one statement each; one that restates an owner's
    # duty (7.10) is noted with it, the owner's first, at the owner's duty's place.
    pairs = {
        r["managerDuty"]: r["ownerDuty"]
        for r in KnowledgeGraph.open().ask("owner-manager-restatements")
        if r["managerDuty"].startswith("ppod:duty-7.11-")
    }
    assert len(pairs) == 9  # 7.11-01 (the generic manager role) and -02 (interfaces) restate none
    expected = [f"{pairs[m]}\n{m}" for m in sorted(pairs, key=lambda m: pairs[m].split("-")[-1])]
    expected += ["ppod:duty-7.11-01", "ppod:duty-7.11-02"]
    duties = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value]
    assert duties == expected
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value]
    sheet.cell(rows[0], rating).value = 5  # a number, as Excel stores it
    sheet.cell(rows[1], rating).value = 1
    book.save(form)
    code, out, err = run(capsys, "assess", "score", str(form), "--format", "json")
    assert code == 0, err
    got = {(r["level"], r["label"]): r for r in json.loads(out)}
    # two statements of 11 rated (both pairs): (5 + 1) / 2 = 3.0; each counts once for the
    # process ...
    process = got[("process", "IT Service Continuity Management")]
    assert (process["mean"], process["assessed"], process["total"]) == ("3.0", "2", "11")
    # ... and once for each role, through its duty of the pair: the manager has all 11 duties,
    # the owner the 9 of the pairs
    manager = got[("role", "IT Service Continuity Management Process Manager")]
    owner = got[("role", "IT Service Continuity Management Process Owner")]
    assert (manager["mean"], manager["assessed"], manager["total"]) == ("3.0", "2", "11")
    assert (owner["mean"], owner["assessed"], owner["total"]) == ("3.0", "2", "9")


def test_a_statement_per_duty_or_restatement_pair(capsys: pytest.CaptureFixture[str]) -> None:
    from ppo_graph.assess.model import load
    from ppo_graph.assess.phrasing import NOUN_OPENING

    kg = KnowledgeGraph.open()
    catalogue = load(kg)
    statements = catalogue.statements()
    pairs = kg.ask("owner-manager-restatements")
    # every duty once: 177 duties, 61 pairs of them one statement each
    assert len(catalogue.duties) == 177 and len(pairs) == 61
    assert len(statements) == 177 - 61
    assert sorted(d.iri for s in statements for d in s.duties) == sorted(catalogue.duties)
    for item in statements:
        subject = item.first.process_label or "Every process"
        assert item.text.startswith(f"{subject}: we ")
    # the verbs in their plain form, from the duty's own words; a noun opening gets "carry out"
    said = {s.first.duty_id: s.text for s in statements}
    assert said["ppod:duty-7.6-15"] == (
        "Capacity Management: we produce regular management reports that include current usage "
        "of resources, trends and forecasts"
    )
    assert said["ppod:duty-7.12-08"] == (
        "Information Security Management: we develop and document procedures for operating and "
        "maintaining security controls"
    )  # "operating and maintaining" stays: two gerunds of one noun phrase
    assert said["ppod:duty-7.3-04"] == (
        "Every process: we assist with and are ultimately responsible for the process design"
    )
    nouns = sorted(
        s.first.duty_id
        for s in statements
        if f": we {NOUN_OPENING} " in s.text
        and not s.first.text.startswith(("Carrying out", "Carries out"))
    )
    assert nouns == ["ppod:duty-7.6-06", "ppod:duty-7.6-08", "ppod:duty-7.6-18"]


# -- the answers as RDF, and the questions on them --------------------------------------------


@pytest.fixture(scope="module")
def sample_ttl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed sample answers (examples/assess/answers.csv) scored as of 2026-01-15."""
    out = tmp_path_factory.mktemp("assess") / "sample.ttl"
    answers = EXAMPLES / "answers.csv"
    assert main(["assess", "score", str(answers), "--date", "2026-01-15", "--assessor",
                 "Quality team", "--ttl", str(out), "--out", str(out.with_suffix(".txt"))]) == 0  # fmt: skip
    return out


def test_the_rdf_is_dqv_measurements_of_the_rated_duties(sample_ttl: Path) -> None:
    graph = Graph().parse(sample_ttl)
    (assessment,) = graph.subjects(RDF.type, PPO.SelfAssessment)
    assert (assessment, RDF.type, PROV.Activity) in graph
    assert graph.value(assessment, DCTERMS.date) == Literal("2026-01-15", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))  # fmt: skip
    assert str(graph.value(assessment, DCTERMS.creator)) == "Quality team"
    # one measurement per rated duty: the sample's rows read here by hand, pairs rated for both
    rated: dict[str, int] = {}
    with (EXAMPLES / "answers.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["duty"] and row["rating"]:
                for duty in row["duty"].split():
                    rated[duty.replace("ppod:", str(PPOD))] = int(row["rating"])
    measurements = set(graph.subjects(RDF.type, DQV.QualityMeasurement))
    assert len(measurements) == len(rated) > 100
    for m in measurements:
        duty = str(graph.value(m, DQV.computedOn))
        assert graph.value(m, DQV.value).toPython() == rated[duty]
        assert graph.value(m, DQV.isMeasurementOf) == PPOD["self-assessed-capability"]
        assert graph.value(m, PROV.wasGeneratedBy) == assessment
        assert graph.value(m, DCTERMS.date) == graph.value(assessment, DCTERMS.date)


QUESTIONS = ("assessment-risks", "assessment-responsible", "assessment-diff")
#: A second small assessment, earlier: 7.14-01 and 7.14-04 rated otherwise, 7.14-05 not at
#: all, 7.6-12 newly (a change of each kind for assessment-diff), and 7.12-05, ISM's help with
#: the Business Impact Analyses that ITSCM owns, rated low (a crossing for assessment-risks).
HAND_MADE_EARLIER = (
    "duty,rating\n"
    "ppod:duty-7.14-01,0\nppod:duty-7.14-02,3\nppod:duty-7.14-04,1\n"
    '"ppod:duty-7.6-06\nppod:duty-7.7-08",4\nppod:duty-7.12-05,1\n'
)


@pytest.fixture(scope="module")
def small_assessments(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The hand-made answers (2026-01-15) and an earlier, smaller assessment (2025-06-30), as
    Turtle: few measurements, so that rdflib answers the questions quickly."""
    folder = tmp_path_factory.mktemp("small")
    made = []
    for name, text, date in (
        ("later", HAND_MADE, "2026-01-15"),
        ("earlier", HAND_MADE_EARLIER, "2025-06-30"),
    ):
        answers = folder / f"{name}.csv"
        answers.write_text(text, encoding="utf-8")
        ttl = folder / f"{name}.ttl"
        argv = ["assess", "score", str(answers), "--date", date, "--ttl", str(ttl),
                "--out", str(folder / f"{name}.txt")]  # fmt: skip
        assert main(argv) == 0
        made.append(ttl)
    return made[0], made[1]


@pytest.fixture(scope="module")
def small_union(small_assessments: tuple[Path, Path]) -> tuple[Graph, KnowledgeGraph]:
    """The example organisation with the two small assessments, reasoned, as rdflib holds it,
    and an engine over exactly those triples."""
    union = KnowledgeGraph.open([ORG, *small_assessments]).rdflib_graph("union")
    return union, KnowledgeGraph.from_rdflib(union)


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_questions_give_the_same_rows_on_rdflib(
    small_assessments: tuple[Path, Path], small_union: tuple[Graph, KnowledgeGraph], name: str
) -> None:
    """The engine against rdflib, the reference, on the example organisation with the two
    small assessments (tests/test_oxigraph_parity.py compares them on the shipped graph, where
    they find nothing)."""
    from test_oxigraph_parity import compare

    from ppo_graph.assess.rdf import assessment_of
    from ppo_graph.backends.reference.query import default_catalogue

    union, engine = small_union
    params = {
        "assessment-risks": {"assessment": assessment_of(small_assessments[1])},  # by its IRI
        "assessment-responsible": {"asOf": "2026-01-15"},
    }.get(name, {})
    assert compare(union, engine, default_catalogue().get(name), params) > 0


@pytest.fixture(scope="module")
def earlier_ttl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("assess-earlier") / "earlier.ttl"
    answers = EXAMPLES / "answers-earlier.csv"
    assert main(["assess", "score", str(answers), "--date", "2025-06-30", "--ttl", str(out),
                 "--out", str(out.with_suffix(".txt"))]) == 0  # fmt: skip
    return out


def test_assess_diff_of_two_forms_and_of_their_rdf(
    sample_ttl: Path, earlier_ttl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_queries import expected_diff, ratings

    expected = expected_diff(ratings("answers-earlier.csv"), ratings("answers.csv"))
    assert expected
    for earlier, later in (
        (EXAMPLES / "answers-earlier.csv", EXAMPLES / "answers.csv"),
        (earlier_ttl, sample_ttl),
    ):
        code, out, err = run(capsys, "assess", "diff", str(earlier), str(later), "--format", "json")
        assert code == 0, err
        got = {
            r["duty"]: (
                int(r["earlierRating"]) if r["earlierRating"] else None,
                int(r["laterRating"]) if r["laterRating"] else None,
                r["change"],
            )
            for r in json.loads(out)
        }
        assert got == expected
    code, _, err = run(capsys, "assess", "diff", str(sample_ttl), str(sample_ttl))
    assert code == 2 and "are one assessment" in err
    code, _, err = run(capsys, "assess", "diff", str(ORG), str(sample_ttl))
    assert code == 2 and "holds no ppo:SelfAssessment" in err


# -- the chart, the committed sample and the README's picture ---------------------------------


def test_the_chart_is_valid_svg_and_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = EXAMPLES / "answers.csv"
    svg = tmp_path / "chart.svg"
    assert run(capsys, "assess", "score", str(answers), "--chart", str(svg))[0] == 0
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    svg_ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text or "" for r in root.iter(f"{svg_ns}rect") for t in r.iter(f"{svg_ns}title")]
    # a bar per process (the five PPO processes), then one per theme of the sample's duties
    # (read here from the CSV and the Turtle as written)
    turtle = sections()
    themes = set()
    with answers.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for duty in row["duty"].split():
                for theme in turtle.objects(PPOD[duty.removeprefix("ppod:")], PPO.hasTheme):
                    themes.add(theme_label(theme))
    assert [t.split(":")[0] for t in titles] == sorted(PPO_PROCESSES) + sorted(themes)
    require_module("matplotlib", "pip install 'ppo-graph[viz]'")
    png = tmp_path / "chart.png"
    assert run(capsys, "assess", "score", str(answers), "--chart", str(png))[0] == 0
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 600 and height >= 400
    code, _, err = run(capsys, "assess", "score", str(answers), "--chart", str(tmp_path / "c.gif"))
    assert code == 2 and "FILE.svg or FILE.png" in err


def test_the_committed_sample_is_what_ppo_run_writes(tmp_path: Path) -> None:
    """examples/assess/answers.csv is the form of the example organisation's processes filled
    with the sample's seed: what `ppo run` writes (and `ppo assess form --sample 22`)."""
    from ppo_graph import dates
    from ppo_graph.assess.sample import write_sample

    kg = KnowledgeGraph.open([ORG])
    folder, what = write_sample(kg, tmp_path / "assessment", dates.local_today())
    assert "5 processes" in what
    written = (folder / "answers.csv").read_text(encoding="utf-8")
    assert written == (EXAMPLES / "answers.csv").read_text(encoding="utf-8")
    for name in ("report.html", "chart.svg", "assessment.ttl"):
        assert (folder / name).stat().st_size > 1000
    Graph().parse(folder / "assessment.ttl")
    ET.parse(folder / "chart.svg")


def test_the_readme_chart_is_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/assess-chart.svg is what the command in docs/assess.md makes of the sample."""
    chart = tmp_path / "chart.svg"
    argv = ["assess", "score", str(EXAMPLES / "answers.csv"), "--date", "2026-01-15",
            "--chart", str(chart)]  # fmt: skip
    assert run(capsys, *argv)[0] == 0
    assert chart.read_text(encoding="utf-8") == (ROOT / "docs" / "assess-chart.svg").read_text(
        encoding="utf-8"
    )
    guide = (ROOT / "docs" / "assess.md").read_text(encoding="utf-8")
    assert "--date 2026-01-15 --chart docs/assess-chart.svg" in guide


def test_the_docs_give_the_scale_of_the_graph() -> None:
    from ppo_graph.assess.model import scale_of

    scale = scale_of(KnowledgeGraph.open())
    guide = (ROOT / "docs" / "assess.md").read_text(encoding="utf-8")
    assert [lv.level for lv in scale.levels] == [0, 1, 2, 3, 4, 5]
    for level in scale.levels:
        assert f"| {level.level} | {level.label} | {level.definition} |" in guide
