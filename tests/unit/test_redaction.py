"""The redactor finds and masks every encoded form of a known value."""

from __future__ import annotations

import base64
import binascii
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_secrets.redaction import MIN_WATCHED_LENGTH, Redactor, encoded_forms
from pytest_secrets.values import SecretValue

values = st.text(min_size=MIN_WATCHED_LENGTH, max_size=40)
texts = st.text(max_size=200)


def all_forms(value: str) -> list[str]:
    return [form.text for form in encoded_forms(value)]


def direct_encodings(value: str) -> list[str]:
    """Encodings computed independently of the redactor, as a user's code would produce them."""
    data = value.encode("utf-8", "surrogateescape")
    return [
        value,
        base64.b64encode(data).decode(),
        base64.b64encode(data).decode().rstrip("="),
        base64.urlsafe_b64encode(data).decode(),
        base64.urlsafe_b64encode(data).decode().rstrip("="),
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value),
        binascii.hexlify(data).decode(),
        binascii.hexlify(data).decode().upper(),
    ]


# Both search paths: the RE2 automaton and the pure-Python window filter.
engines = pytest.mark.parametrize("use_re2", [True, False], ids=["re2", "python"])


@engines
@settings(max_examples=300, deadline=None)
@given(value=values, before=texts, after=texts, which=st.integers(min_value=0, max_value=8))
def test_masked_text_contains_no_form(use_re2: bool, value: str, before: str, after: str, which: int) -> None:
    redactor = Redactor([SecretValue("API_KEY", value, "test")], use_re2=use_re2)
    text = before + direct_encodings(value)[which] + after
    masked = redactor.mask(text)
    for form in all_forms(value) + direct_encodings(value):
        assert form not in masked


@engines
@settings(max_examples=200, deadline=None)
@given(value=values, text=texts)
def test_mask_of_arbitrary_text_leaves_no_form(use_re2: bool, value: str, text: str) -> None:
    redactor = Redactor([SecretValue("K", value, "test")], use_re2=use_re2)
    masked = redactor.mask(text + value + text)
    assert not any(form in masked for form in all_forms(value))


@engines
@settings(max_examples=200, deadline=None)
@given(user=st.text(alphabet="abcdefgh", min_size=0, max_size=5), value=values)
def test_value_inside_a_larger_base64_blob_is_found(use_re2: bool, user: str, value: str) -> None:
    # Basic auth: base64("user:password") encodes the password at any offset modulo 3.
    header = base64.b64encode(f"{user}:{value}".encode("utf-8", "surrogateescape")).decode()
    redactor = Redactor([SecretValue("DB_PASSWORD", value, "test")], use_re2=use_re2)
    if len(value.encode("utf-8", "surrogateescape")) >= 9:  # long enough for an aligned core
        assert redactor.find(header), "an aligned base64 core should match"
        assert redactor.mask(header) != header


def test_hits_name_key_and_form_never_the_value() -> None:
    value = "s3cr3t/" + "Q" * 20
    redactor = Redactor([SecretValue("SECRET_KEY", value, ".env:1")])
    text = f"raw {value} b64 {base64.b64encode(value.encode()).decode()} url {urllib.parse.quote(value, safe='')}"
    hits = redactor.find(text)
    assert [hit.form for hit in hits] == ["raw", "base64", "url"]
    assert {hit.key for hit in hits} == {"SECRET_KEY"}
    masked = redactor.mask(text)
    assert masked.count("[REDACTED:SECRET_KEY]") == 3
    assert value not in masked


def test_short_values_are_not_watched() -> None:
    assert not Redactor([SecretValue("PIN", "12345", "test")])
    assert Redactor([SecretValue("PIN", "12345", "test")]).mask("pin 12345") == "pin 12345"


def test_mask_that_would_spell_the_value_falls_back_to_plain_characters() -> None:
    redactor = Redactor([SecretValue("K", "REDACTED", "test")])
    masked = redactor.mask("x REDACTED y")
    assert "REDACTED" not in masked


def test_many_values_clean_text_is_returned_unchanged() -> None:
    secrets_ = [SecretValue(f"KEY_{index}", f"value-{index:04d}-" + "z" * 20, "test") for index in range(50)]
    redactor = Redactor(secrets_)
    text = "nothing to see here\n" * 1000
    assert redactor.mask(text) is text


@engines
def test_text_with_lone_surrogates_is_still_masked(use_re2: bool) -> None:
    value = "tok-" + "W" * 20
    redactor = Redactor([SecretValue("TOKEN", value, "test")], use_re2=use_re2)
    assert redactor.mask("\udcff " + value) == "\udcff [REDACTED:TOKEN]"
