"""Shared fixtures: a hermetic environment and real sample projects built in ``tmp_path``."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

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


def fake_token(length: int = 43, alphabet: str = string.ascii_letters + string.digits) -> str:
    """A random, secret-looking value made at run time (never committed as a literal)."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def fake_fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


class SecretsProject:
    """A sample project in a pytester folder: env files, code, an optional git repository."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.path = pytester.path

    def write(self, name: str, text: str | bytes) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def env(self, name: str, **values: str) -> Path:
        """Write an env file from keyword arguments, one ``KEY=value`` per line."""
        return self.write(name, "".join(f"{key}={value}\n" for key, value in values.items()))

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True, text=True)
        return result.stdout

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest("--secrets-audit", *args)

    def run_subprocess(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess("--secrets-audit", *args)


@pytest.fixture
def project(pytester: pytest.Pytester) -> Iterator[SecretsProject]:
    """An empty sample project; tests add files with ``project.write`` / ``project.env``."""
    pytester.makeini("[pytest]\n")
    yield SecretsProject(pytester)
