// The self-assessment page (/assess): scores the ratings as they are chosen and downloads the
// answers as the CSV `ppo assess score` reads. The rules are those of ppo_graph/assess/score.py:
// a statement counts once overall, once for each of its processes and once for each of its
// themes; each of its duties counts once for the duty's role. A blank rating is "not assessed":
// in the total, not in the mean. Everything it needs is in the page; it asks the server for
// nothing.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const rows = Array.from(document.querySelectorAll("#statements tr.statement"));
  const overall = document.getElementById("overall");
  const tables = document.getElementById("score-tables");
  const download = document.getElementById("download-csv");
  if (!overall || !tables) return;

  const split = (text) => (text ? text.split("|") : []);
  const rating = (row) => {
    const chosen = row.querySelector("td.rating input:checked");
    return chosen && chosen.value !== "" ? Number(chosen.value) : null;
  };
  // Half up, as ppo_graph/assess/score.py's percent() rounds.
  const percent = (value) => `${Math.floor(value * 100 + 0.5)}%`;
  const meanText = (group) => (group.ratings.length ? (sum(group.ratings) / group.ratings.length).toFixed(2) : "-");
  const sum = (values) => values.reduce((a, b) => a + b, 0);

  function count(groups, key, value) {
    const group = groups.get(key) || { label: key, ratings: [], total: 0 };
    group.total += 1;
    if (value !== null) group.ratings.push(value);
    groups.set(key, group);
  }

  function table(id, what, groups) {
    const sorted = Array.from(groups.values()).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const el = document.createElement("table");
    el.id = id;
    el.className = "data";
    const head = el.createTHead().insertRow();
    for (const title of [what, "mean (0-5)", "assessed", "total", "coverage"]) {
      const th = document.createElement("th");
      th.textContent = title;
      head.append(th);
    }
    const body = el.createTBody();
    for (const group of sorted) {
      const tr = body.insertRow();
      const cells = [group.label, meanText(group), group.ratings.length, group.total, percent(group.ratings.length / group.total)];
      cells.forEach((value, index) => {
        const td = tr.insertCell();
        td.textContent = String(value);
        if (index > 0) td.className = "num";
      });
    }
    return el;
  }

  function score() {
    const all = { label: "all statements", ratings: [], total: 0 };
    const processes = new Map();
    const themes = new Map();
    const roles = new Map();
    let blank = 0;
    for (const row of rows) {
      const value = rating(row);
      all.total += 1;
      if (value === null) blank += 1;
      else all.ratings.push(value);
      count(processes, row.dataset.process, value);
      for (const theme of split(row.dataset.themes)) count(themes, theme, value);
      for (const role of split(row.dataset.roles)) count(roles, role, value);
      row.classList.toggle("rated", value !== null);
    }
    overall.textContent =
      `Overall: mean ${meanText(all)} of 5 over ${all.ratings.length} assessed statement(s) ` +
      `of ${all.total} (${percent(all.total ? all.ratings.length / all.total : 0)} coverage); ${blank} not assessed.`;
    tables.replaceChildren(
      heading("By process"), table("by-process", "process", processes),
      heading("By theme"), table("by-theme", "theme", themes),
      heading("By role"), table("by-role", "role", roles),
    );
  }

  function heading(text) {
    const el = document.createElement("h3");
    el.textContent = text;
    return el;
  }

  // A CSV cell: quoted when it holds a comma, quote or line break; a text a spreadsheet would
  // run as a formula (= + - @, tab, CR first) led by an apostrophe, as the package's CSV writer
  // does (ppo assess score takes it off again).
  function cell(value) {
    let text = String(value);
    if (/^'*[=+\-@\t\r]/.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function answersCsv() {
    const header = ["duty", "process", "role", "section", "verbatim", "statement", "rating", "evidence", "comment"];
    const lines = [header.join(",")];
    for (const row of rows) {
      const value = rating(row);
      lines.push([
        row.dataset.duties,
        row.dataset.processCell,
        split(row.dataset.roles).join("\n"),
        row.dataset.sections,
        row.dataset.verbatim,
        row.querySelector(".said").textContent,
        value === null ? "" : String(value),
        row.querySelector("input.evidence").value,
        row.querySelector("input.comment").value,
      ].map(cell).join(","));
    }
    return lines.join("\r\n") + "\r\n";
  }

  document.getElementById("statements").addEventListener("change", score);
  if (download) {
    download.addEventListener("click", () => {
      const blob = new Blob([answersCsv()], { type: "text/csv" });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "answers.csv";
      document.body.append(link);
      link.click();
      link.remove();
    });
  }
  score();
});
