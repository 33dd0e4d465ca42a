"""The role pages: an index of every role, and one page per role (``/roles/{local-name}``) that a
governance lead prints as the role's description: who holds it today, or as of the date of
``?as_of=YYYY-MM-DD`` (when an organisation is loaded; the date is printed), its duties (own and inherited, with section, bullet and verbatim text), the artefacts and
processes they mention, and the interfaces of its process. Every fact comes from a catalogue query
(``queries/reports/workbench-roles.rq``, ``role-page-*.rq``, and, for the index's count of
holders, ``org-current-members.rq`` and ``org-role-holders.rq``; for the crosswalk,
``role-page-mappings.rq``); this module only groups and writes them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ppo_graph.dates import current
from ppo_graph.namespaces import compact, local_name
from ppo_graph.serve.workbench.markup import Child, Markup, h, page
from ppo_graph.tables import parts

if TYPE_CHECKING:
    from ppo_graph.engine.protocol import Graph


@dataclass(frozen=True)
class RoleEntry:
    iri: str
    label: str
    kind: str
    process: str
    #: How many people hold the role today; None when no organisation is loaded.
    holders: int | None = None
    #: A PPO process owner or manager role, which the organisation checks require to be held.
    must_be_held: bool = False

    @property
    def href(self) -> str:
        return f"/roles/{quote(local_name(self.iri), safe='')}"


def _text(term: Any) -> str:
    return "" if term is None else parts(term)[1]


def role_index(graph: Graph) -> dict[str, RoleEntry]:
    """local name -> role; a role listed twice (two kinds or processes) keeps its first row,
    and two roles with one local name keep the first IRI (the other is reached by neither).
    With an organisation loaded, each role has the count of people who hold it today."""
    roles: dict[str, RoleEntry] = {}
    org_loaded = False
    for row in graph.rows("workbench-roles"):
        iri = _text(row["role"])
        entry = RoleEntry(
            iri, _text(row["label"]) or compact(iri), _text(row["kind"]), _text(row["process"])
        )
        roles.setdefault(local_name(iri), entry)
        org_loaded = org_loaded or _text(row["orgLoaded"]) == "true"
    if not org_loaded:
        return roles
    people: dict[str, set[str]] = defaultdict(set)
    for row in graph.rows("org-current-members"):
        people[_text(row["role"])].add(_text(row["person"]))
    required = {_text(row["role"]) for row in graph.rows("org-role-holders")}
    return {
        name: replace(
            entry, holders=len(people.get(entry.iri, ())), must_be_held=entry.iri in required
        )
        for name, entry in roles.items()
    }


def index_page(roles: dict[str, RoleEntry]) -> str:
    with_org = any(r.holders is not None for r in roles.values())
    rows = [
        h(
            "tr",
            None,
            h("td", None, h("a", {"href": r.href}, r.label)),
            h("td", None, r.kind),
            h("td", None, r.process or "(any process)"),
            _holder_count(r) if with_org else None,
            h("td", {"class": "iri"}, compact(r.iri)),
        )
        for r in roles.values()
    ]
    columns = ("role", "kind", "process", *(("held by today",) if with_org else ()), "IRI")
    who = "who holds it today, " if with_org else ""
    body = [
        h("h1", None, "Roles"),
        h(
            "p",
            None,
            f"{len(roles)} roles; each page lists {who}the role's duties, what they mention "
            "and its process's interfaces, ready to print.",
        ),
        _table("roles", columns, rows),
    ]
    return page("Roles", body, active="/roles")


def _holder_count(role: RoleEntry) -> Markup:
    if role.holders == 0 and role.must_be_held:
        return h("td", {"class": "holders unheld"}, "0: nobody holds it")
    return h("td", {"class": "holders"}, role.holders)


@dataclass(frozen=True)
class Mention:
    """An artefact or process the role's duties mention: how they touch it, and which duties
    (local names)."""

    kind: str
    target: str
    label: str
    how: tuple[str, ...]
    duties: tuple[str, ...]


@dataclass(frozen=True)
class RoleData:
    """Everything a role's description says, as the catalogue's reports give it: the rows of
    ``role-page-holders`` (as of ``day``), ``role-page-duties`` (own first, in source order),
    ``role-page-mentions`` (grouped) and ``role-page-interfaces``. The role page and the
    exported documents (:mod:`ppo_graph.role_document`) are both drawn from it."""

    role: RoleEntry
    day: dt.date
    holders: list[dict[str, Any]]
    duties: list[dict[str, Any]]
    mentions: list[Mention]
    interfaces: list[dict[str, Any]]

    @property
    def own(self) -> list[dict[str, Any]]:
        return [d for d in self.duties if _text(d["how"]) == "own"]

    @property
    def inherited(self) -> list[dict[str, Any]]:
        return [d for d in self.duties if _text(d["how"]) != "own"]

    @property
    def caveat(self) -> str:
        """What a reader of the role's list must know when the source cuts it short or mirrors
        the manager's list (the caveat column of role-page-duties); "" otherwise."""
        return next((_text(r["caveat"]) for r in self.duties if _text(r.get("caveat"))), "")

    @property
    def org_loaded(self) -> bool:
        return bool(self.holders) and _text(self.holders[0]["orgLoaded"]) == "true"

    @property
    def must_be_held(self) -> bool:
        return bool(self.holders) and _text(self.holders[0]["mustBeHeld"]) == "true"

    @property
    def people(self) -> list[dict[str, str]]:
        """Who holds the role on ``day``: name, person (id), post and team, as text."""
        columns = ("name", "person", "post", "team")
        return [
            {c: _text(row[c]) for c in columns} for row in self.holders if row["person"] is not None
        ]


