"""Tests needing a system tool skip on a user's machine but fail under CI=true."""

from __future__ import annotations

import pytest
from conftest import require_tool


def test_missing_tool_skips_naming_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="apt-get install no-such-package"):
        require_tool("no-such-tool-ppo", "apt-get install no-such-package")


def test_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_tool("no-such-tool-ppo", "apt-get install no-such-package")


def test_present_tool_is_returned() -> None:
    assert require_tool("sh", "apt-get install dash").endswith("sh")
