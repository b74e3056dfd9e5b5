"""Finding the detect-secrets hook and reading a baseline's shape."""

from __future__ import annotations

import pytest

from pytest_secrets.adapters.yaml_tree import load_documents
from pytest_secrets.checks.pre_commit import Hook, find_hooks, line_of, parse_baseline_text


@pytest.mark.parametrize(
    ("args", "baseline"),
    [("['--baseline', '.secrets.baseline']", ".secrets.baseline"), ("['--baseline=ci/b.json']", "ci/b.json"),
     ("['--exclude-files', 'x']", None), ("[]", None)],
)
def test_find_hooks_reads_the_baseline_argument(args: str, baseline: str | None) -> None:
    text = (
        "repos:\n"
        "  - repo: https://github.com/psf/black\n"
        "    rev: 24.1.0\n"
        "    hooks: [{id: black}]\n"
        "  - repo: https://github.com/Yelp/detect-secrets\n"
        "    rev: v1.5.0\n"
        "    hooks:\n"
        "      - id: detect-secrets\n"
        f"        args: {args}\n"
    )
    assert find_hooks(load_documents(text)) == [Hook(8, baseline)]


def test_a_local_hook_counts() -> None:
    text = "repos:\n  - repo: local\n    hooks:\n      - id: detect-secrets\n        entry: detect-secrets-hook\n"
    assert find_hooks(load_documents(text)) == [Hook(4, None)]


@pytest.mark.parametrize(
    ("text", "line", "start"),
    [("{\n  \"results\": {},\n}\n", 3, "is not valid JSON"),
     ("[]\n", 1, "is not a detect-secrets baseline"),
     ("{\"version\": \"1.5.0\"}\n", None, "is not a detect-secrets baseline (no 'results'"),
     ("{\n\"results\": {\n  \"a.py\": [{\"type\": \"x\"}]\n}}\n", 3, "has a malformed entry list for a.py")],
)
def test_parse_baseline_text_problems(text: str, line: int | None, start: str) -> None:
    data, problem = parse_baseline_text(text)
    assert data is None and problem is not None
    assert (problem.line, problem.message.startswith(start)) == (line, True)


def test_line_of_finds_a_json_string_after_a_line() -> None:
    text = '{\n "a.py": [\n  {"hashed_secret": "h1"}\n ],\n "b.py": [\n  {"hashed_secret": "h1"}\n ]\n}\n'
    assert line_of(text, "h1") == 3
    assert line_of(text, "h1", after=5) == 6