def role_data(graph: Graph, role: RoleEntry, as_of: dt.date | None = None) -> RoleData:
    """The reports' rows for ``role``, its holders as of ``as_of`` (None:
    :func:`ppo_graph.dates.current`)."""
    from ppo_graph.dates import params as dated

    params = {"role": role.iri}
    day = as_of or current()
    return RoleData(
        role,
        day,
        holders=graph.rows("role-page-holders", {**params, **dated(day)}),
        duties=graph.rows("role-page-duties", params),
        mentions=_group_mentions(graph.rows("role-page-mentions", params)),
        interfaces=graph.rows("role-page-interfaces", params),
    )


def find_role(graph: Graph, name: str) -> RoleEntry:
    """The role ``name`` stands for (an IRI, CURIE, label or other name, as the organisation
    import reads them); ``LookupError`` with the close matches when it names none."""
    from ppo_graph.org.names import role_names
    from ppo_graph.org.rdf import rows_of

    iri = role_names(rows_of(graph, "org-roles")).resolve(name)
    for entry in role_index(graph).values():
        if entry.iri == iri:
            return entry
    raise LookupError(f"{name!r} names {compact(iri)}, which is not one of the roles")


#: The exported documents of a role page (``/roles/NAME.SUFFIX``): suffix -> media type.
EXPORTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}


