"""Canary values: shapes, which keys get one, and restoring the environment."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from pytest_secrets.inventory import build_inventory
from pytest_secrets.leakguard import canary
from pytest_secrets.settings import AuditSettings
from pytest_secrets.strength import is_fernet_key

EXAMPLE = """\
OPENAI_API_KEY=sk-...your-key-here...
OPENAI_BASE_URL=https://api.openai.com/v1
SECRET_KEY=generate-a-32-char-random-string
ENCRYPTION_KEY=generate-a-32-byte-fernet-key
DATABASE_URL=postgresql://user:password@db.internal:6543/agents  # pragma: allowlist secret
MINIO_ROOT_PASSWORD=your-minio-password
"""


def settings_for(root: Path) -> AuditSettings:
    (root / ".env.example").write_text(EXAMPLE)
    return AuditSettings(enabled=True, root=root)


def test_each_kind_has_its_shape() -> None:
    for _ in range(20):
        openai = canary.openai_key()
        assert openai.startswith("sk-canary") and len(openai) == 51 and openai[3:].isalnum()
        assert is_fernet_key(canary.fernet_key()) and canary.fernet_key().startswith("canary")
        signing = canary.signing_key()
        assert len(signing) == 43 and signing.startswith("canary")
    assert canary.openai_key() != canary.openai_key()


def test_a_database_url_keeps_the_example_shape_with_a_canary_password() -> None:
    url = urllib.parse.urlsplit(canary.database_url("postgresql://user:password@db.internal:6543/agents"))
    assert (url.scheme, url.hostname, url.port, url.path) == ("postgresql", "db.internal", 6543, "/agents")
    assert url.username == "canary" and url.password and url.password.startswith("canary")
    assert canary.database_url(None).startswith("postgresql://canary:canary")


def test_plant_sets_unset_secret_keys_only_and_restore_undoes_it(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    (tmp_path / ".env").write_text("SECRET_KEY=" + "k" * 10 + "Zq9" * 10 + "\n")
    environ = {"MINIO_ROOT_PASSWORD": "already-set-value", "PATH": "/bin"}  # pragma: allowlist secret
    before = dict(environ)
    planted = canary.plant(build_inventory(settings, environ), settings, environ)
    assert sorted(planted.values) == ["DATABASE_URL", "ENCRYPTION_KEY", "OPENAI_API_KEY"]
    assert "SECRET_KEY" not in environ  # a real value in .env wins: not replaced
    assert environ[canary.PLANTED_KEYS_VARIABLE] == "OPENAI_API_KEY,ENCRYPTION_KEY,DATABASE_URL"
    keys = {secret.key for secret in planted.secret_values()}
    assert "DATABASE_URL (password)" in keys
    assert "canary" not in repr(planted).lower().replace("plantedcanaries", "")
    planted.restore(environ)
    assert environ == before


def test_a_worker_replaces_the_canaries_it_inherited(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    environ: dict[str, str] = {}
    controller = canary.plant(build_inventory(settings, environ), settings, environ)
    inherited = dict(environ)
    worker = canary.plant(build_inventory(settings, environ), settings, environ)
    assert set(worker.values) == set(controller.values)
    assert all(worker.values[key] != controller.values[key] for key in worker.values)
    worker.restore(environ)
    assert environ == inherited
