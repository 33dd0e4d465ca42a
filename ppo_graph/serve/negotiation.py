"""Content negotiation for the endpoint: which of the formats a result can be written in suits the
request's ``Accept`` header (or its ``format=`` parameter). No RDF library and no web framework
here, so the rules are tested on their own.

The rules (RFC 9110, section 12.5.1): each media range has a quality ``q`` (1 unless given; 0
means "not acceptable"); a format takes the quality of the most specific range that matches its
media type (``type/subtype`` before ``type/*`` before ``*/*``); the highest quality wins; between
equal qualities a format the client named wins over one it reached by a wildcard, then the one
whose range comes first in the header, then the server's order (JSON, XML, CSV, TSV for results;
Turtle, N-Triples, JSON-LD, RDF/XML for graphs). Wildcards reach only a format's own media type; the
other names clients send for it (``application/json``, ``text/plain``, ...) count only when named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ResultFormat:
    """A way to write a result: its ``format=`` name, the media type it is sent as, and other
    media types clients ask for it by."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


#: SELECT and ASK results (and the canned queries' rows), in the server's order of preference.
RESULT_FORMATS = (
    ResultFormat("json", "application/sparql-results+json", ("application/json",)),
    ResultFormat("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    ResultFormat("csv", "text/csv"),
    ResultFormat("tsv", "text/tab-separated-values"),
)
#: CONSTRUCT and DESCRIBE results, and the service description.
GRAPH_FORMATS = (
    ResultFormat("turtle", "text/turtle", ("application/x-turtle", "application/turtle")),
    ResultFormat("ntriples", "application/n-triples", ("text/plain",)),
    ResultFormat("jsonld", "application/ld+json", ("application/json",)),
    # what rdflib's SPARQLStore asks for a CONSTRUCT (it parses nothing else)
    ResultFormat("rdfxml", "application/rdf+xml"),
)
#: Other names the ``format=`` parameter takes.
#: (Turtle is a subset of N3, so a client asking for N3 can read it.)
FORMAT_ALIASES = {
    "nt": "ntriples",
    "n-triples": "ntriples",
    "ttl": "turtle",
    "n3": "turtle",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
}
FORMAT_NAMES = tuple(f.name for f in (*RESULT_FORMATS, *GRAPH_FORMATS))


class NotAcceptable(Exception):
    """No format of the result suits the request; ``str()`` lists what is available."""


class UnknownFormat(ValueError):
    """A ``format=`` value that names no format at all."""


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str, *, own: bool) -> int | None:
        """2 when this range names ``media_type`` exactly, 1 for ``type/*``, 0 for ``*/*``; None
        when it does not match. Wildcards match only a format's ``own`` media type."""
        kind, _, sub = media_type.partition("/")
        if (self.type, self.subtype) == (kind, sub):
            return 2
        if not own:
            return None
        if self.type == kind and self.subtype == "*":
            return 1
        if (self.type, self.subtype) == ("*", "*"):
            return 0
        return None


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header, in the order given; entries that are not
    ``type/subtype`` are skipped, and so is a ``q`` that is not a number (as if absent: 1)."""
    ranges: list[MediaRange] = []
    for position, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        kind, slash, sub = media.lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 1.0
                break  # parameters after q are accept-extensions
        ranges.append(MediaRange(kind, sub, q, position))
    return ranges


def _score(fmt: ResultFormat, ranges: list[MediaRange]) -> tuple[float, int, int] | None:
    """(quality, specificity, -position) of the best media type of ``fmt`` under ``ranges``."""
    best: tuple[float, int, int] | None = None
    for index, media_type in enumerate(fmt.media_types):
        matched: tuple[int, MediaRange] | None = None
        for media_range in ranges:
            specificity = media_range.specificity(media_type, own=index == 0)
            if specificity is not None and (matched is None or specificity > matched[0]):
                matched = (specificity, media_range)
        if matched is None:
            continue
        specificity, media_range = matched
        score = (media_range.q, specificity, -media_range.position)
        if best is None or score > best:
            best = score
    return best


def choose(
    formats: tuple[ResultFormat, ...], accept: str | None, format_values: Sequence[str] = ()
) -> ResultFormat:
    """The format to write a result in; :class:`NotAcceptable` when none suits the request.

    ``format_values`` (the ``format=`` parameter; SPARQLWrapper sends it twice, as a name and as
    a media type) overrides the Accept header: the first value that names a format, by name or
    media type, decides; values none of which names a format raise :class:`UnknownFormat`. No
    Accept header (or an empty one) takes the first of ``formats``.
    """
    if format_values:
        named = [n for n in (_format_name(v, formats) for v in format_values) if n is not None]
        if not named:
            given = ", ".join(repr(v) for v in format_values)
            raise UnknownFormat(f"unknown format={given}; formats: {', '.join(FORMAT_NAMES)}")
        for fmt in formats:
            if fmt.name == named[0]:
                return fmt
        raise NotAcceptable(f"format={named[0]} does not apply here; {available(formats)}")
    if not accept or not accept.strip():
        return formats[0]
    ranges = parse_accept(accept)
    if not ranges:
        return formats[0]
    scored = []
    for order, fmt in enumerate(formats):
        score = _score(fmt, ranges)
        if score is not None and score[0] > 0:
            scored.append(((*score, -order), fmt))
    if not scored:
        raise NotAcceptable(
            f"none of the accepted media types ({accept}) can be sent; {available(formats)}"
        )
    return max(scored, key=lambda pair: pair[0])[1]


def _format_name(value: str, formats: tuple[ResultFormat, ...]) -> str | None:
    """The format a ``format=`` value names: a name, another name for it, or a media type (one
    of ``formats`` first: ``application/json`` is JSON results or JSON-LD by the result)."""
    value = value.strip().lower()
    name = FORMAT_ALIASES.get(value, value)
    if name in FORMAT_NAMES:
        return name
    for fmt in (*formats, *RESULT_FORMATS, *GRAPH_FORMATS):
        if value in fmt.media_types:
            return fmt.name
    return None


def available(formats: tuple[ResultFormat, ...]) -> str:
    """What a result can be sent as, for a 406's message."""
    types = ", ".join(f.media_type for f in formats)
    names = "|".join(f.name for f in formats)
    return f"available: {types} (Accept header), or format={names}"
