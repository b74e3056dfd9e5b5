"""Sample paths that stand for ignore patterns, checked against git's own matching."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_secrets import ignore_probes
from pytest_secrets.settings import DEFAULT_GITIGNORE_PATTERNS


@pytest.mark.parametrize(
    ("pattern", "sample"),
    [
        (".env", ".env"),
        (".env.*.local", ".env.production.local"),
        ("*.pem", "production.pem"),
        ("/secrets.json", "secrets.json"),
        ("config/credentials.json", "config/credentials.json"),
        ("private/", "private/file"),
        ("**/id_rsa", "id_rsa"),
        ("key.[pP]em", "key.pem"),
        ("*.p?2", "production.px2"),
        ("\\#notes", "#notes"),
    ],
)
def test_sample_name(pattern: str, sample: str) -> None:
    assert ignore_probes.sample_name(pattern) == sample


@pytest.mark.parametrize("pattern", [*DEFAULT_GITIGNORE_PATTERNS, "private/", "config/*.json", "**/id_*", "key.[pP]em"])
def test_git_ignores_the_sample_of_each_pattern(pattern: str, tmp_path: Path) -> None:
    """The sample is only useful if the pattern, alone, makes git ignore it."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text(pattern + "\n")
    for path in ignore_probes.probe_paths(pattern, ["", "sub/dir"]):
        if pattern.lstrip("/").count("/") > (1 if pattern.endswith("/") else 0) and path.startswith("sub/"):
            continue  # a pattern with an inner slash is anchored to its .gitignore's folder
        result = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=tmp_path, check=False)
        assert result.returncode == 0, path


def test_probe_folders_are_the_root_nested_gitignores_and_a_plain_subfolder() -> None:
    listed = ["README.md", ".gitignore", "app/.gitignore", "app/main.py", "deep/er/.gitignore"]
    assert ignore_probes.probe_folders(listed) == ["", "app", "deep/er", ignore_probes.PLAIN_SUBFOLDER]


@pytest.mark.parametrize(
    ("source", "shared"),
    [(".gitignore", True), ("app/.gitignore", True), ("../.gitignore", True), (".git/info/exclude", False),
     ("/home/me/.config/git/ignore", False), ("../.git/info/exclude", False)],
)
def test_shared_rule_files(source: str, shared: bool) -> None:
    assert ignore_probes.is_shared_rule_file(source) is shared
