"""Real git repositories for the history tests, and fake secrets made at run time.

Nothing secret-looking is written in this file as a literal: every value is assembled when
a test runs. Commits get increasing, fixed dates so "the introducing commit" is well defined.
"""

from __future__ import annotations

import base64
import os
import secrets
import string
import subprocess
from pathlib import Path

from helpers import write_file

UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
BASE64_ALPHABET = ALNUM + "+/"


def random_text(length: int, alphabet: str = ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def aws_key() -> str:
    return "AKIA" + random_text(16, UPPER_DIGITS)


def github_token() -> str:
    """A GitHub-token-shaped value. detect-secrets' GitHub plugin reports only its prefix, so the
    whole value is found by the Base64 entropy plugin: 36 distinct characters keep its entropy
    above that plugin's 4.5 limit every time (plain random text falls below it in ~3% of draws)."""
    return "ghp" + "_" + "".join(secrets.SystemRandom().sample(ALNUM, 36))


def high_entropy() -> str:
    """A 40-character base64-looking value: the Base64HighEntropyString plugin reports it quoted.

    Its 40 characters are distinct, so its entropy is log2(40) = 5.3 every time: 40 random
    base64 characters fall to the plugin's 4.5 limit in ~2% of draws, which made tests flaky.
    """
    return "".join(secrets.SystemRandom().sample(BASE64_ALPHABET, 40))


def password() -> str:
    return random_text(20)


def private_key_block() -> str:
    head = "-----BEGIN " + "RSA PRIVATE" + " KEY-----"
    tail = "-----END " + "RSA PRIVATE" + " KEY-----"
    return f"{head}\n{base64.b64encode(secrets.token_bytes(48)).decode()}\n{tail}\n"


def git_environment(path: Path) -> dict[str, str]:
    """An environment in which git sees no user or system configuration."""
    env = dict(os.environ)
    config = path.parent / f".{path.name}-gitconfig"
    if not config.exists():
        config.write_text("")
    env.update(
        GIT_CONFIG_GLOBAL=str(config),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test Author",
        GIT_AUTHOR_EMAIL="author@example.invalid",
        GIT_COMMITTER_NAME="Test Author",
        GIT_COMMITTER_EMAIL="author@example.invalid",
    )
    return env


class Repo:
    """A git repository at ``path`` with helpers to write files and commit them."""

    def __init__(self, path: Path, init: bool = True) -> None:
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)
        self._clock = 1_700_000_000
        if init:
            self.git("init", "-q", "-b", "main")

    def git(self, *args: str, check: bool = True, stderr: bool = False) -> str:
        """git's output (with ``stderr``, its error output too)."""
        env = git_environment(self.path)
        self._clock += 60
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{self._clock} +0000"
        result = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
        return (result.stdout + result.stderr if stderr else result.stdout).strip()

    def write(self, name: str, content: str | bytes) -> Path:
        return write_file(self.path, name, content)

    def remove(self, name: str) -> None:
        self.git("rm", "-q", name)

    def commit(self, message: str = "change", **files: str | bytes) -> str:
        for name, content in files.items():
            self.write(name.replace("__", "/"), content)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def blob_id(self, revision_path: str) -> str:
        return self.git("rev-parse", revision_path)
