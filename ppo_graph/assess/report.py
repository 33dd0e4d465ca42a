"""A self-assessment as one self-contained HTML page: no script, nothing fetched (its
Content-Security-Policy forbids any request), the chart inlined as SVG, every text escaped.

It holds the overall score, the chart, the scores by process, theme and role (tables
``#by-process``, ``#by-theme``, ``#by-role``), the low-rated statements, the scale, and every
statement with its duties, section, verbatim text, rating, evidence and comment
(``#statements``)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ppo_graph.assess import chart
from ppo_graph.assess.answers import Answer
from ppo_graph.assess.model import Catalogue, Scale, Statement
from ppo_graph.assess.score import LOW, Score, Scores, mean_text, percent
from ppo_graph.namespaces import compact
from ppo_graph.org.html import TEXT_CELLS_CSS, Cell, table_html

_STYLE = (
    """
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 70em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 3px 7px; vertical-align: top; text-align: left; }
thead th { background: #f4f4f4; }
td.num { text-align: right; white-space: nowrap; }
td.rating { text-align: center; font-weight: bold; }
td.low { background: #f8d7d3; }
td.blank { color: #888; font-weight: normal; }
.verbatim { color: #555; font-size: 90%; white-space: pre-line; }
.note { color: #555; }
figure { margin: 1em 0; }
"""
    + TEXT_CELLS_CSS
)


def _score_table(table_id: str, what: str, scores: Sequence[Score]) -> str:
    return table_html(
        [what, "mean (0-5)", "assessed", "total", "coverage"],
        ([s.label, mean_text(s), s.assessed, s.total, percent(s.coverage)] for s in scores),
        table_id=table_id,
        classes=["", "num", "num", "num", "num"],
    )


def report_html(
    scores: Scores,
    catalogue: Catalogue,
    *,
    date: str,
    assessor: str = "",
    source: str = "",
) -> str:
    """The page (see the module)."""
    e = escape
    title = f"Self-assessment of {date}"
    overall = scores.overall
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        '<p id="about">',
        f'Assessed on <time datetime="{e(date)}">{e(date)}</time>',
        f" by {e(assessor)}" if assessor else "",
        f", from <code>{e(source)}</code>" if source else "",
        ". Each duty of the PPO roles is rated on the capability scale below; the statements "
        "are derived from the verbatim duty texts (ppo assess).</p>",
        f'<p id="overall"><strong>Overall: mean {e(mean_text(overall))} of 5</strong> over '
        f"{overall.assessed} assessed statement(s) of {overall.total} "
        f"({e(percent(overall.coverage))} coverage); {scores.not_assessed} not assessed.</p>",
        f"<figure>{chart.svg(scores, title)}</figure>",
        '<p class="note">Processes, themes and the overall score count each statement once (a '
        "duty the manager's list restates is one statement with the owner's); a role counts "
        "each of its duties. Coverage: assessed / total.</p>",
        "<h2>By process</h2>",
        _score_table("by-process", "process", scores.of("process")),
        "<h2>By theme</h2>",
        _score_table("by-theme", "theme", scores.of("theme")),
        "<h2>By role</h2>",
        _score_table("by-role", "role", scores.of("role")),
    ]
    low = [a for a in scores.answers if a.rating is not None and a.rating <= LOW]
    out.append(f"<h2>Rated {LOW} or lower ({len(low)})</h2>")
    if low:
        items = []
        for answer in low:
            said = _statement(answer, catalogue).text
            duties = ", ".join(compact(d) for d in answer.duties)
            items.append(f"<li>{answer.rating}: {e(said)} <small>({e(duties)})</small></li>")
        out.append(f'<ul id="low">{"".join(items)}</ul>')
        out.append(
            '<p class="note">What these put at risk in other processes, and who is Responsible '
            "for them: <code>ppo assess score --ttl</code>, then the questions "
            "<code>assessment-risks</code> and <code>assessment-responsible</code>.</p>"
        )
    out += ["<h2>The scale</h2>", _scale_table(catalogue.scale)]
    out.append("<h2>Every statement</h2>")
    rows = []
    for answer in scores.answers:
        item = _statement(answer, catalogue)
        if answer.rating is None:
            rating = Cell("not assessed", "rating blank")
        else:
            rating = Cell(answer.rating, "rating low" if answer.rating <= LOW else "rating")
        rows.append(
            [
                tuple(d.duty_id for d in item.duties),
                tuple(d.section for d in item.duties),
                item.text,
                Cell(tuple(d.text for d in item.duties), "verbatim"),
                rating,
                answer.evidence,
                answer.comment,
            ]
        )
    out.append(
        table_html(
            ["duty", "section", "statement", "verbatim text", "rating", "evidence", "comment"],
            rows,
            table_id="statements",
        )
    )
    out.append("</body></html>\n")
    return "\n".join(out)


def _statement(answer: Answer, catalogue: Catalogue) -> Statement:
    """The statement an answer rates: its duties, as the graph has them."""
    return Statement(tuple(catalogue.duties[iri] for iri in answer.duties))


def _scale_table(scale: Scale) -> str:
    table = table_html(
        ["rating", "level", "meaning"],
        ([lv.level, lv.label, lv.definition] for lv in scale.levels),
        table_id="scale",
        classes=["num"],
    )
    return table + f'<p class="note" id="scale-note">{escape(scale.note)}</p>'
