"""Hooks that carry a check's counts and cache to the process that may write them.

Built for the history checks; ``pre-commit`` (its scan cache) and ``deploy-files`` (the
files it read) use the same path (``CHECK_NAMES``). Under xdist an audit item runs in a worker, and workers must not write the pytest cache. The
check leaves a JSON report (counts, notes, and the cache payload it could not write: blob
ids, hashes and fingerprints, never a value) in the audit context; the ``makereport``
wrapper attaches it to the call report, which xdist sends to the controller; there
``pytest_runtest_logreport`` writes the cache and keeps the counts, which the audit's
terminal summary and the report file show.
Without xdist the same path runs in one process (the check has already written the cache).

Registered by :func:`register` from the entry point's ``pytest_configure`` when the audit
is on, next to the audit plugin.
"""

from __future__ import annotations

from typing import Any

import pytest

PLUGIN_NAME = "secrets-audit-history"
REPORT_ATTRIBUTE = "secrets_audit_history"
# The checks that leave a report: a "scanned:" summary for the run's summary section, and
# a cache the controller writes (only the first two show a progress line).
CHECK_NAMES = ("git-history", "tracked-files", "pre-commit", "deploy-files")


def register(config: pytest.Config) -> None:
    """Register the plugin once (call from ``pytest_configure`` when the audit is on)."""
    if config.pluginmanager.get_plugin(PLUGIN_NAME) is None:
        config.pluginmanager.register(HistoryReportPlugin(config), PLUGIN_NAME)


class HistoryReportPlugin:
    """Moves the history checks' reports from the item to the controller and prints them."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self.lines: dict[str, dict[str, Any]] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if call.when != "call" or getattr(item, "name", None) not in CHECK_NAMES:
            return report
        from pytest_secrets.audit import CONTEXT_KEY
        from pytest_secrets.history.project import REPORTS_SHARED_NAME

        context = item.config.stash.get(CONTEXT_KEY, None)
        if context is None:
            return report
        reports: dict[str, dict[str, Any]] = context.shared(REPORTS_SHARED_NAME, dict)
        entry = reports.pop(item.name, None)
        if entry is not None:
            setattr(report, REPORT_ATTRIBUTE, {"check": item.name, **entry})
        return report

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Give the checks a progress line on the terminal (not on xdist workers)."""
        if getattr(item, "name", None) not in CHECK_NAMES or hasattr(self._config, "workerinput"):
            return
        from pytest_secrets.audit import CONTEXT_KEY
        from pytest_secrets.history.project import PROGRESS_SHARED_NAME

        context = item.config.stash.get(CONTEXT_KEY, None)
        if context is not None:
            context.shared(PROGRESS_SHARED_NAME, lambda: self._show_progress)

    def _show_progress(self, label: str, done: int, total: int) -> None:
        terminal = self._config.pluginmanager.get_plugin("terminalreporter")
        capture = self._config.pluginmanager.get_plugin("capturemanager")
        if terminal is None or capture is None or not getattr(terminal, "isatty", False):
            return
        with capture.global_and_fixture_disabled():
            terminal.write(f"\r{label}: {done}/{total} blobs" + (" " * 8 if done < total else "\n"))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = getattr(report, REPORT_ATTRIBUTE, None)
        if not isinstance(entry, dict):
            return
        config = self._config
        if hasattr(config, "workerinput"):
            return
        pending = entry.get("cache") or []
        cache = getattr(config, "cache", None)  # absent with -p no:cacheprovider
        if cache is not None:
            from pytest_secrets.context import CACHE_PREFIX

            for write in pending if isinstance(pending, list) else [pending]:
                cache.set(CACHE_PREFIX + str(write["key"]), write["value"])
        self.lines[str(entry.get("check"))] = {"summary": entry.get("summary", ""), "notes": entry.get("notes", [])}
