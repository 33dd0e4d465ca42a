"""The README and the pages of docs/ hold together: every relative link points to a file that
exists, and every ``#anchor`` to a heading of its page (GitHub's slugs); the README links every
page; its Quick start has the two commands, the second the one ``.ci/run`` runs; and its
validation answer is real output.

The canned questions' quoted output is checked by tests/test_query_cli.py, the examples they name
by tests/test_examples.py.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT

from ppo_graph.cli import main

DOCS = ROOT / "docs"
README = ROOT / "README.md"
#: Every page a reader moves between; links in other Markdown files are not checked.
PAGES = [README, ROOT / "CONTRIBUTING.md", *sorted(DOCS.glob("*.md"))]

LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks, with inline code spans blanked out."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(re.sub(r"`+[^`]*`+", "``", line))
    return lines


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: the rendered text in lower case, punctuation dropped
    (hyphens and underscores kept), each space a hyphen."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link: its text
    text = text.replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a Markdown file's headings; a repeated one gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    lines, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    for line in lines:
        match = HEADING.match(line)
        if match:
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def relative_links(page: Path) -> list[str]:
    targets = []
    for line in prose_lines(page.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if not re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
                targets.append(target)
    return targets


def test_the_slugs_are_githubs() -> None:
    assert slug("Security: what the endpoint refuses and limits") == (
        "security-what-the-endpoint-refuses-and-limits"
    )
    assert slug("Any SPARQL store (`--store`)") == "any-sparql-store---store"
    assert slug("## `load.py`: many clients on `ppo serve`"[3:]) == (
        "loadpy-many-clients-on-ppo-serve"
    )
    assert slug("The engine: fast by design, right by reference") == (
        "the-engine-fast-by-design-right-by-reference"
    )


def test_the_checker_finds_links_and_skips_code(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\nSee [a](other.md#x), ![b](pic.svg) and [c](https://example.org).\n"
        "`[not](a-link.md)`\n\n```sh\n[not](either.md)\n# not a heading\n```\n## Title\n",
        encoding="utf-8",
    )
    assert relative_links(page) == ["other.md#x", "pic.svg"]
    assert anchors(page) == {"title", "title-1"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    links = relative_links(page)
    if page == README or page.parent == DOCS:
        assert links, f"{page.name} links nowhere"
    for link in links:
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        assert target.exists(), f"{page.name}: {link}: no such file"
        if anchor:
            assert target.suffix == ".md", f"{page.name}: {link}: an anchor in a non-Markdown file"
            assert anchor in anchors(target), f"{page.name}: {link}: no such heading"


def test_the_readme_links_every_page_of_docs() -> None:
    linked = {
        (README.parent / link.partition("#")[0]).resolve()
        for link in relative_links(README)
        if link.partition("#")[0]
    }
    pages = set(DOCS.glob("*.md"))
    assert pages, "docs/ has no pages"
    for page in pages:
        assert page.resolve() in linked, f"README.md does not link docs/{page.name}"


def test_the_quick_start_has_the_two_commands_and_ci_runs_the_second() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    assert commands == ["bash scripts/run.sh", "bash scripts/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec bash scripts/test\.sh$", ci, flags=re.MULTILINE)


def test_the_readme_validation_answer_is_real(capsys: pytest.CaptureFixture[str]) -> None:
    readme = README.read_text(encoding="utf-8")
    blocks = re.findall(
        r"```console\n\$ (ppo validate [^\n]*)\n(.*?)\$ echo \$\?\n(\d+)\n```",
        readme,
        flags=re.DOTALL,
    )
    assert len(blocks) == 1
    for command, shown, code in blocks:
        argv = [str(ROOT / arg) if "/" in arg else arg for arg in shlex.split(command)[1:]]
        assert main(argv) == int(code)
        assert capsys.readouterr().out == shown, command
