"""The plugin as a user meets it: switching it on, items, selection, xdist, settings errors."""

from __future__ import annotations

import pytest

from helpers import SecretsProject, fake_token
from pytest_secrets.checks import CHECKS

# The env checks plus the user's test; other checks (git, repository) have their own tests.
SELECT = ("-k", "env-parity or example-placeholders or distinct-environments or secret-strength or test_ok")
AUDIT_IDS = [
    "secrets-audit::env-parity",
    "secrets-audit::example-placeholders",
    "secrets-audit::distinct-environments",
    "secrets-audit::secret-strength",
]


def clean_project(project: SecretsProject) -> None:
    """A project that follows the guide: documented keys, real strong values, one environment."""
    project.env(".env.example", API_TOKEN="your-token-here", SECRET_KEY="generate-a-32-char-random-string")
    project.env(".env", API_TOKEN=fake_token(), SECRET_KEY=fake_token(43))
    project.write("test_app.py", "def test_ok():\n    assert True\n")


def test_inert_without_the_option(project: SecretsProject) -> None:
    clean_project(project)
    project.write(
        "test_modules.py",
        "import sys\n"
        "def test_no_heavy_imports():\n"
        "    loaded = {'detect_secrets', 'git', 'dotenv'} & set(sys.modules)\n"
        "    assert not loaded, loaded\n",
    )
    result = project.pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*secrets-audit*")


@pytest.mark.parametrize(
    ("how", "ini"),
    [
        ("cli", ""),
        ("ini", "secrets_audit = true\n"),
        ("env", ""),
    ],
)
def test_each_way_to_turn_the_audit_on(project: SecretsProject, monkeypatch: pytest.MonkeyPatch, how: str, ini: str) -> None:
    clean_project(project)
    if ini:
        project.ini(ini)
    if how == "env":
        monkeypatch.setenv("PYTEST_SECRETS_AUDIT", "1")
    args = ["--secrets-audit"] if how == "cli" else []
    result = project.pytester.runpytest("-v", *SELECT, *args)
    result.stdout.fnmatch_lines([f"{node_id} PASSED*" for node_id in AUDIT_IDS[:2]])
    result.stdout.fnmatch_lines(["secrets-audit: *keys declared in .env.example; values from .env and the environment"])


def test_pyproject_turns_the_audit_on(project: SecretsProject) -> None:
    clean_project(project)
    (project.path / "pytest.ini").unlink()
    project.write("pyproject.toml", "[tool.pytest.ini_options]\nsecrets_audit = true\n")
    result = project.pytester.runpytest("-v")
    result.stdout.fnmatch_lines(["secrets-audit::env-parity PASSED*"])


def test_items_come_first_with_stable_ids_and_markers(project: SecretsProject) -> None:
    clean_project(project)
    total = len(CHECKS) + 1
    result = project.run("--collect-only", "-q")
    assert result.outlines[:total] == [f"secrets-audit::{check.name}" for check in CHECKS] + ["test_app.py::test_ok"]
    assert result.outlines[: len(AUDIT_IDS)] == AUDIT_IDS
    result = project.run("-m", "secrets_audit", "--collect-only", "-q")
    result.stdout.fnmatch_lines([f"*{total - 1}/{total} tests collected (1 deselected)*"])
    result = project.run("-m", "not secrets_audit", "-q")
    result.assert_outcomes(passed=1, deselected=total - 1)
    result = project.run("-k", "env-parity", "-q")
    result.assert_outcomes(passed=1, deselected=total - 1)


def test_last_failed_reruns_only_the_failed_check(project: SecretsProject) -> None:
    clean_project(project)
    project.env(".env", API_TOKEN=fake_token(), SECRET_KEY="short")
    project.run(*SELECT).assert_outcomes(passed=3, failed=1, skipped=1)
    result = project.run("--lf", "-v")
    result.assert_outcomes(failed=1, deselected=len(CHECKS))
    result.stdout.fnmatch_lines(["secrets-audit::secret-strength FAILED*"])


