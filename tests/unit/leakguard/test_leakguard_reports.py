"""Masking JSON-like report data and user properties."""

from __future__ import annotations

from helpers import fake_token

from pytest_secrets.leakguard.guard import LeakGuard
from pytest_secrets.leakguard.reports import mask_data, mask_properties
from pytest_secrets.values import SecretValue


def test_every_string_in_nested_data_is_masked() -> None:
    value = fake_token()
    guard = LeakGuard([SecretValue("API_KEY", value, "test")])
    data = {"sections": [("Captured stdout call", f"x {value}")], "n": 3, "longrepr": {"lines": [value], "x": None}}
    masked = mask_data(data, guard)
    assert value not in repr(masked)
    assert masked["n"] == 3 and masked["longrepr"]["x"] is None
    assert masked["sections"][0] == ("Captured stdout call", "x [REDACTED:API_KEY]")


def test_user_properties_are_judged_by_their_text() -> None:
    value = fake_token()
    guard = LeakGuard([SecretValue("API_KEY", value, "test")])

    class Token:
        def __str__(self) -> str:
            return value

    masked = mask_properties([("a", 1), ("b", Token()), ("c", value)], guard)
    assert masked[0] == ("a", 1)
    assert masked[1] == ("b", "[REDACTED:API_KEY]") and masked[2] == ("c", "[REDACTED:API_KEY]")


def test_the_fallback_masks_a_report_in_place() -> None:
    import pytest

    from pytest_secrets.leakguard.reports import masked_in_place

    value = fake_token()
    guard = LeakGuard([SecretValue("API_KEY", value, "test")])
    report = pytest.TestReport(
        "t.py::t", ("t.py", 0, "t"), {}, "failed", f"E  {value}", "call",
        sections=[("Captured stdout call", value)], user_properties=[("p", value)],
    )
    masked_in_place(report, guard)
    assert value not in repr(report.__dict__)


def test_a_later_report_is_judged_from_its_first_new_section() -> None:
    import pytest

    from pytest_secrets.leakguard.reports import judged_count, report_text

    earlier = "".join(["out", "put of the call"])  # one object, repeated by every later report
    judged = [("Captured stdout call", earlier)]
    same_title_new_text = "".join(["out", "put of the call"])
    report = pytest.TestReport(
        "t.py::t", ("t.py", 0, "t"), {}, "passed", None, "teardown",
        sections=[("Captured stdout call", earlier), ("Captured stdout call", same_title_new_text), ("Captured log teardown", "bye")],
    )
    start = judged_count(report.sections, judged)
    assert start == 1
    assert report_text(report, start) == "output of the call\nbye"
    assert judged_count(report.sections, [("Captured stdout call", same_title_new_text)]) == 0
