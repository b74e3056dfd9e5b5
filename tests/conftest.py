"""Shared fixtures: a hermetic environment and real sample projects built in ``tmp_path``."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from helpers import SecretsProject

pytest_plugins = ["pytester"]

# pytester's in-process runs drop the modules first imported during them. PyYAML's C extension
# is never imported anew, so a PyYAML first imported inside such a run would leave libyaml's
# loader building the dropped modules' nodes for the rest of the session (the scanner then
# takes detect-secrets' own YAML parse: right, but not the path test_yaml_transform checks).
import yaml  # noqa: E402, F401  (imported once, for the whole session)

# Variables a test run may keep; everything else (the developer's API keys, git identity,
# PYTEST_SECRETS_* settings) is removed so no test sees the machine it runs on.
KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "TERM")
KEPT_PREFIXES = ("PYTEST_XDIST_", "PYTHON", "VIRTUAL_ENV", "COV_CORE_", "HYPOTHESIS")


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in list(os.environ):
        if name not in KEPT_VARIABLES and not name.startswith(KEPT_PREFIXES):
            monkeypatch.delenv(name)
    git_home = tmp_path_factory.mktemp("git-home")
    empty_config = git_home / "gitconfig"
    empty_config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty_config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "author@example.invalid")


@pytest.fixture
def project(pytester: pytest.Pytester) -> Iterator[SecretsProject]:
    """An empty sample project; tests add files with ``project.write`` / ``project.env``."""
    project = SecretsProject(pytester)
    project.ini("")
    yield project
