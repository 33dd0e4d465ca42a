"""Loading: parse errors name the file and line; nothing is fetched from the network."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from ppo_graph.backends.reference.load import parse_into


def test_parse_into_reports_file_and_line(tmp_path: Path) -> None:
    from ppo_graph.errors import InputError

    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\n\nex:a ex:b "open .\n')
    with pytest.raises(InputError) as err:
        parse_into(Graph(), bad)
    assert err.value.line == 4
    assert str(bad) in str(err.value)


def test_remote_jsonld_context_is_refused_not_fetched(tmp_path: Path) -> None:
    from ppo_graph.errors import InputError

    doc = tmp_path / "remote.jsonld"
    doc.write_text(
        '{"@context": "https://schema.org/", "@id": "https://example.org/x", "name": "x"}'
    )
    with pytest.raises(InputError, match="remote JSON-LD context"):
        parse_into(Graph(), doc)
    local = tmp_path / "local.jsonld"
    local.write_text(
        '{"@context": {"name": "https://schema.org/name"}, "@id": "https://example.org/x", "name": "x"}'
    )
    assert len(parse_into(Graph(), local)) == 1


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "bad.nt",
            "<http://e/a> <http://e/b> <http://e/c> .\n\n<http://e/a> <http://e/b> garbage .\n",
        ),
        ("bad.nq", "<http://e/a> <http://e/b> <http://e/c> <http://e/g> .\n# c\nxx yy\n"),
    ],
)
def test_line_based_formats_report_the_bad_line(tmp_path: Path, name: str, text: str) -> None:
    from ppo_graph.errors import InputError

    bad = tmp_path / name
    bad.write_text(text)
    with pytest.raises(InputError) as err:
        parse_into(Graph(), bad)
    assert err.value.line == 3
