"""Masking what pytest reports: test reports, warnings, and the JUnit XML file as written.

A test report is a tree of pytest's own objects (the failure's traceback entries, locals,
crash line, captured sections, user properties). Rather than walk private classes, we use
the same public round trip xdist uses to ship reports between processes:
``pytest_report_to_serializable`` gives plain JSON-like data, we mask every string in it, and
``pytest_report_from_serializable`` rebuilds a report of the same kind and structure. This
runs only for a report that contains a watched value, which is rare, so its cost does not
matter. The rebuilt report is what our ``pytest_runtest_makereport`` wrapper returns, so every
later consumer (terminal, ``-rA``, JUnit XML, xdist, other plugins' ``pytest_runtest_logreport``)
sees the masked one.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from pytest_secrets.leakguard.guard import LeakGuard


def mask_data(data: Any, guard: LeakGuard) -> Any:
    """Every string in a JSON-like structure masked; other values kept."""
    if isinstance(data, str):
        return guard.mask(data) if guard.contains(data) else data
    if isinstance(data, list):
        return [mask_data(item, guard) for item in data]
    if isinstance(data, tuple):
        return tuple(mask_data(item, guard) for item in data)
    if isinstance(data, dict):
        return {key: mask_data(value, guard) for key, value in data.items()}
    return data


def mask_properties(properties: list[tuple[str, object]], guard: LeakGuard) -> list[tuple[str, object]]:
    """User properties hold any objects; JUnit XML writes ``str(value)``, so that is what we check."""
    masked = []
    for name, value in properties:
        text = value if isinstance(value, str) else str(value)
        masked.append((name, guard.mask(text) if guard.contains(text) else value))
    return masked


def judged_count(sections: list[tuple[str, str]], judged: list[tuple[str, str]]) -> int:
    """How many of ``sections`` come first in the order and are the very ones in ``judged``.

    Every report of a test repeats, first and in order, the captured sections of the earlier
    phases (``judged``: the sections of the last report, already checked): the same string
    objects, so ``is`` tells them apart from a new section with the same title.
    """
    count = 0
    for (_, old), (_, new) in zip(judged, sections):
        if old is not new:
            break
        count += 1
    return count


def report_text(report: pytest.TestReport, start: int = 0) -> str:
    """What a report prints or writes, from section ``start`` on, as one string ("" when nothing)."""
    parts = [content for _, content in report.sections[start:]]
    if report.longrepr is not None:
        parts.append(str(report.longrepr))
    if report.user_properties:
        parts += [f"{name} {value}" for name, value in report.user_properties]
    return parts[0] if len(parts) == 1 else "\n".join(parts)


def masked_report(config: pytest.Config, report: pytest.TestReport, guard: LeakGuard) -> pytest.TestReport:
    """A copy of ``report`` with every watched value masked, of the same class and shape."""
    try:
        data = config.hook.pytest_report_to_serializable(config=config, report=report)
        if data is not None:
            properties = data.pop("user_properties", None)
            data = mask_data(data, guard)
            if properties is not None:
                data["user_properties"] = mask_properties(list(properties), guard)
            rebuilt: pytest.TestReport = config.hook.pytest_report_from_serializable(config=config, data=data)
            return rebuilt
    except Exception:  # a report shape pytest cannot rebuild (a plugin's repr entries): below
        pass
    return masked_in_place(report, guard)


def masked_in_place(report: pytest.TestReport, guard: LeakGuard) -> pytest.TestReport:
    """The fallback: sections and properties masked, the failure flattened to masked text."""
    report.sections = [(title, guard.mask(content)) for title, content in report.sections]
    if report.longrepr is not None and guard.contains(str(report.longrepr)):
        report.longrepr = guard.mask(str(report.longrepr))
    report.user_properties = mask_properties(report.user_properties, guard)
    return report


def masked_warning(message: warnings.WarningMessage, guard: LeakGuard) -> warnings.WarningMessage:
    """The same warning with its text masked (a plain ``UserWarning`` if its class cannot be rebuilt)."""
    text = guard.mask(str(message.message))
    try:
        replacement: Warning = message.category(text)
    except Exception:
        replacement = UserWarning(f"{message.category.__name__}: {text}")
    return warnings.WarningMessage(
        replacement, type(replacement), message.filename, message.lineno, message.file, message.line
    )


def mask_file(path: str | os.PathLike[str], guard: LeakGuard) -> bool:
    """Rewrite a text file pytest wrote (JUnit XML) if it still holds a watched value."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if not guard.contains(text):
        return False
    target.write_text(guard.mask(text), encoding="utf-8")
    return True
