"""The live channels: log records as they are made, and output written straight to the terminal.

Captured output is checked after each phase, from the report. Two channels cannot wait:

Log records. Live logging (``log_cli``) writes each record to the terminal the moment it is
emitted, and handlers the application attached to its own loggers see it even earlier; pytest
has no hook for either. So the guard wraps the log record factory
(``logging.setLogRecordFactory``), which every ``Logger`` calls before any handler or filter
runs. A new record's message (``%``-args applied), exception text and stack text are checked;
when one holds a watched value the leak is recorded, with the logger, level and source line,
and the record is masked in place (``msg`` replaced, ``args`` emptied, ``exc_text`` preset,
which ``logging.Formatter`` uses instead of formatting ``exc_info`` again). Every handler,
pytest's and the application's, then formats the masked record. The cost for a clean record
is one ``getMessage()`` and one scan.

``-s`` / ``--capture=no`` and ``--capture=tee-sys``. Output goes to the real streams, so
``sys.stdout`` and ``sys.stderr`` are wrapped (before pytest's capture starts) by a
:class:`MaskingStream` that checks and masks each ``write``. Known gaps, documented in
``docs/leak-guard.md``: a value split across two ``write`` calls, writes to
``sys.stdout.buffer``, and writes to file descriptors 1 and 2 from C code or subprocesses.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import IO, Any

from pytest_secrets.leakguard.guard import Leak, LeakGuard

LeakSink = Callable[[list[Leak]], None]
_exception_formatter = logging.Formatter()


def record_location(record: logging.LogRecord) -> str:
    path = record.pathname
    try:
        path = os.path.relpath(path)
    except ValueError:
        pass
    return f"{path}:{record.lineno}"


def inspect_record(record: logging.LogRecord, guard: LeakGuard, sink: LeakSink, phase: Callable[[], str]) -> None:
    """Check a new record; on a hit, report it and mask the record in place."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: logging reports it when the record is handled
        return
    leaks: list[Leak] = []
    if not guard.contains(message) and not record.exc_info and not record.stack_info:
        return
    channel = f"log record (logger {record.name}, level {record.levelname})"
    location = record_location(record)
    when = phase()
    if guard.contains(message):
        leaks += guard.leaks(message, channel, location, when)
        record.msg = guard.mask(message)
        record.args = ()
    if record.exc_info and record.exc_info[1] is not None:
        exc_text = _exception_formatter.formatException(record.exc_info)
        if guard.contains(exc_text):
            leaks += guard.leaks(exc_text, f"{channel}, exception info", location, when)
            record.exc_text = guard.mask(exc_text)
    if record.stack_info and guard.contains(record.stack_info):
        leaks += guard.leaks(record.stack_info, f"{channel}, stack info", location, when)
        record.stack_info = guard.mask(record.stack_info)
    if leaks:
        sink(leaks)


class RecordFactory:
    """Wraps the current log record factory; installed for the session, then put back."""

    def __init__(self, guard: LeakGuard, sink: LeakSink, phase: Callable[[], str]) -> None:
        self.guard = guard
        self.sink = sink
        self.phase = phase
        self.previous: Callable[..., logging.LogRecord] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = self.previous(*args, **kwargs)  # type: ignore[misc]
        if self.guard:
            inspect_record(record, self.guard, self.sink, self.phase)
        return record

    def install(self) -> None:
        self.previous = logging.getLogRecordFactory()
        logging.setLogRecordFactory(self)

    def uninstall(self) -> None:
        if self.previous is None:
            return
        if logging.getLogRecordFactory() is self:
            logging.setLogRecordFactory(self.previous)
        self.previous = None


class MaskingStream:
    """A text stream that masks watched values in each ``write`` and reports them."""

    def __init__(self, wrapped: IO[str], name: str, guard: LeakGuard, sink: LeakSink, phase: Callable[[], str]) -> None:
        self._wrapped = wrapped
        self._name = name
        self._guard = guard
        self._sink = sink
        self._phase = phase

    @property
    def wrapped(self) -> IO[str]:
        return self._wrapped

    def write(self, text: str) -> int:
        if self._guard and isinstance(text, str) and self._guard.contains(text):
            self._sink(self._guard.leaks(text, f"{self._name} (uncaptured)", None, self._phase()))
            self._wrapped.write(self._guard.mask(text))
            return len(text)
        return self._wrapped.write(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)
