"""Output format choices, kept apart from the modules that implement them so that building the
command-line parser imports no RDF library."""

from __future__ import annotations

import enum


class Format(enum.StrEnum):
    """Formats for query results."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    MD = "md"


class View(enum.StrEnum):
    """What ``ppo viz`` draws."""

    INTERFACES = "interfaces"
    ROLES = "roles"
    ARTEFACTS = "artefacts"


class PictureFormat(enum.StrEnum):
    """Formats of ``ppo viz``."""

    HTML = "html"
    SVG = "svg"
    PNG = "png"
    GRAPHML = "graphml"
    DOT = "dot"
