"""Resolving the names a CSV gives (roles, duties) against the graph, with close matches for an
unknown one (difflib)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ppo_graph.namespaces import compact, expand_curie

_SHORT_DROP = re.compile(r"\b(process|management)\b", re.IGNORECASE)


def _key(name: str) -> str:
    return " ".join(name.lower().split())


def short_form(label: str) -> str:
    """ "Capacity Management Process Manager" -> "capacity manager"."""
    return _key(_SHORT_DROP.sub(" ", label))


@dataclass
class Names:
    """A name -> IRI index, matched case- and space-insensitively; ``shown`` are the names
    offered as close matches. ``hidden`` holds phrases (skos:hiddenLabel) a name no other name
    matches falls back on: one IRI's phrase stands for it, a phrase of several is ambiguous."""

    what: str
    index: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    candidates: dict[str, set[str]] = field(default_factory=dict)
    hidden: dict[str, set[str]] = field(default_factory=dict)

    def add(self, name: str, iri: str, *, show: bool = True, shown_as: str | None = None) -> None:
        """Index ``name``; offer it as a close match (as ``shown_as`` if given) when ``show``."""
        key = _key(name)
        if key in self.index and self.index[key] != iri:
            self.ambiguous.add(key)
        self.index.setdefault(key, iri)
        self.candidates.setdefault(key, set()).add(iri)
        if show:
            self.shown.setdefault(key, shown_as or name)

    def add_hidden(self, phrase: str, iri: str) -> None:
        """Index a hidden phrase: used only when no name matches, never offered."""
        self.hidden.setdefault(_key(phrase), set()).add(iri)

    def _refuse_ambiguous(self, text: str, iris: set[str]) -> LookupError:
        listed = ", ".join(sorted(compact(i) for i in iris))
        return LookupError(
            f"{self.what} {text!r} is ambiguous; it could be {listed}: give its full name or IRI"
        )

    def resolve(self, name: str) -> str:
        """The IRI a name stands for; ``LookupError`` with the close matches if none."""
        text = name.strip()
        iri = expand_curie(text)
        if iri is not None and _key(iri) in self.index and _key(iri) not in self.ambiguous:
            return self.index[_key(iri)]
        key = _key(text)
        if key in self.index and key not in self.ambiguous:
            return self.index[key]
        if key in self.ambiguous:
            raise self._refuse_ambiguous(text, self.candidates[key])
        if key in self.hidden:  # a wording of the text, not a name: only if it names one
            iris = self.hidden[key]
            if len(iris) == 1:
                return next(iter(iris))
            raise self._refuse_ambiguous(text, iris)
        close = difflib.get_close_matches(key, list(self.shown), n=6, cutoff=0.6)
        offered = list(dict.fromkeys(self.shown[c] for c in close))[:3]
        hint = (
            "; close matches: " + ", ".join(repr(name) for name in offered)
            if offered
            else f"; `ppo org import --help` says how {self.what}s are named"
        )
        raise LookupError(f"unknown {self.what} {text!r}{hint}")


def role_names(rows: Iterable[Mapping[str, str]]) -> Names:
    """From the org-roles report: each role by IRI, CURIE, label and other names; a process role
    also by its short form ("Capacity Manager") and by its process's abbreviation ("ISM Owner",
    "ISM Process Owner"); its hidden labels (rows with ``hidden``) as fallback phrases."""
    names = Names("role")
    for row in rows:
        iri, name = row["role"], row["name"]
        if str(row.get("hidden", "")).lower() in ("true", "1"):
            names.add_hidden(name, iri)
            continue
        names.add(iri, iri, show=False)
        names.add(compact(iri), iri, show=False)
        names.add(name, iri)
        kind, abbreviation = row.get("kind"), row.get("abbreviation")
        if kind:
            names.add(short_form(name), iri, shown_as=name)
            if abbreviation:
                names.add(f"{abbreviation} {kind}", iri, show=False)
                names.add(f"{abbreviation} process {kind}", iri, show=False)
    return names


def duty_names(duties: Iterable[str]) -> Names:
    """Each duty by IRI, CURIE (ppod:duty-7.6-14) and local name (duty-7.6-14)."""
    names = Names("duty")
    for iri in duties:
        curie = compact(iri)
        names.add(iri, iri, show=False)
        names.add(curie, iri)
        names.add(curie.split(":", 1)[-1], iri, show=False)
    return names


def fold(name: str) -> str:
    """What is left of a name without case, spaces and punctuation: the names a reader (or an
    IRI slug) could take for one."""
    return re.sub(r"[\W_]+", "", name.casefold())


def near_duplicates(named: Iterable[tuple[int, str]]) -> list[tuple[tuple[int, str], ...]]:
    """Groups of different exact names (each with the first line that gives it) that differ only
    in case, spaces or punctuation ("Service Desk", "service desk"); in the order first seen."""
    first: dict[str, int] = {}
    for line, name in named:
        first.setdefault(name, line)
    groups: dict[str, list[tuple[int, str]]] = {}
    for name, line in first.items():
        groups.setdefault(fold(name) or name, []).append((line, name))
    return [tuple(group) for group in groups.values() if len(group) > 1]
