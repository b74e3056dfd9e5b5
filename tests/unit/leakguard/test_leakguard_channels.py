"""Live channels: log records masked as they are made, and the masking stream."""

from __future__ import annotations

import io
import logging
import warnings

from helpers import fake_token

from pytest_secrets.leakguard.channels import MaskingStream, WarningRecorder, inspect_record
from pytest_secrets.leakguard.guard import Leak, LeakGuard
from pytest_secrets.values import SecretValue


def make_guard() -> tuple[LeakGuard, str]:
    value = fake_token()
    return LeakGuard([SecretValue("API_KEY", value, "test")]), value


def record(msg: str, *args: object, exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("app", logging.WARNING, "/src/app.py", 7, msg, args, exc_info)  # type: ignore[arg-type]


def test_a_record_with_percent_args_is_reported_and_masked() -> None:
    guard, value = make_guard()
    seen: list[Leak] = []
    item = record("key=%s user=%s", value, "alice")
    inspect_record(item, guard, seen.extend, lambda: "call")
    assert item.getMessage() == "key=[REDACTED:API_KEY] user=alice"
    (leak,) = seen
    assert leak.channel == "log record (logger app, level WARNING)" and leak.location.endswith("app.py:7")


def test_exception_info_is_masked_through_exc_text() -> None:
    guard, value = make_guard()
    seen: list[Leak] = []
    try:
        raise ValueError(f"bad key {value}")
    except ValueError as error:
        item = record("failed", exc_info=(type(error), error, error.__traceback__))
    inspect_record(item, guard, seen.extend, lambda: "teardown")
    formatted = logging.Formatter().format(item)
    assert value not in formatted and "[REDACTED:API_KEY]" in formatted
    assert seen[0].channel.endswith("exception info") and seen[0].when == "teardown"


def test_a_clean_record_is_untouched() -> None:
    guard, _ = make_guard()
    seen: list[Leak] = []
    item = record("hello %s", "world")
    inspect_record(item, guard, seen.extend, lambda: "call")
    assert item.args == ("world",) and not seen


def test_the_masking_stream_masks_each_write() -> None:
    guard, value = make_guard()
    seen: list[Leak] = []
    target = io.StringIO()
    stream = MaskingStream(target, "stdout", guard, seen.extend, lambda: "call")
    print("key", value, file=stream)
    print("clean", file=stream)
    assert target.getvalue() == "key [REDACTED:API_KEY]\nclean\n"
    assert seen[0].channel == "stdout (uncaptured)"
    assert stream.getvalue() == target.getvalue()  # everything else is delegated


def test_the_warning_recorder_holds_warnings_back_and_puts_the_hook_back() -> None:
    recorder = WarningRecorder()
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        original = warnings.showwarning
        caught = recorder.start()
        warnings.warn("held back", UserWarning)
        recorder.stop()
        assert warnings.showwarning is original
    assert [(str(message.message), message.category) for message in caught] == [("held back", UserWarning)]
