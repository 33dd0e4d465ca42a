"""The one resolver for names: what a name given on the command line, in a query parameter, in an
organisation's CSV or in a workbench address stands for, among the nodes of one kind.

A name is tried in tiers, and the first tier that knows it decides:

1. the node's IRI or CURIE (``ppod:CapacityManagementProcessManager``);
2. its names, case, spaces and punctuation ignored: labels (rdfs:label, skos:prefLabel),
   alternative labels (skos:altLabel), abbreviations (ppo:abbreviation) and the IRI's local name;
3. the short forms made for the role of a process: its process's name without "Management"
   ("Capacity"), or one of the process's abbreviations ("ITSCM"), followed by "Owner",
   "Manager", "Process Owner" or "Process Manager" ("ITSCM Process Manager", "ISM Owner",
   "Capacity Manager");
4. hidden phrases (skos:hiddenLabel, ppo:recordLabel): the wordings the text uses.

A name that stands for two nodes within its tier is refused with the candidates
(:class:`AmbiguousName`); one that stands for none is refused with the closest names of the same
kind only (:class:`UnknownName`, difflib). The rows come from the ``name-index`` report
(node, name, how, kind, abbreviation, process, scheme); :func:`from_rows` builds the index.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ppo_graph.errors import UsageError
from ppo_graph.namespaces import compact, expand_curie, local_name

#: The tiers, in the order they are tried.
TIERS = ("iri", "name", "short", "hidden")
_ROLE_WORDS = {"owner": ("Owner", "Process Owner"), "manager": ("Manager", "Process Manager")}


_NOT_WORD = re.compile(r"[\W_]+")


def key(name: str) -> str:
    """What a name is compared by: its letters and digits, case ignored."""
    return _NOT_WORD.sub("", name.casefold())


def _spaced(name: str) -> str:
    """What close matches are measured on: the words of a name, case ignored."""
    return " ".join(name.casefold().split())


class NameError_(UsageError, LookupError):
    """A name that stands for no node, or for several: a usage error (exit 2) that the CSV
    readers also catch as a LookupError to add the file and line."""


class UnknownName(NameError_):
    """No node of the kind has the name; the message offers the closest names of that kind."""


class AmbiguousName(NameError_):
    """The name stands for several nodes; the message lists them."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


def short_forms(process: str, abbreviations: Iterable[str], kind: str) -> set[str]:
    """The short forms of the ``kind`` ("owner", "manager") role of a process:
    "Capacity Management" -> "Capacity Owner", "Capacity Process Owner", and with ITSCM,
    "ITSCM Owner", "ITSCM Process Owner"."""
    words = _ROLE_WORDS.get(kind, ())
    stems = {s for s in (_short(process), process, *abbreviations) if s}
    return {f"{stem} {word}" for stem in stems for word in words}


def _short(process: str) -> str:
    """A process's name without "Management": "Capacity Management" -> "Capacity"."""
    return " ".join(re.sub(r"\bmanagement\b", " ", process, flags=re.IGNORECASE).split())


