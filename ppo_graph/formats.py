"""Every output format choice of the ``ppo`` command, in one place, kept apart from the modules
that implement them so that building the command-line parser imports no RDF library."""

from __future__ import annotations

import enum


class Format(enum.StrEnum):
    """Formats for rows: query results, the catalogue, the interface list and metrics, the
    organisation's gaps, diffs and what-ifs, the findings of ``ppo validate`` (each command's
    ``--format``, :func:`ppo_graph.cli.common.add_output`); xlsx needs ``--out``."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    MD = "md"
    XLSX = "xlsx"


class MatrixFormat(enum.StrEnum):
    """Formats of the RACI matrix (``ppo raci``)."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    MD = "md"
    HTML = "html"
    XLSX = "xlsx"


class CrosswalkFormat(enum.StrEnum):
    """Formats of ``ppo crosswalk``: its rows, the coverage matrix page, the SSSOM table."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    MD = "md"
    XLSX = "xlsx"
    HTML = "html"
    SSSOM = "sssom"


class ReportFormat(enum.StrEnum):
    """Formats for a command's report (``ppo validate``, ``ppo stats``, ``ppo cache info``);
    ``turtle``, the SHACL report graph, is ``ppo validate``'s only."""

    TEXT = "text"
    JSON = "json"
    TURTLE = "turtle"


class GraphFormat(enum.StrEnum):
    """RDF formats ``ppo build`` writes."""

    TURTLE = "turtle"
    NT = "nt"
    JSONLD = "jsonld"
    TRIG = "trig"
    NQUADS = "nquads"


class View(enum.StrEnum):
    """What ``ppo viz`` draws."""

    INTERFACES = "interfaces"
    ROLES = "roles"
    ARTEFACTS = "artefacts"
    PPO = "ppo"  # the slide: interfaces with a PPO process at one end, 16:9, edges labelled


class PictureFormat(enum.StrEnum):
    """Formats of ``ppo viz``."""

    HTML = "html"
    SVG = "svg"
    PNG = "png"
    GRAPHML = "graphml"
    DOT = "dot"


class QuizFormat(enum.StrEnum):
    """Formats of ``ppo quiz``: Moodle's two import formats, QTI 2.1 (a zip) and an Anki deck
    (both need --out), CSV, a printable HTML exam and JSON."""

    GIFT = "gift"
    MOODLE = "moodle"
    QTI = "qti"
    ANKI = "anki"
    CSV = "csv"
    HTML = "html"
    JSON = "json"


def choices(*formats: enum.StrEnum) -> list[str]:
    """The values of ``formats`` for an argparse ``choices`` list, in order."""
    return [f.value for f in formats]


#: Formats of a role's description (``ppo role ROLE --format``, :mod:`ppo_graph.role_document`).
ROLE_FORMATS = ("md", "html", "docx", "pdf")