def role_page(
    graph: Graph,
    role: RoleEntry,
    roles: dict[str, RoleEntry],
    as_of: dt.date | None = None,
    *,
    today: bool = True,
) -> str:
    """The page of ``role``, its holders as of ``as_of`` (None: :func:`ppo_graph.dates.current`);
    ``today``: that date is today's (the page says "today" beside it)."""
    data = role_data(graph, role, as_of)
    by_label = {r.label: r for r in roles.values()}
    own, inherited = data.own, data.inherited
    subtitle = ", ".join(x for x in (role.kind, role.process) if x)
    query = "" if today else f"?as_of={data.day.isoformat()}"
    downloads = [
        [" ", h("a", {"href": f"{role.href}.{suffix}{query}", "download": True}, label)]
        for suffix, label in (("docx", "Word"), ("pdf", "PDF"), ("md", "Markdown"))
    ]
    body: list[Child] = [
        h(
            "header",
            {"class": "role"},
            h("p", {"class": "eyebrow"}, "Role description"),
            h("h1", None, role.label),
            h("p", {"class": "subtitle"}, subtitle),
            h("p", {"class": "iri"}, role.iri),
            h("button", {"type": "button", "class": "print no-print", "id": "print"}, "Print"),
            h("p", {"class": "downloads no-print", "id": "downloads"}, "Download:", downloads),
        ),
        _holders(data, today=today),
        h("h2", None, f"Duties ({len(own)} own, {len(inherited)} inherited)"),
        _caveat(data.caveat),
        _duty_table(own, "own-duties", by_label) if own else h("p", None, "No duty of its own."),
    ]
    if inherited:
        body += [h("h3", None, "Inherited"), _duty_table(inherited, "inherited-duties", by_label)]
    body += [
        h("h2", None, "Artefacts and processes its duties mention"),
        _mentions(data.mentions),
        h("h2", None, "Interfaces of its process"),
        _interfaces(data.interfaces),
        h("h2", {"id": "crosswalk"}, "ITIL 4, ISO/IEC 20000-1 and COBIT 2019"),
        _mappings(graph.rows("role-page-mappings", {"role": role.iri})),
    ]
    return page(role.label, body, active="/roles", scripts=["/assets/role.js"])


def _caveat(caveat: str) -> Child:
    """The caveat of the role's list (:attr:`RoleData.caveat`), when it has one."""
    return h("p", {"class": "notice caveat", "id": "caveat"}, caveat) if caveat else None


def _holders(data: RoleData, *, today: bool) -> Child:
    """Who holds the role on ``day`` (``today``: it is today), when an organisation is loaded
    (else nothing): the date, a form to ask for another, and the people, or that nobody does,
    flagged as a gap for a role the organisation checks require to be held."""
    if not data.org_loaded:
        return None
    date = data.day.isoformat()
    when = "today" if today else f"as of {date}"
    people = data.people
    title = "Held by today" if today else f"Holders as of {date}"
    heading = h("h2", {"id": "held-by"}, f"{title} ({len(people)})")
    stated = h(
        "p",
        {"id": "as-of"},
        "As of ",
        h("time", {"datetime": date}, date),
        " (today)" if today else "",
        ": memberships begun on or before it and not ended before it.",
    )
    ask = h(
        "form",
        {"method": "get", "class": "no-print", "id": "as-of-form"},
        h("label", None, "Another date ", h("input", {"type": "date", "name": "as_of"})),
        " ",
        h("button", {"type": "submit"}, "Show"),
    )
    head = [heading, stated, ask]
    if not people:
        if data.must_be_held:
            notice = (
                f"Nobody holds this role {when}. Every PPO process owner and manager role must "
                "be held: ppo validate --checks flags it (org-role-unheld), and ppo org gaps "
                "lists the duties it leaves uncovered."
            )
            return [*head, h("p", {"class": "notice unheld", "id": "unheld"}, notice)]
        return [
            *head,
            h("p", {"class": "notice", "id": "unheld"}, f"Nobody holds this role {when}."),
        ]
    body = [_row(row[c] for c in ("name", "person", "post", "team")) for row in people]
    return [*head, _table("holders", ("name", "id", "post", "team"), body)]


def _duty_table(
    rows: list[dict[str, Any]], table_id: str, by_label: dict[str, RoleEntry]
) -> Markup:
    body = []
    for row in rows:
        corrected = _text(row["correctedText"])
        text: list[Child] = [h("span", {"class": "verbatim"}, _text(row["text"]))]
        if corrected:
            text.append(h("span", {"class": "corrected"}, f"Corrected: {corrected}"))
        listed = _text(row["listedFor"])
        holder = by_label.get(listed)
        body.append(
            h(
                "tr",
                {"id": local_name(_text(row["duty"]))},
                h("td", None, _text(row["section"])),
                h("td", None, _text(row["position"])),
                h("td", None, text),
                h("td", None, h("a", {"href": holder.href}, listed) if holder else listed),
            )
        )
    return _table(table_id, ("section", "bullet", "duty", "listed for"), body, "data duties")


