"""The secret inventory: declared keys, secret keys, known values."""

from __future__ import annotations

from pathlib import Path

from helpers import fake_token
from pytest_secrets.inventory import build_inventory, find_env_files
from pytest_secrets.settings import AuditSettings


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text)


def test_env_files_exclude_templates_and_put_dotenv_first(tmp_path: Path) -> None:
    for name in (".env.production", ".env", ".env.example", ".env.sample", ".env.local", ".env.staging.template"):
        write(tmp_path, name, "")
    files = find_env_files(AuditSettings(enabled=True, root=tmp_path))
    assert [path.name for path in files] == [".env", ".env.local", ".env.production"]


def test_secret_keys_by_name_value_and_settings(tmp_path: Path) -> None:
    password = fake_token(20)
    write(tmp_path, ".env.example", "OPENAI_API_KEY=\nDATABASE_URL=\nLOG_LEVEL=info\nWEBHOOK_SIGNING=\nSTRIPE_KEY_ID=\n")
    write(tmp_path, ".env", f"DATABASE_URL=postgresql://app:{password}@db/app\nLOG_LEVEL=debug\n")
    settings = AuditSettings(enabled=True, root=tmp_path, secret_keys=("WEBHOOK_*",), public_keys=("OPENAI_*",))
    inventory = build_inventory(settings, {})
    assert sorted(inventory.secret_key_names) == ["DATABASE_URL", "WEBHOOK_SIGNING"]


def test_known_secrets_skip_placeholders_and_add_url_passwords(tmp_path: Path) -> None:
    password, token = fake_token(20), fake_token(40)
    write(tmp_path, ".env.example", "API_TOKEN=your-token\nDATABASE_URL=\nSECRET_KEY=\nUNSET_TOKEN=\n")
    write(tmp_path, ".env", f"API_TOKEN={token}\nDATABASE_URL=postgresql://app:{password}@db/app\nSECRET_KEY=changeme\n")
    environ = {"UNSET_TOKEN": "from-the-environment-1234", "UNRELATED_TOKEN": fake_token()}
    inventory = build_inventory(AuditSettings(enabled=True, root=tmp_path), environ)
    known = {(secret.key, secret.source): secret.reveal() for secret in inventory.known_secrets()}
    assert known == {
        ("API_TOKEN", ".env:1"): token,
        ("DATABASE_URL", ".env:2"): f"postgresql://app:{password}@db/app",
        ("DATABASE_URL (password)", ".env:2"): password,
        ("UNSET_TOKEN", "environment"): "from-the-environment-1234",
    }
    assert "UNRELATED_TOKEN" not in inventory.environment  # only declared keys are read


def test_environment_can_be_switched_off(tmp_path: Path) -> None:
    write(tmp_path, ".env.example", "API_TOKEN=\n")
    inventory = build_inventory(AuditSettings(enabled=True, root=tmp_path, use_environment=False), {"API_TOKEN": "x" * 9})
    assert inventory.environment == {}