@dataclass
class Resolver:
    """The names of the nodes of one kind (``what``: "role", "ppo:Role", "theme"), by tier."""

    what: str
    #: Said after the close matches (or instead): where the reader finds every name.
    hint: str = ""
    #: With no close match, every node is listed (by CURIE) when there are at most this many.
    list_all: int = 0
    index: dict[str, dict[str, set[str]]] = field(default_factory=lambda: {t: {} for t in TIERS})
    #: node -> the label it is shown by (its first label, else its CURIE).
    labels: dict[str, str] = field(default_factory=dict)
    #: key -> the name offered as a close match.
    shown: dict[str, str] = field(default_factory=dict)
    #: node -> its short forms, as made ("ITSCM Process Manager").
    forms: dict[str, set[str]] = field(default_factory=dict)
    #: name -> the IRI it was resolved to (a CSV names the same few nodes thousands of times);
    #: emptied whenever a name is added.
    resolved: dict[str, str] = field(default_factory=dict, repr=False)

    def add(
        self,
        name: str,
        node: str,
        tier: str = "name",
        *,
        show: bool = True,
        shown_as: str | None = None,
    ) -> None:
        """Index ``name`` for ``node`` in ``tier``; offer it (or ``shown_as``) as a close match
        when ``show``."""
        k = key(name) if tier != "iri" else name
        if not k:
            return
        self.resolved.clear()
        self.index[tier].setdefault(k, set()).add(node)
        if show and tier in ("name", "short"):
            self.shown.setdefault(_spaced(name), shown_as or name)

    def add_node(self, node: str, label: str = "") -> None:
        """A node by its IRI, CURIE and local name; ``label`` the name it is shown by."""
        self.add(node, node, "iri", show=False)
        self.add(compact(node), node, "iri", show=False)
        self.add(local_name(node), node, "name", show=False)
        if label:
            self.labels.setdefault(node, label)

    def nodes(self) -> list[str]:
        return sorted({n for found in self.index["iri"].values() for n in found}, key=compact)

    def label(self, node: str) -> str:
        return self.labels.get(node) or compact(node)

    def values(self) -> list[tuple[str, str, str]]:
        """(label, CURIE, IRI) of every node, by label: what a name may stand for."""
        return sorted(
            ((self.label(n), compact(n), n) for n in self.nodes()), key=lambda v: v[0].casefold()
        )

    def resolve(self, name: str) -> str:
        """The IRI ``name`` stands for; :class:`AmbiguousName` or :class:`UnknownName` if none."""
        if (known := self.resolved.get(name)) is not None:
            return known
        self.resolved[name] = found = self._resolve(name)
        return found

    def _resolve(self, name: str) -> str:
        text = name.strip()
        iri = expand_curie(text)
        tried = [("iri", iri or text), ("iri", text)] + [(t, key(text)) for t in TIERS[1:]]
        for tier, k in tried:
            found = self.index[tier].get(k) if k else None
            if not found:
                continue
            if len(found) == 1:
                return next(iter(found))
            why = " (a phrase the text uses of each, not a name)" if tier == "hidden" else ""
            listed = ", ".join(compact(n) for n in sorted(found, key=compact))
            raise AmbiguousName(
                f"{self.what} {text!r} is ambiguous; it could be {listed}{why}: give its full "
                "name or CURIE",
                sorted(found),
            )
        close = difflib.get_close_matches(_spaced(text), list(self.shown), n=6, cutoff=0.6)
        offered = list(dict.fromkeys(self.shown[c] for c in close))[:3]
        nodes = self.nodes()
        if offered:
            hint = "; close matches: " + ", ".join(repr(o) for o in offered)
        elif nodes and len(nodes) <= self.list_all:
            hint = "; valid values: " + ", ".join(compact(n) for n in nodes)
        else:
            hint = ""
        hint += f" ({self.hint})" if hint and self.hint else f"; {self.hint}" if self.hint else ""
        raise UnknownName(f"unknown {self.what} {text!r}{hint}")


def from_rows(
    rows: Iterable[Mapping[str, str]],
    what: str,
    *,
    hint: str = "",
    scheme: str | None = None,
    list_all: int = 0,
) -> Resolver:
    """A resolver from ``name-index`` rows (text: "" when unbound); with ``scheme``, only the
    nodes in that concept scheme (the themes, not the RACI letters, for a theme)."""
    rows = list(rows)
    if scheme:
        keep = {r["node"] for r in rows if r.get("scheme") == scheme}
        rows = [r for r in rows if r["node"] in keep]
    resolver = Resolver(what, hint, list_all)
    roles: dict[str, tuple[str, str, set[str]]] = {}
    for row in sorted(rows, key=lambda r: (r.get("how") != "label", r.get("name", ""))):
        node, name, how = row["node"], row.get("name", ""), row.get("how", "")
        resolver.add_node(node, name if how == "label" else "")
        if name and how == "hidden":
            resolver.add(name, node, "hidden", show=False)
        elif name:
            resolver.add(name, node, "name", show=how in ("label", "alt"))
        if row.get("kind") and row.get("process"):
            _, _, abbreviations = roles.setdefault(node, (row["kind"], row["process"], set()))
            if row.get("abbreviation"):
                abbreviations.add(row["abbreviation"])
    for node, (kind, process, abbreviations) in roles.items():
        offered = f"{_short(process)} {kind}"  # "Capacity Manager": offered as its label
        for form in short_forms(process, abbreviations, kind):
            show = key(form) == key(offered)
            resolver.add(form, node, "short", show=show, shown_as=resolver.label(node))
            resolver.forms.setdefault(node, set()).add(form)
    return resolver


def role_short_forms(rows: Iterable[Mapping[str, str]]) -> dict[str, set[str]]:
    """Each short form's key -> the roles it names (a test: none names two)."""
    resolver = from_rows(rows, "role")
    return resolver.index["short"]