def _group_mentions(rows: list[dict[str, Any]]) -> list[Mention]:
    """One entry per artefact or process (by kind, then label): how the duties touch it
    ("mentions ..." dropped beside a more telling relation), and which duties."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (_text(row["kind"]), _text(row["target"]))
        entry = grouped.setdefault(
            key, {"label": _text(row["label"]), "how": set(), "duties": set()}
        )
        entry["how"].add(_text(row["relation"]))
        entry["duties"].add(local_name(_text(row["duty"])))
    mentions = []
    for (kind, target), entry in sorted(grouped.items(), key=lambda i: (i[0][0], i[1]["label"])):
        how = sorted(entry["how"])
        if len(how) > 1:  # "mentions artefact" says nothing more than produces, uses, ...
            how = [x for x in how if not x.startswith("mentions")]
        mentions.append(
            Mention(kind, target, entry["label"], tuple(how), tuple(sorted(entry["duties"])))
        )
    return mentions


def _mentions(mentions: list[Mention]) -> Markup:
    """One line per artefact or process: how the duties touch it, and which duties."""
    if not mentions:
        return h("p", None, "Its duties mention no artefact or process.")
    body = [
        h(
            "tr",
            None,
            h("td", None, m.kind),
            h("td", None, m.label, h("span", {"class": "iri"}, f" {compact(m.target)}")),
            h("td", None, ", ".join(m.how)),
            h("td", None, [[h("a", {"href": f"#{d}"}, d), " "] for d in m.duties]),
        )
        for m in mentions
    ]
    return _table("mentions", ("kind", "mentioned", "how", "duties"), body)


def _interfaces(rows: list[dict[str, Any]]) -> Markup:
    if not rows:
        return h(
            "p", None, "It acts in no process with interfaces (a generic role, or none recorded)."
        )
    columns = ("process", "direction", "other process", "type", "stated", "evidence")
    body = [
        _row(
            [
                *(_text(row[c]) for c in ("process", "direction", "otherProcess", "type")),
                "stated" if _text(row["stated"]) == "true" else "implied",
                compact(_text(row["duty"])),
            ]
        )
        for row in rows
    ]
    return _table("interfaces", columns, body)


def _mappings(rows: list[dict[str, Any]]) -> Markup:
    """The role's crosswalk (``role-page-mappings``): its own rows, then the terms its duties
    map to with how many of them, each term linking to its framework's coverage page."""
    if not rows:
        return h("p", None, "The crosswalk maps neither the role nor its duties.")
    from ppo_graph.crosswalk import NO_TERM_FOUND, NO_TERM_LABEL

    body = []
    for row in rows:
        target = _text(row["target"])
        framework = compact(target).partition(":")[0]
        name = " ".join(x for x in (_text(row["notation"]), _text(row["label"])) if x)
        term: Child = (
            NO_TERM_LABEL
            if target == NO_TERM_FOUND
            else h("a", {"href": f"/crosswalk/{quote(framework, safe='')}"}, name or target)
        )
        own = _text(row["how"]) == "role"
        predicate = _text(row["predicate"])
        body.append(
            _row(
                [
                    _text(row["framework"]),
                    term,
                    predicate.rpartition("#")[2] if own else "",
                    _text(row["confidence"]) if own else "",
                    "the role's own row" if own else f"{_text(row['duties'])} of its duties",
                    _text(row["comment"]),
                ]
            )
        )
    columns = ("framework", "term", "match", "confidence", "how", "comment")
    return _table("mappings", columns, body)


def _row(cells: Iterable[Child]) -> Markup:
    """A table row of plain cells."""
    return h("tr", None, [h("td", None, cell) for cell in cells])


def _table(
    table_id: str, columns: Iterable[str], rows: list[Markup], classes: str = "data"
) -> Markup:
    """``table#table_id``: a header cell per column, then the rows."""
    head = h("tr", None, [h("th", None, c) for c in columns])
    return h(
        "table", {"class": classes, "id": table_id}, h("thead", None, head), h("tbody", None, rows)
    )
