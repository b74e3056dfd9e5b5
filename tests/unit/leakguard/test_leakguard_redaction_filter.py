"""The redactor's clean-text window filter never hides a form that is present."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_secrets.redaction import GRAM, Redactor
from pytest_secrets.values import SecretValue


@pytest.mark.parametrize("use_re2", [False, True], ids=["window filter", "re2"])
def test_a_form_is_found_at_every_offset_and_every_length_around_the_window_size(use_re2: bool) -> None:
    alphabet = string.ascii_letters
    # Up to 6 * GRAM: the window grows with the shortest form (about half of it).
    for length in range(6, 6 * GRAM):
        value = "".join(alphabet[(index * 7) % len(alphabet)] for index in range(length))
        redactor = Redactor([SecretValue("K", value, "test")], use_re2=use_re2)
        for offset in range(max(2 * GRAM, length + 2)):
            text = "-" * offset + value + "-" * 3
            assert redactor.contains_secret(text), (length, offset)
            assert redactor.find(text)[0].start == offset


@settings(max_examples=200, deadline=None)
@given(value=st.text(alphabet=string.printable, min_size=6, max_size=60), before=st.text(max_size=50), after=st.text(max_size=50))
def test_the_filter_agrees_with_plain_search(value: str, before: str, after: str) -> None:
    redactor = Redactor([SecretValue("K", value, "test")], use_re2=False)
    assert redactor.contains_secret(before + value + after)
