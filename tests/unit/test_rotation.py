"""The rotation schedule format: intervals, dates, lines of problems, the guide's procedures."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_secrets.rotation import Interval, LineIndex, parse_interval, parse_schedule, procedure_for

TODAY = datetime.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("text", "interval"),
    [("90d", Interval(90, "days")), ("12w", Interval(12, "weeks")), ("6 months", Interval(6, "months")),
     ("1Y", Interval(1, "years")), (30, Interval(30, "days")), ("on-compromise", None), ("never", None)],
)
def test_parse_interval(text: object, interval: Interval | None) -> None:
    assert parse_interval(text) == interval


@pytest.mark.parametrize("text", ["yearly", "0d", "-1d", 0, True, 1.5, "1 fortnight"])
def test_bad_intervals(text: object) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


@pytest.mark.parametrize(
    ("start", "interval", "due"),
    [
        (datetime.date(2025, 1, 31), Interval(1, "months"), datetime.date(2025, 2, 28)),
        (datetime.date(2024, 2, 29), Interval(1, "years"), datetime.date(2025, 2, 28)),
        (datetime.date(2025, 11, 15), Interval(3, "months"), datetime.date(2026, 2, 15)),
        (datetime.date(2025, 1, 1), Interval(2, "weeks"), datetime.date(2025, 1, 15)),
    ],
)
def test_calendar_arithmetic(start: datetime.date, interval: Interval, due: datetime.date) -> None:
    assert interval.after(start) == due


def test_both_table_forms_give_the_same_entries_with_their_lines() -> None:
    text = (
        "[defaults]\n"
        "every = \"1y\"\n"
        "[keys.A]\n"
        "last_rotated = 2026-01-01\n"
        "[keys]\n"
        "B = { every = \"30d\", last_rotated = \"2026-06-01\", owner = \"ops\" }\n"
        "\"C.D\" = { every = \"on-compromise\" }\n"
    )
    schedule = parse_schedule(text, TODAY)
    assert schedule.problems == ()
    entries = {entry.key: entry for entry in schedule.entries}
    assert (entries["A"].line, entries["A"].due()) == (3, datetime.date(2027, 1, 1))
    assert (entries["B"].line, entries["B"].due(), entries["B"].owner) == (6, datetime.date(2026, 7, 1), "ops")
    assert (entries["C.D"].line, entries["C.D"].due()) == (7, None)


def test_line_index_finds_fields_in_tables_and_inline() -> None:
    index = LineIndex("[keys.A]\nevery = 1\n\n[keys]\nB = {every = 2}\n")
    assert index.of_field("keys.A", "every") == 2
    assert index.of_table("keys.B") == 5
    assert index.of_field("keys.B", "every") == 5


def test_problems_are_collected_not_raised() -> None:
    text = "[keys]\nA = 3\nB = { every = \"1y\" }\nC = { every = \"2y\", last_rotated = 2030-01-01 }\n"
    schedule = parse_schedule(text, TODAY)
    assert [(p.key, p.line) for p in schedule.problems] == [("A", 2), ("B", 3), ("C", 4)]
    assert schedule.entries == ()


def test_toml_errors_carry_the_line() -> None:
    (problem,) = parse_schedule("[keys]\nA = {\n", TODAY).problems
    assert problem.line == 2 and problem.message.startswith("is not valid TOML")


@pytest.mark.parametrize(
    ("key", "entry"),
    [("OPENAI_API_KEY", "OPENAI_API_KEY"), ("SECRET_KEY", "SECRET_KEY"), ("DJANGO_SECRET_KEY", "SECRET_KEY"),
     ("ENCRYPTION_KEY", "ENCRYPTION_KEY"), ("DATABASE_URL", "DATABASE_URL"), ("SENTRY_DSN", "DATABASE_URL"),
     ("STRIPE_API_KEY", "OPENAI_API_KEY"), ("MINIO_ROOT_PASSWORD", "")],
)
def test_procedure_for(key: str, entry: str) -> None:
    assert procedure_for(key)[0] == entry


@given(
    start=st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)),
    count=st.integers(min_value=1, max_value=60),
    unit=st.sampled_from(["days", "weeks", "months", "years"]),
)
def test_a_due_date_is_later_and_never_more_than_a_few_days_off_the_calendar(
    start: datetime.date, count: int, unit: str
) -> None:
    interval = Interval(count, unit)
    due = interval.after(start)
    assert due > start
    if unit in ("months", "years"):
        months = count * (12 if unit == "years" else 1)
        assert (due.year - start.year) * 12 + due.month - start.month == months
        assert start.day - due.day in range(0, 4)  # clamped to the month's last day at most
