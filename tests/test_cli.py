"""The fix-it command end to end: ``pytest-secrets init``, ``generate`` and ``rotate`` run as real
processes on real git repositories, then the audit run on the result.

Secret-looking values are made at run time (``fake_token``), never written here as literals.
"""

from __future__ import annotations

import datetime
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SecretsProject, fake_fernet_key, fake_token
from pytest_secrets.adapters.dotenv_source import EnvEditError, read_bindings, replace_value
from pytest_secrets.cli import main
from pytest_secrets.cli.common import CommandError
from pytest_secrets.cli.pre_commit_config import HookEditError, add_hook, hook_state
from pytest_secrets.cli.rotate import record
from pytest_secrets.strength import is_fernet_key, weaknesses

FIXED_CHECKS = ("gitignore", "example-placeholders", "pre-commit", "secret-strength", "rotation")
SELECT = " or ".join(FIXED_CHECKS)
TODAY = datetime.date.today()


def cli(project: SecretsProject, *args: str, stdin: str | None = None, script: bool = False) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: the console script, or ``python -m pytest_secrets``.

    The environment is the test's, which the autouse fixture has emptied of the developer's.
    """
    command = [str(Path(sys.executable).with_name("pytest-secrets"))] if script else [sys.executable, "-m", "pytest_secrets"]
    return subprocess.run([*command, *args], cwd=project.path, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, text=True, env=dict(os.environ), timeout=120, check=False)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def audit(project: SecretsProject) -> pytest.RunResult:
    return project.run("-p", "no:cacheprovider", "-rs", "-k", SELECT)


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """Each selected check's outcome, from the audit's summary table."""
    found = {}
    for line in result.outlines:
        words = line.split()
        if len(words) >= 2 and words[0] in FIXED_CHECKS and words[1].lower() in ("passed", "failed", "skipped"):
            found[words[0]] = words[1].lower()
    return found


def files_of(project: SecretsProject) -> dict[str, bytes]:
    return {path.relative_to(project.path).as_posix(): path.read_bytes()
            for path in sorted(project.path.rglob("*")) if path.is_file() and ".git" not in path.relative_to(project.path).parts}


def env_values() -> dict[str, str]:
    return {
        "OPENAI_API_KEY": "sk-proj-" + fake_token(48),  # pragma: allowlist secret
        "OPENAI_BASE_URL": "https://api.openai.com/v1",
        "SECRET_KEY": "changeme",  # pragma: allowlist secret
        "ENCRYPTION_KEY": "generate-a-32-byte-fernet-key",
        "DATABASE_URL": f"postgresql://agents:{fake_token(24)}@db:5432/agents",
        "DEBUG": "false",
        "PORT": "8000",
    }


@pytest.fixture
def repo(project: SecretsProject) -> SecretsProject:
    project.git("init", "-q", "-b", "main")
    return project


@pytest.fixture
def broken(repo: SecretsProject) -> tuple[SecretsProject, dict[str, str]]:
    """A repository breaking each rule init, generate and rotate fix: no .gitignore, a real value in
    .env.example (which also lacks keys), no hook or baseline, weak secrets, an overdue rotation."""
    values = env_values()
    repo.write(".env", "# Local settings\n" + "".join(f"{key}={value}\n" for key, value in values.items()))
    repo.write(".env.example", f"OPENAI_API_KEY={values['OPENAI_API_KEY']}\nSECRET_KEY=generate-a-32-char-random-string\n")
    repo.write(".secrets-rotation.toml", (
        "# When each secret was last rotated.\n"
        "[keys.SECRET_KEY]\n"
        "every = \"1y\"  # the guide's advice\n"
        f"last_rotated = {TODAY - datetime.timedelta(days=400)}\n"
    ))
    return repo, values


# --- the whole path: failing checks, the commands, passing checks -----------------------


def test_the_commands_make_the_failing_checks_pass(broken: tuple[SecretsProject, dict[str, str]]) -> None:
    project, _ = broken
    before = audit(project)
    assert outcomes(before) == {check: "failed" for check in FIXED_CHECKS}

    init = ok(cli(project, "init", script=True))
    assert ".gitignore: added 7 entries: .env, .env.local, .env.*.local, *.pem, *.key, credentials.json, secrets.json" in init
    assert ".env.example: added 5 keys from .env: OPENAI_BASE_URL, ENCRYPTION_KEY, DATABASE_URL, DEBUG, PORT" in init
    assert ".env.example: replaced the real-looking values of OPENAI_API_KEY with placeholders" in init
    assert ".pre-commit-config.yaml: created with the detect-secrets hook (detect-secrets v1.5.0, --baseline .secrets.baseline)" in init
    assert ".secrets.baseline: created with detect-secrets 1.5.0: 0 finding(s)" in init
    assert "to do: pre-commit install" in init
    assert ok(cli(project, "generate", "SECRET_KEY")) == ".env: set SECRET_KEY (a 43-character URL-safe token)\n"
    assert ok(cli(project, "generate", "ENCRYPTION_KEY")) == ".env: set ENCRYPTION_KEY (a Fernet key)\n"
    rotated = ok(cli(project, "rotate", "SECRET_KEY", "--yes"))
    assert f".secrets-rotation.toml: set last_rotated = {TODAY} for SECRET_KEY" in rotated
    project.git("add", "-A")  # what the user commits next; the baseline must match it

    after = audit(project)
    assert outcomes(after) == {check: "passed" for check in FIXED_CHECKS}
    after.assert_outcomes(passed=len(FIXED_CHECKS))


def test_a_second_run_changes_nothing_and_says_so(broken: tuple[SecretsProject, dict[str, str]]) -> None:
    project, _ = broken
    for args in (("init",), ("generate", "SECRET_KEY"), ("rotate", "SECRET_KEY", "-y")):
        ok(cli(project, *args))
    snapshot = files_of(project)
    second = ok(cli(project, "init"))
    assert second.splitlines()[:5] == [
        ".gitignore: unchanged (git already ignores every secret file the guide lists)",
        ".env.example: unchanged (it lists every key of .env and holds no real-looking value)",
        ".pre-commit-config.yaml: unchanged (it has a detect-secrets hook with --baseline .secrets.baseline)",
        ".secrets.baseline: unchanged (it exists; to refresh it: detect-secrets scan --baseline .secrets.baseline)",
        "nothing changed: the project already has everything init sets up",
    ]
    assert "nothing changed: SECRET_KEY is already set" in ok(cli(project, "generate", "SECRET_KEY"))
    assert "nothing changed: SECRET_KEY is already recorded" in ok(cli(project, "rotate", "SECRET_KEY"))
    assert files_of(project) == snapshot


def test_no_value_is_printed_or_written_except_generate_into_env(broken: tuple[SecretsProject, dict[str, str]]) -> None:
    project, values = broken
    project.write(".env.production", f"SECRET_KEY={fake_token()}\nOPENAI_API_KEY=sk-proj-{fake_token(48)}\n")
    original = (project.path / ".env").read_bytes()
    runs = [
        cli(project, "init"),
        cli(project, "generate", "SECRET_KEY"),
        cli(project, "generate", "ENCRYPTION_KEY"),
        cli(project, "generate", "DATABASE_URL", "--force"),
        cli(project, "generate", "MINIO_ROOT_PASSWORD"),
        cli(project, "rotate", "SECRET_KEY", stdin="y\n"),
        cli(project, "rotate", "DATABASE_URL", "--yes"),
        cli(project, "generate", "OPENAI_API_KEY"),  # left alone: a real value passes the check
        cli(project, "generate", "OPENAI_BASE_URL", "--force"),  # refused: a URL without a user
    ]
    assert [run.returncode for run in runs] == [0, 0, 0, 0, 0, 0, 0, 0, 1]
    env = {binding.key: binding.value for binding in read_bindings((project.path / ".env").read_text()) if binding.key}
    production = (project.path / ".env.production").read_text().splitlines()
    secret_values = [value for key, value in values.items() if key in ("OPENAI_API_KEY", "DATABASE_URL")]
    secret_values += [line.split("=", 1)[1] for line in production]
    secret_values += [values["DATABASE_URL"].split(":")[2].split("@")[0]]  # the URL's password alone
    secret_values += [env[key] or "" for key in ("SECRET_KEY", "ENCRYPTION_KEY", "DATABASE_URL", "MINIO_ROOT_PASSWORD")]
    secret_values += [(env["DATABASE_URL"] or "").split(":")[2].split("@")[0]]
    assert all(len(value) >= 24 for value in secret_values)
    printed = "".join(run.stdout + run.stderr for run in runs)
    written = {name: content for name, content in files_of(project).items() if name not in (".env", ".env.production")}
    for value in secret_values:
        assert value not in printed
        for name, content in written.items():
            assert value.encode() not in content, f"a value was written to {name}"
    # generate touched only its own keys' lines in .env; every other line is byte-identical.
    kept = [line for line in original.splitlines(keepends=True) if not line.startswith((b"SECRET_KEY=", b"ENCRYPTION_KEY=", b"DATABASE_URL="))]
    new = (project.path / ".env").read_bytes().splitlines(keepends=True)
    assert [line for line in new if not line.startswith((b"SECRET_KEY=", b"ENCRYPTION_KEY=", b"DATABASE_URL=", b"MINIO_ROOT_PASSWORD="))] == kept
    assert not weaknesses(env["SECRET_KEY"], "signing") and is_fernet_key(env["ENCRYPTION_KEY"] or "")


# --- the project's pytest settings --------------------------------------------------------


def test_the_commands_follow_the_projects_pytest_settings(repo: SecretsProject) -> None:
    """A project that names its own files gets those, wherever pytest would read the settings from."""
    (repo.path / "pytest.ini").unlink()
    repo.write("pyproject.toml", (
        "[tool.pytest.ini_options]\n"
        'secrets_example_file = "config/.env.example"\n'
        'secrets_baseline = "config/ds-baseline.json"\n'
        'secrets_rotation_file = "config/rotation.toml"\n'
        'secrets_strength_rules = ["WEBHOOK_* = fernet"]\n'
        'secrets_secret_keys = ["WEBHOOK_*"]\n'
    ))
    repo.write(".env", f"OPENAI_API_KEY=sk-proj-{fake_token(48)}\nWEBHOOK_SIGNING=changeme\n")
    out = ok(cli(repo, "init"))
    assert "config/.env.example: created from .env with its 2 keys" in out
    # detect-secrets reads the secrets_* lines as secrets; they are marked as what they are.
    assert "3 finding(s) in 4 files git tracks or would add, 3 of them pytest-secrets' own settings" in out
    assert "args: ['--baseline', 'config/ds-baseline.json']" in (repo.path / ".pre-commit-config.yaml").read_text()
    assert (repo.path / "config" / "ds-baseline.json").is_file() and not (repo.path / ".env.example").exists()
    assert "review the" not in out
    assert "(a Fernet key)" in ok(cli(repo, "generate", "WEBHOOK_SIGNING"))
    env = {binding.key: binding.value for binding in read_bindings((repo.path / ".env").read_text()) if binding.key}
    assert is_fernet_key(env["WEBHOOK_SIGNING"] or "")
    assert "config/rotation.toml: created with WEBHOOK_SIGNING: last_rotated" in ok(cli(repo, "rotate", "WEBHOOK_SIGNING", "--yes"))
    repo.git("add", "-A")
    result = repo.run("-p", "no:cacheprovider", "-k", "example-placeholders or pre-commit or secret-strength or env-parity")
    result.assert_outcomes(passed=4)
    # detect-secrets' own hook lets the settings through: init recorded them, under relative names.
    hook = subprocess.run([sys.executable, "-m", "detect_secrets.pre_commit_hook", "--baseline", "config/ds-baseline.json",
                           "pyproject.toml", "config/.env.example"], cwd=repo.path, capture_output=True, text=True, check=False)
    assert hook.returncode == 0, hook.stdout


def test_a_setting_the_command_cannot_parse_is_a_usage_error(repo: SecretsProject) -> None:
    repo.ini("secrets_strength_rules = WEBHOOK_* = strongest\n")
    result = cli(repo, "generate", "SECRET_KEY")
    assert result.returncode == 2
    assert "secrets_strength_rules from pytest.ini" in result.stderr and not result.stdout


# --- init --------------------------------------------------------------------------------


def test_init_appends_to_the_users_gitignore_and_ignores_other_env_files(repo: SecretsProject) -> None:
    repo.write(".gitignore", "# build output\ndist/\n*.pem\n!.env.local\n.env.local")
    repo.env(".env", SECRET_KEY=fake_token())
    repo.env(".env.production", SECRET_KEY=fake_token())
    out = ok(cli(repo, "init"))
    text = (repo.path / ".gitignore").read_text()
    assert text.startswith("# build output\ndist/\n*.pem\n!.env.local\n.env.local\n\n# Secret files: never commit them")
    assert text.endswith("\n.env\n.env.*.local\n*.key\ncredentials.json\nsecrets.json\n.env.*\n!.env.example\n")
    assert ".gitignore: added 7 entries: .env, .env.*.local, *.key, credentials.json, secrets.json, .env.*, !.env.example" in out
    assert outcomes(audit(repo))["gitignore"] == "passed"


def test_init_reports_what_it_must_not_fix_itself(repo: SecretsProject) -> None:
    repo.write(".gitignore", ".env\n.env.local\n.env.*.local\n*.pem\n*.key\ncredentials.json\nsecrets.json\n")
    repo.write("certs/.gitignore", "!*.pem\n")
    repo.write("deploy/server.key", "not a key\n")
    repo.git("add", "-f", "deploy/server.key")
    out = ok(cli(repo, "init"))
    assert ".gitignore: unchanged" in out
    assert "to do: git would not ignore files matching '*.pem': un-ignored by certs/.gitignore:1 '!*.pem'" in out
    assert "to do: git tracks deploy/server.key: git rm --cached deploy/server.key" in out


def test_init_writes_the_example_with_comments_and_placeholders(repo: SecretsProject) -> None:
    stripe = fake_token()
    repo.write(".env", (
        "# API Keys\n"
        f"export OPENAI_API_KEY='sk-proj-{fake_token(48)}'  # from the dashboard\n"  # pragma: allowlist secret
        f"# Stripe: {stripe}\n"
        "\n"
        f"STRIPE_SECRET_KEY={stripe}\n"
        f"SESSION_PASSWORD={fake_token()}\n"
        f"GITHUB_TOKEN={fake_token()}\n"
        f"DATABASE_URL=postgresql://agents:{fake_token(24)}@db:5432/agents\n"
        f"FERNET_KEY={fake_fernet_key()}\n"
        "LOG_LEVEL=info\n"
        "PORT=8000\n"
        "not a binding\n"
    ))
    out = ok(cli(repo, "init"))
    assert (repo.path / ".env.example").read_text() == (
        "# API Keys\n"
        "export OPENAI_API_KEY=your-key-here  # from the dashboard\n"
        "\n"
        "STRIPE_SECRET_KEY=generate-a-32-char-random-string\n"  # pragma: allowlist secret
        "SESSION_PASSWORD=your-password-here\n"
        "GITHUB_TOKEN=your-token-here\n"
        "DATABASE_URL=postgresql://agents:<your-password>@db:5432/agents\n"
        "FERNET_KEY=generate-a-fernet-key\n"
        "LOG_LEVEL=info\n"
        "PORT=8000\n"
    )
    assert ".env.example: created from .env with its 8 keys; 6 secret values replaced by placeholders" in out
    assert ".env:12: left out of .env.example: python-dotenv cannot parse that line" in out
    assert ".env.example: left out 1 comment line(s) that held a secret-looking value" in out
    assert stripe not in out


def test_init_adds_the_hook_to_an_existing_config_keeping_its_comments(repo: SecretsProject) -> None:
    config = (
        "# formatting first\n"
        "repos:\n"
        "  - repo: https://github.com/psf/black\n"
        "    rev: 24.1.0  # pinned\n"
        "    hooks:\n"
        "      - id: black\n"
        "\n"
        "ci:\n"
        "  autofix_prs: false\n"
    )
    repo.write(".pre-commit-config.yaml", config)
    out = ok(cli(repo, "init"))
    assert ".pre-commit-config.yaml: added the detect-secrets hook (detect-secrets v1.5.0, --baseline .secrets.baseline)" in out
    text = (repo.path / ".pre-commit-config.yaml").read_text()
    assert text == config.replace("      - id: black\n", (
        "      - id: black\n"
        "  - repo: https://github.com/Yelp/detect-secrets\n"
        "    rev: v1.5.0\n"
        "    hooks:\n"
        "      - id: detect-secrets\n"
        "        args: ['--baseline', '.secrets.baseline']\n"
    ))
    repo.git("add", "-A")
    assert outcomes(audit(repo))["pre-commit"] == "passed"


def test_init_uses_the_baseline_an_existing_hook_names(repo: SecretsProject) -> None:
    repo.write(".pre-commit-config.yaml", (
        "repos:\n  - repo: https://github.com/Yelp/detect-secrets\n    rev: v1.4.0\n    hooks:\n"
        "      - id: detect-secrets\n        args: [--baseline=ci/secrets.json]\n"
    ))
    out = ok(cli(repo, "init"))
    assert "it has a detect-secrets hook with --baseline ci/secrets.json" in out
    assert "ci/secrets.json: created with detect-secrets" in out


def test_a_config_init_cannot_edit_safely_is_a_failure_with_the_block_to_paste(repo: SecretsProject) -> None:
    repo.write(".pre-commit-config.yaml", "repos: []\n")
    result = cli(repo, "init")
    assert result.returncode == 1
    assert ".pre-commit-config.yaml: not changed: has no block-style 'repos:' list to add the hook to" in result.stdout
    assert "to do: add this entry under 'repos:' in .pre-commit-config.yaml:\n  - repo: https://github.com/Yelp/detect-secrets" in result.stdout
    assert (repo.path / ".pre-commit-config.yaml").read_text() == "repos: []\n"


def test_the_baseline_records_what_it_finds_for_a_person_to_audit(repo: SecretsProject) -> None:
    repo.write("app/config.py", f'password = "{fake_token(18)}"\n')
    out = ok(cli(repo, "init"))
    assert ".secrets.baseline: created with detect-secrets 1.5.0: 1 finding(s)" in out
    assert "to do: review the 1 finding(s): detect-secrets audit .secrets.baseline" in out
    # The baseline has no verification filter: the hook that loads it never sends a secret anywhere.
    assert "is_ignored_due_to_verification_policies" not in (repo.path / ".secrets.baseline").read_text()
    repo.git("add", "-A")
    result = audit(repo)
    result.stdout.fnmatch_lines(["*has an entry nobody audited: Secret Keyword in app/config.py:1*"])


def test_init_outside_git_writes_gitignore_and_says_what_it_skipped(project: SecretsProject) -> None:
    project.env(".env", SECRET_KEY=fake_token())
    out = ok(cli(project, "init"))
    assert ".gitignore: added 7 entries" in out
    assert ".env.example: created from .env with its 1 keys" in out
    assert "to do: git init, then run pytest-secrets init again" in out
    assert not (project.path / ".secrets.baseline").exists()


# --- generate ----------------------------------------------------------------------------


def test_generate_creates_a_private_env_file_only_where_git_ignores_it(repo: SecretsProject) -> None:
    refused = cli(repo, "generate", "SECRET_KEY")
    assert refused.returncode == 1
    assert "git does not ignore .env, so a secret written there could be committed; run: pytest-secrets init" in refused.stderr
    assert not (repo.path / ".env").exists()
    repo.write(".gitignore", ".env\n")
    assert ok(cli(repo, "generate", "SECRET_KEY")) == ".env: created, added SECRET_KEY (a 43-character URL-safe token)\n"
    assert stat.S_IMODE((repo.path / ".env").stat().st_mode) == 0o600


def test_generate_refuses_a_tracked_env_file(repo: SecretsProject) -> None:
    repo.env(".env", SECRET_KEY="changeme")  # pragma: allowlist secret
    repo.git("add", ".env")
    repo.write(".gitignore", ".env\n")
    result = cli(repo, "generate", "SECRET_KEY")
    assert result.returncode == 1
    assert ".env is tracked by git" in result.stderr


def test_generate_replaces_a_real_value_only_with_force(project: SecretsProject) -> None:
    weak = fake_token(12)
    project.write(".env", f"SECRET_KEY={weak}\r\nOTHER='x'  # kept\r\n")
    refused = cli(project, "generate", "SECRET_KEY")
    assert refused.returncode == 1
    assert "SECRET_KEY in .env is 12 characters long; signing keys need 32 or more, but it is a real value" in refused.stderr
    assert "pytest-secrets rotate SECRET_KEY" in refused.stderr and weak not in refused.stderr
    forced = ok(cli(project, "generate", "SECRET_KEY", "--force"))
    assert "to do: SECRET_KEY changed: update it in every environment that uses it" in forced
    lines = (project.path / ".env").read_bytes().split(b"\r\n")
    assert lines[0].startswith(b"SECRET_KEY=") and len(lines[0]) == len("SECRET_KEY=") + 43
    assert lines[1:] == [b"OTHER='x'  # kept", b""]


def test_generate_fills_in_a_url_password_and_refuses_to_invent_a_url(project: SecretsProject) -> None:
    project.env(".env", DATABASE_URL="postgresql://app:password@db:5432/app")  # pragma: allowlist secret
    out = ok(cli(project, "generate", "DATABASE_URL"))
    assert ".env: set DATABASE_URL (a new password in its connection URL)" in out
    assert "to do: set the same password for the database user named in DATABASE_URL" in out
    url = (project.path / ".env").read_text().strip().split("=", 1)[1]
    assert url.startswith("postgresql://app:") and url.endswith("@db:5432/app") and "password" not in url
    refused = cli(project, "generate", "CACHE_URL")
    assert refused.returncode == 1 and "write the URL first" in refused.stderr


@pytest.mark.parametrize(("args", "code", "message"), [
    (("generate", "PORT"), 1, "PORT does not look like a secret by its name"),
    (("generate", "NOT-A=KEY"), 2, "is not an environment variable name"),
    (("generate", "SECRET_KEY", "--root", "missing"), 2, "--root missing: not a folder"),
    (("rotate", "SECRET_KEY", "--date", "tomorrow"), 2, "'tomorrow' is not a date"),
    (("frobnicate",), 2, "invalid choice"),
])
def test_usage_errors_and_refusals(project: SecretsProject, args: tuple[str, ...], code: int, message: str) -> None:
    result = cli(project, *args)
    assert result.returncode == code
    assert message in result.stderr


def test_generate_for_a_provider_key_says_where_real_ones_come_from(project: SecretsProject) -> None:
    out = ok(cli(project, "generate", "PAYMENTS_API_KEY"))
    assert "to do: if a provider issues PAYMENTS_API_KEY" in out


# --- rotate ------------------------------------------------------------------------------


def test_rotate_prints_the_checklist_and_asks_before_recording(repo: SecretsProject) -> None:
    repo.write(".env.example", "ENCRYPTION_KEY=generate-a-fernet-key\n")
    declined = cli(repo, "rotate", "ENCRYPTION_KEY", stdin="n\n")
    assert declined.returncode == 1
    assert declined.stdout.startswith("Rotating ENCRYPTION_KEY (guide: Secret Rotation, Rotation Procedure, ENCRYPTION_KEY):\n")
    assert "CAUTION: data encrypted with the current key cannot be read" in declined.stdout
    assert "Record ENCRYPTION_KEY as rotated on" in declined.stdout
    assert "not confirmed; the schedule is unchanged" in declined.stderr
    assert not (repo.path / ".secrets-rotation.toml").exists()
    day = (TODAY - datetime.timedelta(days=30)).isoformat()
    ok(cli(repo, "rotate", "ENCRYPTION_KEY", "--date", day, stdin="y\n"))
    assert (repo.path / ".secrets-rotation.toml").read_text().endswith(
        f"[keys.ENCRYPTION_KEY]\nevery = \"on-compromise\"\nlast_rotated = {day}\n")
    assert outcomes(audit(repo))["rotation"] == "passed"


def test_rotate_refuses_a_key_the_project_does_not_declare_and_a_future_date(project: SecretsProject) -> None:
    project.env(".env", SECRET_KEY=fake_token())
    undeclared = cli(project, "rotate", "SECERT_KEY", "-y")
    assert undeclared.returncode == 1 and "SECERT_KEY is not declared" in undeclared.stderr
    future = cli(project, "rotate", "SECRET_KEY", "-y", "--date", (TODAY + datetime.timedelta(days=1)).isoformat())
    assert future.returncode == 2 and "is in the future" in future.stderr


DAY = datetime.date(2026, 3, 4)


@pytest.mark.parametrize(("before", "after"), [
    pytest.param("[keys.SECRET_KEY]\nevery = \"1y\"\nlast_rotated = 2025-01-01  # note\nowner = \"ops\"\n",
                 "[keys.SECRET_KEY]\nevery = \"1y\"\nlast_rotated = 2026-03-04  # note\nowner = \"ops\"\n", id="table"),
    pytest.param("[keys.SECRET_KEY]\nlast_rotated = \"2025-01-01\"\n\n[defaults]\nevery = \"1y\"\n",
                 "[keys.SECRET_KEY]\nlast_rotated = \"2026-03-04\"\n\n[defaults]\nevery = \"1y\"\n", id="quoted"),
    pytest.param("[keys.SECRET_KEY]\nevery = \"on-compromise\"\n",
                 "[keys.SECRET_KEY]\nlast_rotated = 2026-03-04\nevery = \"on-compromise\"\n", id="table-without-date"),
    pytest.param("[keys]\nSECRET_KEY = { every = \"90d\", last_rotated = 2025-01-01 }  # c\nA = { every = \"1y\", last_rotated = 2025-01-01 }\n",
                 "[keys]\nSECRET_KEY = { every = \"90d\", last_rotated = 2026-03-04 }  # c\nA = { every = \"1y\", last_rotated = 2025-01-01 }\n",
                 id="inline"),
    pytest.param("[keys]\nSECRET_KEY = { every = \"on-compromise\" }\n",
                 "[keys]\nSECRET_KEY = { every = \"on-compromise\", last_rotated = 2026-03-04 }\n", id="inline-without-date"),
    pytest.param("[defaults]\nevery = \"6m\"\n\n[keys]\nA = { last_rotated = 2025-01-01 }",
                 "[defaults]\nevery = \"6m\"\n\n[keys]\nA = { last_rotated = 2025-01-01 }\n\n[keys.SECRET_KEY]\nlast_rotated = 2026-03-04\n",
                 id="new-entry-with-defaults"),
    pytest.param("", "# When each secret was last rotated, checked by pytest --secrets-audit (rotation).\n"
                 "# Key names, intervals and dates only: never a value.\n\n[keys.SECRET_KEY]\nevery = \"1y\"\nlast_rotated = 2026-03-04\n",
                 id="new-file"),
])
def test_rotate_edits_the_schedule_as_text(before: str, after: str) -> None:
    assert record(before, "SECRET_KEY", DAY) == after
    assert record(after, "SECRET_KEY", DAY) is None


def test_rotate_will_not_edit_a_broken_schedule() -> None:
    with pytest.raises(CommandError, match="not valid TOML"):
        record("[keys.SECRET_KEY\n", "SECRET_KEY", DAY)


# --- the editors, directly ---------------------------------------------------------------


def test_replace_value_keeps_every_other_byte() -> None:
    text = "\ufeff# c\nA=1\n\n\nexport B=\"x y\"  # note\nC='multi\nline'\nnot valid\nD\nE= # empty\nF=\r\nG"
    assert replace_value(text, "B", "new") == text.replace('"x y"', '"new"')
    assert replace_value(text, "D", "new") == text.replace("\nD\n", "\nD=new\n")
    assert replace_value(text, "E", "new") == text.replace("E= # empty", "E= new # empty")
    assert replace_value(text, "C", "new") == text.replace("'multi\nline'", "'new'")
    assert replace_value(text, "H", "new") == text + "\nH=new\n"
    assert replace_value("A=1\r\n", "H", "new") == "A=1\r\nH=new\r\n"
    with pytest.raises(EnvEditError):
        replace_value("A=1\n", "A", "two words # and a comment")


def test_add_hook_refuses_what_it_cannot_append_to() -> None:
    assert hook_state(add_hook("default_stages: [pre-commit]\n", "1.5.0", ".secrets.baseline")).baseline == ".secrets.baseline"
    with pytest.raises(HookEditError):
        add_hook("repos:\n", "1.5.0", ".secrets.baseline")


def test_main_in_process_returns_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert main([]) == 2
    assert "usage: pytest-secrets" in capsys.readouterr().err


def test_the_plugin_does_not_import_the_command() -> None:
    code = "import sys, pytest_secrets.plugin; print(sorted(m for m in sys.modules if m.startswith('pytest_secrets.cli')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ), check=True)
    assert result.stdout.strip() == "[]"
