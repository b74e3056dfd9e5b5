"""The bundled example shows what the README promises: the env checks fail, naming keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "webapp"
ENV_CHECKS = "env-parity or example-placeholders or distinct-environments or secret-strength or test_config"


def test_the_webapp_example_fails_the_env_checks_as_documented(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--secrets-audit", str(EXAMPLE), "-k", ENV_CHECKS,
         "-p", "no:cacheprovider", "-o", "secrets_leak_guard=false"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )
    out = result.stdout
    assert result.returncode == 1, out
    for expected in (
        ".env.development:15 FEATURE_FLAGS_TOKEN: set in .env.development but not documented in .env.example",
        "agents/config.py:10 SENTRY_DSN: read by the code but not documented in .env.example",
        ".env.example:10 DATABASE_URL: holds a URL with a real-looking password, not a placeholder",
        ".env.production:2 DATABASE_URL (password): same value in .env.development:9 (development) and here (production)",
        ".env.development:6 SECRET_KEY: is 15 characters long; signing keys need 32 or more",
        ".env.development:8 ENCRYPTION_KEY: is not a valid Fernet key",
        ".env.development:12 MINIO_ROOT_PASSWORD: is a well-known insecure default",
        "4 failed, 1 passed",
    ):
        assert expected in out, out


def test_the_webapp_example_as_a_repository_of_its_own(tmp_path: Path) -> None:
    """Copied into a fresh git repository, as a user's project would be, every check fails."""
    import shutil

    project = tmp_path / "webapp"
    shutil.copytree(EXAMPLE, project)
    git = ["git", "-c", "user.name=Example", "-c", "user.email=example@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "example"], cwd=project, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--secrets-audit", "-p", "no:cacheprovider", "-o", "secrets_leak_guard=false"],
        capture_output=True, text=True, cwd=project, timeout=300,
    )
    out = result.stdout
    assert result.returncode == 1, out
    for expected in (
        ".gitignore: git would not ignore files matching '.env' in subfolders",
        ".env.development: is an env file with real values, and git tracks it",
        "docker-compose.yml:19 POSTGRES_PASSWORD: a literal value in the environment of service 'db'",
        "Dockerfile:3 PIP_INDEX_TOKEN: a literal build arg",
        ".github/workflows/ci.yml:10 SECRET_KEY: a literal value in the env of job 'test'",
        ".pre-commit-config.yaml:6: runs detect-secrets without --baseline",
        ".secrets-rotation.toml:10 MINIO_ROOT_PASSWRD: names a key the project does not declare",
        ".env.development:6 commit ",
        "tracked-files          FAILED",
        "10 failed, 1 passed",
    ):
        assert expected in out, out
