// The SPARQL workbench: a CodeMirror editor, the canned catalogue from /queries, and the results
// of /sparql or /queries/NAME (SPARQL JSON) as a sortable table with CSV and JSON downloads.
// Everything is built with DOM calls and text nodes: no result value is ever parsed as HTML.
"use strict";
(function () {
  const RESULTS = "application/sparql-results+json";
  const $ = (id) => document.getElementById(id);
  let current = null; // {vars, rows (arrays of cells), boolean, name}
  let sort = { column: -1, descending: false };

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  const editor = CodeMirror.fromTextArea($("query"), {
    mode: "application/sparql-query",
    lineNumbers: true,
    indentUnit: 2,
    extraKeys: { "Ctrl-Enter": () => runEditor(), "Cmd-Enter": () => runEditor() },
  });

  function status(text, isError) {
    const node = $("status");
    node.textContent = text;
    node.className = isError ? "error" : "";
  }

  async function fetchResults(url, init, name) {
    status("running …", false);
    const started = performance.now();
    let response;
    try {
      response = await fetch(url, { ...init, headers: { ...(init.headers || {}), Accept: RESULTS } });
    } catch (error) {
      status(`request failed: ${error}`, true);
      return;
    }
    const text = await response.text();
    if (!response.ok) {
      status(`${response.status}: ${text.trim()}`, true);
      return;
    }
    let document_;
    try {
      document_ = JSON.parse(text);
    } catch (error) {
      status(`not SPARQL JSON results: ${error}`, true);
      return;
    }
    const vars = (document_.head && document_.head.vars) || [];
    const bindings = (document_.results && document_.results.bindings) || [];
    current = {
      name,
      vars,
      boolean: typeof document_.boolean === "boolean" ? document_.boolean : null,
      rows: bindings.map((b) => vars.map((v) => (b[v] ? b[v].value : ""))),
      types: bindings.map((b) => vars.map((v) => (b[v] ? b[v].type : ""))),
    };
    sort = { column: -1, descending: false };
    const capped = response.headers.get("X-PPO-Row-Cap");
    const ms = Math.round(performance.now() - started);
    status(
      current.boolean !== null
        ? `ASK: ${current.boolean} (${ms} ms)`
        : `${current.rows.length} row(s) in ${ms} ms${capped ? ` — cut at the row cap (${capped})` : ""}`,
      false,
    );
    drawTable();
  }

  function compare(a, b) {
    const x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function drawTable() {
    const holder = $("results");
    if (!current) return holder.replaceChildren();
    if (current.boolean !== null) {
      return holder.replaceChildren(h("p", { class: "boolean" }, String(current.boolean)));
    }
    const order = current.rows.map((_, i) => i);
    if (sort.column >= 0) {
      order.sort((i, j) => compare(current.rows[i][sort.column], current.rows[j][sort.column]) * (sort.descending ? -1 : 1) || i - j);
    }
    const head = h("tr", null, current.vars.map((v, c) => {
      const mark = sort.column === c ? (sort.descending ? " ▼" : " ▲") : "";
      return h("th", { scope: "col", "aria-sort": sort.column === c ? (sort.descending ? "descending" : "ascending") : "none" },
        h("button", { type: "button", class: "sort", "data-column": String(c), onclick: () => sortBy(c) }, v + mark));
    }));
    const body = order.map((i) => h("tr", null, current.rows[i].map((value, c) =>
      h("td", { class: current.types[i][c] === "uri" ? "iri" : "" }, value))));
    holder.replaceChildren(h("table", { class: "data", id: "result-table" }, h("thead", null, head), h("tbody", null, body)));
  }

  function sortBy(column) {
    sort = { column, descending: sort.column === column ? !sort.descending : false };
    drawTable();
  }

  function download(kind) {
    if (!current) return status("run a query first", true);
    let text, type;
    if (kind === "json") {
      const rows = current.rows.map((row) => Object.fromEntries(current.vars.map((v, c) => [v, row[c]])));
      text = JSON.stringify(current.boolean !== null ? { boolean: current.boolean } : rows, null, 2);
      type = "application/json";
    } else {
      const cell = (value) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
      const lines = [current.vars.map(cell).join(",")].concat(current.rows.map((row) => row.map(cell).join(",")));
      text = lines.join("\r\n") + "\r\n";
      type = "text/csv";
    }
    const link = h("a", { href: URL.createObjectURL(new Blob([text], { type })), download: `${current.name || "results"}.${kind}` });
    document.body.append(link);
    link.click();
    link.remove();
  }

  function runEditor() {
    const body = new URLSearchParams({ query: editor.getValue() });
    fetchResults("/sparql", { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, "query");
  }

  function showQuery(entry) {
    const form = h("form", { id: "canned-form" });
    for (const param of entry.parameters) {
      const id = `param-${param.name}`;
      let input;
      if (param.values) {
        input = h("select", { id, name: param.name },
          param.values.map((v) => h("option", { value: v.value }, v.names.length ? `${v.names[0]} (${v.value})` : v.value)));
        input.value = param.default;
      } else {
        input = h("input", { id, name: param.name, value: param.default || "" });
      }
      form.append(h("label", { for: id }, param.name), input, h("span", { class: "hint" }, param.description || ""));
    }
    form.append(
      h("button", { type: "submit", id: "run-canned" }, "Run"),
      h("button", { type: "button", id: "edit-canned", onclick: () => loadText(entry.name) }, "Open in the editor"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = new URLSearchParams(new FormData(form));
      fetchResults(`/queries/${encodeURIComponent(entry.name)}?${params}`, {}, entry.name);
    });
    $("canned").replaceChildren(h("h2", null, entry.title), h("p", null, entry.question), form);
  }

  async function loadText(name) {
    const response = await fetch(`/workbench/query-text/${encodeURIComponent(name)}`);
    if (response.ok) editor.setValue(await response.text());
    else status(`${response.status}: ${(await response.text()).trim()}`, true);
  }

  async function loadCatalogue() {
    const response = await fetch("/queries", { headers: { Accept: "application/json" } });
    if (!response.ok) return status(`/queries: ${response.status}`, true);
    const entries = await response.json();
    const kinds = { question: "Questions", check: "Checks (no rows: pass)", report: "Reports" };
    const lists = Object.entries(kinds).map(([kind, heading]) => {
      const items = entries.filter((e) => e.kind === kind).map((entry) =>
        h("li", null, h("button", { type: "button", class: "query", "data-name": entry.name, title: entry.question, onclick: () => showQuery(entry) }, entry.title)));
      return items.length ? [h("h3", null, heading), h("ul", null, items)] : [];
    });
    $("catalogue").replaceChildren(...lists.flat());
  }

  $("run").addEventListener("click", runEditor);
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-json").addEventListener("click", () => download("json"));
  loadCatalogue();
})();
