"""Judgements about key names and values."""

from __future__ import annotations

import pytest

from pytest_secrets import classify, strength

from helpers import fake_fernet_key, fake_token


@pytest.mark.parametrize(
    "key", ["OPENAI_API_KEY", "SECRET_KEY", "DB_PASSWORD", "GITHUB_TOKEN", "MINIO_ROOT_PASSWORD", "stripeApiKey",
            "AWS_SECRET_ACCESS_KEY", "SENTRY_DSN", "JWT_SECRET"],
)
def test_secret_names(key: str) -> None:
    assert classify.name_looks_secret(key)


@pytest.mark.parametrize(
    "key", ["OPENAI_BASE_URL", "S3_ENDPOINT_URL", "LOG_LEVEL", "SECRET_KEY_FILE", "TOKEN_EXPIRY_MINUTES",
            "JWT_ALGORITHM", "MONKEY", "DEBUG"],
)
def test_public_names(key: str) -> None:
    assert not classify.name_looks_secret(key)


@pytest.mark.parametrize(
    "value",
    ["sk-...your-key-here...", "generate-a-32-char-random-string", "generate-a-32-byte-fernet-key", "changeme", "",
     "${OPENAI_API_KEY}", "$SECRET", "{{ vault_secret }}", "<your token>", "xxxxxxxx", "postgresql://user:password@localhost:5432/agents",
     "postgresql://app:${DB_PASSWORD}@db/app", "your-minio-user", None],
)
def test_placeholders(value: str | None) -> None:
    assert classify.is_placeholder(value)


@pytest.mark.parametrize("value", ["q8Rxxx2LmHereTokfake9", "Zk3-4hEre_9yourZ", "abcTODOxyz0123456789"])
def test_placeholder_words_inside_random_tokens_do_not_count(value: str) -> None:
    assert not classify.is_placeholder(value)


def test_real_values_are_not_placeholders() -> None:
    assert not classify.is_placeholder(fake_token(40))
    assert not classify.is_placeholder(f"postgresql://app:{fake_token(16)}@db:5432/app")
    assert classify.url_password(f"postgresql://app:{'p%40ss' + 'w0rd!'}@db/app") == "p@ssw0rd!"


def test_signing_rule() -> None:
    assert strength.weaknesses(fake_token(43), "signing") == []
    assert "characters long" in strength.weaknesses("short-but-real-9f", "signing")[0][0]
    assert "low entropy" in strength.weaknesses("a" * 20 + "b" * 20, "signing")[0][0]
    assert "low entropy" in strength.weaknesses("abcdefghijklmnopqrstuvwxyz0123456789", "signing")[0][0]
    assert "insecure default" in strength.weaknesses("django-insecure-" + fake_token(40), "signing")[0][0]


def test_fernet_rule() -> None:
    assert strength.weaknesses(fake_fernet_key(), "fernet") == []
    assert strength.is_fernet_key(fake_fernet_key())
    assert not strength.is_fernet_key(fake_token(44))
    assert not strength.is_fernet_key(fake_fernet_key()[:-2] + "==")


def test_project_rules_come_before_builtins() -> None:
    from pytest_secrets.settings import StrengthRule

    assert strength.rule_for("SECRET_KEY", ()) == "signing"
    assert strength.rule_for("APP_ENCRYPTION_KEY", ()) == "fernet"
    assert strength.rule_for("OPENAI_API_KEY", ()) == "nonempty"
    assert strength.rule_for("SECRET_KEY", (StrengthRule("SECRET_*", "none"),)) == "none"
