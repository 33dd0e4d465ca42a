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

_STYLE = """
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


def _cells(tag: str, values: Sequence[object], classes: Sequence[str] = ()) -> str:
    out = []
    for index, value in enumerate(values):
        css = classes[index] if index < len(classes) and classes[index] else ""
        attr = f' class="{css}"' if css else ""
        out.append(f"<{tag}{attr}>{escape(str(value))}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


def _score_table(table_id: str, what: str, scores: Sequence[Score]) -> str:
    head = _cells("th", [what, "mean (0-5)", "assessed", "total", "coverage"])
    body = [
        _cells(
            "td",
            [s.label, mean_text(s), s.assessed, s.total, percent(s.coverage)],
            ["", "num", "num", "num", "num"],
        )
        for s in scores
    ]
    return f'<table id="{table_id}"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'


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
    head = _cells(
        "th", ["duty", "section", "statement and verbatim text", "rating", "evidence", "comment"]
    )
    rows = []
    for answer in scores.answers:
        item = _statement(answer, catalogue)
        verbatim = "\n".join(d.text for d in item.duties)
        if answer.rating is None:
            css, rating = "rating blank", "not assessed"
        else:
            css, rating = ("rating low" if answer.rating <= LOW else "rating"), str(answer.rating)
        rows.append(
            "<tr>"
            f"<td>{'<br>'.join(e(d.curie) for d in item.duties)}</td>"
            f"<td>{'<br>'.join(e(d.section) for d in item.duties)}</td>"
            f'<td>{e(item.text)}<div class="verbatim">{e(verbatim)}</div></td>'
            f'<td class="{css}">{e(rating)}</td>'
            f"<td>{e(answer.evidence)}</td><td>{e(answer.comment)}</td>"
            "</tr>"
        )
    out.append(
        f'<table id="statements"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
    )
    out.append("</body></html>\n")
    return "\n".join(out)


def _statement(answer: Answer, catalogue: Catalogue) -> Statement:
    """The statement an answer rates: its duties, as the graph has them."""
    return Statement(tuple(catalogue.duties[iri] for iri in answer.duties))


def _scale_table(scale: Scale) -> str:
    head = _cells("th", ["rating", "level", "meaning"])
    body = [_cells("td", [lv.level, lv.label, lv.definition], ["num"]) for lv in scale.levels]
    table = f'<table id="scale"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
    return table + f'<p class="note" id="scale-note">{escape(scale.note)}</p>'
