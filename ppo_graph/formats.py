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
