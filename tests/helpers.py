"""Helpers for building sample projects in tests (imported by conftest and test modules)."""

from __future__ import annotations

import base64
import secrets
import string
import subprocess
from pathlib import Path

import pytest


def fake_token(length: int = 43, alphabet: str = string.ascii_letters + string.digits) -> str:
    """A random, secret-looking value made at run time (never committed as a literal).

    Characters are distinct where the alphabet allows, so the value's entropy is the same on
    every draw and entropy-based detectors find it every time (plain random draws do not).
    """
    if length <= len(alphabet):
        return "".join(secrets.SystemRandom().sample(alphabet, length))
    return "".join(secrets.choice(alphabet) for _ in range(length))


def fake_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def write_file(root: Path, name: str, content: str | bytes) -> Path:
    """Write ``root/name`` (folders made as needed): bytes as they are, text as UTF-8."""
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return target


class SecretsProject:
    """A sample project in a pytester folder: env files, code, an optional git repository."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.path = pytester.path

    def write(self, name: str, text: str | bytes) -> Path:
        return write_file(self.path, name, text)

    def env(self, name: str, **values: str) -> Path:
        """Write an env file from keyword arguments, one ``KEY=value`` per line."""
        return self.write(name, "".join(f"{key}={value}\n" for key, value in values.items()))

    def ini(self, text: str) -> Path:
        """Replace the project's pytest.ini with ``[pytest]`` followed by ``text``."""
        return self.write("pytest.ini", "[pytest]\n" + text)

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True, text=True)
        return result.stdout

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest("--secrets-audit", *args)

    def run_subprocess(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_subprocess("--secrets-audit", *args)