def test_junit_xml_names_each_check(project: SecretsProject) -> None:
    clean_project(project)
    project.env(".env", API_TOKEN=fake_token(), SECRET_KEY="short")
    project.run(*SELECT, "--junitxml=report.xml")
    xml = (project.path / "report.xml").read_text()
    assert 'classname="secrets-audit" name="secret-strength"' in xml
    assert "signing keys need 32 or more" in xml


@pytest.mark.parametrize("xdist_args", [["-n", "2"], ["-p", "no:xdist"], []])
def test_works_with_and_without_xdist(project: SecretsProject, xdist_args: list[str]) -> None:
    clean_project(project)
    project.env(".env", API_TOKEN=fake_token(), SECRET_KEY="short")
    result = project.run_subprocess(*xdist_args, *SELECT, "-rs")
    result.assert_outcomes(passed=3, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*= secrets-audit =*", "env-parity * passed*", "secret-strength * FAILED  1 finding"])
    assert result.stdout.str().count("= secrets-audit =") == 1


def test_a_skipped_check_says_why(project: SecretsProject) -> None:
    clean_project(project)
    result = project.run(*SELECT, "-rs")
    result.stdout.fnmatch_lines([
        "distinct-environments  skipped  env files of fewer than two environments to compare (found: .env)",
        "SKIPPED * secrets-audit::distinct-environments: not audited: env files of fewer than two environments*",
    ])


@pytest.mark.parametrize(
    ("args", "ini", "expected"),
    [
        (["--secrets-audit", "--secrets-env-files", " "], "", "*argument --secrets-env-files*"),
        ([], "secrets_audit = maybe\n", "*invalid setting from pytest.ini (secrets_audit): expected true or false*"),
        (["--secrets-audit"], "secrets_strength_rules = SECRET_KEY: long\n",
         "*invalid secrets_strength_rules from pytest.ini*expected 'KEY_GLOB = rule'*"),
        (["--secrets-audit", "--secrets-root", "missing"], "", "*project folder */missing (--secrets-root) does not exist*"),
    ],
)
def test_invalid_settings_are_usage_errors_naming_their_source(
    project: SecretsProject, args: list[str], ini: str, expected: str
) -> None:
    clean_project(project)
    if ini:
        project.ini(ini)
    result = project.pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([expected])


def test_environment_variable_overrides_ini(project: SecretsProject, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_project(project)
    project.ini("secrets_example_file = missing.example\n")
    monkeypatch.setenv("PYTEST_SECRETS_EXAMPLE_FILE", ".env.example")
    project.run("-k", "env-parity").assert_outcomes(passed=1, deselected=len(CHECKS))


def test_command_line_overrides_environment(project: SecretsProject, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_project(project)
    monkeypatch.setenv("PYTEST_SECRETS_EXAMPLE_FILE", "missing.example")
    result = project.run("-k", "env-parity", "--secrets-example-file", ".env.example")
    result.assert_outcomes(passed=1, deselected=len(CHECKS))


def test_root_option_audits_a_subfolder(project: SecretsProject) -> None:
    project.write("service/.env.example", "API_TOKEN=your-token-here\n")
    project.write("service/.env", "API_TOKEN=changeme\n")
    result = project.run("--secrets-root", "service", "-k", "secret-strength")
    result.stdout.fnmatch_lines([
        "secrets-audit: */service (from --secrets-root); keys declared in .env.example; values from .env and the environment",
        "  .env:1 API_TOKEN: is a well-known insecure default*",
    ])


def test_a_bug_in_a_check_keeps_its_traceback(project: SecretsProject) -> None:
    clean_project(project)
    project.write(".env.example", b"\xff\xfe not utf-8\n")
    project.write("conftest.py", (
        "import pytest_secrets.checks.env_parity as parity\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('plugin bug')\n"
        "parity.find_env_reads = broken\n"
    ))
    result = project.run_subprocess("-k", "env-parity")  # a subprocess: the patch must not outlive the run
    result.stdout.fnmatch_lines(["*def run(self, context*", "E * RuntimeError: plugin bug"])
