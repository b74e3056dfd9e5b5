"""The live channels: log records as they are made, output written straight to the terminal, warnings.

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

Warnings wait: a :class:`WarningRecorder` holds back the running test's warnings, which the
plugin judges per phase and hands on to pytest, masked, when the test is done.
"""

from __future__ import annotations

import logging
import os
import warnings
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


def inspect_record(
    record: logging.LogRecord, guard: LeakGuard, sink: LeakSink, phase: Callable[[], str], message: str | None = None
) -> None:
    """Check a new record; on a hit, report it and mask the record in place.

    ``message`` is the record's ``getMessage()`` when the caller already has it.
    """
    if message is None:
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
    """Wraps the current log record factory; installed for the session, then put back.

    The installed factory is a plain function (a closure), the cheapest thing to call for
    every record; a clean record costs one ``getMessage()`` and one scan.
    """

    def __init__(self, guard: LeakGuard, sink: LeakSink, phase: Callable[[], str]) -> None:
        self.guard = guard
        self.sink = sink
        self.phase = phase
        self.previous: Callable[..., logging.LogRecord] | None = None
        self.installed: Callable[..., logging.LogRecord] | None = None

    def install(self) -> None:
        previous = self.previous = logging.getLogRecordFactory()
        guard, sink, phase = self.guard, self.sink, self.phase

        def guarded_record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if guard.watching:
                try:
                    message = record.getMessage()
                except Exception:  # a bad format string: logging reports it when the record is handled
                    return record
                if guard.contains(message) or record.exc_info or record.stack_info:
                    inspect_record(record, guard, sink, phase, message)
            return record

        self.installed = guarded_record_factory
        logging.setLogRecordFactory(guarded_record_factory)

    def uninstall(self) -> None:
        if self.previous is None:
            return
        if logging.getLogRecordFactory() is self.installed:
            logging.setLogRecordFactory(self.previous)
        self.previous = self.installed = None


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


class WarningRecorder:
    """Holds back the warnings of the running test until the guard has judged them.

    Started inside pytest's own per-test warnings capture, it takes the place of
    ``warnings.showwarning`` (the documented hook every shown warning goes through), so each
    warning pytest would record lands in :attr:`caught` instead. :meth:`stop` puts the
    previous hook back; the plugin then hands the warnings on, masked. Cheaper per test than a
    ``warnings.catch_warnings`` block, which copies the filters and resets the warnings cache
    (pytest's capture around it already does both).
    """

    def __init__(self) -> None:
        self.caught: list[warnings.WarningMessage] = []
        self._saved: Any = None
        self._hook = self.show  # one bound method, so that ``stop`` can recognise it

    def show(
        self, message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None, line: str | None = None
    ) -> None:
        self.caught.append(warnings.WarningMessage(message, category, filename, lineno, file, line))

    def start(self) -> list[warnings.WarningMessage]:
        self.caught = []
        self._saved = warnings.showwarning
        warnings.showwarning = self._hook
        return self.caught

    def stop(self) -> None:
        """Put the previous hook back (unless someone replaced ours since, and restores it)."""
        if warnings.showwarning is self._hook:
            warnings.showwarning = self._saved
        self._saved = None
