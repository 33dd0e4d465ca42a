"""Server-side HTML without a template engine: :func:`h` builds an element and escapes every
string it is given (labels are data, and data can be hostile); only :class:`Markup` made here
passes through unescaped. :func:`page` wraps a body in the workbench's shell: navigation, the
stylesheet and script served from the package, nothing from elsewhere."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TypeAlias

#: The workbench's pages load only what this server sends: its own scripts, styles and
#: queries; no inline script or style, no other host, no frames, no plugins.
META_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'"
)
#: The header adds what a <meta> cannot say: no other page may frame these.
PAGE_CSP = f"{META_CSP}; frame-ancestors 'none'"
#: The interface page of ``ppo viz`` is one self-contained file with its script inlined: the
#: policy its own <meta> states, sent as a header too.
GRAPH_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)

NAVIGATION = (
    ("/", "SPARQL"),
    ("/roles", "Roles"),
    ("/crosswalk", "Crosswalk"),
    ("/graph", "Interface graph"),
    ("/validation", "Validation"),
    ("/ontology", "Ontology"),
    ("/quiz", "Quiz"),
    ("/assess", "Assess"),
)


class Markup(str):
    """HTML that is already safe: made by :func:`h` or :func:`raw` only."""


Child: TypeAlias = "str | int | float | Markup | Iterable[Child] | None"


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def raw(text: str) -> Markup:
    """Trusted markup written in this package (never data)."""
    return Markup(text)


def render(child: Child) -> str:
    if child is None:
        return ""
    if isinstance(child, Markup):
        return str(child)
    if isinstance(child, str | int | float):
        return escape(child)
    return "".join(render(c) for c in child)


def h(tag: str, attrs: Mapping[str, object] | None = None, *children: Child) -> Markup:
    """``<tag attrs>children</tag>``; every attribute value and text child is escaped. An
    attribute whose value is None or False is left out, True writes it bare."""
    parts = [tag]
    for key, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        parts.append(key if value is True else f'{key}="{escape(value)}"')
    opening = f"<{' '.join(parts)}>"
    if tag in {"meta", "link", "input", "br", "img"}:
        return Markup(opening)
    return Markup(f"{opening}{render(list(children))}</{tag}>")


def page(
    title: str,
    body: Child,
    *,
    active: str = "",
    scripts: Iterable[str] = (),
    styles: Iterable[str] = (),
) -> str:
    """A whole workbench page: ``title`` (escaped), the navigation with ``active`` marked, and
    ``body``; ``scripts`` and ``styles`` are the package's own assets, by path."""
    nav = h(
        "nav",
        {"class": "site"},
        h("span", {"class": "brand"}, "ppo-graph workbench"),
        [
            h("a", {"href": href, "aria-current": "page" if href == active else None}, text)
            for href, text in NAVIGATION
        ],
    )
    head = h(
        "head",
        None,
        h("meta", {"charset": "utf-8"}),
        h("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        h("meta", {"http-equiv": "Content-Security-Policy", "content": META_CSP}),
        h("title", None, title),
        [h("link", {"rel": "stylesheet", "href": href}) for href in styles],
        h("link", {"rel": "stylesheet", "href": "/assets/workbench.css"}),
        [h("script", {"src": src, "defer": True}) for src in scripts],
    )
    document = h("html", {"lang": "en"}, head, h("body", None, nav, h("main", None, body)))
    return f"<!DOCTYPE html>\n{document}\n"
