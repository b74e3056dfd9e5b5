"""A SecretValue never shows, pickles or formats its plaintext."""

from __future__ import annotations

import pickle

import pytest

from pytest_secrets.values import SecretValue, fingerprint_of


def test_secret_value_masks_itself_everywhere() -> None:
    plain = "token-" + "k" * 30
    secret = SecretValue("API_TOKEN", plain, ".env:2")
    for shown in (str(secret), repr(secret), f"{secret}", f"{secret!r}", "%s" % secret, str([secret])):
        assert plain not in shown
    assert "API_TOKEN" in repr(secret) and secret.fingerprint in repr(secret)
    assert secret.reveal() == plain
    assert secret.fingerprint == fingerprint_of(plain) and len(secret.fingerprint) == 10


def test_secret_value_refuses_pickling() -> None:
    with pytest.raises(TypeError, match="never be pickled"):
        pickle.dumps(SecretValue("K", "value-value", "test"))


def test_equal_values_compare_equal_without_revealing() -> None:
    assert SecretValue("A", "same-value", ".env") == SecretValue("B", "same-value", ".env.prod")
    assert SecretValue("A", "same-value", ".env") != SecretValue("A", "other-value", ".env")
