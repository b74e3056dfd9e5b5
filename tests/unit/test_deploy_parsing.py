"""Reading settings out of compose files, workflows and Dockerfiles (no judging)."""

from __future__ import annotations

import pytest

from pytest_secrets.adapters.yaml_tree import load_documents
from pytest_secrets.checks.deploy_files import deploy_kind, is_reference
from pytest_secrets.deploy_parsing import (
    FileRef,
    Setting,
    dockerfile_instructions,
    read_compose,
    read_dockerfile,
    read_github_workflow,
    read_gitlab_ci,
)


def test_compose_environment_in_both_forms_build_args_and_env_files() -> None:
    text = (
        "services:\n"
        "  api:\n"
        "    environment:\n"
        "      - A=1\n"
        "      - B\n"
        "      - C=x=y\n"
        "    env_file: .env.api\n"
        "    build:\n"
        "      args:\n"
        "        TOKEN: t\n"
        "  db:\n"
        "    environment:\n"
        "      PASSWORD: p\n"
        "      EMPTY:\n"
        "    env_file:\n"
        "      - a.env\n"
        "      - path: b.env\n"
    )
    found = read_compose(load_documents(text))
    assert found.settings == [
        Setting("A", "1", 4, "environment of service 'api'"),
        Setting("B", None, 5, "environment of service 'api'"),
        Setting("C", "x=y", 6, "environment of service 'api'"),
        Setting("TOKEN", "t", 10, "build args of service 'api'", "arg"),
        Setting("PASSWORD", "p", 13, "environment of service 'db'"),
        Setting("EMPTY", None, 14, "environment of service 'db'"),
    ]
    assert found.env_files == [
        FileRef(".env.api", 7, "env_file of service 'api'"),
        FileRef("a.env", 16, "env_file of service 'db'"),
        FileRef("b.env", 17, "env_file of service 'db'"),
    ]


def test_github_workflow_levels() -> None:
    text = (
        "on: push\n"
        "env: {W: 1}\n"
        "jobs:\n"
        "  build:\n"
        "    env:\n"
        "      J: 2\n"
        "    services:\n"
        "      db:\n"
        "        env: {S: 3}\n"
        "        credentials: {password: p}\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with: {token: t}\n"
        "      - name: test\n"
        "        env: {T: 4}\n"
        "  call:\n"
        "    uses: ./.github/workflows/x.yml\n"
        "    secrets: {api-key: k}\n"
    )
    found = read_github_workflow(load_documents(text))
    assert [(s.key, s.line, s.where, s.kind) for s in found.settings] == [
        ("W", 2, "workflow env", "env"),
        ("J", 6, "env of job 'build'", "env"),
        ("S", 9, "env of service 'db' of job 'build'", "env"),
        ("password", 10, "credentials of service 'db' of job 'build'", "credential"),
        ("token", 13, "with: of step 'actions/checkout@v4' of job 'build'", "input"),
        ("T", 15, "env of step 'test' of job 'build'", "env"),
        ("api-key", 18, "secrets: of job 'call'", "input"),
    ]


def test_gitlab_variables_in_both_forms() -> None:
    text = "variables:\n  A: 1\nstages: [test]\njob:\n  variables:\n    B:\n      value: two\n      description: d\n"
    found = read_gitlab_ci(load_documents(text))
    assert [(s.key, s.value, s.line) for s in found.settings] == [("A", "1", 2), ("B", "two", 7)]


DOCKERFILE = (
    "# escape=`\n"
    "ARG BASE=python\n"
    "FROM ${BASE} AS build\n"
    "ENV A=1 `\n"
    "    # a comment inside a continuation\n"
    "    B=\"two words\"\n"
    "ENV LEGACY value with spaces\n"
    "arg TOKEN\n"
    "COPY --chown=app:app .env requirements.txt /app/\n"
    "FROM python:3.11-slim\n"
    "COPY --from=build /app /app\n"
    "ADD [\"secrets.json\", \"/etc/app/\"]\n"
)


def test_dockerfile_instructions_join_continuations_with_the_escape_directive() -> None:
    instructions = dockerfile_instructions(DOCKERFILE)
    assert [(i.keyword, i.line) for i in instructions] == [
        ("ARG", 2), ("FROM", 3), ("ENV", 4), ("ENV", 7), ("ARG", 8), ("COPY", 9), ("FROM", 10), ("COPY", 11), ("ADD", 12),
    ]


def test_dockerfile_settings_per_stage_and_copies_from_the_context() -> None:
    found = read_dockerfile(DOCKERFILE)
    assert [(s.key, s.value, s.line, s.where, s.kind) for s in found.settings] == [
        ("BASE", "python", 2, "ARG before the first FROM", "arg"),
        ("A", "1", 4, "ENV in build stage 'build'", "env"),
        ("B", "two words", 6, "ENV in build stage 'build'", "env"),
        ("LEGACY", "value with spaces", 7, "ENV in build stage 'build'", "env"),
        ("TOKEN", None, 8, "ARG in build stage 'build'", "arg"),
    ]
    assert [(c.path, c.line) for c in found.copies] == [(".env", 9), ("requirements.txt", 9), ("secrets.json", 12)]
    assert found.copies[-1].where == "ADD in build stage 2"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("docker-compose.yml", "compose"), ("deploy/docker-compose.prod.yaml", "compose"), ("compose.yaml", "compose"),
        ("Dockerfile", "dockerfile"), ("docker/api.Dockerfile", "dockerfile"), ("Dockerfile.dev", "dockerfile"),
        (".github/workflows/ci.yml", "github"), (".gitlab-ci.yml", "gitlab"), ("sub/.github/workflows/ci.yml", None),
        ("composer.json", None), ("README.md", None),
    ],
)
def test_deploy_kind(path: str, kind: str | None) -> None:
    assert deploy_kind(path) == kind


@pytest.mark.parametrize(
    ("value", "reference"),
    [("${API_KEY}", True), ("$API_KEY", True), ("${{ secrets.API_KEY }}", True), ("Bearer ${{ secrets.T }}", True),
     ("${X:-fallback}", True), ("hunter2", False), ("price$", False), ("pa$$word", False)],
)
def test_is_reference(value: str, reference: bool) -> None:
    assert is_reference(value) is reference
