"""The guard's core: watched values, leak records, the failure text."""

from __future__ import annotations

import pytest
from helpers import fake_token

from pytest_secrets.leakguard.guard import LEAK_FIX, Leak, LeakGuard, render_leaks
from pytest_secrets.values import SecretValue


def test_an_empty_guard_is_falsy_and_finds_nothing() -> None:
    guard = LeakGuard()
    assert not guard
    assert not guard.contains("anything at all")
    assert guard.leaks("anything", "stdout", None, "call") == []


def test_leaks_name_key_channel_place_and_form_never_the_value() -> None:
    value = fake_token()
    guard = LeakGuard([SecretValue("API_KEY", value, "test")])
    leaks = guard.leaks(f"a {value} b {value}", "stdout", "app.py:3", "call")
    assert len(leaks) == 1  # one per key and form
    text = leaks[0].render() + render_leaks(leaks)
    assert value not in text
    assert "API_KEY [fp " in text and "in stdout at app.py:3 (raw)" in text
    assert LEAK_FIX in render_leaks(leaks)


def test_a_leak_travels_as_plain_data() -> None:
    leak = Leak("K", "0123456789", "base64", "warning (UserWarning)", "a.py:1", "setup", canary=True)
    assert Leak.from_json(leak.to_json()) == leak
    assert leak.render().endswith("(base64, during setup, canary)")


def test_registered_values_are_watched_and_canaries_recognised() -> None:
    guard = LeakGuard()
    planted = fake_token()
    guard.add([SecretValue("CANARY_KEY", planted, "canary")], canary=True)
    registered = guard.register("SESSION", fake_token())
    assert guard.contains(f"x{registered.reveal()}x")
    (leak,) = guard.leaks(planted, "stdout", None, "call")
    assert leak.canary
    assert len(guard.secrets) == 2 and guard.canary_count == 1


def test_a_short_value_cannot_be_registered() -> None:
    with pytest.raises(ValueError, match="at least 6 characters"):
        LeakGuard().register("PIN", "1234")


def test_masking_replaces_every_occurrence() -> None:
    value = fake_token()
    guard = LeakGuard([SecretValue("API_KEY", value, "test")])
    assert guard.mask(f"{value}:{value}") == "[REDACTED:API_KEY]:[REDACTED:API_KEY]"
